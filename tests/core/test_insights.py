"""Tests for posture_app.core.insights: which sentences the days support, and their numbers."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from posture_app.core.insights import (
    MIN_DAYS_PER_SIDE,
    NOTE,
    Measure,
    breaks_percent,
    insights,
    insights_for,
    not_enough,
)
from posture_app.core.model import Kind, Session, StiffnessRating, new_id
from posture_app.core.stats import DaySummary, PromptCounts
from posture_app.core.store import Store
from tests.fakes import local

D0 = date(2026, 9, 7)


def days_of(
    *rows: tuple[int, int | None], breaks: list[tuple[int, int]] | None = None
) -> list[DaySummary]:
    """Consecutive days from D0: (minutes sat, evening rating), optionally posture checks as
    (done, skipped)."""
    out = []
    for i, (minutes, evening) in enumerate(rows):
        done, skipped = breaks[i] if breaks else (0, 0)
        prompts = {Kind.POSTURE: PromptCounts(done=done, skipped=skipped)}
        out.append(
            DaySummary(
                D0 + timedelta(days=i),
                sitting_minutes=minutes,
                prompts=prompts if done + skipped else {},
                stiffness_evening=evening,
            )
        )
    return out


def of_ten(done: list[int]) -> list[tuple[int, int]]:
    """Days of ten posture checks, `done` of them taken."""
    return [(d, 10 - d) for d in done]


def by_measure(days: list[DaySummary], measure: Measure):
    found = [i for i in insights(days) if i.measure is measure]
    return found[0] if found else None


# 8 shorter days (5 h to 6 h 10 min) and 8 longer ones (6 h 40 min to 7 h 50 min).
SHORT = [(300 + 10 * k, e) for k, e in enumerate([4, 4, 4, 4, 3, 4, 4, 4])]
LONG = [(400 + 10 * k, e) for k, e in enumerate([5, 5, 5, 5, 5, 5, 6, 5])]


# --- the sitting comparison -------------------------------------------------------------------


def test_sitting_sentence_states_days_and_means():
    rows = SHORT + LONG
    random.Random(4).shuffle(rows)  # the dates' order must not matter
    found = by_measure(days_of(*rows), Measure.EVENING_BY_SITTING)
    assert found is not None
    # 41/8 = 5.125 and 31/8 = 3.875, rounded half up to one decimal.
    assert found.text == (
        "On the 8 days you sat more than 6 h 30 min, your evening stiffness averaged 5.1;"
        " on the other 8 days, 3.9."
    )
    assert (found.cut, found.more_days, found.more_mean) == (390, 8, 5.1)
    assert (found.fewer_days, found.fewer_mean, found.clear) == (8, 3.9, True)


@pytest.mark.parametrize(
    ("low_max", "high_min", "cut", "words"),
    [
        (370, 400, 390, "6 h 30 min"),  # a half hour lies between the groups
        (350, 420, 360, "6 h"),  # a whole hour does
        (371, 374, 371, "6 h 11 min"),  # nothing round does: the exact value
        (40, 50, 45, "45 min"),
    ],
)
def test_the_cut_shown_is_round_when_that_splits_the_days_the_same(low_max, high_min, cut, words):
    rows = [(low_max - k, 2) for k in range(5)] + [(high_min + k, 6) for k in range(5)]
    found = by_measure(days_of(*rows), Measure.EVENING_BY_SITTING)
    assert found is not None
    assert found.cut == cut
    assert found.text.startswith(f"On the 5 days you sat more than {words},")


@pytest.mark.parametrize(
    ("n", "shown"), [(2 * MIN_DAYS_PER_SIDE - 1, False), (2 * MIN_DAYS_PER_SIDE, True)]
)
def test_sitting_needs_enough_days_on_both_sides(n, shown):
    rows = [(300 + 10 * k, 2 + k % 3) for k in range(n)]
    assert (by_measure(days_of(*rows), Measure.EVENING_BY_SITTING) is not None) is shown


@pytest.mark.parametrize(
    ("fewer", "more", "shown"),
    [
        (MIN_DAYS_PER_SIDE - 1, MIN_DAYS_PER_SIDE + 2, False),  # the split cannot help it
        (MIN_DAYS_PER_SIDE + 2, MIN_DAYS_PER_SIDE - 1, False),
        (MIN_DAYS_PER_SIDE, MIN_DAYS_PER_SIDE + 2, True),
        (MIN_DAYS_PER_SIDE + 2, MIN_DAYS_PER_SIDE, True),
    ],
)
def test_each_side_needs_the_minimum_even_with_many_days_on_the_other(fewer, more, shown):
    rows = [(200, 3)] * fewer + [(500, 6)] * more  # only two values: one possible cut
    found = by_measure(days_of(*rows), Measure.EVENING_BY_SITTING)
    assert (found is not None) is shown
    if found:
        assert (found.fewer_days, found.more_days) == (fewer, more)


@pytest.mark.parametrize(
    ("more_ratings", "fewer_ratings", "clear"),
    [
        ([5, 5, 5, 5, 4], [4, 4, 4, 4, 4], False),  # 4.8 against 4.0
        ([5, 5, 5, 5, 5], [4, 4, 4, 4, 4], True),  # exactly the threshold
        ([5, 5, 5, 5, 5], [4, 4, 4, 4, 5], False),  # 5.0 against 4.2
        ([6, 5, 5, 5, 5], [4, 4, 4, 4, 4], True),  # 5.2 against 4.0
        ([5, 4, 4, 4, 4, 4, 4], [4, 3, 3, 3, 3, 3, 3], True),  # 4.1 - 3.1 is 0.999... in floats
        ([5, 4, 4, 4, 4, 4, 4], [4, 4, 3, 3, 3, 3, 3], False),  # 4.1 against 3.3
    ],
)
def test_a_small_gap_is_no_clear_difference(more_ratings, fewer_ratings, clear):
    rows = [(200 + k, r) for k, r in enumerate(fewer_ratings)]
    rows += [(500 + k, r) for k, r in enumerate(more_ratings)]
    found = by_measure(days_of(*rows), Measure.EVENING_BY_SITTING)
    assert found is not None
    assert found.clear is clear
    assert found.text.startswith(f"On the {len(more_ratings)} days") is clear


def test_no_clear_difference_sentence():
    rows = [(200 + k, r) for k, r in enumerate([4, 4, 4, 4, 4])]
    rows += [(500 + k, r) for k, r in enumerate([5, 5, 5, 5, 4])]
    found = by_measure(days_of(*rows), Measure.EVENING_BY_SITTING)
    assert found is not None
    assert found.text == (
        "No clear difference in evening stiffness between the 5 days you sat more than 6 h (4.8)"
        " and the other 5 days (4.0)."
    )


def test_means_round_half_up():
    rows = [(200 + k, r) for k, r in enumerate([4, 4, 4, 4, 4, 4, 5, 5])]  # 4.25
    rows += [(500 + k, r) for k, r in enumerate([5, 5, 5, 5, 5, 5, 6, 6])]  # 5.25
    found = by_measure(days_of(*rows), Measure.EVENING_BY_SITTING)
    assert found is not None
    assert (found.more_mean, found.fewer_mean) == (5.3, 4.3)
    assert found.text.endswith("averaged 5.3; on the other 8 days, 4.3.")


def test_the_sentence_holds_whichever_group_is_stiffer():
    rows = [(200 + k, 7) for k in range(5)] + [(500 + k, 2) for k in range(5)]
    found = by_measure(days_of(*rows), Measure.EVENING_BY_SITTING)
    assert found is not None
    assert found.text == (
        "On the 5 days you sat more than 6 h, your evening stiffness averaged 2.0;"
        " on the other 5 days, 7.0."
    )


def test_days_without_both_numbers_are_left_out():
    rows = SHORT + LONG
    base = by_measure(days_of(*rows), Measure.EVENING_BY_SITTING)
    # Long days without an evening rating, and rated days the app did not see sitting.
    extra = [(900, None), (800, None), (0, 9), (0, 10), (0, 0)]
    found = by_measure(days_of(*rows, *extra), Measure.EVENING_BY_SITTING)
    assert found == base


def test_an_odd_count_puts_the_extra_day_above_the_cut():
    rows = [(300 + 10 * k, 3) for k in range(7)] + [(400 + 10 * k, 5) for k in range(8)]
    found = by_measure(days_of(*rows), Measure.EVENING_BY_SITTING)
    assert found is not None
    # Cutting after the 7th or the 8th day is as even: the lower cut wins, 7 and 8.
    assert (found.fewer_days, found.more_days) == (7, 8)


# --- the breaks comparison: the share taken, with many ties ---------------------------------------


def test_breaks_sentence_cuts_where_ties_keep_the_groups_most_even():
    # 0% x3, 10% x4, 20% x2, 30% x3: cutting at 10% gives 7 and 5, at 0 or 20% 3/9 or 9/3.
    done = [0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 3]
    rows = [(240, 5 if c <= 1 else 3) for c in done]
    found = by_measure(days_of(*rows, breaks=of_ten(done)), Measure.EVENING_BY_BREAKS)
    assert found is not None
    assert found.cut == 10
    assert found.text == (
        "On the 5 days you marked more than 10% of your break reminders done,"
        " your evening stiffness averaged 3.0; on the other 7 days, 5.0."
    )


def test_an_even_draw_between_cuts_takes_the_lower():
    # 0% x6, 10% x2, 20% x6: cutting at 0 gives 6 and 8, at 10% gives 8 and 6.
    done = [0] * 6 + [1] * 2 + [2] * 6
    rows = [(240, 5 if c == 0 else 3) for c in done]
    found = by_measure(days_of(*rows, breaks=of_ten(done)), Measure.EVENING_BY_BREAKS)
    assert found is not None
    assert (found.cut, found.fewer_days, found.more_days) == (0, 6, 8)
    assert found.text == (
        "On the 8 days you marked at least one of your break reminders done,"
        " your evening stiffness averaged 3.0; on the other 6 days, 5.0."
    )


def test_the_cut_shown_is_a_round_percentage_when_one_splits_the_days_the_same():
    # 3 of 7 (43%, rounded up) and 5 of 7 (72%): 60% lies between, nearest the middle of 50%,
    # 55%, 60%, 65% and 70%.
    rows = [(240, 2)] * 5 + [(240, 6)] * 5
    breaks = [(3, 4)] * 5 + [(5, 2)] * 5
    found = by_measure(days_of(*rows, breaks=breaks), Measure.EVENING_BY_BREAKS)
    assert found is not None
    assert found.cut == 60
    assert "more than 60% of your break reminders done" in found.text


def test_longer_days_with_more_breaks_but_the_same_share_are_no_breaks_pattern():
    # Long days: 20 of 40 prompts done; short days: 5 of 10. Counting breaks would split them
    # as long against short days; their share is the same, so there is nothing to compare.
    rows = [(480 + k, 6) for k in range(6)] + [(180 + k, 3) for k in range(6)]
    breaks = [(20, 20)] * 6 + [(5, 5)] * 6
    found = insights(days_of(*rows, breaks=breaks))
    assert [i.measure for i in found] == [Measure.EVENING_BY_SITTING]


def test_days_without_break_prompts_are_left_out_of_the_breaks_comparison():
    done = [0] * 5 + [5] * 5
    rows = [(240, 5 if c == 0 else 3) for c in done]
    base = by_measure(days_of(*rows, breaks=of_ten(done)), Measure.EVENING_BY_BREAKS)
    extra = days_of(*rows, (240, 9), (240, 9), (240, 9), breaks=[*of_ten(done), *[(0, 0)] * 3])
    assert by_measure(extra, Measure.EVENING_BY_BREAKS) == base


def test_no_breaks_insight_when_every_day_has_the_same_share():
    rows = SHORT + LONG
    found = insights(days_of(*rows, breaks=of_ten([2] * len(rows))))
    assert [i.measure for i in found] == [Measure.EVENING_BY_SITTING]


def test_breaks_percent_counts_done_movement_prompts_of_those_answered_leaving_snoozed_out():
    day = DaySummary(
        D0,
        prompts={
            Kind.POSTURE: PromptCounts(done=1, skipped=4),
            Kind.STRETCH: PromptCounts(done=2, snoozed=3),
            Kind.BREAK: PromptCounts(done=1, ignored=2),
            Kind.EYES: PromptCounts(done=3),
            Kind.HYDRATION: PromptCounts(done=8),
            Kind.STIFFNESS: PromptCounts(done=2),
        },
    )
    assert breaks_percent(day) == 54  # 7 of 13 (the 3 snoozed come back as prompts of their own)
    assert breaks_percent(DaySummary(D0, prompts={Kind.HYDRATION: PromptCounts(done=3)})) is None


def test_a_share_rounds_up_so_more_than_the_cut_is_exact():
    # 121 of 200 is 60.5%: it counts as 61, above a cut of 60 ("more than 60%" is true).
    assert breaks_percent(DaySummary(D0, prompts={Kind.BREAK: PromptCounts(121, ignored=79)})) == 61
    assert breaks_percent(DaySummary(D0, prompts={Kind.BREAK: PromptCounts(6, ignored=4)})) == 60
    rows = [(240, 2)] * 5 + [(240, 6)] * 5
    breaks = [(6, 4)] * 5 + [(121, 79)] * 5
    found = by_measure(days_of(*rows, breaks=breaks), Measure.EVENING_BY_BREAKS)
    assert found is not None
    assert (found.cut, found.more_days, found.more_mean) == (60, 5, 6.0)


def test_the_note_says_it_is_not_a_diagnosis():
    assert NOTE == "These are patterns in your own data, not a diagnosis."


# --- next morning after water -------------------------------------------------------------------


def test_water_is_paired_with_the_next_morning():
    days = []
    for i in range(12):
        days.append(
            DaySummary(
                D0 + timedelta(days=i),
                water_ml=2000 if i % 2 else 1000,
                # Each morning follows the day before: after 2 L a 2, after 1 L a 4.
                stiffness_morning=(4 if i % 2 else 2) if i else 9,
            )
        )
    # Unpaired: no day after it in the list, a gap before the next, no water logged.
    days.append(DaySummary(D0 + timedelta(days=20), water_ml=3000, stiffness_morning=0))
    days.append(DaySummary(D0 + timedelta(days=22), water_ml=0))
    days.append(DaySummary(D0 + timedelta(days=23), stiffness_morning=10))
    found = by_measure(days, Measure.MORNING_AFTER_WATER)
    assert found is not None
    assert found.text == (
        "On the 5 mornings after you logged more than 1500 ml of water, your morning stiffness averaged 2.0;"
        " on the other 6 mornings, 4.0."
    )


# --- what is missing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rated", "message"),
    [
        (0, "Rate your stiffness on 10 more evenings after a day at the computer to see patterns."),
        (7, "Rate your stiffness on 3 more evenings after a day at the computer to see patterns."),
        (9, "Rate your stiffness on 1 more evening after a day at the computer to see patterns."),
        (10, None),
    ],
)
def test_not_enough_says_how_many_more_evenings(rated, message):
    rows = [(300 + 10 * k, 3) for k in range(rated)]
    rows += [(600, None), (0, 4)]  # neither counts
    assert not_enough(days_of(*rows)) == message


def test_not_enough_when_the_days_are_too_alike():
    rows = [(300, 3)] * 12
    assert insights(days_of(*rows)) == []
    assert not_enough(days_of(*rows)) == (
        "Keep rating your stiffness in the evening: so far your days have been too alike to compare."
    )


def test_a_water_insight_alone_still_asks_for_evening_ratings():
    days = [
        DaySummary(D0 + timedelta(days=i), water_ml=500 * (i % 4 + 1), stiffness_morning=i % 5)
        for i in range(12)
    ]
    assert [i.measure for i in insights(days)] == [Measure.MORNING_AFTER_WATER]
    assert not_enough(days) is not None
    assert not_enough(days).startswith("Rate your stiffness on 10 more evenings")


def test_nothing_at_all():
    assert insights([]) == []
    assert not_enough([]) is not None


# --- from the store -----------------------------------------------------------------------------


def sit(store: Store, day: date, minutes: int, evening: int) -> None:
    start = local(f"{day.isoformat()}T09:00")
    end = start + timedelta(minutes=minutes)
    store.save_session(Session(new_id(), start, end, ((start, end),), minutes * 60.0))
    store.add_stiffness(StiffnessRating(new_id(), local(f"{day.isoformat()}T20:00"), evening))


def test_insights_for_reads_the_weeks_ending_with_the_day():
    store = Store.in_memory()
    last = date(2026, 11, 29)
    first = last - timedelta(days=55)
    for i in range(5):
        sit(store, first + timedelta(days=i), 60, 2)
        sit(store, last - timedelta(days=i), 180, 5)
    # A day before the window and one after it: read, they would change the counts.
    sit(store, first - timedelta(days=1), 10, 9)
    sit(store, last + timedelta(days=1), 900, 0)
    found = insights_for(store, last)
    assert (found.first_day, found.last_day) == (first, last)
    assert [i.text for i in found.items] == [
        "On the 5 days you sat more than 2 h, your evening stiffness averaged 5.0;"
        " on the other 5 days, 2.0."
    ]
    assert found.missing is None


def test_insights_for_with_too_few_days():
    store = Store.in_memory()
    sit(store, date(2026, 11, 27), 60, 2)
    found = insights_for(store, date(2026, 11, 29), weeks=1)
    assert found.items == ()
    assert found.missing is not None
    assert "9 more evenings" in found.missing


def test_insights_for_needs_a_week():
    with pytest.raises(ValueError, match="at least 1"):
        insights_for(Store.in_memory(), D0, weeks=0)
