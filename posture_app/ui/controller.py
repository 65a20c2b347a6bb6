"""The controller: the only bridge from Qt to the core.

It reads the platform (idle seconds, lock, full screen), ticks the scheduler, stores what it
reports, and tells the UI through signals. It does not poll every second: it sleeps until the
scheduler's next deadline, waking at a modest rate only to notice that the user stopped or came
back (`ACTIVE_POLL` while input is arriving, or half the natural break if that is shorter;
`AWAY_POLL` while away). The open session is saved whenever it changed, so a crash loses at
most one poll interval.

While away, a tick costs one idle reading: the full-screen check is skipped (nothing is shown to
someone who is not there, and the check is made again with the first input), and nothing is
written unless something changed. The time of return is read from the idle time, so polling
less often while away delays only how soon held prompts appear, not what is recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from PySide6.QtCore import QObject, QTimer, Signal

from posture_app.core.clock import Clock, seconds_between
from posture_app.core.model import Area, Outcome, Session, WaterLog
from posture_app.core.recorder import record
from posture_app.core.scheduler import (
    AWAY_AFTER,
    Event,
    Logged,
    Observation,
    Presence,
    PromptEnded,
    PromptShown,
    Scheduler,
    Snapshot,
)
from posture_app.core.settings import Settings
from posture_app.core.store import Store
from posture_app.platform.base import IdleSource, PresentingSource, SessionWatcher

log = logging.getLogger(__name__)

#: While input arrives: how often to look whether it stopped (the away threshold is a minute).
ACTIVE_POLL = timedelta(seconds=60)
#: While away: how often to look whether the user is back (held prompts appear within this).
AWAY_POLL = timedelta(seconds=30)
#: Never sleep longer than this: Qt timers stop during suspend and may fire late after it.
LONGEST_SLEEP = timedelta(minutes=5)


class Controller(QObject):
    """Owns the tick timer; turns platform readings into scheduler ticks and events into signals."""

    prompt_shown = Signal(object)  # PromptShown
    prompt_ended = Signal(object)  # PromptEnded
    changed = Signal(object)  # Snapshot, after every tick
    water_today = Signal(int)  # ml logged today, after water is logged

    def __init__(
        self,
        clock: Clock,
        scheduler: Scheduler,
        store: Store,
        idle: IdleSource,
        session: SessionWatcher,
        presenting: PresentingSource,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._scheduler = scheduler
        self._store = store
        self._idle = idle
        self._session = session
        self._presenting = presenting
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.tick)
        self._started = False
        self._idle_failed = False
        self._presenting_seen = False  # the last full-screen reading
        self._saved_session: Session | None = None  # the open session as last stored

    @property
    def clock(self) -> Clock:
        """The clock every decision reads (a fake one in tests)."""
        return self._clock

    # --- life cycle -----------------------------------------------------------------------------

    def start(self) -> None:
        """Begin: mark prompts a crash left open, take the first reading, watch lock and sleep."""
        ended = self._store.end_open_prompts(self._clock.now())
        if ended:
            log.info("%d prompts left open by the last run were recorded as ignored", ended)
        self._started = True
        self._session.start(self.tick)
        self.tick()

    def shutdown(self) -> None:
        """End the day as the app quits: the session ends, open prompts are ignored."""
        if not self._started:
            return
        self._started = False
        self._timer.stop()
        self._session.stop()
        self._apply(self._scheduler.finish())

    # --- the tick ---------------------------------------------------------------------------------

    def tick(self) -> None:
        """Read the platform, tick the scheduler, store and report what happened, re-arm."""
        if not self._started:
            return
        with self._step("tick"):
            self._apply(self._scheduler.tick(self._observe()), self._scheduler.open_session())

    @contextmanager
    def _step(self, what: str) -> Iterator[None]:
        """Run one step; if it fails, log it and keep the timer going (the app must not stop)."""
        try:
            yield
        except Exception:  # a full disk, a locked database, a bug: the next tick tries again
            log.exception("%s failed", what)
        finally:
            if self._started:
                self._arm()

    def _observe(self) -> Observation:
        idle = self._idle.idle_seconds()
        if idle is None:
            if not self._idle_failed:
                log.warning("idle time unreadable (%s); user counted present", self._idle.name)
                self._idle_failed = True
            idle = 0.0
        elif self._idle_failed:
            log.info("idle time can be read again")
            self._idle_failed = False
        if idle < AWAY_AFTER.total_seconds():
            self._presenting_seen = self._presenting.presenting()
        return Observation(
            idle_seconds=idle, locked=self._session.locked(), presenting=self._presenting_seen
        )

    def _arm(self) -> None:
        snap = self._scheduler.snapshot()
        if snap.presence is Presence.PRESENT:
            # At least two readings per natural break: a reading only gives the last input, so
            # after one that found no input arriving the core counts the time to the next as
            # idle, and a gap as long as the natural break (1 minute at the least) would be
            # taken for one, though the user worked on.
            half_break = timedelta(minutes=self._scheduler.settings.natural_break_minutes / 2)
            poll = min(ACTIVE_POLL, half_break)
        else:
            poll = AWAY_POLL
        delay = min(poll, LONGEST_SLEEP)
        wake = self._scheduler.next_wake()
        if wake is not None:
            until = timedelta(seconds=max(0.0, seconds_between(self._clock.now(), wake)))
            delay = min(delay, until)
        # A whole number of milliseconds, at least one, so the timer never spins.
        self._timer.start(max(1, int(delay.total_seconds() * 1000)))
        self.changed.emit(snap)

    @property
    def next_tick_ms(self) -> int:
        """Milliseconds until the next tick (for tests and the tooltip)."""
        return self._timer.remainingTime()

    # --- what the user does ---------------------------------------------------------------------

    def respond(self, prompt_id: str, outcome: Outcome) -> None:
        """The user answered a prompt."""
        with self._step("recording an answer"):
            self._catch_up()
            self._apply(self._scheduler.respond(prompt_id, outcome))

    def log_water(self, ml: int | None = None) -> None:
        """The user drank a glass (or `ml`)."""
        with self._step("logging water"):
            self._catch_up()
            self._apply(self._scheduler.log_water(ml or self._scheduler.settings.glass_ml))

    def log_stiffness(self, score: int, area: Area | None, note: str) -> None:
        """The user rated their stiffness now."""
        with self._step("logging a rating"):
            self._catch_up()
            self._apply(self._scheduler.log_stiffness(score, area, note))

    def take_break_now(self) -> None:
        """Show the movement-break prompt now."""
        with self._step("starting a break"):
            self._catch_up()
            self._apply(self._scheduler.take_break_now())

    def pause(self, until: datetime) -> None:
        """Hold prompts until `until`."""
        with self._step("pausing"):
            self._scheduler.pause(until)

    def resume(self) -> None:
        """End a pause now."""
        with self._step("resuming"):
            self._catch_up()
            self._apply(self._scheduler.resume())

    def update_settings(self, settings: Settings) -> None:
        """Use new settings from now on."""
        self._scheduler.update_settings(settings)
        self.tick()

    @property
    def store(self) -> Store:
        """The store this controller records into."""
        return self._store

    def snapshot(self) -> Snapshot:
        """The scheduler's state now."""
        return self._scheduler.snapshot()

    def water_logged_today(self) -> int:
        """Millilitres logged today."""
        return self._store.water_on(self._clock.now().date())

    # --- internals --------------------------------------------------------------------------------

    def _catch_up(self) -> None:
        """Tick first, so an answer is recorded at the time it was given."""
        if self._started:
            self._apply(self._scheduler.tick(self._observe()))

    def _apply(self, events: list[Event], session: Session | None = None) -> None:
        """Store the events (and the open session, saved as it grows) in one commit, then tell."""
        if session == self._saved_session:
            session = None  # unchanged since it was last stored
        if not events and session is None:
            return
        with self._store.transaction():
            for event in events:
                record(self._store, event)
            if session is not None:
                self._store.save_session(session)
        if session is not None:
            self._saved_session = session
        water = False
        for event in events:
            if isinstance(event, PromptShown):
                self.prompt_shown.emit(event)
            elif isinstance(event, PromptEnded):
                self.prompt_ended.emit(event)
            elif isinstance(event, Logged) and isinstance(event.record, WaterLog):
                water = True
        if water:
            self.water_today.emit(self.water_logged_today())
