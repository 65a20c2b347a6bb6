"""Activity traces for `simulate`: JSON Lines of states and things the user logs (DESIGN.md)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum, auto
from typing import TypeGuard

from posture_app.core.errors import KnownError
from posture_app.core.model import MAX_WATER_ML, STIFFNESS_MAX, STIFFNESS_MIN, Area


class State(StrEnum):
    """What the user and the machine are doing from a trace line to the next state line."""

    ACTIVE = auto()
    IDLE = auto()
    LOCKED = auto()
    ASLEEP = auto()
    PRESENTING = auto()
    END = auto()


@dataclass(frozen=True)
class StateLine:
    """From `at` on, the machine is in `state`."""

    at: datetime
    state: State


@dataclass(frozen=True)
class StiffnessLine:
    """The user rates their stiffness at `at`."""

    at: datetime
    score: int
    area: Area | None = None
    note: str = ""


@dataclass(frozen=True)
class WaterLine:
    """The user logs water at `at`."""

    at: datetime
    ml: int


TraceLine = StateLine | StiffnessLine | WaterLine


class TraceError(KnownError, ValueError):
    """A trace that cannot be played; the message names the line."""


def parse_trace(lines: Iterable[str], name: str = "trace") -> list[TraceLine]:
    """Read and check a whole trace; raise TraceError naming the first bad line."""
    out: list[TraceLine] = []
    ended = False
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        where = f"{name} line {number}"
        if ended:
            raise TraceError(f"{where}: nothing may follow the 'end' state")
        item = _parse_line(raw, where)
        if out and item.at < out[-1].at:
            raise TraceError(
                f"{where}: out of time order ({_iso(item.at)} is before {_iso(out[-1].at)})"
            )
        ended = isinstance(item, StateLine) and item.state is State.END
        out.append(item)
    if not out:
        raise TraceError(f"{name}: the trace is empty")
    return out


def _parse_line(raw: str, where: str) -> TraceLine:
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise TraceError(f"{where}: not valid JSON ({exc.msg})") from None
    if not isinstance(obj, dict):
        raise TraceError(f"{where}: expected a JSON object")
    at = _parse_at(obj.get("at"), where)
    keys = {"state", "stiffness", "water_ml"} & obj.keys()
    if len(keys) != 1:
        raise TraceError(f"{where}: needs exactly one of 'state', 'stiffness' or 'water_ml'")
    known = {"at"} | keys | ({"area", "note"} if "stiffness" in keys else set())
    unknown = sorted(set(obj) - known)
    if unknown:
        raise TraceError(f"{where}: unknown field '{unknown[0]}'")
    if "state" in keys:
        try:
            return StateLine(at, State(obj["state"]))
        except (ValueError, TypeError):
            choices = ", ".join(s.value for s in State)
            raise TraceError(
                f"{where}: state must be one of {choices} (got {obj['state']!r})"
            ) from None
    if "water_ml" in keys:
        ml = obj["water_ml"]
        if not _is_int(ml) or not 1 <= ml <= MAX_WATER_ML:
            raise TraceError(f"{where}: water_ml must be a whole number from 1 to {MAX_WATER_ML}")
        return WaterLine(at, ml)
    score = obj["stiffness"]
    if not _is_int(score) or not STIFFNESS_MIN <= score <= STIFFNESS_MAX:
        raise TraceError(
            f"{where}: stiffness must be a whole number from {STIFFNESS_MIN} to {STIFFNESS_MAX}"
        )
    area = obj.get("area")
    if area is not None:
        try:
            area = Area(area)
        except ValueError:
            choices = ", ".join(a.value for a in Area)
            raise TraceError(f"{where}: area must be one of {choices}") from None
    note = obj.get("note", "")
    if not isinstance(note, str):
        raise TraceError(f"{where}: note must be text")
    return StiffnessLine(at, score, area, note)


def _parse_at(value: object, where: str) -> datetime:
    if not isinstance(value, str):
        raise TraceError(f"{where}: needs 'at', an ISO 8601 time with a UTC offset")
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise TraceError(f"{where}: 'at' is not an ISO 8601 time: {value!r}") from None
    if at.tzinfo is None:
        raise TraceError(f"{where}: 'at' needs a UTC offset, like +01:00: {value!r}")
    return at


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="seconds")
