"""Build a realistic, deterministic data set into a --basedir: N weeks of an office worker's days.

Run from the repository root:

    .venv/bin/python bench/make_dataset.py --basedir /tmp/pa-12w --weeks 12
    .venv/bin/python bench/make_dataset.py --basedir /tmp/pa-5y --weeks 260      # ~20 s
    .venv/bin/python bench/make_dataset.py --basedir /tmp/shots --weeks 12 \
        --until 2026-11-27T21:00+01:00 --trace /tmp/shots/trace.jsonl

then `main.py --basedir DIR report`, `python -m posture_app.ui.window --basedir DIR`, ...

The data ends at --until (default: now), so "This week" has data; days after it are not made,
and the day it falls in stops there. --end-week YYYY-Www ends at that week's Sunday night (or
now, if that is sooner). The first day is the Monday N-1 weeks before the last week's.

How it is made: an activity trace (DESIGN.md, "Activity traces", Europe/Berlin time, as
bench/make_trace.py writes, whose helpers it uses) is played through the real scheduler and
recorder, the same `parse_trace` -> `simulate` -> `record` path as `posture-app simulate`, in one
transaction. `simulate --respond` answers every prompt the same way; here each prompt gets its
own answer (done, snoozed, skipped, or none, so it is ignored when it expires), drawn from a
seeded random generator weighted by how keen on the breaks the person is at the time (more so
after the first weeks with the app, less on busy days). The same seed gives the same data.

The person:
  - workdays Monday to Friday: arrive 07:45-09:45, leave 15:00 (some Fridays) to 19:30 (long
    days); 0-3 meetings of 30-90 minutes, more on busy days (a call from this screen,
    `presenting`, or a meeting room, the screen `locked`); lunch away (`locked` 30-75 minutes,
    sometimes followed by `asleep` with the lid shut); stretches of 15-75 minutes at the
    keyboard with short idle spells, and between them a real break (6-20 minutes) more often
    the keener on breaks the person is that day;
  - weekends mostly empty: now and then an hour or two at the computer, or a rating logged;
  - public holidays, two summer weeks and Christmas off, now and then a day off or sick;
  - stiffness 0-10, rated in the morning (~85% of workdays) and evening (~70%): a slowly
    drifting baseline, a little worse in winter, better once breaks become a habit, with
    flare-ups that fade over a week or two. Mornings are worse after a long sitting day and
    better after a weekend or a day with plenty of water; evenings are worse after long
    unbroken sessions and a lot of sitting, better on days keen on breaks. Higher ratings often
    name the body area, and about one in ten carries a note;
  - water: a few glasses a day (200-500 ml) logged from the trace, plus a glass for each
    hydration prompt answered done.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "bench")]

from make_trace import ZONE, Point, Segment, _secs, _stretch, local  # noqa: E402

from posture_app.core.model import Area, Kind, Outcome  # noqa: E402
from posture_app.core.recorder import record  # noqa: E402
from posture_app.core.scheduler import PromptShown  # noqa: E402
from posture_app.core.settings import Settings  # noqa: E402
from posture_app.core.simulate import simulate  # noqa: E402
from posture_app.core.stats import IsoWeek  # noqa: E402
from posture_app.core.store import Store  # noqa: E402
from posture_app.core.trace import parse_trace  # noqa: E402
from posture_app.paths import resolve_paths  # noqa: E402

MIN = timedelta(minutes=1)
#: A gap at least this long ends a sitting session (the default natural break).
NATURAL_BREAK = timedelta(minutes=Settings().natural_break_minutes)
#: Fixed-date public holidays (month, day): Berlin's, roughly.
HOLIDAYS = {(1, 1), (5, 1), (10, 3), (12, 24), (12, 25), (12, 26), (12, 31)}
AREA_WEIGHTS = (
    (Area.LOWER_BACK, 45),
    (Area.NECK, 20),
    (Area.SHOULDERS, 15),
    (Area.UPPER_BACK, 10),
    (Area.HIPS, 5),
    (Area.LEGS, 3),
    (Area.OTHER, 2),
)
FLARE_AREAS = (Area.LOWER_BACK, Area.LOWER_BACK, Area.NECK, Area.UPPER_BACK)
FLARE_NOTES = (
    "Woke up with it, no idea why",
    "Carried the shopping up four floors yesterday",
    "Helped a friend move at the weekend",
    "Slept on the sofa",
    "Long drive yesterday",
    "Twisted when I picked up the laptop bag",
)
#: Morning notes on a worse day, and on a better one.
MORNING_NOTES_WORSE = (
    "Slept badly",
    "Sore after the gym yesterday",
    "Cold and damp out",
)
MORNING_NOTES_BETTER = (
    "New pillow",
    "Went for a run yesterday evening",
    "Walked to work",
    "Better after stretching first thing",
)
#: Evening notes on a worse day, and on a better one.
EVENING_NOTES_WORSE = (
    "Back-to-back meetings all afternoon",
    "Forgot to get up after lunch",
    "Deadline day",
    "Worked from the kitchen table",
)
EVENING_NOTES_BETTER = (
    "Took the stairs every time",
    "Walk at lunch helped",
    "Standing for the calls today",
    "Did the stretches each time",
)


# --- the person over time -----------------------------------------------------------------------


@dataclass
class Person:
    """What carries over from day to day."""

    #: Baseline stiffness on the 0-10 scale, drifting slowly.
    back: float = 3.6
    #: An ongoing flare-up: points added, fading day by day.
    flare: float = 0.0
    flare_area: Area | None = None
    #: How keen on breaks (0-1): grows over the first weeks with the app, then wanders.
    habit: float = 0.35
    #: How keen on breaks today: the habit give or take the day's mood (less on busy days).
    keen: float = 0.35
    #: Yesterday's (last workday's) sitting and longest session, in hours, and water in ml.
    last_sitting_h: float = 6.5
    last_longest_h: float = 1.3
    last_water_ml: int = 1500
    rest_days: int = 0  # days without work since the last workday

    def next_day(self, rng: random.Random, day: date, day_index: int) -> None:
        """Move the drifting parts on by a day."""
        settled = 0.55 + 0.2 * math.sin(day_index / 97.0)  # habit wanders slowly after settling
        self.habit += (settled - self.habit) * (0.04 if day_index < 60 else 0.02)
        self.habit = min(0.95, max(0.1, self.habit + rng.gauss(0, 0.01)))
        self.keen = min(1.0, max(0.0, self.habit + rng.gauss(0, 0.18)))
        target = 3.0 - 2.0 * (self.habit - 0.5)
        self.back += (target - self.back) * 0.02 + rng.gauss(0, 0.05)
        self.flare *= 0.86
        if self.flare < 0.3:
            self.flare, self.flare_area = 0.0, None

    def season(self, day: date) -> float:
        """A little worse in the dark months."""
        return 0.3 * math.cos((day.timetuple().tm_yday - 15) / 365.25 * 2 * math.pi)


# --- one day's activity ---------------------------------------------------------------------


@dataclass
class Plan:
    """One day: its states (UTC segments) and what was logged, plus numbers for the ratings."""

    day: date
    segments: list[Segment] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    sitting_h: float = 0.0
    longest_h: float = 0.0
    meetings: int = 0
    water_ml: int = 0


def work(
    rng: random.Random, out: list[Segment], start: datetime, end: datetime, break_chance: float
) -> None:
    """Fill [start, end) with stretches at the keyboard and breaks, as make_trace's `_work`.

    Stretches last 15-75 minutes. Between them comes a real break (6-20 min, away from the
    desk) with `break_chance`, else a short idle (1-4 min, still sitting); after 100 minutes
    without a real break one is taken anyway.
    """
    t = start
    since_break = start
    while t < end:
        stretch = _secs(rng, 15, 75)
        final = end - (t + stretch) < timedelta(minutes=20)
        stop = end if final else t + stretch
        _stretch(rng, out, t, stop)
        if final:
            return
        if rng.random() < break_chance or stop - since_break >= timedelta(minutes=100):
            gap = _secs(rng, 6, 20)
            since_break = stop + gap
        else:
            gap = _secs(rng, 1, 4)
        out.append(Segment(stop, stop + gap, "idle"))
        t = stop + gap


def workday(rng: random.Random, person: Person, day: date) -> Plan:
    """A day at the office (or at home at the desk)."""
    plan = Plan(day)
    busy = rng.random() < 0.2  # a deadline or a day of meetings
    if busy:
        person.keen = max(0.0, person.keen - 0.2)
    arrive_min = min(9.75 * 60, max(7.75 * 60, rng.gauss(8.6 * 60, 25)))
    if busy or rng.random() < 0.12:
        leave_min = rng.uniform(18.5 * 60, 19.5 * 60)
    elif day.weekday() == 4 and rng.random() < 0.4:
        leave_min = rng.uniform(15 * 60, 16.5 * 60)
    else:
        leave_min = rng.uniform(16.5 * 60, 18.25 * 60)
    arrive, leave = local(day, arrive_min), local(day, leave_min)
    lunch = local(day, rng.uniform(11.75 * 60, 13 * 60))
    lunch_end = lunch + _secs(rng, 30, 75 if rng.random() < 0.2 else 50)
    break_chance = min(0.85, max(0.15, 0.3 + 0.6 * person.keen - (0.1 if busy else 0)))
    away: list[tuple[datetime, datetime, str]] = [(lunch, lunch_end, "locked")]
    if rng.random() < 0.25:  # the lid stays shut a while after lunch
        nap_end = lunch_end + _secs(rng, 15, 35)
        away.append((lunch_end, nap_end, "asleep"))
        lunch_end = nap_end

    # Meetings on the half hour, not over lunch, not right at arrival or leaving.
    meetings: list[tuple[datetime, datetime]] = []
    for _ in range(rng.choice((0, 0, 1, 1, 1, 2, 2, 3)) + (1 if busy else 0)):
        start = local(day, 30 * round(rng.uniform(arrive_min + 40, leave_min - 60) / 30))
        end = start + rng.choice((30, 30, 45, 60, 60, 90)) * MIN
        clash = any(start < b + 10 * MIN and a < end + 10 * MIN for a, b in meetings)
        if clash or (start < lunch_end + 10 * MIN and lunch < end + 10 * MIN) or end > leave:
            continue
        meetings.append((start, end))
    meetings.sort()
    plan.meetings = len(meetings)

    # A call shared from this screen (`presenting`), or a meeting room (the screen locked).
    away += [(a, b, rng.choice(("presenting", "locked"))) for a, b in meetings]
    away.sort()
    t = arrive
    for a, b, state in away:
        a = max(a, t)  # never before what came first (the spans do not overlap anyway)
        if b <= a:
            continue
        if a - t >= 10 * MIN:
            work(rng, plan.segments, t, a, break_chance)
        elif a > t:
            plan.segments.append(Segment(t, a, "active"))
        plan.segments.append(Segment(a, b, state))
        t = b
    if leave - t >= 10 * MIN:
        work(rng, plan.segments, t, leave, break_chance)
    else:
        plan.segments.append(Segment(t, max(leave, t + 5 * MIN), "active"))
    for before, after in zip(plan.segments, plan.segments[1:], strict=False):
        assert before.end <= after.start, f"{day}: {before} overlaps {after}"
    plan.sitting_h, plan.longest_h = sitting(plan.segments)
    return plan


def weekend_session(rng: random.Random, day: date) -> Plan:
    """An hour or two at the computer on a day off."""
    plan = Plan(day)
    start = local(day, rng.uniform(9.5 * 60, 15 * 60))
    work(rng, plan.segments, start, start + _secs(rng, 40, 150), 0.5)
    plan.sitting_h, plan.longest_h = sitting(plan.segments)
    return plan


def sitting(segments: list[Segment]) -> tuple[float, float]:
    """Hours sat in total and in the longest session, as the scheduler would count them."""
    total = longest = 0.0
    start: datetime | None = None
    last: datetime | None = None
    for s in segments:
        sitting_state = s.state in ("active", "presenting")
        short_idle = s.state == "idle" and s.end - s.start < NATURAL_BREAK
        if sitting_state or short_idle:
            start = start or s.start
            if sitting_state:
                last = s.end
        elif start is not None and last is not None:
            hours = (last - start).total_seconds() / 3600
            total, longest, start, last = total + hours, max(longest, hours), None, None
    if start is not None and last is not None:
        hours = (last - start).total_seconds() / 3600
        total, longest = total + hours, max(longest, hours)
    return total, longest


# --- what gets logged -----------------------------------------------------------------------


def first_input_after(plan: Plan, at: datetime) -> datetime | None:
    """`at` if the person is at the keyboard then, else a little into the next active stretch."""
    for s in plan.segments:
        if s.state != "active":
            continue
        if s.start <= at < s.end:
            return at
        if s.start > at:
            return s.start + min(timedelta(seconds=30), (s.end - s.start) / 2)
    return None


def score(value: float) -> int:
    """A rating: rounded and kept to 0-10; above 7 the scale is squeezed (a 9 or 10 is rare)."""
    if value > 7:
        value = 7 + (value - 7) * 0.5
    return max(0, min(10, round(value)))


def area_for(rng: random.Random, person: Person, value: int) -> Area | None:
    """The body area named with a rating, if any (more often the worse it is)."""
    if person.flare_area is not None and rng.random() < 0.8:
        return person.flare_area
    if (value >= 4 and rng.random() < 0.65) or (value >= 2 and rng.random() < 0.15):
        areas, weights = zip(*AREA_WEIGHTS, strict=True)
        return rng.choices(areas, weights)[0]
    return None


def rating(value: int, area: Area | None, note: str = "") -> dict[str, object]:
    """A stiffness trace line's fields (its `at` is added when written)."""
    obj: dict[str, object] = {"stiffness": value}
    if area is not None:
        obj["area"] = str(area)
    if note:
        obj["note"] = note
    return obj


@dataclass
class Line:
    """One trace line: its instant (UTC), order among lines at that instant, and its fields."""

    at: datetime
    order: int
    fields: dict[str, object]


def log_day(rng: random.Random, person: Person, plan: Plan, workday_: bool) -> list[Line]:
    """Ratings and water for the day, from the person's state and the day's sitting."""
    lines: list[Line] = []
    day = plan.day
    base = person.back + person.flare + person.season(day)
    flare_note = ""
    if workday_ and person.flare == 0 and rng.random() < 0.012:
        person.flare = rng.uniform(2.0, 4.0)
        person.flare_area = rng.choice(
            (Area.LOWER_BACK, Area.LOWER_BACK, Area.NECK, Area.UPPER_BACK)
        )
        flare_note = rng.choice(FLARE_NOTES)
        base += person.flare

    arrival = plan.segments[0].start if plan.segments else None
    morning_p = 0.85 if workday_ else 0.25
    if rng.random() < morning_p:
        value = score(
            base
            + 0.3 * (person.last_sitting_h - 6.5)
            + 0.5 * (person.last_longest_h - 1.3)
            - 0.5 * min(person.rest_days, 2)
            - (0.5 if person.last_water_ml >= 1750 else 0.0)
            + rng.gauss(0, 0.8)
        )
        if arrival is not None:
            at = first_input_after(plan, arrival + _secs(rng, 0.5, 8))
        else:  # a day off: logged from the tray menu over breakfast
            at = local(day, rng.uniform(8.5 * 60, 11 * 60))
        if at is not None:
            note = flare_note
            if not note and rng.random() < 0.1:
                worse = value >= 5
                note = rng.choice(MORNING_NOTES_WORSE if worse else MORNING_NOTES_BETTER)
            fields = rating(value, area_for(rng, person, value), note)
            lines.append(Line(at, 1, fields))

    if workday_ and plan.segments and rng.random() < 0.7:
        leave = plan.segments[-1].end
        value = score(
            base
            + 0.6
            + 0.8 * (plan.sitting_h - 6.5)
            + 1.2 * (plan.longest_h - 1.3)
            - 2.5 * (person.keen - 0.5)
            + rng.gauss(0, 0.8)
        )
        five = local(day, 17 * 60)
        when = five + _secs(rng, 1, 8) if leave > five + 10 * MIN else leave - _secs(rng, 5, 25)
        at = first_input_after(plan, when)
        if at is not None and at < leave:
            note = ""
            if rng.random() < 0.12 or (value >= 7 and rng.random() < 0.4):
                if value >= 5:
                    meetings = plan.meetings >= 3
                    note = EVENING_NOTES_WORSE[0] if meetings else rng.choice(EVENING_NOTES_WORSE)
                else:
                    note = rng.choice(EVENING_NOTES_BETTER)
            lines.append(Line(at, 1, rating(value, area_for(rng, person, value), note)))

    plan.water_ml = 0
    if plan.segments:
        first, last = plan.segments[0].start, plan.segments[-1].end
        glasses = rng.randint(2, 3) + (1 if person.keen > 0.6 else 0) - (0 if workday_ else 1)
        summer = 1 if 6 <= day.month <= 8 else 0
        taken: set[datetime] = {line.at for line in lines}
        for _ in range(max(1, glasses + summer)):
            at = first_input_after(plan, first + (last - first) * rng.uniform(0.03, 0.97))
            if at is None or at in taken:
                continue
            taken.add(at)
            ml = rng.choice((200, 250, 250, 300, 330, 500))
            plan.water_ml += ml
            lines.append(Line(at, 1, {"water_ml": ml}))
    return lines


def day_off(day: date, rng: random.Random) -> bool:
    """Holidays, two summer weeks, between Christmas and New Year, and now and then a day off."""
    if (day.month, day.day) in HOLIDAYS or (day.month == 12 and day.day > 26):
        return True
    week = day.isocalendar().week
    if week in (31, 32):
        return True
    return rng.random() < 0.03  # ill, or a long weekend


# --- the trace ------------------------------------------------------------------------------


def trace_lines(
    first: date, until: datetime, seed: int, keen_by_day: dict[date, float] | None = None
) -> Iterator[str]:
    """The trace's lines (JSON, without newlines), in time order, ending at `until` at the latest.

    `keen_by_day`, if given, gets how keen on breaks the person was each day (for Responder).
    """
    rng = random.Random(seed)
    person = Person()
    day = first
    index = 0
    last_at: datetime | None = None
    while local(day, 0) < until:
        person.next_day(rng, day, index)
        index += 1
        working = day.weekday() < 5 and not day_off(day, rng)
        if working:
            plan = workday(rng, person, day)
        elif rng.random() < 0.12:
            plan = weekend_session(rng, day)
        else:
            plan = Plan(day)
        logged = log_day(rng, person, plan, working)
        if keen_by_day is not None:
            keen_by_day[day] = person.keen
        lines: list[Line] = []
        prev = None
        for s in plan.segments:
            if s.state != prev:  # a state holds until the next state line
                lines.append(Line(s.start, 0, {"state": s.state}))
                prev = s.state
        if plan.segments:
            # Gone home: idle until next time.
            lines.append(Line(plan.segments[-1].end, 0, {"state": "idle"}))
        lines += logged
        lines.sort(key=lambda line: (line.at, line.order))
        for line in lines:
            if line.at >= until:
                break
            yield json.dumps({"at": _iso(line.at), **line.fields})
            last_at = line.at
        if working:
            person.last_sitting_h, person.last_longest_h = plan.sitting_h, plan.longest_h
            person.last_water_ml = plan.water_ml
            person.rest_days = 0
        else:
            person.rest_days += 1
        day += timedelta(days=1)
    end = until if last_at is None else min(until, last_at + timedelta(hours=1))
    yield json.dumps({"at": _iso(end), "state": "end"})


def _iso(at: datetime) -> str:
    return at.astimezone(ZONE).isoformat(timespec="seconds")


# --- answering prompts ----------------------------------------------------------------------


#: How readily each kind is done, relative to the others.
#: How readily each kind of prompt is done, relative to the others.
EAGERNESS = {
    Kind.POSTURE: 1.15,
    Kind.STRETCH: 0.9,
    Kind.BREAK: 0.8,
    Kind.EYES: 1.0,
    Kind.HYDRATION: 1.1,
}


class Responder:
    """Answers each prompt on its own: done, later, skip, or nothing (ignored when it expires).

    How likely `done` is follows how keen on breaks the person was on the prompt's day (as the
    trace was made with it); a prompt snoozed twice is not snoozed again. Seeded: the same
    answers each run.
    """

    def __init__(self, seed: int, keen_by_day: dict[date, float]) -> None:
        self.rng = random.Random(seed ^ 0x5EED)
        self.keen_by_day = keen_by_day
        self.snoozes: dict[str, int] = {}

    def __call__(self, shown: PromptShown) -> Outcome | None:
        """The answer to one shown prompt (None for stiffness: the trace's rating answers it)."""
        kind = shown.prompt.kind
        if kind is Kind.STIFFNESS:
            return None
        keen = self.keen_by_day.get(shown.at.date(), 0.5)
        done = min(0.92, (0.15 + 0.75 * keen) * EAGERNESS.get(kind, 1.0))
        snooze = 0.16 if self.snoozes.get(shown.prompt.uuid, 0) < 2 else 0.0
        skip = 0.12
        r = self.rng.random()
        if r < done:
            return Outcome.DONE
        if r < done + snooze:
            self.snoozes[shown.prompt.uuid] = self.snoozes.get(shown.prompt.uuid, 0) + 1
            return Outcome.SNOOZED
        if r < done + snooze + skip:
            return Outcome.SKIPPED
        return None


# --- building -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    """What was made."""

    first: date
    until: datetime
    trace_lines: int
    events: int
    counts: dict[str, int]
    seconds: float


def build(
    basedir: Path,
    weeks: int,
    until: datetime,
    seed: int = 1,
    trace_file: Path | None = None,
) -> Built:
    """Make the data set in `basedir` (whose database must not exist yet)."""
    t0 = time.perf_counter()
    paths = resolve_paths(str(basedir))
    if paths.database_file.exists():
        raise SystemExit(f"{paths.database_file} exists already: give an empty --basedir")
    last_week = IsoWeek.of(until.astimezone(ZONE).date())
    first = last_week.shifted(1 - weeks).monday
    keen_by_day: dict[date, float] = {}
    text = list(trace_lines(first, until, seed, keen_by_day))
    if trace_file is not None:
        trace_file.write_text("".join(line + "\n" for line in text), encoding="utf-8")
    lines = parse_trace(text, name="generated trace")
    store = Store.open(paths.database_file, now=until, check=False)
    events = 0
    try:
        respond = Responder(seed, keen_by_day)
        with store.transaction():
            for event in simulate(lines, Settings(), respond, has_rating=store.has_rating):
                record(store, event)
                events += 1
        counts = store.records().counts()
    finally:
        store.close()
    return Built(first, until, len(text), events, dict(counts), time.perf_counter() - t0)


def end_of_week(week: IsoWeek) -> datetime:
    """Sunday 23:59:59 of `week`, Berlin time."""
    return local(week.days[-1], 24 * 60 - 1) + timedelta(seconds=59)


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--basedir", required=True, type=Path, help="an empty folder (made if need be)")
    p.add_argument("--weeks", type=int, default=12, help="weeks of data (default 12)")
    when = p.add_mutually_exclusive_group()
    when.add_argument(
        "--until", type=datetime.fromisoformat, help="end at this time (ISO 8601; default: now)"
    )
    when.add_argument(
        "--end-week", type=IsoWeek.parse, metavar="YYYY-Www", help="end with this week"
    )
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--trace", type=Path, metavar="FILE", help="also save the trace here")
    args = p.parse_args(argv)
    if args.weeks < 1:
        p.error("--weeks must be at least 1")
    now = datetime.now(UTC)
    until: datetime = args.until or now
    if until.tzinfo is None:
        until = until.replace(tzinfo=ZONE)
    if args.end_week is not None:
        until = min(now, end_of_week(args.end_week))
    built = build(args.basedir, args.weeks, until, args.seed, args.trace)
    counts = ", ".join(f"{n} {name}" for name, n in built.counts.items())
    print(
        f"{args.basedir}: {args.weeks} weeks from {built.first} to "
        f"{built.until.astimezone(ZONE):%Y-%m-%d %H:%M} ({built.trace_lines} trace lines, "
        f"{built.events} events): {counts}; {built.seconds:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
