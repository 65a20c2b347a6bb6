"""Tests for posture_app.core.stats: ISO weeks, local days, and what `report --json` prints."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest

from posture_app.core.model import (
    Area,
    Kind,
    NaturalBreak,
    Outcome,
    Prompt,
    Session,
    StiffnessRating,
    WaterLog,
    new_id,
)
from posture_app.core.stats import (
    IsoWeek,
    split_at_midnight,
    week_summary,
    weekly_series,
)
from posture_app.core.store import Store
from tests.fakes import local

W48 = IsoWeek(2026, 48)  # Monday 2026-11-23 to Sunday 2026-11-29
DAY_FIELDS = {
    "date",
    "sitting_minutes",
    "sessions",
    "longest_session_minutes",
    "natural_breaks",
    "prompts",
    "water_ml",
    "stiffness_morning",
    "stiffness_evening",
}
KIND_NAMES = {"posture", "stretch", "break", "eyes", "hydration", "stiffness"}
CHANGE_KEYS = {
    "sitting_minutes_per_day",
    "breaks_done",
    "water_ml_per_day",
    "stiffness_morning_avg",
    "stiffness_evening_avg",
}


# --- helpers ----------------------------------------------------------------------------------


def t(text: str) -> datetime:
    at = datetime.fromisoformat(text)
    assert at.tzinfo is not None, text
    return at


def session(store: Store, *spans: tuple[str, str], end: str | None = "last") -> None:
    """A session made of `spans` (ISO pairs); it starts with the first and ends with the last."""
    pairs = tuple((t(a), t(b)) for a, b in spans)
    seconds = sum((b - a).total_seconds() for a, b in pairs)
    finish = pairs[-1][1] if end == "last" else (t(end) if end else None)
    store.save_session(Session(new_id(), pairs[0][0], finish, pairs, seconds))


def natural_break(store: Store, start: str, end: str) -> None:
    store.add_natural_break(NaturalBreak(new_id(), t(start), t(end)))


def prompt(store: Store, kind: Kind, shown: str, outcome: Outcome | None) -> None:
    at = t(shown) + timedelta(minutes=1)
    store.save_prompt(Prompt(new_id(), kind, t(shown), outcome, at if outcome else None))


def water(store: Store, at: str, ml: int) -> None:
    store.add_water(WaterLog(new_id(), t(at), ml))


def rating(store: Store, at: str, score: int) -> None:
    store.add_stiffness(StiffnessRating(new_id(), t(at), score, Area.LOWER_BACK))


def prompts_json(**kinds: dict[str, int]) -> dict[str, dict[str, int]]:
    """The per-kind prompt object with the given outcome counts (due written out by hand)."""
    zero = {"due": 0, "done": 0, "snoozed": 0, "skipped": 0, "ignored": 0}
    return {k: {**zero, **kinds.get(k, {})} for k in sorted(KIND_NAMES)}


def day_json(day: str, **fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "date": day,
        "sitting_minutes": 0,
        "sessions": 0,
        "longest_session_minutes": 0,
        "natural_breaks": 0,
        "prompts": prompts_json(),
        "water_ml": 0,
        "stiffness_morning": None,
        "stiffness_evening": None,
    }
    return {**base, **fields}


def by_date(summary_json: dict[str, object]) -> dict[str, dict[str, object]]:
    days = summary_json["days"]
    assert isinstance(days, list)
    return {d["date"]: d for d in days}


@pytest.fixture
def store() -> Iterator[Store]:
    s = Store.in_memory()
    yield s
    s.close()


# --- IsoWeek ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year", "week"),
    [
        ("2026-W48", 2026, 48),
        ("2026-W01", 2026, 1),
        ("2026-W53", 2026, 53),  # 2026 starts on a Thursday: it has 53 ISO weeks
        ("2020-W53", 2020, 53),  # a leap year starting on a Wednesday: 53 weeks
        (" 2026-W48\n", 2026, 48),
    ],
)
def test_isoweek_parse_accepts_real_weeks(text: str, year: int, week: int) -> None:
    assert IsoWeek.parse(text) == IsoWeek(year, week)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-W53", "2025 has no week 53"),  # 2025 starts on a Wednesday, not leap: 52 weeks
        ("2026-W54", "2026 has no week 54"),
        ("2026-W00", "2026 has no week 0"),
        ("2026-48", "week must look like 2026-W48"),
        ("abcd", "week must look like 2026-W48"),
        ("2026-W4", "week must look like 2026-W48"),
        ("2026-W480", "week must look like 2026-W48"),
        ("26-W48", "week must look like 2026-W48"),
        ("2026W48", "week must look like 2026-W48"),
        ("2026-w48", "week must look like 2026-W48"),
        ("2026-11-23", "week must look like 2026-W48"),
        ("", "week must look like 2026-W48"),
    ],
)
def test_isoweek_parse_rejects_bad_weeks(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        IsoWeek.parse(text)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 23), IsoWeek(2026, 48)),  # Monday
        (date(2026, 11, 29), IsoWeek(2026, 48)),  # Sunday
        (date(2026, 11, 30), IsoWeek(2026, 49)),
        (date(2025, 12, 29), IsoWeek(2026, 1)),  # ISO year starts before the calendar year
        (date(2027, 1, 3), IsoWeek(2026, 53)),  # ... and ends after it
        (date(2027, 1, 4), IsoWeek(2027, 1)),
    ],
    ids=str,
)
def test_isoweek_of(day: date, expected: IsoWeek) -> None:
    assert IsoWeek.of(day) == expected


def test_isoweek_days_run_monday_to_sunday() -> None:
    assert W48.monday == date(2026, 11, 23)
    assert W48.days == [date(2026, 11, d) for d in range(23, 30)]
    assert IsoWeek(2026, 53).days == [
        date(2026, 12, 28),
        date(2026, 12, 29),
        date(2026, 12, 30),
        date(2026, 12, 31),
        date(2027, 1, 1),
        date(2027, 1, 2),
        date(2027, 1, 3),
    ]


@pytest.mark.parametrize(
    ("week", "by", "expected"),
    [
        (IsoWeek(2026, 48), 1, IsoWeek(2026, 49)),
        (IsoWeek(2026, 48), 0, IsoWeek(2026, 48)),
        (IsoWeek(2026, 53), 1, IsoWeek(2027, 1)),
        (IsoWeek(2027, 1), -1, IsoWeek(2026, 53)),
        (IsoWeek(2026, 1), -1, IsoWeek(2025, 52)),
        (IsoWeek(2025, 52), 1, IsoWeek(2026, 1)),
        (IsoWeek(2026, 48), -48, IsoWeek(2025, 52)),
    ],
    ids=str,
)
def test_isoweek_shifted_crosses_year_boundaries(week: IsoWeek, by: int, expected: IsoWeek) -> None:
    assert week.shifted(by) == expected


def test_isoweek_text_form_and_order() -> None:
    assert str(IsoWeek(2026, 5)) == "2026-W05"
    assert str(IsoWeek.parse("2026-W48")) == "2026-W48"
    assert IsoWeek(2026, 53) < IsoWeek(2027, 1)


# --- split_at_midnight ------------------------------------------------------------------------


def _session(*spans: tuple[datetime, datetime]) -> Session:
    return Session(new_id(), spans[0][0], spans[-1][1], spans, 0.0)


def test_split_at_midnight_keeps_a_span_within_one_day_whole() -> None:
    s = _session((t("2026-11-23T09:00:00+01:00"), t("2026-11-23T10:30:00+01:00")))
    assert split_at_midnight(s) == [(date(2026, 11, 23), 5400.0)]


def test_split_at_midnight_cuts_a_span_at_local_midnight() -> None:
    s = _session((t("2026-11-23T22:30:00+01:00"), t("2026-11-24T01:15:00+01:00")))
    assert split_at_midnight(s) == [(date(2026, 11, 23), 5400.0), (date(2026, 11, 24), 4500.0)]


def test_split_at_midnight_uses_the_local_day_not_the_utc_day() -> None:
    # 00:30 to 02:00 +01:00 is 23:30 to 01:00 UTC: one local day, though it crosses UTC midnight.
    s = _session((t("2026-11-24T00:30:00+01:00"), t("2026-11-24T02:00:00+01:00")))
    assert split_at_midnight(s) == [(date(2026, 11, 24), 5400.0)]


def test_split_at_midnight_over_two_midnights_and_several_spans() -> None:
    s = _session(
        (t("2026-11-23T20:00:00+01:00"), t("2026-11-23T21:00:00+01:00")),
        (t("2026-11-23T23:00:00+01:00"), t("2026-11-25T00:30:00+01:00")),
    )
    assert split_at_midnight(s) == [
        (date(2026, 11, 23), 3600.0),
        (date(2026, 11, 23), 3600.0),
        (date(2026, 11, 24), 86400.0),
        (date(2026, 11, 25), 1800.0),
    ]


def test_split_at_midnight_in_the_dst_night_with_stored_offsets() -> None:
    # Europe/Berlin falls back at 03:00 CEST on 2026-10-25: 22:00 CEST to 04:00 CET is 7 hours.
    s = _session((t("2026-10-24T22:00:00+02:00"), t("2026-10-25T04:00:00+01:00")))
    assert split_at_midnight(s) == [(date(2026, 10, 24), 7200.0), (date(2026, 10, 25), 18000.0)]


def test_split_at_midnight_in_the_dst_night_with_zoneinfo_times() -> None:
    """Same span as above, but with the live clock's tz-aware times (ZoneInfo Europe/Berlin).

    Subtracting two datetimes that share one ZoneInfo ignores the offset change, so the hour
    gained at 03:00 must still be counted: the parts must add up to the real 7 hours.
    """
    s = _session((local("2026-10-24T22:00"), local("2026-10-25T04:00")))
    parts = split_at_midnight(s)
    assert sum(seconds for _, seconds in parts) == 7 * 3600
    assert parts == [(date(2026, 10, 24), 7200.0), (date(2026, 10, 25), 18000.0)]


# --- per-day numbers --------------------------------------------------------------------------


def test_a_session_crossing_midnight_counts_on_its_start_day(store: Store) -> None:
    session(store, ("2026-11-24T22:30:00+01:00", "2026-11-25T01:15:00+01:00"))  # 165 min
    days = by_date(week_summary(store, W48).to_json())
    tuesday, wednesday = days["2026-11-24"], days["2026-11-25"]
    assert (
        tuesday["sitting_minutes"],
        tuesday["sessions"],
        tuesday["longest_session_minutes"],
    ) == (
        90,
        1,
        165,
    )
    assert (
        wednesday["sitting_minutes"],
        wednesday["sessions"],
        wednesday["longest_session_minutes"],
    ) == (75, 0, 0)


def test_a_session_from_last_sunday_adds_its_minutes_to_monday(store: Store) -> None:
    session(store, ("2026-11-22T23:50:00+01:00", "2026-11-23T00:20:00+01:00"))
    summary = week_summary(store, W48)
    monday = by_date(summary.to_json())["2026-11-23"]
    assert (monday["sitting_minutes"], monday["sessions"], monday["longest_session_minutes"]) == (
        20,
        0,
        0,
    )
    assert summary.previous is not None
    assert (summary.previous.sitting_minutes, summary.previous.sessions) == (10, 1)
    assert summary.previous.longest_session_minutes == 30


def test_sitting_counts_only_the_awake_spans(store: Store) -> None:
    # 13:10-17:30 is 260 minutes of wall time, with a 4-minute sleep inside: 256 sitting.
    session(
        store,
        ("2026-11-23T13:10:00+01:00", "2026-11-23T15:10:00+01:00"),
        ("2026-11-23T15:14:00+01:00", "2026-11-23T17:30:00+01:00"),
    )
    monday = by_date(week_summary(store, W48).to_json())["2026-11-23"]
    assert monday["sitting_minutes"] == 256
    assert monday["longest_session_minutes"] == 256
    assert monday["sessions"] == 1


def test_an_open_session_counts_what_it_has_so_far(store: Store) -> None:
    session(store, ("2026-11-23T09:00:00+01:00", "2026-11-23T09:45:00+01:00"), end=None)
    monday = by_date(week_summary(store, W48).to_json())["2026-11-23"]
    assert (monday["sitting_minutes"], monday["sessions"]) == (45, 1)


def test_a_session_only_just_begun_is_not_yet_a_day_with_data(store: Store) -> None:
    # What a brand-new user has in the store a few seconds after the first start.
    session(store, ("2026-11-23T09:00:00+01:00", "2026-11-23T09:00:20+01:00"), end=None)
    summary = week_summary(store, W48)
    assert (summary.days[0].sitting_minutes, summary.days[0].sessions) == (0, 1)
    assert summary.totals.days_with_data == 0
    session(store, ("2026-11-24T09:00:00+01:00", "2026-11-24T09:00:40+01:00"), end=None)
    assert week_summary(store, W48).totals.days_with_data == 1  # a minute, as shown


def test_stiffness_morning_is_the_first_before_noon_and_evening_the_last_from_noon(
    store: Store,
) -> None:
    # Stored out of order on purpose.
    rating(store, "2026-11-23T18:00:00+01:00", 7)
    rating(store, "2026-11-23T11:59:00+01:00", 3)
    rating(store, "2026-11-23T21:00:00+01:00", 2)
    rating(store, "2026-11-23T07:30:00+01:00", 5)
    rating(store, "2026-11-23T12:00:00+01:00", 6)
    # Only a rating at exactly 12:00 on Sunday: that is an evening one.
    rating(store, "2026-11-29T12:00:00+01:00", 4)
    # Only a rating at 11:59 on Wednesday: a morning one.
    rating(store, "2026-11-25T11:59:00+01:00", 8)

    summary = week_summary(store, W48)
    days = by_date(summary.to_json())
    assert (days["2026-11-23"]["stiffness_morning"], days["2026-11-23"]["stiffness_evening"]) == (
        5,
        2,
    )
    assert (days["2026-11-29"]["stiffness_morning"], days["2026-11-29"]["stiffness_evening"]) == (
        None,
        4,
    )
    assert (days["2026-11-25"]["stiffness_morning"], days["2026-11-25"]["stiffness_evening"]) == (
        8,
        None,
    )
    assert summary.totals.stiffness_morning_avg == 6.5  # (5 + 8) / 2
    assert summary.totals.stiffness_evening_avg == 3.0  # (2 + 4) / 2


def test_prompts_due_is_the_sum_of_outcomes_and_open_prompts_do_not_count(store: Store) -> None:
    prompt(store, Kind.POSTURE, "2026-11-23T09:00:00+01:00", Outcome.DONE)
    prompt(store, Kind.POSTURE, "2026-11-23T09:30:00+01:00", Outcome.DONE)
    prompt(store, Kind.POSTURE, "2026-11-23T10:00:00+01:00", Outcome.SNOOZED)
    prompt(store, Kind.POSTURE, "2026-11-23T10:10:00+01:00", Outcome.SKIPPED)
    prompt(store, Kind.POSTURE, "2026-11-23T10:20:00+01:00", Outcome.IGNORED)
    prompt(store, Kind.POSTURE, "2026-11-23T10:30:00+01:00", None)  # still showing
    prompt(store, Kind.EYES, "2026-11-23T10:40:00+01:00", None)  # still showing
    prompt(store, Kind.BREAK, "2026-11-23T11:00:00+01:00", Outcome.IGNORED)

    summary = week_summary(store, W48)
    monday = by_date(summary.to_json())["2026-11-23"]
    assert monday["prompts"] == prompts_json(
        posture={"due": 5, "done": 2, "snoozed": 1, "skipped": 1, "ignored": 1},
        **{"break": {"due": 1, "ignored": 1}},
    )
    totals = summary.to_json()["totals"]
    assert isinstance(totals, dict)
    assert totals["prompts"] == monday["prompts"]


def test_water_is_summed_per_local_day(store: Store) -> None:
    water(store, "2026-11-23T09:30:00+01:00", 250)
    water(store, "2026-11-23T14:00:00+01:00", 330)
    water(store, "2026-11-24T00:30:00+01:00", 200)  # 23:30 UTC on the 23rd: still Tuesday
    water(store, "2026-11-29T23:30:00+01:00", 100)  # Sunday
    water(store, "2026-11-30T00:10:00+01:00", 999)  # next Monday: not this week
    water(store, "2026-11-22T23:59:00+01:00", 888)  # last Sunday: not this week

    summary = week_summary(store, W48)
    assert [d.water_ml for d in summary.days] == [580, 200, 0, 0, 0, 0, 100]
    assert summary.totals.water_ml == 880
    assert summary.previous is not None
    assert summary.previous.water_ml == 888


def test_the_dst_week_puts_each_record_on_its_local_day(store: Store) -> None:
    week = IsoWeek.parse("2026-W43")  # Monday 2026-10-19 to Sunday 2026-10-25 (clocks go back)
    assert week.days[-1] == date(2026, 10, 25)
    water(store, "2026-10-18T23:30:00+02:00", 200)  # Sunday of W42
    water(store, "2026-10-19T00:30:00+02:00", 300)  # 22:30 UTC Sunday, but Monday locally
    water(store, "2026-10-25T23:30:00+01:00", 250)  # Sunday, after the change
    water(store, "2026-10-26T00:30:00+01:00", 150)  # 23:30 UTC Sunday, but Monday of W44
    # 02:30 happens twice that night; the first (CEST) is the earlier one, so the morning one.
    rating(store, "2026-10-25T02:30:00+01:00", 6)
    rating(store, "2026-10-25T02:30:00+02:00", 4)
    # 23:00 CEST Saturday to 04:00 CET Sunday: 6 hours, 1 on Saturday and 5 on Sunday.
    session(store, ("2026-10-24T23:00:00+02:00", "2026-10-25T04:00:00+01:00"))

    summary = week_summary(store, week)
    days = by_date(summary.to_json())
    assert list(days) == [f"2026-10-{d}" for d in range(19, 26)]
    assert days["2026-10-19"] == day_json("2026-10-19", water_ml=300)
    assert days["2026-10-24"] == day_json(
        "2026-10-24", sitting_minutes=60, sessions=1, longest_session_minutes=360
    )
    assert days["2026-10-25"] == day_json(
        "2026-10-25", sitting_minutes=300, water_ml=250, stiffness_morning=4
    )
    assert summary.totals.water_ml == 550
    assert summary.totals.sitting_minutes == 360
    assert summary.previous is not None
    assert summary.previous.water_ml == 200


def test_records_from_a_trip_land_on_their_own_local_day(store: Store) -> None:
    # New York evening: 22:00 -05:00 is 04:00 on Wednesday in Berlin, but Tuesday where it was.
    water(store, "2026-11-24T22:00:00-05:00", 500)
    # 11:30 -05:00 is 17:30 in Berlin, but a morning rating where the user was.
    rating(store, "2026-11-24T11:30:00-05:00", 7)
    # 20:00 -05:00 on Wednesday is 02:00 Thursday in Berlin.
    session(store, ("2026-11-25T20:00:00-05:00", "2026-11-25T21:00:00-05:00"))
    # Back home.
    water(store, "2026-11-26T09:00:00+01:00", 250)

    days = by_date(week_summary(store, W48).to_json())
    assert days["2026-11-24"] == day_json("2026-11-24", water_ml=500, stiffness_morning=7)
    assert days["2026-11-25"] == day_json(
        "2026-11-25", sitting_minutes=60, sessions=1, longest_session_minutes=60
    )
    assert days["2026-11-26"] == day_json("2026-11-26", water_ml=250)


# --- the whole report -------------------------------------------------------------------------


def _a_week(store: Store) -> None:
    """A realistic week 2026-W48 (numbers in the comments are what the report must say)."""
    # Sunday night before: 23:50-00:20, 10 minutes on Sunday (W47), 20 on Monday.
    session(store, ("2026-11-22T23:50:00+01:00", "2026-11-23T00:20:00+01:00"))
    # Monday: 185 + 256 (+ 20 from Sunday) = 461 sitting; 2 sessions; longest 256; 1 break.
    session(store, ("2026-11-23T08:55:00+01:00", "2026-11-23T12:00:00+01:00"))
    natural_break(store, "2026-11-23T12:00:00+01:00", "2026-11-23T13:10:00+01:00")
    session(
        store,
        ("2026-11-23T13:10:00+01:00", "2026-11-23T15:10:00+01:00"),
        ("2026-11-23T15:14:00+01:00", "2026-11-23T17:30:00+01:00"),
    )
    prompt(store, Kind.STIFFNESS, "2026-11-23T08:55:00+01:00", Outcome.DONE)
    prompt(store, Kind.POSTURE, "2026-11-23T09:40:00+01:00", Outcome.DONE)
    prompt(store, Kind.POSTURE, "2026-11-23T10:10:00+01:00", Outcome.DONE)
    prompt(store, Kind.POSTURE, "2026-11-23T10:40:00+01:00", Outcome.SNOOZED)
    prompt(store, Kind.STRETCH, "2026-11-23T11:25:00+01:00", Outcome.SKIPPED)
    prompt(store, Kind.BREAK, "2026-11-23T14:10:00+01:00", Outcome.IGNORED)
    prompt(store, Kind.HYDRATION, "2026-11-23T15:45:00+01:00", Outcome.DONE)
    prompt(store, Kind.EYES, "2026-11-23T17:25:00+01:00", None)  # never answered
    water(store, "2026-11-23T09:30:00+01:00", 250)
    water(store, "2026-11-23T14:00:00+01:00", 330)
    rating(store, "2026-11-23T08:56:00+01:00", 5)
    rating(store, "2026-11-23T17:31:00+01:00", 3)
    # Tuesday: 22:30 to 01:15 (165 min): 90 on Tuesday, 75 on Wednesday; water 200 + 500.
    session(store, ("2026-11-24T22:30:00+01:00", "2026-11-25T01:15:00+01:00"))
    water(store, "2026-11-24T00:30:00+01:00", 200)
    water(store, "2026-11-24T22:00:00-05:00", 500)  # on a trip
    rating(store, "2026-11-24T11:30:00-05:00", 7)
    # Sunday: just an evening rating and a glass.
    rating(store, "2026-11-29T12:00:00+01:00", 4)
    water(store, "2026-11-29T23:30:00+01:00", 100)
    # Next Monday: not in this week.
    water(store, "2026-11-30T00:10:00+01:00", 999)
    rating(store, "2026-11-30T08:00:00+01:00", 9)


def test_report_json_has_the_documented_shape(store: Store) -> None:
    _a_week(store)
    out = week_summary(store, W48).to_json()
    assert set(out) == {"week", "days", "totals"}
    assert out["week"] == "2026-W48"
    days = out["days"]
    assert isinstance(days, list)
    assert [d["date"] for d in days] == [f"2026-11-{d}" for d in range(23, 30)]
    for d in days:
        assert set(d) >= DAY_FIELDS
        assert set(d["prompts"]) == KIND_NAMES
        for counts in d["prompts"].values():
            assert set(counts) == {"due", "done", "snoozed", "skipped", "ignored"}
            assert counts["due"] == sum(
                counts[o] for o in ("done", "snoozed", "skipped", "ignored")
            )


def test_report_json_days_are_right(store: Store) -> None:
    _a_week(store)
    days = week_summary(store, W48).to_json()["days"]
    assert days == [
        day_json(
            "2026-11-23",
            sitting_minutes=461,
            sessions=2,
            longest_session_minutes=256,
            natural_breaks=1,
            prompts=prompts_json(
                posture={"due": 3, "done": 2, "snoozed": 1},
                stretch={"due": 1, "skipped": 1},
                hydration={"due": 1, "done": 1},
                stiffness={"due": 1, "done": 1},
                **{"break": {"due": 1, "ignored": 1}},
            ),
            water_ml=580,
            stiffness_morning=5,
            stiffness_evening=3,
        ),
        day_json(
            "2026-11-24",
            sitting_minutes=90,
            sessions=1,
            longest_session_minutes=165,
            water_ml=700,
            stiffness_morning=7,
        ),
        day_json("2026-11-25", sitting_minutes=75),
        day_json("2026-11-26"),
        day_json("2026-11-27"),
        day_json("2026-11-28"),
        day_json("2026-11-29", water_ml=100, stiffness_evening=4),
    ]


def test_report_json_totals_are_right(store: Store) -> None:
    _a_week(store)
    totals = week_summary(store, W48).to_json()["totals"]
    assert isinstance(totals, dict)
    assert totals["sitting_minutes"] == 626  # 461 + 90 + 75
    assert totals["sessions"] == 3
    assert totals["longest_session_minutes"] == 256
    assert totals["natural_breaks"] == 1
    assert totals["water_ml"] == 1380  # 580 + 700 + 100
    assert totals["days_with_data"] == 4  # Monday, Tuesday, Wednesday, Sunday
    assert totals["stiffness_morning_avg"] == 6.0  # (5 + 7) / 2
    assert totals["stiffness_evening_avg"] == 3.5  # (3 + 4) / 2
    assert totals["prompts"]["posture"] == {
        "due": 3,
        "done": 2,
        "snoozed": 1,
        "skipped": 0,
        "ignored": 0,
    }
    assert totals["prompts"]["eyes"]["due"] == 0
    assert set(totals["change_from_previous_week"]) == CHANGE_KEYS


def test_report_json_is_deterministic(store: Store) -> None:
    _a_week(store)
    first, second = week_summary(store, W48).to_json(), week_summary(store, W48).to_json()
    assert first == second
    assert json.dumps(first, ensure_ascii=False) == json.dumps(second, ensure_ascii=False)
    assert json.loads(json.dumps(first)) == first  # plain JSON values only


def test_report_json_of_an_empty_week(store: Store) -> None:
    out = week_summary(store, W48).to_json()
    assert out["days"] == [day_json(f"2026-11-{d}") for d in range(23, 30)]
    totals = out["totals"]
    assert isinstance(totals, dict)
    assert (totals["sitting_minutes"], totals["days_with_data"]) == (0, 0)
    assert (totals["stiffness_morning_avg"], totals["stiffness_evening_avg"]) == (None, None)
    assert totals["change_from_previous_week"] == dict.fromkeys(CHANGE_KEYS)


# --- week over week ---------------------------------------------------------------------------


def _two_weeks(store: Store) -> None:
    # W47: Wednesday only. 120 min, 1 posture done, 1000 ml, morning 6.
    session(store, ("2026-11-18T09:00:00+01:00", "2026-11-18T11:00:00+01:00"))
    prompt(store, Kind.POSTURE, "2026-11-18T09:30:00+01:00", Outcome.DONE)
    water(store, "2026-11-18T10:00:00+01:00", 1000)
    rating(store, "2026-11-18T08:00:00+01:00", 6)
    # W48: Monday 90 min, Tuesday 60 min (75/day); 3 posture/break/stretch done; 1000 ml/day.
    session(store, ("2026-11-23T09:00:00+01:00", "2026-11-23T10:30:00+01:00"))
    prompt(store, Kind.POSTURE, "2026-11-23T09:30:00+01:00", Outcome.DONE)
    prompt(store, Kind.BREAK, "2026-11-23T10:00:00+01:00", Outcome.DONE)
    prompt(store, Kind.STRETCH, "2026-11-23T10:10:00+01:00", Outcome.DONE)
    prompt(store, Kind.HYDRATION, "2026-11-23T10:20:00+01:00", Outcome.DONE)  # not a break
    prompt(store, Kind.POSTURE, "2026-11-23T10:25:00+01:00", Outcome.SKIPPED)  # not done
    water(store, "2026-11-23T10:00:00+01:00", 500)
    rating(store, "2026-11-23T08:00:00+01:00", 4)
    session(store, ("2026-11-24T09:00:00+01:00", "2026-11-24T10:00:00+01:00"))
    water(store, "2026-11-24T10:00:00+01:00", 1500)


def test_change_against_the_previous_week(store: Store) -> None:
    _two_weeks(store)
    assert week_summary(store, W48).change() == {
        "sitting_minutes_per_day": -45.0,  # 75 - 120
        "breaks_done": 2.0,  # 3 - 1
        "water_ml_per_day": 0.0,  # 1000 - 1000
        "stiffness_morning_avg": -2.0,  # 4 - 6
        "stiffness_evening_avg": None,  # no evening rating in either week
    }
    totals = week_summary(store, W48).to_json()["totals"]
    assert isinstance(totals, dict)
    assert totals["change_from_previous_week"]["sitting_minutes_per_day"] == -45.0


def test_change_is_none_when_the_previous_week_has_no_data(store: Store) -> None:
    _two_weeks(store)
    assert week_summary(store, IsoWeek(2026, 47)).change() == dict.fromkeys(CHANGE_KEYS)


def test_change_is_none_when_this_week_has_no_data(store: Store) -> None:
    _two_weeks(store)
    assert week_summary(store, IsoWeek(2026, 49)).change() == dict.fromkeys(CHANGE_KEYS)


def _monday_water(store: Store, *weeks_and_ml: tuple[int, int]) -> None:
    for week, ml in weeks_and_ml:
        monday = IsoWeek(2026, week).monday
        water(store, f"{monday.isoformat()}T10:00:00+01:00", ml)


def test_weekly_series_is_oldest_first_and_chained(store: Store) -> None:
    _monday_water(store, (45, 100), (46, 200), (47, 300), (48, 400))
    series = weekly_series(store, W48, 3)
    assert [str(s.week) for s in series] == ["2026-W46", "2026-W47", "2026-W48"]
    assert [s.totals.water_ml for s in series] == [200, 300, 400]
    for s in series:
        assert [d.date for d in s.days] == s.week.days
    assert series[1].previous == series[0].totals
    assert series[2].previous == series[1].totals
    assert series[2].change()["water_ml_per_day"] == 100.0
    # The newest week is exactly what `report` shows for it.
    assert series[-1].to_json() == week_summary(store, W48).to_json()


def test_weekly_series_over_a_year_boundary(store: Store) -> None:
    water(store, "2026-12-31T10:00:00+01:00", 250)  # Thursday of 2026-W53
    water(store, "2027-01-04T10:00:00+01:00", 500)  # Monday of 2027-W01
    series = weekly_series(store, IsoWeek(2027, 1), 2)
    assert [str(s.week) for s in series] == ["2026-W53", "2027-W01"]
    assert [s.totals.water_ml for s in series] == [250, 500]


def test_weekly_series_oldest_week_is_compared_with_the_week_before_it(store: Store) -> None:
    """The oldest week of a series has a week before it too; its change must match `report`."""
    _monday_water(store, (45, 100), (46, 200), (47, 300), (48, 400))
    oldest = weekly_series(store, W48, 3)[0]
    assert oldest.change()["water_ml_per_day"] == 100.0  # 200 - 100
    assert oldest.to_json() == week_summary(store, IsoWeek(2026, 46)).to_json()


def test_a_week_read_alone_equals_the_same_week_read_in_a_series(store: Store) -> None:
    """The window keeps weeks read in different calls side by side: they must agree."""
    _monday_water(store, (45, 100), (46, 200), (47, 300), (48, 400))
    session(store, ("2026-11-15T23:30:00+01:00", "2026-11-16T00:40:00+01:00"))  # W46 into W47
    session(store, ("2026-11-22T22:00:00+01:00", "2026-11-23T02:00:00+01:00"))  # W47 into W48
    rating(store, "2026-11-16T08:00:00+01:00", 4)
    series = weekly_series(store, W48, 4)
    for i, summary in enumerate(series):
        alone = weekly_series(store, summary.week, 1)[0]
        assert alone == summary
        assert alone == week_summary(store, summary.week)
        assert weekly_series(store, W48, 4 - i)[0] == summary  # as the oldest of a shorter run


def test_stiffness_averages_round_half_up_as_people_do(store: Store) -> None:
    # Mornings 3, 3, 4, 3: 3.25, which round() would make 3.2 (half to even). Evenings 2, 3:
    # 2.5 stays 2.5; 1, 2, 2: 1.666... is 1.7.
    for day, score in (("23", 3), ("24", 3), ("25", 4), ("26", 3)):
        rating(store, f"2026-11-{day}T08:00:00+01:00", score)
    for day, score in (("23", 2), ("24", 3)):
        rating(store, f"2026-11-{day}T19:00:00+01:00", score)
    totals = week_summary(store, W48).totals
    assert (totals.stiffness_morning_avg, totals.stiffness_evening_avg) == (3.3, 2.5)
    rating(store, "2026-11-16T19:00:00+01:00", 1)
    rating(store, "2026-11-17T19:00:00+01:00", 2)
    rating(store, "2026-11-18T19:00:00+01:00", 2)
    assert week_summary(store, IsoWeek(2026, 47)).totals.stiffness_evening_avg == 1.7
