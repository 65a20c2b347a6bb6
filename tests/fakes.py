"""The test doubles, one of each: FakeClock, FakeIdle, and `day()` to write traces tersely."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from posture_app.core.clock import ManualClock
from posture_app.core.trace import State, StateLine, StiffnessLine, TraceLine, WaterLine

BERLIN = ZoneInfo("Europe/Berlin")


class FakeClock(ManualClock):
    """The one fake clock of the test suite (the core's ManualClock, started at a local time)."""

    @classmethod
    def at(cls, text: str, tz: ZoneInfo = BERLIN) -> FakeClock:
        """A clock at local wall time `text` (ISO, no offset) in `tz`."""
        return cls(local(text, tz))


def local(text: str, tz: ZoneInfo = BERLIN) -> datetime:
    """Aware local time from ISO text without an offset."""
    return datetime.fromisoformat(text).replace(tzinfo=tz)


def day(
    start: str, *steps: tuple[str, float] | tuple[str, float, int], tz: ZoneInfo = BERLIN
) -> list[TraceLine]:
    """A trace from `start`: each step is (state, minutes), or ("water"|"stiffness", 0, value).

    ("active", 75) holds active for 75 minutes; a log step happens at the current instant.
    The trace ends after the last step.
    """
    at = local(start, tz)
    lines: list[TraceLine] = []
    for step in steps:
        what, minutes = step[0], step[1]
        if what == "water":
            lines.append(WaterLine(at, int(step[2])))  # type: ignore[misc]
        elif what == "stiffness":
            lines.append(StiffnessLine(at, int(step[2])))  # type: ignore[misc]
        else:
            lines.append(StateLine(at, State(what)))
        at = (at.astimezone(ZoneInfo("UTC")) + timedelta(minutes=minutes)).astimezone(tz)
    lines.append(StateLine(at, State.END))
    return lines


class FakeIdle:
    """An idle source the test sets by hand (None: cannot be read)."""

    name = "fake"

    def __init__(self, seconds: float | None = 0.0) -> None:
        self.seconds = seconds

    def idle_seconds(self) -> float | None:
        """What the test set."""
        return self.seconds


class FakeSession:
    """Lock state set by hand; remembers the callback so a test can fire it."""

    name = "fake"

    def __init__(self) -> None:
        self.is_locked = False
        self.changed = None
        self.stopped = False

    def locked(self) -> bool:
        """What the test set."""
        return self.is_locked

    def start(self, changed) -> None:
        """Remember the callback."""
        self.changed = changed

    def stop(self) -> None:
        """Remember that it was stopped."""
        self.stopped = True


class FakePresenting:
    """Full screen / do-not-disturb set by hand."""

    name = "fake"

    def __init__(self) -> None:
        self.on = False
        self.reads = 0

    def presenting(self) -> bool:
        """What the test set (and count the reading: each costs X round trips for real)."""
        self.reads += 1
        return self.on


def aware(text: str) -> datetime:
    """An aware time from ISO text with an offset."""
    at = datetime.fromisoformat(text)
    assert at.tzinfo is not None, text
    return at


def uid(n: int) -> str:
    """A fixed, valid UUID numbered n."""
    return f"00000000-0000-4000-8000-{n:012d}"


def plain(value: object) -> object:
    """Records as plain data, times as ISO text, so offsets are compared too (not just instants)."""
    import dataclasses
    from enum import Enum

    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


# The sample day from DESIGN.md ("Activity traces"), as a trace file gives it (with line ends).
DESIGN_SAMPLE = """\
{"at": "2026-11-23T08:55:00+01:00", "state": "active"}
{"at": "2026-11-23T10:10:00+01:00", "state": "idle"}
{"at": "2026-11-23T10:25:00+01:00", "state": "active"}
{"at": "2026-11-23T12:00:00+01:00", "state": "locked"}
{"at": "2026-11-23T12:40:00+01:00", "state": "asleep"}
{"at": "2026-11-23T13:10:00+01:00", "state": "active"}
{"at": "2026-11-23T15:00:00+01:00", "state": "presenting"}
{"at": "2026-11-23T15:45:00+01:00", "state": "active"}
{"at": "2026-11-23T16:00:00+01:00", "stiffness": 4}
{"at": "2026-11-23T16:30:00+01:00", "water_ml": 250}
{"at": "2026-11-23T17:30:00+01:00", "state": "end"}
"""


def real_gsettings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, schema_id: str, xml: str
) -> str:
    """The real gsettings, reading one schema of ours and storing into a key file (the temp HOME).

    Returns the tool's path. Needs Debian's libglib2.0-bin (`.ci/run` installs it).
    """
    tool = shutil.which("gsettings")
    assert tool is not None, "gsettings (Debian package libglib2.0-bin) is needed"
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / f"{schema_id}.gschema.xml").write_text(xml, encoding="utf-8")
    subprocess.run(["glib-compile-schemas", str(schemas)], check=True)
    monkeypatch.setenv("GSETTINGS_SCHEMA_DIR", str(schemas))
    monkeypatch.setenv("GSETTINGS_BACKEND", "keyfile")
    return tool
