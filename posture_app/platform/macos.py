"""macOS idle time through CoreGraphics (ctypes on the ApplicationServices framework).

It cannot run on Linux: the framework is loaded in the constructor behind a `sys.platform`
check, and the pure part (what a reading means) is tested everywhere.
"""

from __future__ import annotations

import ctypes
import logging
import math
import sys
from typing import Any

from posture_app.platform.base import PlatformUnavailable

log = logging.getLogger(__name__)

FRAMEWORK = "/System/Library/Frameworks/ApplicationServices.framework/ApplicationServices"
K_CG_EVENT_SOURCE_STATE_COMBINED_SESSION = 0
K_CG_ANY_INPUT_EVENT_TYPE = 0xFFFFFFFF


def idle_from_cg(seconds: float) -> float | None:
    """CoreGraphics' seconds since the last event, or None if the reading is not a time."""
    if math.isnan(seconds) or math.isinf(seconds) or seconds < 0:
        return None
    return seconds


class MacIdle:
    """Seconds since the last input in this login session, from CoreGraphics."""

    name = "macOS (CoreGraphics)"
    _since: Any

    def __init__(self) -> None:
        if sys.platform != "darwin":
            raise PlatformUnavailable("CoreGraphics exists only on macOS")
        try:
            framework = ctypes.CDLL(FRAMEWORK)
        except OSError as exc:
            raise PlatformUnavailable(f"cannot load ApplicationServices: {exc}") from exc
        self._since = framework.CGEventSourceSecondsSinceLastEventType
        self._since.argtypes = [ctypes.c_int32, ctypes.c_uint32]
        self._since.restype = ctypes.c_double

    def idle_seconds(self) -> float | None:
        """Seconds since the last keyboard, mouse or trackpad event."""
        return idle_from_cg(
            float(self._since(K_CG_EVENT_SOURCE_STATE_COMBINED_SESSION, K_CG_ANY_INPUT_EVENT_TYPE))
        )
