"""Weekly numbers: what `report` prints and what the charts draw.

Days are local calendar days as recorded (each record keeps the UTC offset of its moment), so a
week survives DST changes and travel. Sitting minutes are split at local midnight; a session
counts, and can be the longest, on the day it starts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from posture_app.core.clock import seconds_between
from posture_app.core.model import MIDDAY_HOUR, Kind, Outcome, Session
from posture_app.core.store import Records, Store

_WEEK_RE = re.compile(r"(\d{4})-W(\d{2})")
#: Records are fetched this far beyond a range's local days, to catch every UTC offset.
_MARGIN = timedelta(days=2)


@dataclass(frozen=True, order=True)
class IsoWeek:
    """An ISO 8601 week, Monday to Sunday."""

    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """Read `YYYY-Www`; raise ValueError with a clear message if it is not a real week."""
        m = _WEEK_RE.fullmatch(text.strip())
        if not m:
            raise ValueError(f"week must look like 2026-W48 (got {text!r})")
        year, week = int(m.group(1)), int(m.group(2))
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValueError(f"{year} has no week {week}") from None
        return cls(year, week)

    @classmethod
    def of(cls, day: date) -> IsoWeek:
        """The week `day` falls in."""
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    @property
    def monday(self) -> date:
        """The week's first day."""
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def days(self) -> list[date]:
        """Monday to Sunday."""
        return [self.monday + timedelta(days=i) for i in range(7)]

    def shifted(self, weeks: int) -> IsoWeek:
        """The week `weeks` later (earlier if negative)."""
        return IsoWeek.of(self.monday + timedelta(weeks=weeks))

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"


@dataclass(frozen=True)
class PromptCounts:
    """Prompts of one kind: how many were shown and how each ended (due = the sum)."""

    done: int = 0
    snoozed: int = 0
    skipped: int = 0
    ignored: int = 0

    @property
    def due(self) -> int:
        """Prompts shown."""
        return self.done + self.snoozed + self.skipped + self.ignored

    def __add__(self, other: PromptCounts) -> PromptCounts:
        return PromptCounts(
            self.done + other.done,
            self.snoozed + other.snoozed,
            self.skipped + other.skipped,
            self.ignored + other.ignored,
        )

    def to_json(self) -> dict[str, int]:
        """As in `report --json`."""
        return {
            "due": self.due,
            "done": self.done,
            "snoozed": self.snoozed,
            "skipped": self.skipped,
            "ignored": self.ignored,
        }


@dataclass(frozen=True)
class DaySummary:
    """One local day's numbers."""

    date: date
    sitting_minutes: int = 0
    sessions: int = 0
    longest_session_minutes: int = 0
    natural_breaks: int = 0
    prompts: dict[Kind, PromptCounts] = field(default_factory=dict)
    water_ml: int = 0
    stiffness_morning: int | None = None
    stiffness_evening: int | None = None

    def counts(self, kind: Kind) -> PromptCounts:
        """Prompt counts of one kind (zeros if none)."""
        return self.prompts.get(kind, PromptCounts())

    @property
    def has_data(self) -> bool:
        """Whether this day has anything to show: a minute of sitting, a prompt, water, a rating.

        A session only just begun (under half a minute, so 0 minutes) is not yet data: a new
        user's first look at the window should get the empty week's note, not empty charts.
        """
        return bool(
            self.sitting_minutes
            or self.water_ml
            or self.prompts
            or self.stiffness_morning is not None
            or self.stiffness_evening is not None
        )

    def to_json(self) -> dict[str, object]:
        """As in `report --json`."""
        return {
            "date": self.date.isoformat(),
            "sitting_minutes": self.sitting_minutes,
            "sessions": self.sessions,
            "longest_session_minutes": self.longest_session_minutes,
            "natural_breaks": self.natural_breaks,
            "prompts": {k.value: self.counts(k).to_json() for k in Kind},
            "water_ml": self.water_ml,
            "stiffness_morning": self.stiffness_morning,
            "stiffness_evening": self.stiffness_evening,
        }


@dataclass(frozen=True)
class Totals:
    """A week's totals and averages."""

    sitting_minutes: int
    sessions: int
    longest_session_minutes: int
    natural_breaks: int
    prompts: dict[Kind, PromptCounts]
    water_ml: int
    days_with_data: int
    stiffness_morning_avg: float | None
    stiffness_evening_avg: float | None

    @property
    def breaks_done(self) -> int:
        """Posture checks, stretches, movement breaks and eye rests answered `done`."""
        return sum(self.prompts.get(k, PromptCounts()).done for k in _ACTIVE_KINDS)

    def to_json(self) -> dict[str, object]:
        """As in `report --json`."""
        return {
            "sitting_minutes": self.sitting_minutes,
            "sessions": self.sessions,
            "longest_session_minutes": self.longest_session_minutes,
            "natural_breaks": self.natural_breaks,
            "prompts": {k.value: self.prompts.get(k, PromptCounts()).to_json() for k in Kind},
            "water_ml": self.water_ml,
            "days_with_data": self.days_with_data,
            "stiffness_morning_avg": self.stiffness_morning_avg,
            "stiffness_evening_avg": self.stiffness_evening_avg,
        }


_ACTIVE_KINDS = (Kind.POSTURE, Kind.STRETCH, Kind.BREAK, Kind.EYES)


@dataclass(frozen=True)
class WeekSummary:
    """A week's days (Monday to Sunday), totals, and the change against the week before."""

    week: IsoWeek
    days: tuple[DaySummary, ...]
    totals: Totals
    previous: Totals | None = None

    def change(self) -> dict[str, float | None]:
        """Week-over-week change of the headline numbers (None where either side lacks data)."""
        prev = self.previous
        cur = self.totals

        def diff(a: float | None, b: float | None) -> float | None:
            if a is None or b is None:
                return None
            return round(a - b, 1)

        if prev is None or prev.days_with_data == 0 or cur.days_with_data == 0:
            return dict.fromkeys(_CHANGE_KEYS)
        return {
            "sitting_minutes_per_day": diff(_per_day(cur), _per_day(prev)),
            "breaks_done": diff(cur.breaks_done, prev.breaks_done),
            "water_ml_per_day": diff(_water_per_day(cur), _water_per_day(prev)),
            "stiffness_morning_avg": diff(cur.stiffness_morning_avg, prev.stiffness_morning_avg),
            "stiffness_evening_avg": diff(cur.stiffness_evening_avg, prev.stiffness_evening_avg),
        }

    def to_json(self) -> dict[str, object]:
        """The object `report --json` prints: deterministic for the same data."""
        totals = self.totals.to_json()
        totals["change_from_previous_week"] = self.change()
        return {
            "week": str(self.week),
            "days": [d.to_json() for d in self.days],
            "totals": totals,
        }


_CHANGE_KEYS = (
    "sitting_minutes_per_day",
    "breaks_done",
    "water_ml_per_day",
    "stiffness_morning_avg",
    "stiffness_evening_avg",
)


def _per_day(t: Totals) -> float | None:
    return round(t.sitting_minutes / t.days_with_data, 1) if t.days_with_data else None


def _water_per_day(t: Totals) -> float | None:
    return round(t.water_ml / t.days_with_data, 1) if t.days_with_data else None


# --- computing --------------------------------------------------------------------------------


def summarize_days(records: Records, days: list[date]) -> list[DaySummary]:
    """Per-day numbers for `days` from records (records outside those days are ignored)."""
    wanted = set(days)
    sitting: dict[date, float] = defaultdict(float)
    sessions: dict[date, int] = defaultdict(int)
    longest: dict[date, float] = defaultdict(float)
    breaks: dict[date, int] = defaultdict(int)
    prompts: dict[date, dict[Kind, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0] * 4))
    water: dict[date, int] = defaultdict(int)
    morning: dict[date, tuple[datetime, int]] = {}
    evening: dict[date, tuple[datetime, int]] = {}

    for s in records.sessions:
        for day, seconds in split_at_midnight(s):
            sitting[day] += seconds
        start_day = s.start.date()
        sessions[start_day] += 1
        longest[start_day] = max(longest[start_day], s.sitting_seconds)
    for b in records.natural_breaks:
        breaks[b.start.date()] += 1
    order = list(Outcome)
    for p in records.prompts:
        if p.outcome is not None:
            prompts[p.shown_at.date()][p.kind][order.index(p.outcome)] += 1
    for w in records.water:
        water[w.at.date()] += w.ml
    for r in records.stiffness:
        day = r.at.date()
        if r.at.hour < MIDDAY_HOUR:
            if day not in morning or r.at < morning[day][0]:
                morning[day] = (r.at, r.score)
        elif day not in evening or r.at >= evening[day][0]:
            evening[day] = (r.at, r.score)

    out = []
    for day in days:
        if day not in wanted:
            continue
        out.append(
            DaySummary(
                date=day,
                sitting_minutes=round(sitting[day] / 60),
                sessions=sessions[day],
                longest_session_minutes=round(longest[day] / 60),
                natural_breaks=breaks[day],
                prompts={k: PromptCounts(*v) for k, v in prompts[day].items()},
                water_ml=water[day],
                stiffness_morning=morning[day][1] if day in morning else None,
                stiffness_evening=evening[day][1] if day in evening else None,
            )
        )
    return out


def mean_tenths(ratings: Sequence[int]) -> int:
    """The mean of whole ratings in tenths of a point, rounded half up as people round (3.25
    is 3.3), exactly: no float error, no round-half-to-even."""
    return (20 * sum(ratings) + len(ratings)) // (2 * len(ratings))


def totals_of(days: list[DaySummary]) -> Totals:
    """Sum and average a run of days."""
    prompts: dict[Kind, PromptCounts] = {}
    for d in days:
        for k, c in d.prompts.items():
            prompts[k] = prompts.get(k, PromptCounts()) + c
    mornings = [d.stiffness_morning for d in days if d.stiffness_morning is not None]
    evenings = [d.stiffness_evening for d in days if d.stiffness_evening is not None]
    return Totals(
        sitting_minutes=sum(d.sitting_minutes for d in days),
        sessions=sum(d.sessions for d in days),
        longest_session_minutes=max((d.longest_session_minutes for d in days), default=0),
        natural_breaks=sum(d.natural_breaks for d in days),
        prompts=prompts,
        water_ml=sum(d.water_ml for d in days),
        days_with_data=sum(1 for d in days if d.has_data),
        stiffness_morning_avg=mean_tenths(mornings) / 10 if mornings else None,
        stiffness_evening_avg=mean_tenths(evenings) / 10 if evenings else None,
    )


def week_summary(store: Store, week: IsoWeek) -> WeekSummary:
    """The summary of `week`, with the week before for comparison."""
    prev = week.shifted(-1)
    records = store.records(*fetch_range(prev.monday, week.days[-1]))
    days = summarize_days(records, prev.days + week.days)
    return WeekSummary(week, tuple(days[7:]), totals_of(days[7:]), totals_of(days[:7]))


def weekly_series(store: Store, last: IsoWeek, weeks: int) -> list[WeekSummary]:
    """Summaries of `weeks` weeks ending with `last`, oldest first (for trend charts)."""
    first = last.shifted(-weeks)  # one week more, so the oldest has its week before
    all_days = [first.monday + timedelta(days=i) for i in range(7 * (weeks + 1))]
    records = store.records(*fetch_range(all_days[0], all_days[-1]))
    days = summarize_days(records, all_days)
    out: list[WeekSummary] = []
    previous = totals_of(days[:7])
    for i in range(1, weeks + 1):
        chunk = days[7 * i : 7 * i + 7]
        totals = totals_of(chunk)
        out.append(WeekSummary(first.shifted(i), tuple(chunk), totals, previous))
        previous = totals
    return out


def split_at_midnight(s: Session) -> list[tuple[date, float]]:
    """A session's sitting seconds per local day (its spans cut at local midnight)."""
    out: list[tuple[date, float]] = []
    for a, b in s.spans:
        cur = a
        end = b.astimezone(a.tzinfo)
        while cur.date() < end.date():
            midnight = datetime.combine(cur.date() + timedelta(days=1), time(0), tzinfo=cur.tzinfo)
            out.append((cur.date(), seconds_between(cur, midnight)))
            cur = midnight
        out.append((cur.date(), max(0.0, seconds_between(cur, end))))
    return out


def fetch_range(first: date, last: date) -> tuple[datetime, datetime]:
    """UTC instants that hold every record of the local days `first` to `last`."""
    lo = datetime.combine(first, time(0), tzinfo=UTC) - _MARGIN
    hi = datetime.combine(last + timedelta(days=1), time(0), tzinfo=UTC) + _MARGIN
    return lo, hi
