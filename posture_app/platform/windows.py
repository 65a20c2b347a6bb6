"""Windows adapters (ctypes on user32 and shell32): idle time and presentation mode.

They cannot run on Linux: the Win32 calls sit behind a `sys.platform` check in the constructors,
and the arithmetic around them is in pure functions that the tests cover everywhere.
"""

from __future__ import annotations

import ctypes
import logging
import sys
from typing import Any

from posture_app.platform.base import PlatformUnavailable

log = logging.getLogger(__name__)

_TICK_MASK = 0xFFFFFFFF  # GetTickCount and LASTINPUTINFO.dwTime are 32-bit milliseconds
_MS_PER_SECOND = 1000.0
_S_OK = 0
# SHQueryUserNotificationState: QUNS_BUSY (a full-screen app), QUNS_RUNNING_D3D_FULL_SCREEN,
# QUNS_PRESENTATION_MODE. The others (not present, accepts notifications, quiet time, app) are
# not reasons to hold a prompt.
QUNS_PRESENTING = frozenset({2, 3, 4})


def idle_ms(tick_count: int, last_input_tick: int) -> int:
    """Milliseconds since the last input, correct across the 49.7-day tick wrap-around."""
    return (tick_count - last_input_tick) & _TICK_MASK


def presenting_from_state(state: int) -> bool:
    """Whether a QUERY_USER_NOTIFICATION_STATE value means prompts should wait."""
    return state in QUNS_PRESENTING


class _LastInputInfo(ctypes.Structure):
    _fields_ = (("cbSize", ctypes.c_uint32), ("dwTime", ctypes.c_uint32))


class WindowsIdle:
    """Seconds since the last input of this session, from GetLastInputInfo."""

    name = "Windows (GetLastInputInfo)"
    _user32: Any
    _kernel32: Any
    _info: _LastInputInfo

    def __init__(self) -> None:
        if sys.platform != "win32":
            raise PlatformUnavailable("GetLastInputInfo exists only on Windows")
        self._user32 = ctypes.windll.user32
        self._kernel32 = ctypes.windll.kernel32
        self._kernel32.GetTickCount.restype = ctypes.c_uint32
        self._info = _LastInputInfo(ctypes.sizeof(_LastInputInfo), 0)

    def idle_seconds(self) -> float | None:
        """Seconds since the last keyboard or mouse input."""
        if not self._user32.GetLastInputInfo(ctypes.byref(self._info)):
            return None
        return idle_ms(int(self._kernel32.GetTickCount()), self._info.dwTime) / _MS_PER_SECOND


class WindowsPresenting:
    """Full-screen apps, presentations and Focus: SHQueryUserNotificationState."""

    name = "Windows (notification state)"
    _shell32: Any

    def __init__(self) -> None:
        if sys.platform != "win32":
            raise PlatformUnavailable("SHQueryUserNotificationState exists only on Windows")
        self._shell32 = ctypes.windll.shell32

    def presenting(self) -> bool:
        """True while Windows would hold its own notifications for a full-screen app."""
        state = ctypes.c_int(0)
        if self._shell32.SHQueryUserNotificationState(ctypes.byref(state)) != _S_OK:
            return False
        return presenting_from_state(state.value)
