"""Scenario tests: whole days played through the real scheduler with a simulated clock.

Expected times are worked out by hand from DESIGN.md's rules (see the comment on each test).
"""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from posture_app.core.model import Kind, Outcome
from posture_app.core.scheduler import (
    AWAY_AFTER,
    NaturalBreakTaken,
    Observation,
    PromptEnded,
    PromptShown,
    Scheduler,
    SessionEnded,
    SessionStarted,
)
from posture_app.core.settings import Settings, WorkingHours
from posture_app.core.simulate import Respond, answer_all, event_json, simulate
from tests.fakes import FakeClock, day

DONE = answer_all(Outcome.DONE)


def run(trace, settings: Settings | None = None, respond: Respond = DONE, **kw):
    return list(simulate(trace, settings or Settings(), respond, **kw))


def prompts(events, kind: Kind | None = None) -> list[str]:
    """'HH:MM' of every prompt shown (of one kind)."""
    return [
        f"{e.at:%H:%M}"
        for e in events
        if isinstance(e, PromptShown) and (kind is None or e.prompt.kind is kind)
    ]


def outcomes(events, kind: Kind) -> list[tuple[str, str]]:
    return [
        (f"{e.at:%H:%M}", str(e.prompt.outcome))
        for e in events
        if isinstance(e, PromptEnded) and e.prompt.kind is kind
    ]


def sessions(events) -> list[tuple[str, str, float]]:
    """(start, end, sitting minutes) of every session that ended."""
    return [
        (f"{e.session.start:%H:%M}", f"{e.at:%H:%M}", round(e.session.sitting_seconds / 60, 2))
        for e in events
        if isinstance(e, SessionEnded)
    ]


def breaks(events) -> list[tuple[str, float]]:
    return [
        (f"{e.at:%H:%M}", round(e.brk.seconds / 60, 2))
        for e in events
        if isinstance(e, NaturalBreakTaken)
    ]


ONLY_POSTURE = Settings(stretch_enabled=False, break_enabled=False, hydration_enabled=False,
                        stiffness_morning=False, stiffness_evening=False)  # fmt: skip


# --- the DESIGN.md sample day --------------------------------------------------------------------


SAMPLE = day(
    "2026-11-23T08:55",
    ("active", 75),  # 08:55-10:10
    ("idle", 15),  # 10:10-10:25: a natural break
    ("active", 95),  # 10:25-12:00
    ("locked", 40),  # 12:00-12:40
    ("asleep", 30),  # 12:40-13:10: lock + sleep = one 70 min break
    ("active", 110),  # 13:10-15:00
    ("presenting", 45),  # 15:00-15:45: prompts deferred
    ("active", 15),
    ("stiffness", 0, 4),  # 16:00
    ("active", 30),
    ("water", 0, 250),  # 16:30
    ("active", 60),  # to 17:30
)


def test_sample_day_sessions_and_breaks():
    events = run(SAMPLE)
    assert sessions(events) == [
        ("08:55", "10:10", 75.0),
        ("10:25", "12:00", 95.0),
        ("13:10", "17:30", 260.0),
    ]
    assert breaks(events) == [("10:10", 15.0), ("12:00", 70.0)]


def test_sample_day_posture_runs_on_sitting_time_and_resets_at_natural_breaks():
    # Every 20 min of sitting from each session start; the 15:10 one waits for the meeting.
    assert prompts(run(SAMPLE, ONLY_POSTURE)) == [
        "09:15", "09:35", "09:55",
        "10:45", "11:05", "11:25", "11:45",
        "13:30", "13:50", "14:10", "14:30", "14:50", "15:45",
        "16:05", "16:25", "16:45", "17:05", "17:25",
    ]  # fmt: skip


def test_every_kind_due_at_once_is_prompted_and_recorded_on_its_own():
    events = run(day("2026-11-23T09:00", ("active", 61)), Settings(stiffness_morning=False))
    at_ten = [
        e.prompt.kind for e in events if isinstance(e, PromptShown) and f"{e.at:%H:%M}" == "10:00"
    ]
    assert sorted(at_ten) == sorted([Kind.POSTURE, Kind.STRETCH, Kind.BREAK, Kind.HYDRATION])
    ended = [
        e.prompt.uuid for e in events if isinstance(e, PromptEnded) and f"{e.at:%H:%M}" == "10:00"
    ]
    assert len(set(ended)) == 4


# --- gaps, breaks, sleep, lock ---------------------------------------------------------------------


def test_short_gaps_count_as_sitting_and_reset_nothing():
    # 30 active + 4 idle + 30 active: one 64 min session; posture still every 20 min.
    events = run(day("2026-11-23T09:00", ("active", 30), ("idle", 4), ("active", 30)), ONLY_POSTURE)
    assert sessions(events) == [("09:00", "10:04", 64.0)]
    assert breaks(events) == []
    # Due 09:40 while idle since 09:30 (away after a minute): held until the return at 09:34?
    # No: 09:40 is after the return at 09:34, so it shows on time.
    assert prompts(events) == ["09:20", "09:40", "10:00"]


@pytest.mark.parametrize(("idle", "is_break"), [(4.99, False), (5, True), (12, True)])
def test_a_natural_break_is_an_away_span_of_at_least_five_minutes(idle, is_break):
    events = run(
        day("2026-11-23T09:00", ("active", 10), ("idle", idle), ("active", 10)), ONLY_POSTURE
    )
    assert len(sessions(events)) == (2 if is_break else 1)
    assert len(breaks(events)) == (1 if is_break else 0)


def test_a_prompt_due_while_away_waits_for_the_return():
    # Idle from 09:18; away from 09:19; posture due 09:20 on sitting time; back at 09:22.
    events = run(day("2026-11-23T09:00", ("active", 18), ("idle", 4), ("active", 10)), ONLY_POSTURE)
    assert prompts(events) == ["09:22"]


def test_a_natural_break_drops_held_sitting_prompts_but_not_hydration():
    # Active 09:00-09:58, then away: posture/stretch/break due at 10:00 are held; the natural
    # break (10:03) resets them, so none shows on return at 10:10. Hydration had 59 min of
    # presence (active to 09:58 plus the minute before "away"), so it is due 1 min after return.
    settings = Settings(stiffness_morning=False)
    events = run(day("2026-11-23T09:00", ("active", 58), ("idle", 12), ("active", 5)), settings)
    after_break = [
        (t, k)
        for t, k in zip(
            prompts(events),
            [e.prompt.kind for e in events if isinstance(e, PromptShown)],
            strict=True,
        )
        if t >= "09:58"
    ]
    assert after_break == [("10:11", Kind.HYDRATION)]


def test_a_short_sleep_keeps_the_session_but_is_not_sitting():
    events = run(
        day("2026-11-23T09:00", ("active", 30), ("asleep", 3), ("active", 30)), ONLY_POSTURE
    )
    assert sessions(events) == [("09:00", "10:03", 60.0)]
    ended = next(e for e in events if isinstance(e, SessionEnded))
    assert len(ended.session.spans) == 2
    # Posture at 20 and 40 min of sitting: 09:20, then 09:43 (sleep does not count).
    assert prompts(events) == ["09:20", "09:43", "10:03"]


def test_a_long_sleep_is_a_natural_break():
    events = run(
        day("2026-11-23T09:00", ("active", 30), ("asleep", 45), ("active", 30)), ONLY_POSTURE
    )
    assert sessions(events) == [("09:00", "09:30", 30.0), ("10:15", "10:45", 30.0)]
    assert breaks(events) == [("09:30", 45.0)]


def test_idle_then_sleep_adds_up_to_a_natural_break():
    # 3 min idle + 3 min asleep = a 6 min away span.
    events = run(
        day("2026-11-23T09:00", ("active", 30), ("idle", 3), ("asleep", 3), ("active", 5)),
        ONLY_POSTURE,
    )
    assert breaks(events) == [("09:30", 6.0)]


def test_a_short_lock_counts_as_sitting_a_long_one_is_a_break():
    short = run(
        day("2026-11-23T09:00", ("active", 30), ("locked", 3), ("active", 10)), ONLY_POSTURE
    )
    assert sessions(short) == [("09:00", "09:43", 43.0)]
    long = run(day("2026-11-23T09:00", ("active", 30), ("locked", 8), ("active", 10)), ONLY_POSTURE)
    assert sessions(long) == [("09:00", "09:30", 30.0), ("09:38", "09:48", 10.0)]


def test_input_on_a_lock_screen_is_not_presence():
    clock = FakeClock.at("2026-11-23T09:00")
    s = Scheduler(clock, ONLY_POSTURE)
    s.tick(Observation(0))
    s.tick(Observation(0, locked=True))
    clock.advance(600)
    s.tick(Observation(5, locked=True))  # someone typed at the lock screen
    clock.advance(60)
    events = s.tick(Observation(0, locked=False))  # unlocked at 09:11
    assert breaks(events) == [("09:00", 11.0)]
    assert [type(e) for e in events if isinstance(e, SessionStarted)] == [SessionStarted]


def test_sleep_is_found_from_the_clocks_alone():
    # No signal from the OS: only the boot clock ran on while the monotonic clock stood still.
    clock = FakeClock.at("2026-11-23T09:00")
    s = Scheduler(clock, ONLY_POSTURE)
    s.tick(Observation(0))
    clock.advance(600)
    s.tick(Observation(0))
    clock.suspend(3600)
    events = s.tick(Observation(0))  # 10:10, input right after waking
    assert sessions(events) == [("09:00", "09:10", 10.0)]
    assert breaks(events) == [("09:10", 60.0)]


def test_a_wall_clock_jumping_back_counts_as_no_time():
    clock = FakeClock.at("2026-11-23T09:00")
    s = Scheduler(clock, ONLY_POSTURE)
    s.tick(Observation(0))
    clock.advance(600)
    s.tick(Observation(0))
    clock.set_wall(clock.now() - timedelta(hours=2))  # someone sets the clock back
    clock.advance(600)
    events = s.tick(Observation(0))
    events += s.finish()
    (ended,) = [e for e in events if isinstance(e, SessionEnded)]
    assert ended.session.sitting_seconds == pytest.approx(1200)


# --- presenting, snooze, skip, ignore ------------------------------------------------------------


def test_prompts_are_deferred_while_presenting_and_shown_when_it_ends():
    events = run(
        day("2026-11-23T09:00", ("active", 10), ("presenting", 50), ("active", 5)), ONLY_POSTURE
    )
    # Due 09:20 and (after that one is shown) nothing else can pile up: one prompt at 10:00.
    assert prompts(events) == ["10:00"]
    assert sessions(events) == [("09:00", "10:05", 65.0)]  # presenting is still sitting


def test_snooze_brings_the_prompt_back_after_five_minutes_of_presence():
    def snooze_first(shown):
        return Outcome.SNOOZED if f"{shown.at:%H:%M}" == "09:20" else Outcome.DONE

    events = run(day("2026-11-23T09:00", ("active", 30)), ONLY_POSTURE, snooze_first)
    assert outcomes(events, Kind.POSTURE) == [("09:20", "snoozed"), ("09:25", "done")]


def test_snooze_counts_presence_only():
    # Snoozed at 09:20, then idle 09:21-09:24 (away from 09:22): 2 min away don't count.
    def snooze_first(shown):
        return Outcome.SNOOZED if f"{shown.at:%H:%M}" == "09:20" else Outcome.DONE

    trace = day("2026-11-23T09:00", ("active", 21), ("idle", 3), ("active", 10))
    events = run(trace, ONLY_POSTURE, snooze_first)
    assert prompts(events) == ["09:20", "09:27"]


def test_skip_restarts_the_interval():
    events = run(day("2026-11-23T09:00", ("active", 45)), ONLY_POSTURE, answer_all(Outcome.SKIPPED))
    assert outcomes(events, Kind.POSTURE) == [("09:20", "skipped"), ("09:40", "skipped")]


def test_an_unanswered_prompt_is_ignored_after_ten_minutes_and_the_interval_restarts():
    events = run(day("2026-11-23T09:00", ("active", 55)), ONLY_POSTURE, lambda _shown: None)
    assert outcomes(events, Kind.POSTURE) == [("09:30", "ignored"), ("09:55", "ignored")]
    assert prompts(events) == ["09:20", "09:50"]


def test_finishing_the_day_ignores_open_prompts_and_closes_the_session():
    events = run(day("2026-11-23T09:00", ("active", 25)), ONLY_POSTURE, lambda _shown: None)
    assert outcomes(events, Kind.POSTURE) == [("09:25", "ignored")]
    assert sessions(events) == [("09:00", "09:25", 25.0)]


# --- water and stiffness --------------------------------------------------------------------------


HYDRATION_ONLY = Settings(posture_enabled=False, stretch_enabled=False, break_enabled=False,
                          stiffness_morning=False, stiffness_evening=False)  # fmt: skip


def test_hydration_runs_on_presence_and_restarts_when_water_is_logged():
    trace = day("2026-11-23T09:00", ("active", 40), ("water", 0, 300), ("active", 70))
    events = run(trace, HYDRATION_ONLY)
    assert prompts(events) == ["10:40"]  # 60 min after the glass at 09:40


def test_a_done_hydration_prompt_logs_one_glass():
    events = run(day("2026-11-23T09:00", ("active", 61)), HYDRATION_ONLY.with_changes(glass_ml=330))
    logged = [event_json(e) for e in events if event_json(e)["event"] == "logged"]
    assert logged == [{"at": "2026-11-23T10:00:00+01:00", "event": "logged", "water_ml": 330}]


def test_hydration_is_not_reset_by_a_natural_break():
    trace = day("2026-11-23T09:00", ("active", 30), ("idle", 20), ("active", 40))
    # Present 09:00-09:31 (a minute into the idle), then from 09:50: due at 10:19.
    assert prompts(run(trace, HYDRATION_ONLY)) == ["10:19"]


STIFFNESS_ONLY = Settings(posture_enabled=False, stretch_enabled=False, break_enabled=False,
                          hydration_enabled=False)  # fmt: skip


def test_morning_rating_asked_at_first_activity_and_done_by_a_rating_within_ten_minutes():
    trace = day("2026-11-23T08:00", ("active", 8), ("stiffness", 0, 5), ("active", 10))
    events = run(trace, STIFFNESS_ONLY)
    assert prompts(events) == ["08:00"]
    assert outcomes(events, Kind.STIFFNESS) == [("08:08", "done")]


def test_morning_rating_not_asked_after_noon_evening_asked_at_17():
    events = run(day("2026-11-23T13:00", ("active", 300)), STIFFNESS_ONLY)
    assert prompts(events) == ["17:00"]
    assert outcomes(events, Kind.STIFFNESS) == [("17:10", "ignored")]


def test_evening_rating_skipped_when_that_slot_has_one():
    trace = day("2026-11-23T13:00", ("active", 60), ("stiffness", 0, 3), ("active", 240))
    assert prompts(run(trace, STIFFNESS_ONLY)) == []


def test_evening_rating_waits_until_the_user_is_back():
    trace = day("2026-11-23T16:00", ("active", 55), ("idle", 30), ("active", 10))
    assert prompts(run(trace, STIFFNESS_ONLY)) == ["17:25"]


def test_morning_rating_skipped_when_already_rated_elsewhere():
    rated = {
        (day_, slot) for day_, slot in [(__import__("datetime").date(2026, 11, 23), "morning")]
    }
    events = run(day("2026-11-23T08:00", ("active", 30)), STIFFNESS_ONLY,
                 has_rating=lambda d, s: (d, str(s)) in rated)  # fmt: skip
    assert prompts(events) == []


# --- days, working hours, DST, pause ----------------------------------------------------------------


def test_working_hours_hold_prompts_but_record_sitting():
    hours = WorkingHours.weekdays(time(9, 0), time(17, 0))
    settings = ONLY_POSTURE.with_changes(working_hours=hours)
    events = run(day("2026-11-23T08:00", ("active", 100)), settings)  # Monday 08:00-09:40
    assert sessions(events) == [("08:00", "09:40", 100.0)]
    assert prompts(events) == ["09:20", "09:40"]  # timers start when the working day does


def test_nothing_is_prompted_on_a_day_off():
    hours = WorkingHours.weekdays(time(9, 0), time(17, 0))
    events = run(
        day("2026-11-28T09:00", ("active", 120)), Settings(working_hours=hours)
    )  # Saturday
    assert prompts(events) == []
    assert sessions(events) == [("09:00", "11:00", 120.0)]


def test_evening_rating_comes_before_working_hours_end():
    hours = WorkingHours.weekdays(time(9, 0), time(16, 30))
    settings = STIFFNESS_ONLY.with_changes(working_hours=hours, stiffness_morning=False)
    assert prompts(run(day("2026-11-23T15:00", ("active", 120)), settings)) == ["16:15"]


def test_timers_restart_at_midnight_and_the_session_counts_on_its_first_day():
    events = run(day("2026-11-23T23:30", ("active", 60)), ONLY_POSTURE)
    assert prompts(events) == ["23:50", "00:20"]  # not 00:10: the new day restarts timers
    (ended,) = [e for e in events if isinstance(e, SessionEnded)]
    assert f"{ended.session.start:%Y-%m-%d}" == "2026-11-23"


def test_no_morning_rating_while_working_through_midnight():
    events = run(
        day("2026-11-23T23:30", ("active", 60)),
        STIFFNESS_ONLY.with_changes(stiffness_evening=False),
    )
    assert prompts(events) == []


def test_a_session_across_the_dst_change_counts_real_minutes():
    # Europe/Berlin, 2026-10-25: 03:00 CEST becomes 02:00 CET. 01:30 to 03:30 local is 3 hours.
    trace = day("2026-10-25T01:30", ("active", 180))
    events = run(trace, ONLY_POSTURE)
    assert sessions(events) == [("01:30", "03:30", 180.0)]
    assert len(prompts(events)) == 9  # every 20 real minutes, at 02:00 twice


def test_pause_holds_prompts_until_it_ends():
    clock = FakeClock.at("2026-11-23T09:00")
    s = Scheduler(clock, ONLY_POSTURE)
    s.tick(Observation(0))
    s.pause(clock.now() + timedelta(hours=1))
    shown = []
    for _ in range(70):
        clock.advance(60)
        shown += [e for e in s.tick(Observation(0)) if isinstance(e, PromptShown)]
    assert [f"{e.at:%H:%M}" for e in shown] == ["10:00"]
    assert s.snapshot().paused_until is None


def test_resume_shows_what_fell_due():
    clock = FakeClock.at("2026-11-23T09:00")
    s = Scheduler(clock, ONLY_POSTURE)
    s.tick(Observation(0))
    s.pause(clock.now() + timedelta(hours=2))
    clock.advance(25 * 60)
    assert not [e for e in s.tick(Observation(0)) if isinstance(e, PromptShown)]
    assert [e.prompt.kind for e in s.resume() if isinstance(e, PromptShown)] == [Kind.POSTURE]


def test_take_a_break_now():
    clock = FakeClock.at("2026-11-23T09:00")
    s = Scheduler(clock, ONLY_POSTURE)
    s.tick(Observation(0))
    clock.advance(120)
    s.tick(Observation(0))
    (shown,) = s.take_break_now()
    assert isinstance(shown, PromptShown)
    assert shown.prompt.kind is Kind.BREAK


def test_eye_rest_is_off_by_default_and_every_20_minutes_when_on():
    trace = day("2026-11-23T09:00", ("active", 41))
    assert prompts(run(trace, ONLY_POSTURE.with_changes(posture_enabled=False))) == []
    eyes = ONLY_POSTURE.with_changes(posture_enabled=False, eyes_enabled=True)
    assert prompts(run(trace, eyes), Kind.EYES) == ["09:20", "09:40"]


def test_a_disabled_kind_is_never_prompted():
    events = run(SAMPLE, Settings(posture_enabled=False))
    assert Kind.POSTURE not in {e.prompt.kind for e in events if isinstance(e, PromptShown)}


# --- driving -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "every", [timedelta(seconds=7), timedelta(minutes=1), timedelta(minutes=13)]
)
def test_results_do_not_depend_on_how_often_it_is_ticked(every):
    settings = Settings(eyes_enabled=True)
    plain = [event_json(e) for e in run(SAMPLE, settings)]
    dense = [event_json(e) for e in run(SAMPLE, settings, tick_every=every)]
    assert dense == plain


def test_next_wake_is_the_next_deadline():
    clock = FakeClock.at("2026-11-23T09:00")
    s = Scheduler(clock, ONLY_POSTURE)
    s.tick(Observation(0))
    assert f"{s.next_wake():%H:%M:%S}" == "09:20:00"
    clock.advance(300)
    s.tick(Observation(0))
    clock.advance(30)
    s.tick(Observation(30))  # input stopped at 09:05: away at 09:06, a natural break at 09:10
    assert f"{s.next_wake():%H:%M:%S}" == f"09:0{5 + AWAY_AFTER.seconds // 60}:00"


def test_snapshot_reports_the_session_and_what_is_next():
    clock = FakeClock.at("2026-11-23T09:00")
    s = Scheduler(clock, ONLY_POSTURE)
    s.tick(Observation(0))
    clock.advance(600)
    s.tick(Observation(0))
    snap = s.snapshot()
    assert snap.sitting_seconds == pytest.approx(600)
    assert snap.next_kind is Kind.POSTURE
    assert f"{snap.next_due:%H:%M}" == "09:20"


def test_a_late_answer_is_harmless():
    clock = FakeClock.at("2026-11-23T09:00")
    s = Scheduler(clock, ONLY_POSTURE)
    s.tick(Observation(0))
    clock.advance(20 * 60)
    (shown,) = [e for e in s.tick(Observation(0)) if isinstance(e, PromptShown)]
    clock.advance(11 * 60)
    s.tick(Observation(0))  # expired: ignored
    assert s.respond(shown.prompt.uuid, Outcome.DONE) == []


def test_a_snapshot_before_the_first_tick_is_away_and_empty():
    snap = Scheduler(FakeClock.at("2026-11-23T09:00"), ONLY_POSTURE).snapshot()
    assert (snap.session_start, snap.sitting_seconds, snap.next_due) == (None, 0.0, None)
    assert f"{snap.at:%H:%M}" == "09:00"
