"""Clocks: the one place the core learns the time, and how to tell sleep from time passing.

The core never reads the system clock itself. It is handed a `Clock` and compares readings:
the monotonic clock stops while the machine is suspended, the boot clock runs through it, so
their difference between two readings is time spent asleep (DESIGN.md, Time).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as day_time
from typing import Protocol

#: Differences smaller than this between the two clocks are jitter, not sleep.
SLEEP_TOLERANCE_SECONDS = 2.0


class Clock(Protocol):
    """A source of time: aware local wall time plus two monotonic readings."""

    def now(self) -> datetime:
        """Local wall time, timezone-aware."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back and stops while the machine sleeps."""
        ...

    def boottime(self) -> float:
        """Seconds on a clock that keeps running while the machine sleeps."""
        ...


class SystemClock:
    """The real clocks of this machine."""

    def now(self) -> datetime:
        """Local wall time, timezone-aware."""
        return datetime.now().astimezone()

    def monotonic(self) -> float:
        """`time.monotonic`: stops during suspend on Linux."""
        return time.monotonic()

    def boottime(self) -> float:
        """CLOCK_BOOTTIME where there is one (Linux), else wall time since the epoch."""
        if hasattr(time, "CLOCK_BOOTTIME"):
            return time.clock_gettime(time.CLOCK_BOOTTIME)
        return time.time()


class ManualClock:
    """A clock moved by hand: `simulate` drives it from a trace, tests drive it step by step."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start time")
        self._wall = start
        self._mono = 1_000.0
        self._boot = 1_000_000.0

    def now(self) -> datetime:
        """The current simulated wall time, in the zone it was last set in."""
        return self._wall

    def monotonic(self) -> float:
        """Simulated monotonic seconds (stop during `suspend`)."""
        return self._mono

    def boottime(self) -> float:
        """Simulated boot-clock seconds (run through `suspend`)."""
        return self._boot

    def advance(self, seconds: float | timedelta) -> None:
        """Let time pass with the machine awake."""
        s = _seconds(seconds)
        if s < 0:
            raise ValueError("time does not run backwards; use set_wall for a clock change")
        self._wall = shift(self._wall, s)
        self._mono += s
        self._boot += s

    def suspend(self, seconds: float | timedelta) -> None:
        """Let time pass with the machine asleep: the monotonic clock stands still."""
        s = _seconds(seconds)
        if s < 0:
            raise ValueError("a suspend cannot be negative")
        self._wall = shift(self._wall, s)
        self._boot += s

    def advance_to(self, at: datetime, *, asleep: bool = False) -> None:
        """Move to wall time `at` (awake or asleep), taking on `at`'s timezone."""
        s = seconds_between(self._wall, at)
        if asleep:
            self.suspend(s)
        else:
            self.advance(s)
        self._wall = at

    def set_wall(self, at: datetime) -> None:
        """Change the wall clock only (a user or NTP setting the time), backwards or forwards."""
        if at.tzinfo is None:
            raise ValueError("wall time must be timezone-aware")
        self._wall = at


@dataclass(frozen=True)
class Reading:
    """All three clocks read at one instant."""

    wall: datetime
    mono: float
    boot: float


@dataclass(frozen=True)
class Elapsed:
    """Time between two readings, split into awake and asleep seconds."""

    awake: float
    asleep: float


def read(clock: Clock) -> Reading:
    """Read every clock of `clock` once."""
    return Reading(clock.now(), clock.monotonic(), clock.boottime())


def elapsed(before: Reading, after: Reading) -> Elapsed:
    """Split the time between two readings into awake and asleep seconds.

    A clock that runs backwards counts as zero elapsed; a gap between the clock that runs
    through suspend and the one that stops is sleep.
    """
    awake = max(0.0, after.mono - before.mono)
    asleep = (after.boot - before.boot) - awake
    if asleep < SLEEP_TOLERANCE_SECONDS:
        asleep = 0.0
    return Elapsed(awake, asleep)


def seconds_between(a: datetime, b: datetime) -> float:
    """Seconds from `a` to `b`, correct across DST changes and differing zones."""
    return (b.astimezone(UTC) - a.astimezone(UTC)).total_seconds()


def next_midnight(now: datetime) -> datetime:
    """The local midnight that starts the day after `now` (in `now`'s zone)."""
    return datetime.combine(now.date() + timedelta(days=1), day_time(0), tzinfo=now.tzinfo)


def shift(at: datetime, seconds: float) -> datetime:
    """`at` moved by real seconds (UTC arithmetic), kept in its own zone."""
    return (at.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(at.tzinfo)


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
