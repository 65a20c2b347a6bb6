"""Writes what the scheduler reports into the store: the one place events become records."""

from __future__ import annotations

from posture_app.core.model import StiffnessRating
from posture_app.core.scheduler import (
    Event,
    Logged,
    NaturalBreakTaken,
    PromptEnded,
    PromptShown,
    SessionEnded,
    SessionStarted,
)
from posture_app.core.store import Store


def record(store: Store, event: Event) -> None:
    """Store one scheduler event."""
    if isinstance(event, SessionStarted | SessionEnded):
        store.save_session(event.session)
    elif isinstance(event, NaturalBreakTaken):
        store.add_natural_break(event.brk)
    elif isinstance(event, PromptShown | PromptEnded):
        store.save_prompt(event.prompt)
    elif isinstance(event, Logged):
        if isinstance(event.record, StiffnessRating):
            store.add_stiffness(event.record)
        else:
            store.add_water(event.record)
