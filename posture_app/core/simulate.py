"""Play an activity trace through the real scheduler with a simulated clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

from posture_app.core.clock import ManualClock
from posture_app.core.model import Kind, Outcome, Slot, StiffnessRating, slot_of
from posture_app.core.scheduler import (
    Event,
    HasRating,
    Logged,
    NaturalBreakTaken,
    Observation,
    PromptEnded,
    PromptShown,
    Scheduler,
    SessionEnded,
    SessionStarted,
)
from posture_app.core.settings import Settings
from posture_app.core.trace import State, StateLine, TraceLine, WaterLine

#: Idle reported before the first state line: nobody has touched the machine yet.
_NEVER = timedelta(days=1).total_seconds()

Respond = Callable[[PromptShown], Outcome | None]


def answer_all(outcome: Outcome) -> Respond:
    """Answer every prompt but stiffness with `outcome` (stiffness waits for a rating line)."""
    return lambda shown: None if shown.prompt.kind is Kind.STIFFNESS else outcome


class Player:
    """Drives one scheduler through trace lines the way the live app would be driven.

    Each state change ticks twice at its instant (the old state up to it, then the new state);
    in between it ticks where the scheduler asks (`next_wake`), and also every `tick_every` if
    set, which must not change any result.
    """

    def __init__(
        self,
        start: datetime,
        settings: Settings,
        respond: Respond,
        *,
        has_rating: HasRating | None = None,
        tick_every: timedelta | None = None,
    ) -> None:
        self.clock = ManualClock(start)
        self._rated: set[tuple[date, Slot]] = set()
        outside = has_rating or (lambda _d, _s: False)
        self.scheduler = Scheduler(
            self.clock, settings, lambda d, s: (d, s) in self._rated or outside(d, s)
        )
        self._respond = respond
        self._tick_every = tick_every
        self._state: State | None = None
        self._last_input: datetime | None = None
        self._done = False

    def play(self, lines: list[TraceLine]) -> Iterator[Event]:
        """Play every line, then close the day; yield events in order."""
        for line in lines:
            yield from self.step(line)
            if self._done:
                return
        yield from self.close()

    def step(self, line: TraceLine) -> Iterator[Event]:
        """Advance to the line's instant and apply it."""
        yield from self._advance_to(line.at)
        yield from self._tick()  # the old state up to this instant
        if isinstance(line, StateLine):
            if line.state is State.END:
                yield from self.close()
                return
            self._state = line.state
            if line.state is not State.ASLEEP:
                yield from self._tick()  # the new state from this instant
        elif isinstance(line, WaterLine):
            yield from self._take(self.scheduler.log_water(line.ml))
        else:
            yield from self._take(self.scheduler.log_stiffness(line.score, line.area, line.note))

    def close(self) -> Iterator[Event]:
        """End the day (open prompts are ignored, the session ends at its last input)."""
        if not self._done:
            self._done = True
            yield from self._take(self.scheduler.finish())

    def _advance_to(self, at: datetime) -> Iterator[Event]:
        if self._state is State.ASLEEP:
            self.clock.advance_to(at, asleep=True)
            return
        # Compared as timestamps: datetimes sharing a zone compare as wall times across DST.
        target = at.timestamp()
        while True:
            now = self.clock.now().timestamp()
            nxt = target
            wake = self.scheduler.next_wake()
            if wake is not None and now < wake.timestamp() < nxt:
                nxt = wake.timestamp()
            if self._tick_every is not None:
                nxt = min(nxt, now + self._tick_every.total_seconds())
            if nxt >= target:
                break
            self.clock.advance(nxt - now)
            yield from self._tick()
        self.clock.advance_to(at)

    def _tick(self) -> Iterator[Event]:
        now = self.clock.now()
        if self._state in (State.ACTIVE, State.PRESENTING):
            self._last_input = now
        idle = _NEVER if self._last_input is None else (now - self._last_input).total_seconds()
        obs = Observation(
            idle_seconds=idle,
            locked=self._state is State.LOCKED,
            presenting=self._state is State.PRESENTING,
        )
        yield from self._take(self.scheduler.tick(obs))

    def _take(self, events: list[Event]) -> Iterator[Event]:
        for event in events:
            if isinstance(event, Logged) and isinstance(event.record, StiffnessRating):
                self._rated.add((event.at.date(), slot_of(event.at)))
            yield event
            if isinstance(event, PromptShown):
                outcome = self._respond(event)
                if outcome is not None:
                    yield from self._take(self.scheduler.respond(event.prompt.uuid, outcome))


def simulate(
    lines: list[TraceLine],
    settings: Settings,
    respond: Respond,
    *,
    has_rating: HasRating | None = None,
    tick_every: timedelta | None = None,
) -> Iterator[Event]:
    """Play a parsed trace from its first line's instant; yield every event."""
    player = Player(lines[0].at, settings, respond, has_rating=has_rating, tick_every=tick_every)
    return player.play(lines)


def event_json(event: Event) -> dict[str, object]:
    """One event as the JSON object `simulate` prints."""
    at = _iso(event.at)
    if isinstance(event, SessionStarted):
        return {"at": at, "event": "session_start"}
    if isinstance(event, SessionEnded):
        return {
            "at": at,
            "event": "session_end",
            "minutes": round(event.session.sitting_seconds / 60, 1),
            "start": _iso(event.session.start),
        }
    if isinstance(event, NaturalBreakTaken):
        return {
            "at": at,
            "event": "natural_break",
            "minutes": round(event.brk.seconds / 60, 1),
            "until": _iso(event.brk.end),
        }
    if isinstance(event, PromptShown):
        out: dict[str, object] = {"at": at, "event": "prompt", "kind": str(event.prompt.kind)}
        if event.slot is not None:
            out["slot"] = str(event.slot)
        return out
    if isinstance(event, PromptEnded):
        return {
            "at": at,
            "event": "outcome",
            "kind": str(event.prompt.kind),
            "outcome": str(event.prompt.outcome),
        }
    record = event.record
    if isinstance(record, StiffnessRating):
        logged: dict[str, object] = {"at": at, "event": "logged", "stiffness": record.score}
        if record.area is not None:
            logged["area"] = str(record.area)
        if record.note:
            logged["note"] = record.note
        return logged
    return {"at": at, "event": "logged", "water_ml": record.ml}


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="seconds")
