"""Insights: plain sentences about how stiffness differs between days, once the data allows it.

Each comparison takes the days that have both numbers (say minutes sat and an evening rating)
and splits them in two at the value that cuts them most evenly: a median split where days equal
to the cut go with the lower group, and among equally even cuts the lowest wins. A sentence
appears only when each group has MIN_DAYS_PER_SIDE days, and it says how many. Means are shown
to one decimal (rounded half up) and compared as shown: a gap under CLEAR_DIFFERENCE points is
"no clear difference". These describe the user's own days; they test nothing and advise nothing.

Breaks are compared as a share: of the posture, stretch, break and eye prompts shown that day,
the percentage answered done. A count of breaks grows with the time sat, so it would tell long
days from short ones rather than days with breaks from days without.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum, auto

from posture_app.core.model import SITTING_KINDS
from posture_app.core.stats import DaySummary, fetch_range, mean_tenths, summarize_days
from posture_app.core.store import Store

#: Days each group needs before a comparison is shown.
MIN_DAYS_PER_SIDE = 5
#: Smallest gap between group means, in points on the 0-10 scale, called a difference. Ratings
#: are whole numbers that wobble from day to day; half a point between a few days is noise.
CLEAR_DIFFERENCE = 1.0
#: The window `insights_for` looks at.
DEFAULT_WEEKS = 8
#: Shown with every set of insights.
NOTE = "These are patterns in your own data, not a diagnosis."
#: Round cuts tried for a sentence, coarsest first: one that splits the days the same way is used.
SITTING_STEPS_MIN = (60, 30, 15, 5)
WATER_STEPS_ML = (500, 250, 100, 50)
BREAKS_STEPS_PERCENT = (10, 5)

_Pair = tuple[int, int]  # (the value days are split by, the stiffness rating)
_Value = Callable[[DaySummary], int | None]


class Measure(StrEnum):
    """What an insight compares."""

    EVENING_BY_SITTING = auto()  # evening stiffness: days with more vs. less sitting
    EVENING_BY_BREAKS = auto()  # evening stiffness: a larger vs. smaller share of breaks taken
    MORNING_AFTER_WATER = auto()  # next morning's stiffness: after more vs. less water


@dataclass(frozen=True)
class Insight:
    """One comparison: its sentence and the numbers behind it."""

    measure: Measure
    text: str
    #: Days above the cut are the "more" group; days at or below it the other. Minutes sat, the
    #: percentage of breaks taken or ml drunk.
    cut: int
    more_days: int
    more_mean: float
    fewer_days: int
    fewer_mean: float
    #: Whether the means (as shown) differ by at least CLEAR_DIFFERENCE.
    clear: bool


@dataclass(frozen=True)
class Findings:
    """What the insights view shows for a window of days."""

    first_day: date
    last_day: date
    items: tuple[Insight, ...]
    #: What to do to see (more) patterns; None once an evening comparison can be shown.
    missing: str | None


def breaks_percent(day: DaySummary) -> int | None:
    """The percentage of the day's answered posture, stretch, break and eye reminders marked done.

    Snoozed ones are left out: a snoozed reminder comes back as a new prompt, so counting both
    would halve a break that was taken later. Rounded up to a whole percent, so "more than 60%"
    holds for exactly the days above a cut of 60 (60.5% counts as 61). None when nothing was
    answered that day.
    """
    counts = [day.counts(k) for k in SITTING_KINDS]
    settled = sum(c.done + c.skipped + c.ignored for c in counts)
    return -(-100 * sum(c.done for c in counts) // settled) if settled else None


def insights(days: Sequence[DaySummary]) -> list[Insight]:
    """The comparisons these days support, in a fixed order (empty when none do)."""
    out: list[Insight] = []
    sat = _evening_pairs(days, lambda d: d.sitting_minutes)
    breaks = _evening_pairs(days, breaks_percent)
    for measure, pairs in (
        (Measure.EVENING_BY_SITTING, sat),
        (Measure.EVENING_BY_BREAKS, breaks),
        (Measure.MORNING_AFTER_WATER, _water_pairs(days)),
    ):
        found = _compare(measure, pairs)
        if found is not None:
            out.append(found)
    return out


def not_enough(days: Sequence[DaySummary]) -> str | None:
    """What the user can do to see patterns, or None once an evening comparison is possible."""
    if any(i.measure is not Measure.MORNING_AFTER_WATER for i in insights(days)):
        return None
    need = 2 * MIN_DAYS_PER_SIDE - len(_evening_pairs(days, lambda d: d.sitting_minutes))
    if need > 0:
        evenings = "evening" if need == 1 else "evenings"
        return (
            f"Rate your stiffness on {need} more {evenings} after a day at the computer"
            " to see patterns."
        )
    return (
        "Keep rating your stiffness in the evening:"
        " so far your days have been too alike to compare."
    )


def insights_for(store: Store, last_day: date, weeks: int = DEFAULT_WEEKS) -> Findings:
    """Insights over the `weeks` weeks ending with local day `last_day`."""
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1 (got {weeks})")
    first = last_day - timedelta(weeks=weeks) + timedelta(days=1)
    window = [first + timedelta(days=i) for i in range(7 * weeks)]
    days = summarize_days(store.records(*fetch_range(first, last_day)), window)
    return Findings(first, last_day, tuple(insights(days)), not_enough(days))


# --- comparing --------------------------------------------------------------------------------


def _evening_pairs(days: Sequence[DaySummary], value: _Value) -> list[_Pair]:
    """(value, evening rating) of days the app saw sitting and the user rated the evening.

    Days without a value (no break prompts to take a share of) are left out.
    """
    out: list[_Pair] = []
    for d in days:
        x = value(d)
        if d.sitting_minutes > 0 and d.stiffness_evening is not None and x is not None:
            out.append((x, d.stiffness_evening))
    return out


def _water_pairs(days: Sequence[DaySummary]) -> list[_Pair]:
    """(water drunk, next morning's rating) of days with water logged and a rated next morning."""
    by_date = {d.date: d for d in days}
    out: list[_Pair] = []
    for d in days:
        after = by_date.get(d.date + timedelta(days=1))
        if d.water_ml > 0 and after is not None and after.stiffness_morning is not None:
            out.append((d.water_ml, after.stiffness_morning))
    return out


def _compare(measure: Measure, pairs: list[_Pair]) -> Insight | None:
    """The insight for these pairs, if each side of the most even split has enough days."""
    cut = _cut(pairs)
    if cut is None:
        return None
    more = [y for x, y in pairs if x > cut]
    fewer = [y for x, y in pairs if x <= cut]
    if min(len(more), len(fewer)) < MIN_DAYS_PER_SIDE:
        return None
    shown = _round_cut(measure, cut, min(x for x, _ in pairs if x > cut))
    more_tenths, fewer_tenths = mean_tenths(more), mean_tenths(fewer)
    clear = abs(more_tenths - fewer_tenths) >= round(CLEAR_DIFFERENCE * 10)
    group, others, what = _words(measure, shown)
    a, b = f"{more_tenths / 10:.1f}", f"{fewer_tenths / 10:.1f}"
    if clear:
        text = (
            f"On the {len(more)} {group}, your {what} averaged {a};"
            f" on the other {len(fewer)} {others}, {b}."
        )
    else:
        text = (
            f"No clear difference in {what} between the {len(more)} {group} ({a})"
            f" and the other {len(fewer)} {others} ({b})."
        )
    return Insight(
        measure, text, shown, len(more), more_tenths / 10, len(fewer), fewer_tenths / 10, clear
    )


def _cut(pairs: list[_Pair]) -> int | None:
    """The value that splits the pairs most evenly (the lowest such); None if all are equal."""
    best: tuple[int, int] | None = None  # (size gap, cut)
    for c in sorted({x for x, _ in pairs})[:-1]:
        gap = abs(len(pairs) - 2 * sum(1 for x, _ in pairs if x <= c))
        if best is None or gap < best[0]:
            best = (gap, c)
    return None if best is None else best[1]


def _round_cut(measure: Measure, low: int, high: int) -> int:
    """The round value in [low, high) nearest its middle (it splits the same way), else `low`."""
    steps = {
        Measure.EVENING_BY_SITTING: SITTING_STEPS_MIN,
        Measure.EVENING_BY_BREAKS: BREAKS_STEPS_PERCENT,
        Measure.MORNING_AFTER_WATER: WATER_STEPS_ML,
    }[measure]
    for step in steps:
        first, last = -(-low // step) * step, (high - 1) // step * step
        if first <= last:
            nearest = (low + high + step) // (2 * step) * step
            return min(max(nearest, first), last)
    return low


def _words(measure: Measure, cut: int) -> tuple[str, str, str]:
    """The "more" group, the word for the other group's days, and the rating compared."""
    if measure is Measure.EVENING_BY_SITTING:
        return f"days you sat more than {_duration(cut)}", "days", "evening stiffness"
    if measure is Measure.EVENING_BY_BREAKS:
        took = "at least one" if cut == 0 else f"more than {cut}%"
        group = f"days you marked {took} of your break reminders done"
        return group, "days", "evening stiffness"
    return f"mornings after you logged more than {cut} ml of water", "mornings", "morning stiffness"


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest} min"
