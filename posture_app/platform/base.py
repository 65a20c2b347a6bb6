"""The Protocols the app sees, and the null fallbacks used where nothing better works."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


class PlatformUnavailable(Exception):  # noqa: N818 (a condition of the machine, not a bug)
    """An adapter cannot work here: a library, display, bus or service is missing (says which)."""


class IdleSource(Protocol):
    """Seconds since the last keyboard or mouse input."""

    name: str

    def idle_seconds(self) -> float | None:
        """Seconds since the last input, or None if it cannot be read right now."""
        ...


class SessionWatcher(Protocol):
    """Lock and sleep: the screen locks, the machine is about to sleep or has woken."""

    name: str

    def locked(self) -> bool:
        """Whether the screen is locked now (False if unknown)."""
        ...

    def start(self, changed: Callable[[], None]) -> None:
        """Call `changed` (on the Qt main thread) whenever lock or sleep state changes."""
        ...

    def stop(self) -> None:
        """Stop watching."""
        ...


class PresentingSource(Protocol):
    """Whether prompts should wait: a full-screen window, or do-not-disturb is on."""

    name: str

    def presenting(self) -> bool:
        """True while a full-screen window is active or do-not-disturb is on."""
        ...


class Autostart(Protocol):
    """Start the app when the user logs in."""

    name: str

    def is_enabled(self) -> bool:
        """Whether the app starts at login."""
        ...

    def set_enabled(self, enabled: bool) -> None:
        """Turn starting at login on or off; raise OSError if it cannot."""
        ...


@dataclass(frozen=True)
class Detected:
    """What `detect()` found: one adapter of each kind, and a line per kind for the user."""

    idle: IdleSource
    session: SessionWatcher
    presenting: PresentingSource
    autostart: Autostart
    notes: tuple[str, ...]  # e.g. "idle detection: X11 (XScreenSaver)" or "... unavailable: ..."


class NullIdle:
    """No idle source: the app treats the user as present while the computer is awake."""

    name = "none"

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def idle_seconds(self) -> float | None:
        """Always unknown."""
        return None


class NullSession:
    """No lock or sleep signals: the clock-gap check in the core still sees sleep."""

    name = "none"

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def locked(self) -> bool:
        """Unknown, so not locked."""
        return False

    def start(self, changed: Callable[[], None]) -> None:
        """Nothing to watch."""

    def stop(self) -> None:
        """Nothing to stop."""


class NullPresenting:
    """No full-screen or do-not-disturb detection: never presenting."""

    name = "none"

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def presenting(self) -> bool:
        """Unknown, so not presenting."""
        return False


class NullAutostart:
    """Starting at login is not supported here."""

    name = "none"

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def is_enabled(self) -> bool:
        """Never enabled."""
        return False

    def set_enabled(self, enabled: bool) -> None:
        """Cannot be turned on."""
        if enabled:
            raise OSError(f"starting at login is not supported here: {self.reason}")
