"""Windows and macOS adapters: their pure parts here; their OS calls cannot run on Linux."""

from __future__ import annotations

import math
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posture_app.platform.base import PlatformUnavailable
from posture_app.platform.macos import MacIdle, idle_from_cg
from posture_app.platform.windows import (
    WindowsIdle,
    WindowsPresenting,
    idle_ms,
    presenting_from_state,
)

TICKS = 2**32


@pytest.mark.parametrize(
    ("now", "last_input", "expected"),
    [
        (1000, 400, 600),
        (400, 400, 0),
        (5, 0xFFFFFFF0, 21),  # GetTickCount wrapped after 49.7 days; dwTime had not
        (0, 0xFFFFFFFF, 1),
    ],
)
def test_idle_ms_handles_the_tick_wrap_around(now: int, last_input: int, expected: int) -> None:
    assert idle_ms(now, last_input) == expected


@given(last_input=st.integers(0, TICKS - 1), idle=st.integers(0, TICKS - 1))
def test_idle_ms_recovers_any_idle_time_shorter_than_the_wrap(last_input: int, idle: int) -> None:
    assert idle_ms((last_input + idle) % TICKS, last_input) == idle


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (1, False),  # QUNS_NOT_PRESENT: locked or screen saver (away, not presenting)
        (2, True),  # QUNS_BUSY: a full-screen app
        (3, True),  # QUNS_RUNNING_D3D_FULL_SCREEN
        (4, True),  # QUNS_PRESENTATION_MODE
        (5, False),  # QUNS_ACCEPTS_NOTIFICATIONS
        (6, False),  # QUNS_QUIET_TIME
        (7, False),  # QUNS_APP
        (0, False),
    ],
)
def test_notification_state_mapping(state: int, expected: bool) -> None:
    assert presenting_from_state(state) is expected


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(0.0, 0.0), (12.5, 12.5), (-1.0, None), (math.nan, None), (math.inf, None)],
)
def test_idle_from_core_graphics(seconds: float, expected: float | None) -> None:
    assert idle_from_cg(seconds) == expected


@pytest.mark.skipif(sys.platform == "win32", reason="on Windows the real calls are made")
def test_windows_adapters_are_unavailable_elsewhere() -> None:
    with pytest.raises(PlatformUnavailable, match="only on Windows"):
        WindowsIdle()
    with pytest.raises(PlatformUnavailable, match="only on Windows"):
        WindowsPresenting()


@pytest.mark.skipif(sys.platform == "darwin", reason="on macOS the real call is made")
def test_mac_idle_is_unavailable_elsewhere() -> None:
    with pytest.raises(PlatformUnavailable, match="only on macOS"):
        MacIdle()
