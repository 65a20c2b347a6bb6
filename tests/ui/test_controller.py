"""The controller: platform readings in, scheduler ticks, records stored, signals out."""

from __future__ import annotations

import logging

import pytest

from posture_app.core.model import Kind, Outcome
from posture_app.core.scheduler import PromptEnded, PromptShown, Scheduler
from posture_app.core.settings import Settings
from posture_app.core.store import Store
from posture_app.ui.controller import ACTIVE_POLL, AWAY_POLL, Controller
from tests.fakes import FakeClock, FakeIdle, FakePresenting, FakeSession

POSTURE_ONLY = Settings(
    stretch_enabled=False, break_enabled=False, hydration_enabled=False,
    stiffness_morning=False, stiffness_evening=False,
)  # fmt: skip


@pytest.fixture
def rig(qtbot):
    class Rig:
        def __init__(self) -> None:
            self.clock = FakeClock.at("2026-11-23T09:00")
            self.store = Store.in_memory()
            self.idle = FakeIdle(0.0)
            self.session = FakeSession()
            self.presenting = FakePresenting()
            self.scheduler = Scheduler(self.clock, POSTURE_ONLY, self.store.has_rating)
            self.controller = Controller(
                self.clock, self.scheduler, self.store, self.idle, self.session, self.presenting
            )
            self.shown: list[PromptShown] = []
            self.ended: list[PromptEnded] = []

        def minutes(self, n: float, *, idle: float | None = 0.0) -> None:
            """Let n minutes pass, then let the controller tick as its timer would."""
            self.clock.advance(n * 60)
            self.idle.seconds = idle
            self.controller.tick()

    r = Rig()
    r.controller.prompt_shown.connect(r.shown.append)
    r.controller.prompt_ended.connect(r.ended.append)
    yield r
    r.controller.shutdown()
    r.store.close()


def test_a_prompt_reaches_the_ui_and_its_answer_reaches_the_store(rig):
    rig.controller.start()
    rig.minutes(20)
    assert [e.prompt.kind for e in rig.shown] == [Kind.POSTURE]
    rig.controller.respond(rig.shown[0].prompt.uuid, Outcome.DONE)
    (stored,) = rig.store.records().prompts
    assert (stored.kind, stored.outcome) == (Kind.POSTURE, Outcome.DONE)
    assert [e.prompt.outcome for e in rig.ended] == [Outcome.DONE]


def test_the_open_session_is_saved_as_it_goes(rig):
    rig.controller.start()
    rig.minutes(7)
    (session,) = rig.store.records().sessions
    assert session.end is None
    assert session.sitting_seconds == pytest.approx(7 * 60)
    rig.minutes(3)
    (session,) = rig.store.records().sessions
    assert session.sitting_seconds == pytest.approx(10 * 60)


# Qt's coarse timers may fire up to 5% late, which saves wake-ups; the scheduler copes.
SLACK = 1.05


def test_it_sleeps_until_the_next_deadline_and_polls_modestly(rig):
    rig.controller.start()
    # Present: look again within a minute (to see input stop), never later than a deadline.
    assert 0 < rig.controller.next_tick_ms <= ACTIVE_POLL.total_seconds() * 1000 * SLACK
    rig.minutes(19.5)
    assert rig.controller.next_tick_ms <= 30_000 * SLACK  # the posture check is due in 30 s
    rig.minutes(0.5)
    rig.controller.respond(rig.shown[0].prompt.uuid, Outcome.DONE)
    rig.minutes(2, idle=90)  # away
    assert rig.controller.next_tick_ms <= AWAY_POLL.total_seconds() * 1000 * SLACK


def test_a_pause_at_a_reading_is_not_taken_for_a_natural_break(qtbot):
    """A reading that finds no input arriving (a pause of a few seconds) makes the core count
    the time to the next reading as idle. With a 1-minute natural break the next reading came
    at the break's deadline, and a coarse timer 5% late (as Qt's may be) put it past that:
    a user who worked on was taken to be on a break (seen in the end-to-end test)."""
    import dataclasses

    clock = FakeClock.at("2026-11-23T09:00")
    store = Store.in_memory()
    settings = dataclasses.replace(POSTURE_ONLY, natural_break_minutes=1, posture_minutes=1)
    idle = FakeIdle(3.0)  # the user paused for 3 s at the start...
    controller = Controller(
        clock, Scheduler(clock, settings), store, idle, FakeSession(), FakePresenting()
    )
    shown: list[PromptShown] = []
    controller.prompt_shown.connect(shown.append)
    controller.start()
    idle.seconds = 0.2  # ...then works on, without a break
    while not shown and clock.now().minute < 5:
        clock.advance(controller.next_tick_ms / 1000 * SLACK)  # as a late timer fires
        controller.tick()
    assert [e.prompt.kind for e in shown] == [Kind.POSTURE]
    assert clock.now() < FakeClock.at("2026-11-23T09:01:30").now()  # not a minute later
    assert not store.records().natural_breaks
    controller.shutdown()
    store.close()


def test_start_marks_prompts_a_crash_left_open_as_ignored(rig):
    first = Controller(
        rig.clock,
        Scheduler(rig.clock, POSTURE_ONLY),
        rig.store,
        FakeIdle(0),
        FakeSession(),
        FakePresenting(),
    )
    first.start()
    rig.clock.advance(20 * 60)
    first.tick()  # a posture prompt is open... and the app dies here
    rig.controller.start()
    (stored,) = rig.store.records().prompts
    assert stored.outcome is Outcome.IGNORED


def test_shutdown_ends_the_session_and_ignores_open_prompts(rig):
    rig.controller.start()
    rig.minutes(25)
    rig.controller.shutdown()
    (session,) = rig.store.records().sessions
    assert session.end is not None
    assert session.sitting_seconds == pytest.approx(25 * 60)
    assert [p.outcome for p in rig.store.records().prompts] == [Outcome.IGNORED]
    assert rig.session.stopped


def test_lock_and_wake_signals_make_it_tick_now(rig):
    rig.controller.start()
    rig.clock.advance(3 * 60)
    rig.session.is_locked = True
    rig.session.changed()  # the screen locked
    rig.clock.advance(10 * 60)
    rig.session.is_locked = False
    rig.idle.seconds = 0
    rig.session.changed()  # unlocked: the user is back after a natural break
    sessions = rig.store.records().sessions
    assert len(sessions) == 2
    assert sessions[0].sitting_seconds == pytest.approx(3 * 60)
    assert len(rig.store.records().natural_breaks) == 1


def test_presenting_defers_prompts(rig):
    rig.controller.start()
    rig.presenting.on = True
    rig.controller.tick()  # a full-screen window from now on
    rig.minutes(25)
    assert rig.shown == []
    rig.presenting.on = False
    rig.minutes(0.5)
    assert [e.prompt.kind for e in rig.shown] == [Kind.POSTURE]


def test_without_idle_detection_the_user_counts_as_present_and_it_says_so_once(rig, caplog):
    rig.idle.seconds = None
    with caplog.at_level(logging.WARNING):
        rig.controller.start()
        rig.minutes(10, idle=None)
        rig.minutes(10, idle=None)
    assert [e.prompt.kind for e in rig.shown] == [Kind.POSTURE]
    assert sum("idle time unreadable" in r.message for r in caplog.records) == 1


def test_logging_water_reports_todays_total(rig, qtbot):
    rig.controller.start()
    with qtbot.waitSignal(rig.controller.water_today) as got:
        rig.controller.log_water(300)
    assert got.args == [300]
    with qtbot.waitSignal(rig.controller.water_today) as got:
        rig.controller.log_water()
    assert got.args == [550]


def test_a_failing_step_is_logged_and_the_timer_keeps_going(rig, monkeypatch, caplog):
    rig.controller.start()

    def full_disk(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(rig.store, "save_session", full_disk)
    rig.minutes(1)  # the write fails...
    assert "tick failed" in caplog.text
    assert rig.controller.next_tick_ms > 0  # ...but the app still wakes up again
    monkeypatch.undo()
    rig.minutes(1)
    (session,) = rig.store.records().sessions
    assert session.sitting_seconds == pytest.approx(120)


def test_while_away_a_tick_reads_no_full_screen_state_and_writes_nothing(rig, monkeypatch):
    rig.controller.start()
    rig.minutes(5)
    rig.minutes(1, idle=60)  # gone since the last tick
    rig.minutes(10, idle=660)  # a natural break is under way: the session has ended
    writes: list[object] = []
    real_save = rig.store.save_session
    monkeypatch.setattr(rig.store, "save_session", lambda s: (writes.append(s), real_save(s)))
    reads = rig.presenting.reads
    for n in range(1, 4):
        rig.minutes(0.5, idle=660 + 30 * n)
    assert rig.presenting.reads == reads
    assert writes == []
    rig.presenting.on = True
    rig.minutes(0.5, idle=1)  # back, in front of a full-screen window
    assert rig.presenting.reads == reads + 1
    assert writes  # the new session
    assert all(s.uuid == writes[0].uuid and s.end is None for s in writes)


def test_an_open_session_that_did_not_change_is_not_written_again(rig, monkeypatch):
    rig.controller.start()
    writes: list[object] = []
    real_save = rig.store.save_session
    monkeypatch.setattr(rig.store, "save_session", lambda s: (writes.append(s), real_save(s)))
    rig.minutes(1)
    rig.minutes(1)
    assert len(writes) == 2  # it grew each minute
    rig.controller.tick()  # no time passed: nothing new
    assert len(writes) == 2
