"""Generate a realistic, deterministic activity trace of N office workdays (JSON Lines).

Run from the repository root:

    .venv/bin/python bench/make_trace.py --days 250 --seed 1 > trace.jsonl

The trace follows DESIGN.md ("Activity traces"): one JSON object per line, in time order, each
with an `at` carrying the local UTC offset of its moment (Europe/Berlin, so the offset changes
from +01:00 to +02:00 and back across DST). Workdays are Monday to Friday from Monday 2025-11-24.

A day: arrive between 08:00 and 09:30 (`active`), work in stretches of 20-120 minutes with short
idles of 1-4 minutes inside and between them (too short to be natural breaks), real breaks
(`idle` 5-20 minutes), a lunch (`locked` 30-60 minutes, sometimes followed by `asleep` 20-40
minutes), on some afternoons a meeting (`presenting` 30-60 minutes), a few `water_ml` lines, a
morning `stiffness` line on most days and an evening one on some, and leave between 16:30 and
18:30 (`idle` until the next morning). The last line is the `end` state.

The same seed always gives the same trace; `generate()` is what `bench/run.py` uses.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TextIO
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Europe/Berlin")
FIRST_DAY = date(2025, 11, 24)  # a Monday
MIN = 60  # seconds


@dataclass(frozen=True)
class Segment:
    """A state holding from `start` to `end` (UTC)."""

    start: datetime
    end: datetime
    state: str


@dataclass(frozen=True)
class Point:
    """Something the user logs at `at` (UTC): one of water_ml or stiffness."""

    at: datetime
    field: str
    value: int


@dataclass(frozen=True)
class Day:
    """One generated workday: its states from arrival to leaving, and what was logged."""

    day: date
    segments: list[Segment]
    points: list[Point]


def workdays(first: date, n: int) -> Iterator[date]:
    """`n` Monday-to-Friday dates from `first` on (weekends skipped, no holidays)."""
    day = first
    count = 0
    while count < n:
        if day.weekday() < 5:
            yield day
            count += 1
        day += timedelta(days=1)


def local(day: date, minutes: float) -> datetime:
    """`day` at `minutes` after local midnight in Berlin, as an aware UTC datetime."""
    whole = round(minutes * 60)
    naive = datetime.combine(day, time(0)) + timedelta(seconds=whole)
    return naive.replace(tzinfo=ZONE).astimezone(UTC)


def _secs(rng: random.Random, lo_min: float, hi_min: float) -> timedelta:
    return timedelta(seconds=round(rng.uniform(lo_min, hi_min) * MIN))


def _work(rng: random.Random, out: list[Segment], start: datetime, end: datetime) -> None:
    """Fill [start, end) with active stretches, short idles inside them, and breaks between.

    Between stretches comes a real break (5-20 min: a natural break) or a short idle (1-4 min:
    still sitting); nobody sits more than about 100 minutes without getting up.
    """
    t = start
    since_break = start
    while t < end:
        stretch = _secs(rng, 20, 120)
        final = end - (t + stretch) < timedelta(minutes=25)
        stop = end if final else t + stretch
        _stretch(rng, out, t, stop)
        if final:
            return
        if rng.random() < 0.6 or stop - since_break >= timedelta(minutes=100):
            gap = _secs(rng, 5, 20)
            since_break = stop + gap
        else:
            gap = _secs(rng, 1, 4)
        out.append(Segment(stop, stop + gap, "idle"))
        t = stop + gap


def _stretch(rng: random.Random, out: list[Segment], start: datetime, end: datetime) -> None:
    """One active stretch, with a short idle (1-4 min) every 8-45 minutes or so."""
    t = start
    while True:
        pause_at = t + _secs(rng, 8, 45)
        pause = _secs(rng, 1, 4)
        if pause_at + pause + timedelta(minutes=5) > end:
            out.append(Segment(t, end, "active"))
            return
        out.append(Segment(t, pause_at, "active"))
        out.append(Segment(pause_at, pause_at + pause, "idle"))
        t = pause_at + pause


def make_day(rng: random.Random, day: date) -> Day:
    """One workday from arrival to leaving."""
    arrive = local(day, rng.uniform(8 * 60, 9.5 * 60))
    lunch = local(day, rng.uniform(11.75 * 60, 13 * 60))
    leave = local(day, rng.uniform(16.5 * 60, 18.5 * 60))
    segments: list[Segment] = []
    _work(rng, segments, arrive, lunch)

    locked = _secs(rng, 30, 60)
    segments.append(Segment(lunch, lunch + locked, "locked"))
    back = lunch + locked
    if rng.random() < 0.3:
        nap = _secs(rng, 20, 40)
        segments.append(Segment(back, back + nap, "asleep"))
        back += nap

    meeting_start = local(day, rng.uniform(14 * 60, 16 * 60))
    meeting = _secs(rng, 30, 60)
    has_meeting = (
        rng.random() < 0.35
        and meeting_start - back >= timedelta(minutes=30)
        and leave - (meeting_start + meeting) >= timedelta(minutes=30)
    )
    if has_meeting:
        _work(rng, segments, back, meeting_start)
        segments.append(Segment(meeting_start, meeting_start + meeting, "presenting"))
        _work(rng, segments, meeting_start + meeting, leave)
    else:
        _work(rng, segments, back, leave)

    points: list[Point] = []
    active = [s for s in segments if s.state == "active"]

    def place(at: datetime) -> datetime | None:
        """`at` if the user is at the keyboard then, else a little into the next active stretch."""
        for s in active:
            if s.start <= at < s.end:
                return at
            if s.start > at:
                return s.start + min(timedelta(seconds=30), (s.end - s.start) / 2)
        return None

    if rng.random() < 0.85:  # the morning rating, answering the prompt shown on arrival
        at = place(arrive + _secs(rng, 0.5, 8))
        if at is not None:
            points.append(Point(at, "stiffness", _score(rng, 3.0, 1.5)))
    if rng.random() < 0.45:  # the evening rating: at the 17:00 prompt, or just before leaving
        five = local(day, 17 * 60)
        when = five + _secs(rng, 1, 8) if leave > five + timedelta(minutes=10) else None
        if when is None:
            when = leave - _secs(rng, 5, 30)
        at = place(when)
        if at is not None and at < leave:
            points.append(Point(at, "stiffness", _score(rng, 4.5, 1.8)))
    for _ in range(rng.randint(2, 5)):
        at = place(arrive + (leave - arrive) * rng.uniform(0.05, 0.95))
        if at is not None and all(p.at != at for p in points):  # two glasses at once: one
            points.append(Point(at, "water_ml", rng.choice((200, 250, 250, 300, 500))))
    return Day(day, segments, points)


def _score(rng: random.Random, mean: float, sd: float) -> int:
    return max(0, min(10, round(rng.gauss(mean, sd))))


def _iso(at: datetime) -> str:
    return at.astimezone(ZONE).isoformat(timespec="seconds")


def generate(days: int = 250, seed: int = 1, first: date = FIRST_DAY) -> Iterator[str]:
    """The trace's lines (without newlines), in time order."""
    rng = random.Random(seed)
    last_leave: datetime | None = None
    for day in workdays(first, days):
        d = make_day(rng, day)
        lines: list[tuple[datetime, int, dict[str, object]]] = []
        prev = None
        for s in d.segments:
            if s.state != prev:  # a state holds until the next state line
                lines.append((s.start, 0, {"state": s.state}))
                prev = s.state
        leave = d.segments[-1].end
        lines.append((leave, 0, {"state": "idle"}))  # gone home: idle until the next morning
        lines += [(p.at, 1, {p.field: p.value}) for p in d.points]
        lines.sort(key=lambda item: (item[0], item[1]))
        for at, _order, obj in lines:
            yield json.dumps({"at": _iso(at), **obj})
        last_leave = leave
    if last_leave is not None:
        yield json.dumps({"at": _iso(last_leave + timedelta(hours=1)), "state": "end"})


def write_trace(out: TextIO, days: int = 250, seed: int = 1) -> int:
    """Write the trace to `out`; return the number of lines."""
    n = 0
    for line in generate(days, seed):
        out.write(line + "\n")
        n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    """Command line: print the trace on stdout."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--days", type=int, default=250, help="workdays to generate (default 250)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = p.parse_args(argv)
    if args.days < 1:
        p.error("--days must be at least 1")
    try:
        write_trace(sys.stdout, args.days, args.seed)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. `make_trace.py | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
