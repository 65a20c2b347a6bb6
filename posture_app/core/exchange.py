"""Export and import: every record as JSON (lossless, for import) or CSV (for spreadsheets)."""

from __future__ import annotations

import csv
import io
import json
import math
import uuid as _uuid
from collections.abc import Callable
from datetime import datetime
from typing import Literal, NoReturn, TypeGuard, TypeVar

from posture_app.core.errors import KnownError
from posture_app.core.model import (
    MAX_NOTE,
    MAX_WATER_ML,
    STIFFNESS_MAX,
    STIFFNESS_MIN,
    Area,
    Kind,
    NaturalBreak,
    Outcome,
    Prompt,
    Session,
    StiffnessRating,
    WaterLog,
)
from posture_app.core.store import Records

FORMAT = "posture-app"
FORMAT_VERSION = 1

CSV_COLUMNS = (
    "record",
    "uuid",
    "start",
    "end",
    "minutes",
    "kind",
    "outcome",
    "score",
    "area",
    "note",
    "ml",
)
#: A cell starting with one of these could run as a formula in a spreadsheet.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

T = TypeVar("T")


class ExchangeError(KnownError, ValueError):
    """An import file that cannot be read; the message names the problem and where."""


# --- export -----------------------------------------------------------------------------------


def to_json(records: Records) -> dict[str, object]:
    """Every record as one JSON object (what `import` reads back)."""
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "sessions": [
            {
                "uuid": s.uuid,
                "start": _iso(s.start),
                "end": _iso(s.end) if s.end else None,
                "sitting_seconds": round(s.sitting_seconds, 3),
                "spans": [[_iso(a), _iso(b)] for a, b in s.spans],
            }
            for s in records.sessions
        ],
        "natural_breaks": [
            {"uuid": b.uuid, "start": _iso(b.start), "end": _iso(b.end)}
            for b in records.natural_breaks
        ],
        "prompts": [
            {
                "uuid": p.uuid,
                "kind": p.kind.value,
                "shown_at": _iso(p.shown_at),
                "outcome": p.outcome.value if p.outcome else None,
                "outcome_at": _iso(p.outcome_at) if p.outcome_at else None,
            }
            for p in records.prompts
        ],
        "water": [{"uuid": w.uuid, "at": _iso(w.at), "ml": w.ml} for w in records.water],
        "stiffness": [
            {
                "uuid": r.uuid,
                "at": _iso(r.at),
                "score": r.score,
                "area": r.area.value if r.area else None,
                "note": r.note,
            }
            for r in records.stiffness
        ],
    }


def to_csv(records: Records) -> str:
    """Every record as one CSV table, safe to open in a spreadsheet."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")
    out.writerow(CSV_COLUMNS)

    def row(**cells: object) -> None:
        out.writerow([_cell(cells.get(c)) for c in CSV_COLUMNS])

    for s in records.sessions:
        end = _iso(s.end) if s.end else None
        minutes = round(s.sitting_seconds / 60, 1)
        row(record="session", uuid=s.uuid, start=_iso(s.start), end=end, minutes=minutes)
    for b in records.natural_breaks:
        minutes = round(b.seconds / 60, 1)
        row(
            record="natural_break",
            uuid=b.uuid,
            start=_iso(b.start),
            end=_iso(b.end),
            minutes=minutes,
        )
    for p in records.prompts:
        row(
            record="prompt",
            uuid=p.uuid,
            start=_iso(p.shown_at),
            end=_iso(p.outcome_at) if p.outcome_at else None,
            kind=p.kind.value,
            outcome=p.outcome.value if p.outcome else None,
        )
    for w in records.water:
        row(record="water", uuid=w.uuid, start=_iso(w.at), ml=w.ml)
    for r in records.stiffness:
        row(
            record="stiffness",
            uuid=r.uuid,
            start=_iso(r.at),
            score=r.score,
            area=r.area.value if r.area else None,
            note=r.note,
        )
    return buf.getvalue()


#: The formats `export` writes.
ExportFormat = Literal["csv", "json"]


def export_text(records: Records, fmt: ExportFormat) -> str:
    """The text `posture-app export --format FMT` writes: "json" (indented, with a final
    newline) or "csv"; the window's Export writes the same."""
    if fmt == "csv":
        return to_csv(records)
    if fmt == "json":
        return json.dumps(to_json(records), ensure_ascii=False, indent=1) + "\n"
    raise ValueError(f"no export format {fmt!r}")


def export_file(records: Records, fmt: ExportFormat) -> bytes:
    """An export as a file's bytes: UTF-8, and for CSV a byte order mark, which tells
    spreadsheets the file is UTF-8."""
    return (("\ufeff" if fmt == "csv" else "") + export_text(records, fmt)).encode("utf-8")


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value  # shown as text, never run as a formula
    return value


# --- import -----------------------------------------------------------------------------------


def from_json(obj: object) -> Records:
    """Check an exported object field by field and turn it into records."""
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise ExchangeError('not a posture-app export (expected "format": "posture-app")')
    version = obj.get("version")
    if not _is_int(version) or version < 1:
        raise ExchangeError('the export has no valid "version"')
    if version > FORMAT_VERSION:
        raise ExchangeError(
            f"the export is from a newer version of posture-app (format {version}; "
            f"this one reads up to {FORMAT_VERSION})"
        )
    return Records(
        sessions=_list(obj, "sessions", _session),
        natural_breaks=_list(obj, "natural_breaks", _break),
        prompts=_list(obj, "prompts", _prompt),
        water=_list(obj, "water", _water),
        stiffness=_list(obj, "stiffness", _stiffness),
    )


class _Row:
    """One record being read, so each problem can name where it is."""

    def __init__(self, where: str, obj: object) -> None:
        if not isinstance(obj, dict):
            raise ExchangeError(f"{where}: expected an object")
        self.where = where
        self.obj = obj

    def fail(self, message: str) -> ExchangeError:
        return ExchangeError(f"{self.where}: {message}")

    def uuid(self) -> str:
        value = self.obj.get("uuid")
        try:
            return str(_uuid.UUID(str(value))) if isinstance(value, str) else _bad()
        except ValueError:
            raise self.fail(f"uuid is not a UUID: {value!r}") from None

    def time(self, key: str, *, optional: bool = False) -> datetime | None:
        value = self.obj.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str):
            raise self.fail(f"{key} must be an ISO 8601 time with a UTC offset")
        try:
            at = datetime.fromisoformat(value)
        except ValueError:
            raise self.fail(f"{key} is not an ISO 8601 time: {value!r}") from None
        if at.tzinfo is None:
            raise self.fail(f"{key} needs a UTC offset: {value!r}")
        return at

    def need_time(self, key: str) -> datetime:
        at = self.time(key)
        assert at is not None
        return at

    def int_in(self, key: str, lo: int, hi: int) -> int:
        value = self.obj.get(key)
        if not _is_int(value) or not lo <= value <= hi:
            raise self.fail(f"{key} must be a whole number from {lo} to {hi} (got {value!r})")
        return int(value)

    def choice(self, key: str, enum: Callable[[str], T], *, optional: bool = False) -> T | None:
        value = self.obj.get(key)
        if value is None and optional:
            return None
        try:
            return enum(value) if isinstance(value, str) else _bad()
        except ValueError:
            raise self.fail(f"{key} has an unknown value {value!r}") from None


def _bad() -> NoReturn:
    raise ValueError


def _list(obj: dict[str, object], key: str, read: Callable[[_Row], T]) -> list[T]:
    items = obj.get(key, [])
    if not isinstance(items, list):
        raise ExchangeError(f"{key} must be a list")
    return [read(_Row(f"{key}[{i}]", item)) for i, item in enumerate(items)]


def _session(r: _Row) -> Session:
    start = r.need_time("start")
    end = r.time("end", optional=True)
    seconds = r.obj.get("sitting_seconds")
    if (
        not isinstance(seconds, int | float)
        or isinstance(seconds, bool)
        or not math.isfinite(seconds)
        or seconds < 0
    ):
        raise r.fail("sitting_seconds must be a number of seconds, 0 or more")
    spans = r.obj.get("spans")
    if not isinstance(spans, list) or not all(
        isinstance(s, list) and len(s) == 2 and all(isinstance(x, str) for x in s) for s in spans
    ):
        raise r.fail("spans must be a list of [start, end] pairs")
    parsed = []
    for i, (a, b) in enumerate(spans):
        pair = _Row(f"{r.where}.spans[{i}]", {"start": a, "end": b})
        sa, sb = pair.need_time("start"), pair.need_time("end")
        if sb < sa:
            raise pair.fail("ends before it starts")
        parsed.append((sa, sb))
    if end is not None and end < start:
        raise r.fail("ends before it starts")
    return Session(r.uuid(), start, end, tuple(parsed), float(seconds))


def _break(r: _Row) -> NaturalBreak:
    start, end = r.need_time("start"), r.need_time("end")
    if end < start:
        raise r.fail("ends before it starts")
    return NaturalBreak(r.uuid(), start, end)


def _prompt(r: _Row) -> Prompt:
    kind = r.choice("kind", Kind)
    assert kind is not None
    outcome = r.choice("outcome", Outcome, optional=True)
    return Prompt(
        r.uuid(), kind, r.need_time("shown_at"), outcome, r.time("outcome_at", optional=True)
    )


def _water(r: _Row) -> WaterLog:
    return WaterLog(r.uuid(), r.need_time("at"), r.int_in("ml", 1, MAX_WATER_ML))


def _stiffness(r: _Row) -> StiffnessRating:
    note = r.obj.get("note", "")
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        raise r.fail(f"note must be text of at most {MAX_NOTE} characters")
    return StiffnessRating(
        r.uuid(),
        r.need_time("at"),
        r.int_in("score", STIFFNESS_MIN, STIFFNESS_MAX),
        r.choice("area", Area, optional=True),
        note,
    )


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _iso(at: datetime) -> str:
    return (
        at.isoformat(timespec="seconds")
        if at.microsecond == 0
        else at.isoformat(timespec="milliseconds")
    )
