"""Values the core passes around: reminder kinds, outcomes, body areas and stored records."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum, auto


class Kind(StrEnum):
    """What a prompt asks of the user."""

    POSTURE = auto()
    STRETCH = auto()
    BREAK = auto()
    EYES = auto()
    HYDRATION = auto()
    STIFFNESS = auto()


#: Reminders that run on sitting time and are reset by a natural break.
SITTING_KINDS: tuple[Kind, ...] = (Kind.POSTURE, Kind.STRETCH, Kind.BREAK, Kind.EYES)


class Outcome(StrEnum):
    """How a shown prompt ended."""

    DONE = auto()
    SNOOZED = auto()
    SKIPPED = auto()
    IGNORED = auto()


class Area(StrEnum):
    """Where the stiffness is felt."""

    NECK = "neck"
    SHOULDERS = "shoulders"
    UPPER_BACK = "upper-back"
    LOWER_BACK = "lower-back"
    HIPS = "hips"
    LEGS = "legs"
    OTHER = "other"


STIFFNESS_MIN = 0
STIFFNESS_MAX = 10
#: The most water one record may hold, in millilitres.
MAX_WATER_ML = 5000
#: The longest note a rating may carry, in characters.
MAX_NOTE = 2000


def new_id() -> str:
    """A fresh record id: a random (version 4) UUID as text, as `str(uuid.uuid4())` gives.

    Made here from os.urandom, as uuid4 does: the uuid module also loads `platform` and libuuid,
    about a megabyte that the tray app would keep all day for these few lines.
    """
    b = bytearray(os.urandom(16))
    b[6] = (b[6] & 0x0F) | 0x40  # version 4
    b[8] = (b[8] & 0x3F) | 0x80  # the RFC 4122 variant
    h = b.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class Session:
    """A sitting session: first input after a natural break to the last input before the next.

    `spans` are the awake stretches (a short sleep inside a session splits it);
    `sitting_seconds` is their total length. `end` is None while the session is still open.
    """

    uuid: str
    start: datetime
    end: datetime | None
    spans: tuple[Span, ...]
    sitting_seconds: float


@dataclass(frozen=True)
class NaturalBreak:
    """An away span of at least the natural-break length between two sessions of one day."""

    uuid: str
    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        """Length of the break."""
        return (self.end - self.start).total_seconds()


@dataclass(frozen=True)
class Prompt:
    """One prompt shown to the user, and how it ended (None while it is still open)."""

    uuid: str
    kind: Kind
    shown_at: datetime
    outcome: Outcome | None = None
    outcome_at: datetime | None = None


@dataclass(frozen=True)
class WaterLog:
    """Water the user drank."""

    uuid: str
    at: datetime
    ml: int


@dataclass(frozen=True)
class StiffnessRating:
    """A back-stiffness rating, 0 (none) to 10 (worst imaginable)."""

    uuid: str
    at: datetime
    score: int
    area: Area | None = None
    note: str = field(default="")


class Slot(StrEnum):
    """The two daily stiffness ratings: morning is before 12:00 local, evening from 12:00 on."""

    MORNING = auto()
    EVENING = auto()


#: Local time that splits the morning rating slot from the evening one.
MIDDAY_HOUR = 12


def slot_of(at: datetime) -> Slot:
    """The rating slot a local time falls in."""
    return Slot.MORNING if at.hour < MIDDAY_HOUR else Slot.EVENING
