"""The scheduler: presence, sitting sessions, natural breaks and reminders (DESIGN.md, Sitting).

It is a state machine driven by `tick(Observation)`. Each tick reads the injected clock once,
splits the time since the last tick into asleep and awake parts, and walks through every
internal deadline in between in time order, so what it records does not depend on how often it
is ticked. `next_wake()` says when it next needs a tick if nothing changes; the live app sleeps
until then, and `simulate` jumps there.

Time inside is a private timeline of seconds (the boot clock: it runs through sleep); wall time
is used only to stamp records and for calendar rules (days, working hours, the evening rating).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import Enum, auto

from posture_app.core.clock import (
    Clock,
    Reading,
    elapsed,
    next_midnight,
    read,
    seconds_between,
    shift,
)
from posture_app.core.log import get_logger
from posture_app.core.model import (
    MIDDAY_HOUR,
    SITTING_KINDS,
    Area,
    Kind,
    NaturalBreak,
    Outcome,
    Prompt,
    Session,
    Slot,
    StiffnessRating,
    WaterLog,
    new_id,
    slot_of,
)
from posture_app.core.settings import Settings, WorkingHours

log = get_logger(__name__)

#: Idle this long and the user counts as away: prompts wait ("no prompts into an empty room").
AWAY_AFTER = timedelta(seconds=60)
#: A prompt nobody answers within this time is recorded as ignored.
PROMPT_EXPIRY = timedelta(minutes=10)
#: When working hours end before the evening rating time, ask this long before they end.
EVENING_BEFORE_END = timedelta(minutes=15)
#: Idle readings below this mean input is still arriving.
INPUT_ONGOING = timedelta(seconds=1)

#: Kinds that fall due after an interval of sitting or present time.
INTERVAL_KINDS: tuple[Kind, ...] = (*SITTING_KINDS, Kind.HYDRATION)
#: Every kind, as a tuple (iterating the enum itself is slow in a hot loop).
ALL_KINDS: tuple[Kind, ...] = tuple(Kind)

_EPS = 1e-6

HasRating = Callable[[date, Slot], bool]


# --- what the scheduler is told ---------------------------------------------------------------


@dataclass(frozen=True)
class Observation:
    """What the platform saw at the instant of a tick."""

    idle_seconds: float
    locked: bool = False
    presenting: bool = False  # a full-screen window or do-not-disturb


# --- what the scheduler reports ---------------------------------------------------------------


@dataclass(frozen=True)
class SessionStarted:
    """A sitting session began at `at` (the first input after a natural break)."""

    at: datetime
    session: Session


@dataclass(frozen=True)
class SessionEnded:
    """A sitting session ended at `at` (its last input)."""

    at: datetime
    session: Session


@dataclass(frozen=True)
class NaturalBreakTaken:
    """The user came back from a natural break; `at` is when it started."""

    at: datetime
    brk: NaturalBreak


@dataclass(frozen=True)
class PromptShown:
    """A prompt is to be shown now."""

    at: datetime
    prompt: Prompt
    slot: Slot | None = None  # for stiffness prompts: which rating is asked for


@dataclass(frozen=True)
class PromptEnded:
    """A shown prompt got its one outcome."""

    at: datetime
    prompt: Prompt


@dataclass(frozen=True)
class Logged:
    """The user logged water or a stiffness rating."""

    at: datetime
    record: WaterLog | StiffnessRating


Event = SessionStarted | SessionEnded | NaturalBreakTaken | PromptShown | PromptEnded | Logged


class Presence(Enum):
    """Where the user is, as far as the scheduler can tell."""

    PRESENT = auto()
    AWAY = auto()
    ASLEEP = auto()


@dataclass(frozen=True)
class Snapshot:
    """The scheduler's state for a status line or tray icon."""

    at: datetime
    presence: Presence
    session_start: datetime | None
    sitting_seconds: float
    next_kind: Kind | None
    next_due: datetime | None
    open_prompts: tuple[Prompt, ...]
    paused_until: datetime | None


# --- internals --------------------------------------------------------------------------------


class _Mode(Enum):
    ACTIVE = auto()  # input keeps arriving
    IDLE = auto()  # no input (or locked)
    ASLEEP = auto()  # machine suspended


class _Stage(Enum):
    WAITING = auto()  # counting toward its interval
    DUE = auto()  # due, held until it can be shown
    OPEN = auto()  # shown, waiting for an answer
    SNOOZED = auto()  # answered "later": counting present time to come back


@dataclass
class _KindState:
    stage: _Stage = _Stage.WAITING
    counter: float = 0.0  # seconds accrued toward the interval
    snooze_left: float = 0.0  # present seconds until a snoozed prompt returns
    prompt: Prompt | None = None
    shown_t: float = 0.0
    slot: Slot | None = None  # stiffness only


@dataclass
class _OpenSession:
    uuid: str
    start_t: float
    spans: list[tuple[float, float]]
    span_start: float | None  # None while asleep inside the session


class Scheduler:
    """Owns presence, the open sitting session, every reminder's stage, and pause.

    Dependencies come in through the constructor: the clock, the settings, and a query that says
    whether a stiffness slot already has a rating (the store answers it in the app).
    """

    def __init__(
        self,
        clock: Clock,
        settings: Settings,
        has_rating: HasRating | None = None,
    ) -> None:
        self._clock = clock
        self._settings = settings
        self._intervals = _intervals(settings)
        self._has_rating: HasRating = has_rating or (lambda _day, _slot: False)
        self._events: list[Event] = []
        self._last: Reading | None = None
        self._t = 0.0
        self._anchor_t = 0.0
        self._anchor_wall: datetime | None = None
        self._locked = False
        self._presenting = False
        self._ongoing = False  # input arriving at self._t
        self._last_input: float | None = None
        self._slept_since_input = False  # nobody is there until input follows a wake
        self._session: _OpenSession | None = None
        self._break_start: float | None = None  # set once an away span became a natural break
        self._day: date | None = None  # local day of the latest input
        self._evening_asked: date | None = None
        self._paused_until: datetime | None = None
        self._kinds: dict[Kind, _KindState] = {k: _KindState() for k in Kind}
        self._finished = False

    # --- public API ------------------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        """The settings in force."""
        return self._settings

    def update_settings(self, settings: Settings) -> None:
        """Use new settings from now on; counters carry over, disabled kinds stop counting."""
        self._settings = settings
        self._intervals = _intervals(settings)
        for kind in INTERVAL_KINDS:
            state = self._kinds[kind]
            if self._intervals[kind] is None and state.stage in (_Stage.DUE, _Stage.SNOOZED):
                self._reset(kind)
        log.info("settings updated")

    def tick(self, obs: Observation) -> list[Event]:
        """Take in what the platform sees now; return what happened since the last tick."""
        if self._finished:
            raise RuntimeError("the scheduler has finished")
        reading = read(self._clock)
        idle = max(0.0, obs.idle_seconds)
        if self._last is None:
            self._start(reading, obs, idle)
            return self._drain()

        gap = elapsed(self._last, reading)
        if gap.asleep > 0:
            log.info("machine slept for %.0f s", gap.asleep)
            self._run(self._t + gap.asleep, _Mode.ASLEEP)
        wake = self._t
        end = wake + gap.awake
        input_at = end - idle
        had_input = self._last_input is not None and input_at > self._last_input + _EPS
        stale = input_at < wake - _EPS  # input from before the sleep
        if (self._locked and obs.locked) or stale or not (had_input or self._last_input is None):
            # No new input since the last tick (input on a lock screen does not count).
            self._run(end, _Mode.IDLE)
        else:
            input_at = min(max(input_at, wake), end)
            if self._ongoing:
                self._run(input_at, _Mode.ACTIVE)
            else:
                self._run(input_at, _Mode.IDLE)
                if input_at >= end - _EPS:
                    # Input at this very instant belongs to the state observed now.
                    self._locked, self._presenting = obs.locked, obs.presenting
                self._arrive()
            self._run(end, _Mode.IDLE)
        self._set_flags(reading, obs, idle)
        return self._drain()

    def respond(self, prompt_id: str, outcome: Outcome) -> list[Event]:
        """Record the user's answer to an open prompt (at the time of the last tick)."""
        for kind, state in self._kinds.items():
            if state.stage is _Stage.OPEN and state.prompt and state.prompt.uuid == prompt_id:
                self._end_prompt(kind, outcome)
                if kind is Kind.HYDRATION and outcome is Outcome.DONE:
                    self._log_water(self._settings.glass_ml, self._now(), close_prompt=False)
                return self._drain()
        log.info("answer to prompt %s came too late; it had already ended", prompt_id)
        return self._drain()

    def log_water(self, ml: int) -> list[Event]:
        """The user drank `ml` millilitres now; hydration restarts."""
        self._log_water(ml, self._now(), close_prompt=True)
        return self._drain()

    def log_stiffness(self, score: int, area: Area | None = None, note: str = "") -> list[Event]:
        """The user rated their stiffness now; an open stiffness prompt is done."""
        rating = StiffnessRating(new_id(), self._now(), score, area, note)
        self._emit(Logged(rating.at, rating))
        if self._kinds[Kind.STIFFNESS].stage is _Stage.OPEN:
            self._end_prompt(Kind.STIFFNESS, Outcome.DONE)
        return self._drain()

    def take_break_now(self) -> list[Event]:
        """Show the movement-break prompt now, whatever its timer says."""
        state = self._kinds[Kind.BREAK]
        if state.stage is not _Stage.OPEN:
            state.stage = _Stage.DUE
            self._show(Kind.BREAK, force=True)
        return self._drain()

    def pause(self, until: datetime) -> None:
        """Hold every prompt until `until` (wall time); sitting is still recorded."""
        self._paused_until = until
        log.info("paused until %s", until.isoformat(timespec="minutes"))

    def resume(self) -> list[Event]:
        """End a pause now and show what fell due meanwhile."""
        self._paused_until = None
        log.info("resumed")
        self._show_due()
        return self._drain()

    def finish(self) -> list[Event]:
        """Close the day as the app quits: end the session, mark open prompts ignored."""
        if self._last is not None and not self._finished:
            for kind in ALL_KINDS:
                if self._kinds[kind].stage is _Stage.OPEN:
                    self._end_prompt(kind, Outcome.IGNORED)
            if self._session is not None and self._last_input is not None:
                self._close_session(self._last_input)
        self._finished = True
        return self._drain()

    def open_session(self) -> Session | None:
        """The session in progress so far (to persist it as it goes), or None."""
        if self._session is None or self._last_input is None:
            return None
        return self._session_record(self._session, self._last_input, closed=False)

    def next_wake(self) -> datetime | None:
        """Wall time of the next deadline if nothing changes, or None if there is none."""
        if self._last is None or self._finished:
            return None
        mode = _Mode.ACTIVE if self._ongoing and not self._locked else _Mode.IDLE
        t = self._next_event(mode, math.inf)
        return None if t == math.inf else self._wall_at_or_after(t)

    def snapshot(self) -> Snapshot:
        """The state right now, for display."""
        due_kind: Kind | None = None
        due_at: datetime | None = None
        if self._last is not None:
            mode = _Mode.ACTIVE if self._ongoing and not self._locked else _Mode.IDLE
            sitting = self._session is not None
            present = self._present(mode)
            for kind in INTERVAL_KINDS:
                left = self._time_to_due(kind, sitting=sitting, present=present)
                if left is not None and (due_at is None or self._wall(self._t + left) < due_at):
                    due_kind, due_at = kind, self._wall(self._t + left)
        open_prompts = tuple(
            s.prompt for s in self._kinds.values() if s.stage is _Stage.OPEN and s.prompt
        )
        return Snapshot(
            at=self._now() if self._last is not None else self._clock.now(),
            presence=self._presence(),
            session_start=self._wall(self._session.start_t) if self._session else None,
            sitting_seconds=self._sitting_so_far(),
            next_kind=due_kind,
            next_due=due_at,
            open_prompts=open_prompts,
            paused_until=self._paused_until,
        )

    # --- time ---------------------------------------------------------------------------------

    def _wall(self, t: float) -> datetime:
        # Whole milliseconds, so a deadline read back from the timeline is exactly the deadline
        # (a working day must not start at 08:59:59.999999).
        assert self._anchor_wall is not None
        return shift(self._anchor_wall, round(t - self._anchor_t, 3))

    def _wall_at_or_after(self, t: float) -> datetime:
        # Whole milliseconds rounded up, not to the nearest: a tick at the time `next_wake`
        # gives must reach the deadline, or the prompt would wait for the tick after it.
        assert self._anchor_wall is not None
        ms = math.ceil((t - self._anchor_t - _EPS) * 1000)
        return shift(self._anchor_wall, ms / 1000)

    def _t_of(self, wall: datetime) -> float:
        assert self._anchor_wall is not None
        return self._anchor_t + seconds_between(self._anchor_wall, wall)

    def _now(self) -> datetime:
        return self._wall(self._t)

    def _start(self, reading: Reading, obs: Observation, idle: float) -> None:
        self._anchor_wall = reading.wall
        self._last = reading
        self._locked = obs.locked
        self._presenting = obs.presenting
        if not obs.locked and idle < AWAY_AFTER.total_seconds():
            self._arrive()
            self._ongoing = idle < INPUT_ONGOING.total_seconds()
        log.info("scheduler started at %s", reading.wall.isoformat(timespec="seconds"))

    def _set_flags(self, reading: Reading, obs: Observation, idle: float) -> None:
        was_held = self._locked or self._presenting
        self._locked = obs.locked
        self._presenting = obs.presenting
        self._ongoing = not obs.locked and idle < INPUT_ONGOING.total_seconds()
        self._last = reading
        self._anchor_t = self._t
        self._anchor_wall = reading.wall
        if obs.locked:
            self._ongoing = False
        if was_held and not (self._locked or self._presenting):
            self._show_due()

    # --- the walk through time ----------------------------------------------------------------

    def _run(self, until: float, mode: _Mode) -> None:
        """Advance to `until` with the input `mode` holding throughout, event by event."""
        if mode is _Mode.ASLEEP and self._session and self._session.span_start is not None:
            self._session.spans.append((self._session.span_start, self._t))
            self._session.span_start = None
        if mode is not _Mode.ACTIVE:
            self._ongoing = False
        if mode is _Mode.ASLEEP and until > self._t + _EPS:
            self._slept_since_input = True
        while self._t < until - _EPS:
            step_end = self._next_event(mode, until)
            self._accrue(step_end - self._t, mode)
            self._t = step_end
            if mode is _Mode.ACTIVE:
                self._last_input = step_end
            self._handle(mode)
        self._t = max(self._t, until)
        if mode is _Mode.ASLEEP and self._session and self._session.span_start is None:
            self._session.span_start = self._t

    def _next_event(self, mode: _Mode, until: float) -> float:
        """The earliest instant after now, up to `until`, at which something can change."""
        t = self._t
        best = until
        s = self._settings

        def consider(at: float | None) -> None:
            nonlocal best
            if at is not None and t + _EPS < at < best:
                best = at

        last = self._last_input
        if last is not None and mode is not _Mode.ACTIVE:
            if self._session is not None:
                consider(last + s.natural_break_minutes * 60)
            if mode is _Mode.IDLE and not self._locked:
                consider(last + AWAY_AFTER.total_seconds())
        sitting = self._session is not None and mode is not _Mode.ASLEEP
        present = self._present(mode)
        for kind in ALL_KINDS:
            left = self._time_to_due(kind, sitting=sitting, present=present)
            if left is not None:
                consider(t + left)
        for state in self._kinds.values():
            if state.stage is _Stage.OPEN:
                consider(state.shown_t + PROMPT_EXPIRY.total_seconds())
        if self._anchor_wall is not None:
            now = self._wall(t)
            for wall in self._wall_deadlines(now, mode):
                consider(self._t_of(wall))
        return best

    def _time_to_due(self, kind: Kind, *, sitting: bool, present: bool) -> float | None:
        state = self._kinds[kind]
        if state.stage is _Stage.SNOOZED:
            return state.snooze_left if present else None
        interval = self._intervals[kind]
        if state.stage is not _Stage.WAITING or interval is None:
            return None
        accruing = present if kind is Kind.HYDRATION else sitting
        if not accruing or not self._in_hours_now():
            return None
        return max(0.0, interval - state.counter)

    def _wall_deadlines(self, now: datetime, mode: _Mode) -> list[datetime]:
        out: list[datetime] = []
        hours = self._settings.working_hours
        if hours is not None:
            boundary = _next_boundary(hours, now)
            if boundary is not None:
                out.append(boundary)
        if self._paused_until is not None:
            out.append(self._paused_until)
        evening = self._evening_time(now.date())
        if evening is not None and self._evening_asked != now.date() and not _reached(now, evening):
            out.append(evening)
        if mode is _Mode.ACTIVE:
            out.append(next_midnight(now))
        return out

    def _accrue(self, dt: float, mode: _Mode) -> None:
        if dt <= 0:
            return
        sitting = self._session is not None and mode is not _Mode.ASLEEP
        present = self._present(mode)
        in_hours = self._in_hours_now()
        for kind in ALL_KINDS:
            state = self._kinds[kind]
            if state.stage is _Stage.SNOOZED and present:
                state.snooze_left = max(0.0, state.snooze_left - dt)
            elif (
                state.stage is _Stage.WAITING
                and in_hours
                and kind is not Kind.STIFFNESS
                and (present if kind is Kind.HYDRATION else sitting)
            ):
                state.counter += dt

    def _handle(self, mode: _Mode) -> None:
        """Everything that is due at the current instant, in a fixed order."""
        t = self._t
        now = self._now()
        for kind in ALL_KINDS:
            state = self._kinds[kind]
            if (
                state.stage is _Stage.OPEN
                and t >= state.shown_t + PROMPT_EXPIRY.total_seconds() - _EPS
            ):
                self._end_prompt(kind, Outcome.IGNORED)
        last = self._last_input
        if (
            mode is not _Mode.ACTIVE
            and self._session is not None
            and last is not None
            and t >= last + self._settings.natural_break_minutes * 60 - _EPS
        ):
            self._natural_break(last)
        if mode is _Mode.ACTIVE and self._day is not None and now.date() != self._day:
            self._new_day(now.date(), arriving=False)
        if self._paused_until is not None and _reached(now, self._paused_until):
            self._paused_until = None
            log.info("pause ended")
        if not self._in_hours(now):
            for kind in INTERVAL_KINDS:
                if self._kinds[kind].stage is not _Stage.OPEN:
                    self._reset(kind)
        present = self._present(mode)
        for kind in ALL_KINDS:
            state = self._kinds[kind]
            interval = self._intervals[kind]
            if state.stage is _Stage.SNOOZED and state.snooze_left <= _EPS:
                state.stage = _Stage.DUE
            elif (
                state.stage is _Stage.WAITING
                and interval is not None
                and state.counter >= interval - _EPS
            ):
                state.stage = _Stage.DUE
                log.info("%s reminder due", kind)
        evening = self._evening_time(now.date())
        if evening is not None and self._evening_asked != now.date() and _reached(now, evening):
            self._evening_asked = now.date()
            self._ask_stiffness(Slot.EVENING, now.date())
        if present:
            self._show_due()

    # --- presence, sessions and breaks --------------------------------------------------------

    def _present(self, mode: _Mode) -> bool:
        if mode is _Mode.ASLEEP or self._locked:
            return False
        if mode is _Mode.ACTIVE:
            return True
        last = self._last_input
        if last is None or self._slept_since_input:
            return False
        return self._t - last < AWAY_AFTER.total_seconds() - _EPS

    def _presence(self) -> Presence:
        if self._last is None:
            return Presence.AWAY
        mode = _Mode.ACTIVE if self._ongoing and not self._locked else _Mode.IDLE
        return Presence.PRESENT if self._present(mode) else Presence.AWAY

    def _arrive(self) -> None:
        """Input arrives at self._t after an away span (or for the first time)."""
        t = self._t
        now = self._now()
        if self._break_start is not None:
            start = self._wall(self._break_start)
            if start.date() == now.date():
                brk = NaturalBreak(new_id(), start, now)
                self._emit(NaturalBreakTaken(start, brk))
            self._break_start = None
        self._last_input = t
        self._ongoing = True
        self._slept_since_input = False
        if self._day != now.date():
            self._new_day(now.date(), arriving=True)
        if self._session is None:
            self._session = _OpenSession(new_id(), t, [], t)
            record = self._session_record(self._session, t, closed=False)
            self._emit(SessionStarted(now, record))
            log.info("sitting session started")
        self._show_due()

    def _natural_break(self, last_input: float) -> None:
        self._close_session(last_input)
        self._break_start = last_input
        for kind in SITTING_KINDS:
            if self._kinds[kind].stage is not _Stage.OPEN:
                self._reset(kind)
        log.info("natural break since %s", self._wall(last_input).isoformat(timespec="minutes"))

    def _close_session(self, end_t: float) -> None:
        session = self._session
        if session is None:
            return
        record = self._session_record(session, end_t, closed=True)
        self._session = None
        self._emit(SessionEnded(self._wall(end_t), record))
        log.info("sitting session ended after %.0f min", record.sitting_seconds / 60)

    def _session_record(self, session: _OpenSession, end_t: float, *, closed: bool) -> Session:
        spans = list(session.spans)
        if session.span_start is not None:
            spans.append((session.span_start, max(session.span_start, end_t)))
        cut = [(a, min(b, end_t)) for a, b in spans if a < end_t - _EPS or a == session.start_t]
        cut = [(a, b) for a, b in cut if b >= a]
        return Session(
            uuid=session.uuid,
            start=self._wall(session.start_t),
            end=self._wall(end_t) if closed else None,
            spans=tuple((self._wall(a), self._wall(b)) for a, b in cut),
            # Whole milliseconds, like wall times: float noise from how the day was ticked
            # must not show (180.85 minutes must round the same way every time).
            sitting_seconds=round(sum(b - a for a, b in cut), 3),
        )

    def _sitting_so_far(self) -> float:
        if self._session is None:
            return 0.0
        spans = list(self._session.spans)
        if self._session.span_start is not None:
            spans.append((self._session.span_start, self._t))
        return sum(b - a for a, b in spans)

    def _new_day(self, day: date, *, arriving: bool) -> None:
        """The first activity of a new local day: every timer restarts."""
        self._day = day
        for kind in ALL_KINDS:
            self._reset(kind)
        log.info("new day %s", day.isoformat())
        if arriving and self._settings.stiffness_morning and slot_of(self._now()) is Slot.MORNING:
            self._ask_stiffness(Slot.MORNING, day)

    def _evening_time(self, day: date) -> datetime | None:
        """When the end-of-day rating is asked on `day` (before working hours end), or None."""
        s = self._settings
        if not s.stiffness_evening or self._anchor_wall is None:
            return None
        at = s.stiffness_evening_time
        if s.working_hours is not None:
            window = s.working_hours.window(day)
            if window is None:
                return None
            end = _at(day, window[1], self._anchor_wall)
            evening = _at(day, at, self._anchor_wall)
            if _reached(evening, end):
                earlier = shift(end, -EVENING_BEFORE_END.total_seconds())
                noon = _at(day, time(MIDDAY_HOUR), self._anchor_wall)
                return earlier if _reached(earlier, noon) else None
            return evening
        return _at(day, at, self._anchor_wall)

    def _in_hours(self, now: datetime) -> bool:
        hours = self._settings.working_hours
        return hours is None or hours.contains(now)

    def _in_hours_now(self) -> bool:
        # Without working hours there is no need to work out the wall time (a hot path).
        hours = self._settings.working_hours
        return hours is None or hours.contains(self._now())

    # --- prompts ------------------------------------------------------------------------------

    def _ask_stiffness(self, slot: Slot, day: date) -> None:
        state = self._kinds[Kind.STIFFNESS]
        if state.stage is _Stage.OPEN or self._has_rating(day, slot):
            return
        state.stage = _Stage.DUE
        state.slot = slot
        log.info("%s stiffness rating due", slot)

    def _showable(self) -> bool:
        if self._presenting or self._locked:
            return False
        now = self._now()
        if self._paused_until is not None and not _reached(now, self._paused_until):
            return False
        return self._in_hours(now)

    def _show_due(self) -> None:
        mode = _Mode.ACTIVE if self._ongoing else _Mode.IDLE
        if not self._present(mode) or not self._showable():
            return
        for kind in ALL_KINDS:
            if self._kinds[kind].stage is _Stage.DUE:
                self._show(kind)

    def _show(self, kind: Kind, *, force: bool = False) -> None:
        state = self._kinds[kind]
        now = self._now()
        if (
            kind is Kind.STIFFNESS
            and state.slot is not None
            and (self._has_rating(now.date(), state.slot) or slot_of(now) is not state.slot)
        ):
            state.stage = _Stage.WAITING  # rated meanwhile, or the slot has passed
            return
        prompt = Prompt(new_id(), kind, now)
        state.stage = _Stage.OPEN
        state.prompt = prompt
        state.shown_t = self._t
        self._emit(PromptShown(now, prompt, state.slot if kind is Kind.STIFFNESS else None))
        log.info("%s prompt shown%s", kind, " (asked for)" if force else "")

    def _end_prompt(self, kind: Kind, outcome: Outcome) -> None:
        state = self._kinds[kind]
        assert state.prompt is not None
        now = self._now()
        ended = replace(state.prompt, outcome=outcome, outcome_at=now)
        state.prompt = None
        state.stage = _Stage.WAITING
        self._emit(PromptEnded(now, ended))
        log.info("%s prompt %s", kind, outcome)
        if outcome is Outcome.SNOOZED:
            state.stage = _Stage.SNOOZED
            state.snooze_left = self._settings.snooze_minutes * 60.0
        else:
            self._reset(kind)

    def _reset(self, kind: Kind) -> None:
        state = self._kinds[kind]
        if state.stage is _Stage.OPEN:
            return
        state.stage = _Stage.WAITING
        state.counter = 0.0
        state.snooze_left = 0.0
        state.slot = None

    def _log_water(self, ml: int, at: datetime, *, close_prompt: bool) -> None:
        record = WaterLog(new_id(), at, ml)
        self._emit(Logged(at, record))
        if close_prompt and self._kinds[Kind.HYDRATION].stage is _Stage.OPEN:
            self._end_prompt(Kind.HYDRATION, Outcome.DONE)
        self._reset(Kind.HYDRATION)

    def _emit(self, event: Event) -> None:
        self._events.append(event)

    def _drain(self) -> list[Event]:
        events, self._events = self._events, []
        return events


def _at(day: date, at: time, like: datetime) -> datetime:
    """Local `day` at `at` in the zone of `like`; time.max stands for the end of the day."""
    if at == time.max:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=like.tzinfo)
    return datetime.combine(day, at, tzinfo=like.tzinfo)


def _intervals(settings: Settings) -> dict[Kind, float | None]:
    """Each kind's interval in seconds (None when off), computed once per settings."""
    out: dict[Kind, float | None] = {}
    for kind in ALL_KINDS:
        interval = settings.interval(kind)
        out[kind] = None if interval is None else interval.total_seconds()
    return out


def _reached(now: datetime, deadline: datetime) -> bool:
    """`now` is at or past `deadline`, compared as instants.

    Python compares two datetimes that share a tzinfo as wall times, ignoring the fold, so the
    second 02:10 of a DST fall-back would sort before 02:50; UTC timestamps do not.
    """
    return now.timestamp() >= deadline.timestamp()


def _next_boundary(hours: WorkingHours, now: datetime) -> datetime | None:
    """The next instant after `now` at which working hours start or end."""
    for offset in range(8):
        day = now.date() + timedelta(days=offset)
        window = hours.window(day)
        if window is None:
            continue
        for edge in (_at(day, window[0], now), _at(day, window[1], now)):
            if not _reached(now, edge):
                return edge
    return None
