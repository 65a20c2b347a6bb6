"""The null fallbacks: what the app gets where nothing better works."""

from __future__ import annotations

import pytest

from posture_app.platform.base import (
    NullAutostart,
    NullIdle,
    NullPresenting,
    NullSession,
    PlatformUnavailable,
)


def test_null_idle_is_always_unknown() -> None:
    idle = NullIdle("no X display")
    assert idle.idle_seconds() is None
    assert idle.name == "none"
    assert idle.reason == "no X display"


def test_null_session_is_never_locked_and_never_calls_back() -> None:
    calls: list[str] = []
    session = NullSession("no bus")
    session.start(lambda: calls.append("changed"))
    assert session.locked() is False
    session.stop()
    assert calls == []


def test_null_presenting_never_presents() -> None:
    assert NullPresenting("no display").presenting() is False


def test_null_autostart_refuses_to_turn_on_with_the_reason() -> None:
    autostart = NullAutostart("unsupported platform")
    assert autostart.is_enabled() is False
    autostart.set_enabled(False)
    with pytest.raises(OSError, match="unsupported platform"):
        autostart.set_enabled(True)
    assert autostart.is_enabled() is False


def test_platform_unavailable_carries_its_reason() -> None:
    assert str(PlatformUnavailable("libXss.so.1 is not installed")) == (
        "libXss.so.1 is not installed"
    )
