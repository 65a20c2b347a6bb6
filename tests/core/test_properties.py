"""Property tests over random traces: the scheduler's promises hold for any day."""

from __future__ import annotations

import itertools
import zlib
from datetime import datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from posture_app.core.model import Kind, Outcome
from posture_app.core.scheduler import (
    AWAY_AFTER,
    PromptEnded,
    PromptShown,
    SessionEnded,
)
from posture_app.core.settings import Settings, WorkingHours
from posture_app.core.simulate import event_json, simulate
from posture_app.core.trace import State, StateLine, StiffnessLine, TraceLine, WaterLine
from tests.fakes import BERLIN

STATES = [State.ACTIVE, State.IDLE, State.LOCKED, State.ASLEEP, State.PRESENTING]
START = datetime(2026, 11, 23, 7, 30, tzinfo=BERLIN)


@st.composite
def traces(draw) -> list[TraceLine]:
    """A day of random states (0.5 to 90 minutes each), with a few logs in between."""
    at = START
    lines: list[TraceLine] = []
    for _ in range(draw(st.integers(1, 25))):
        state = draw(st.sampled_from(STATES))
        lines.append(StateLine(at, state))
        minutes = draw(st.one_of(st.integers(1, 90), st.floats(0.5, 12).map(lambda m: round(m, 2))))
        if state is not State.ASLEEP and draw(st.booleans()):
            log_at = at + timedelta(minutes=draw(st.floats(0, minutes)))
            # Whole seconds, but never before its state began: rounding down could put a log
            # into the sleep before, where nobody can log anything.
            log_at = log_at.replace(microsecond=0)
            if log_at < at:
                log_at += timedelta(seconds=1)
            if draw(st.booleans()):
                lines.append(WaterLine(log_at, 250))
            else:
                lines.append(StiffnessLine(log_at, draw(st.integers(0, 10))))
        at += timedelta(minutes=minutes)
        lines.sort(key=lambda line: line.at)
    lines.append(StateLine(at, State.END))
    return lines


@st.composite
def schedules(draw) -> Settings:
    """Short intervals so that a day has many prompts; sometimes working hours."""
    hours = None
    if draw(st.booleans()):
        start = draw(st.integers(7, 12))
        end = draw(st.integers(start + 1, 20))
        hours = WorkingHours.weekdays(time(start), time(end))
    return Settings(
        posture_minutes=draw(st.integers(3, 30)),
        stretch_minutes=draw(st.integers(5, 45)),
        break_minutes=draw(st.integers(10, 90)),
        hydration_minutes=draw(st.integers(10, 90)),
        eyes_enabled=draw(st.booleans()),
        eyes_minutes=draw(st.integers(5, 30)),
        natural_break_minutes=draw(st.integers(2, 10)),
        snooze_minutes=draw(st.integers(1, 10)),
        working_hours=hours,
    )


def respond_by_hash(shown: PromptShown) -> Outcome | None:
    """Answer each prompt in a way fixed by its kind and time (same however often it ticks)."""
    if shown.prompt.kind is Kind.STIFFNESS:
        return None
    key = f"{shown.prompt.kind}{shown.at.isoformat()}".encode()
    return [*Outcome, None][zlib.crc32(key) % 5]


def state_at(
    trace: list[TraceLine], at: datetime, *, before: bool
) -> tuple[State | None, datetime]:
    """The state in force at `at` (just before it, if `before`) and when it began."""
    current: tuple[State | None, datetime] = (None, trace[0].at)
    for line in trace:
        if not isinstance(line, StateLine):
            continue
        if line.at > at or (before and line.at == at):
            break
        current = (line.state, line.at)
    return current


def present(trace: list[TraceLine], at: datetime, *, before: bool) -> bool:
    state, since = state_at(trace, at, before=before)
    if state is State.ACTIVE:
        return True
    if state is State.IDLE:
        return at - since < AWAY_AFTER
    return False


# Examples per property come from the profile (tests/conftest.py): 150, or 3000 when thorough.
PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(traces(), schedules())
def test_every_prompt_ends_in_exactly_one_outcome(trace, config):
    events = list(simulate(trace, config, respond_by_hash))
    shown = [e.prompt.uuid for e in events if isinstance(e, PromptShown)]
    ended = [e.prompt.uuid for e in events if isinstance(e, PromptEnded)]
    assert len(shown) == len(set(shown))
    assert sorted(ended) == sorted(shown)


@PROPERTY
@given(traces(), schedules())
def test_no_prompt_while_away_presenting_or_outside_working_hours(trace, config):
    for e in simulate(trace, config, respond_by_hash):
        if not isinstance(e, PromptShown):
            continue
        # At a state change the prompt may belong to the state that just ended.
        assert present(trace, e.at, before=False) or present(trace, e.at, before=True), e
        if config.working_hours is not None:
            assert config.working_hours.contains(e.at), e


def expected_sitting(trace: list[TraceLine], natural_break: timedelta) -> float:
    """Sitting seconds worked out from the trace alone.

    Input time (active, presenting) is sitting; an away span between two inputs is sitting too,
    less any sleep in it, if the whole span is shorter than a natural break.
    """
    spans: list[tuple[State, datetime, datetime]] = []
    states = [line for line in trace if isinstance(line, StateLine)]
    for a, b in itertools.pairwise(states):
        spans.append((a.state, a.at, b.at))
    total = 0.0
    away: list[tuple[State, datetime, datetime]] = []
    seen_input = False
    for state, a, b in spans:
        if b <= a:
            continue
        if state in (State.ACTIVE, State.PRESENTING):
            if seen_input and away:
                length = away[-1][2] - away[0][1]
                if length < natural_break:
                    total += sum(
                        (y - x).total_seconds() for s, x, y in away if s is not State.ASLEEP
                    )
            away = []
            seen_input = True
            total += (b - a).total_seconds()
        elif seen_input:
            away.append((state, a, b))
    return total


@PROPERTY
@given(traces(), schedules())
def test_sitting_is_input_time_plus_short_gaps_and_never_more(trace, config):
    events = list(simulate(trace, config, respond_by_hash))
    sat = sum(e.session.sitting_seconds for e in events if isinstance(e, SessionEnded))
    expected = expected_sitting(trace, config.natural_break)
    assert abs(sat - expected) < 0.01
    states = [line for line in trace if isinstance(line, StateLine)]
    awake = sum(
        (b.at - a.at).total_seconds()
        for a, b in itertools.pairwise(states)
        if a.state is not State.ASLEEP
    )
    assert sat <= awake + 0.01


@PROPERTY
@given(traces(), schedules())
def test_a_deferred_prompt_is_shown_once_presenting_ends(trace, config):
    # Posture accrues while presenting (it is sitting), so a meeting longer than its interval
    # plus the prompt expiry always leaves a posture check due, shown the moment it ends.
    config = config.with_changes(working_hours=None)
    events = list(simulate(trace, config, respond_by_hash))
    posture_times = {
        e.at for e in events if isinstance(e, PromptShown) and e.prompt.kind is Kind.POSTURE
    }
    states = [line for line in trace if isinstance(line, StateLine)]
    for before, meeting, after in zip(states, states[1:], states[2:], strict=False):
        if (
            before.state is State.ACTIVE
            and meeting.state is State.PRESENTING
            and after.state is State.ACTIVE
            and after.at - meeting.at >= timedelta(minutes=config.posture_minutes + 11)
        ):
            assert after.at in posture_times


@PROPERTY
@given(traces(), schedules(), st.integers(1, 1800))
def test_results_do_not_depend_on_how_often_it_is_ticked(trace, config, every):
    plain = [event_json(e) for e in simulate(trace, config, respond_by_hash)]
    ticked = [
        event_json(e)
        for e in simulate(trace, config, respond_by_hash, tick_every=timedelta(seconds=every))
    ]
    assert ticked == plain


def test_a_tick_at_the_wake_time_reaches_a_deadline_between_milliseconds():
    # Found by the property above: the hydration deadline fell at 07:57:13.8004; next_wake said
    # 07:57:13.800 (rounded to the nearest millisecond), the tick there came just too early, and
    # the prompt waited for the next tick: answered at 07:57:41 instead of 07:57:13.
    def at(text: str) -> datetime:
        return datetime.fromisoformat(f"2026-11-23T{text}").replace(tzinfo=BERLIN)

    active = [
        "07:30", "07:31", "07:48:27.6", "07:49:27.6", "07:50:27.6", "07:51:41.4", "07:52:41.4",
        "07:53:41.4", "07:54:41.4", "07:55:41.4", "07:56:41.4",
    ]  # fmt: skip
    trace: list[TraceLine] = [StateLine(at(a), State.ACTIVE) for a in active]
    trace.insert(2, StateLine(at("07:40:13.8"), State.IDLE))
    trace.append(StateLine(at("07:57:41.4"), State.END))
    config = Settings(
        posture_minutes=3, stretch_minutes=5, stretch_seconds=60, break_minutes=10,
        break_duration_minutes=5, eyes_enabled=False, hydration_minutes=10,
        natural_break_minutes=9, snooze_minutes=1, working_hours=None,
    )  # fmt: skip
    plain = [event_json(e) for e in simulate(trace, config, respond_by_hash)]
    ticked = [
        event_json(e)
        for e in simulate(trace, config, respond_by_hash, tick_every=timedelta(seconds=1))
    ]
    assert ticked == plain
    water = [e for e in plain if e.get("event") == "logged"]
    assert water[-1]["at"] == "2026-11-23T07:57:13+01:00"
