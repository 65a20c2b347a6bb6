"""What the app remembers for itself (not user choices): kept apart from settings.json.

A small versioned JSON file, written atomically; a damaged one is moved aside and forgotten.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path

from posture_app.core.files import move_aside, write_private
from posture_app.core.log import get_logger

log = get_logger(__name__)

STATE_VERSION = 1


@dataclass(frozen=True)
class AppState:
    """Remembered between runs: whether the welcome was shown, the last exercise offered."""

    welcomed: bool = False
    last_exercise: str | None = None

    def with_changes(self, **changes: object) -> AppState:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


def load_state(path: Path, *, now: datetime | None = None) -> AppState:
    """Read the state; missing gives a fresh one, damaged is moved aside (never deleted)."""
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return AppState()
    except (OSError, ValueError) as exc:
        return _fresh(path, now, f"unreadable ({exc})")
    if not isinstance(obj, dict) or not isinstance(obj.get("version"), int):
        return _fresh(path, now, "not a state file")
    if obj["version"] > STATE_VERSION:
        log.warning("%s is from a newer version; starting from a fresh state", path)
        return AppState()
    welcomed = obj.get("welcomed")
    last = obj.get("last_exercise")
    return AppState(
        welcomed=welcomed if isinstance(welcomed, bool) else False,
        last_exercise=last if isinstance(last, str) else None,
    )


def save_state(state: AppState, path: Path) -> None:
    """Write the state atomically as a user-only file (errors are logged, not raised)."""
    data = json.dumps({"version": STATE_VERSION, **asdict(state)}, indent=2) + "\n"
    try:
        write_private(path, data.encode("utf-8"))
    except OSError as exc:
        log.warning("could not save %s: %s", path, exc)


def _fresh(path: Path, now: datetime | None, why: str) -> AppState:
    try:
        moved = move_aside(path, now or datetime.now().astimezone())
        log.warning("%s was %s; moved it to %s", path, why, moved)
    except OSError as exc:
        log.warning("%s was %s and could not be moved aside: %s", path, why, exc)
    return AppState()
