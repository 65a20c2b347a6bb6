"""macOS idle time, screen lock and full-screen windows: ctypes on CoreGraphics, CoreFoundation.

They cannot run on Linux: the frameworks are loaded in the constructors behind a `sys.platform`
check, and the pure parts (what a reading means, what a window or session dictionary says) are
tested everywhere with plain dictionaries shaped like the ones CoreFoundation gives.

Without pyobjc there is no NSWorkspace notification for lock or sleep: the lock state is read
when the controller asks (every tick), and sleep is seen from the clock gap in the core. Focus
(do-not-disturb) has no public C API, so only full-screen front windows hold prompts.
"""

from __future__ import annotations

import ctypes
import logging
import math
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from posture_app.platform.base import PlatformUnavailable

log = logging.getLogger(__name__)

FRAMEWORK = "/System/Library/Frameworks/ApplicationServices.framework/ApplicationServices"
CORE_FOUNDATION = "/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation"
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


# ---- pure parts: what a session or window dictionary says ----

# CGSessionCopyCurrentDictionary's keys: present and true while the screen is locked; false
# while another user has the console (fast user switching).
SESSION_SCREEN_LOCKED = "CGSSessionScreenIsLocked"
SESSION_ON_CONSOLE = "kCGSSessionOnConsoleKey"
# CGWindowListCopyWindowInfo's keys (the values of the kCGWindow* constants) and the keys of a
# CGRect's dictionary form (CGRectCreateDictionaryRepresentation).
WINDOW_LAYER = "kCGWindowLayer"
WINDOW_ALPHA = "kCGWindowAlpha"
WINDOW_BOUNDS = "kCGWindowBounds"
RECT_KEYS = ("X", "Y", "Width", "Height")
NORMAL_WINDOW_LAYER = 0  # kCGNormalWindowLevel: app windows; menus, Dock, panels sit above
# Window and display bounds are in points and may be fractional: this much slack still counts as
# covering a display.
FULL_SCREEN_TOLERANCE_POINTS = 1.0


def _flag(value: object) -> bool | None:
    """A CFBoolean or CFNumber as a bool; None if absent or of another type."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    return None


def session_locked(session: object) -> bool:
    """Whether a session dictionary says the user is not at this screen: locked, or switched out."""
    if not isinstance(session, Mapping):
        return False  # no GUI session to ask: unknown, so not locked
    return _flag(session.get(SESSION_SCREEN_LOCKED)) is True or (
        _flag(session.get(SESSION_ON_CONSOLE)) is False
    )


def _number(value: object) -> float | None:
    """A finite CFNumber as a float, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


@dataclass(frozen=True)
class Rect:
    """A rectangle in global display points (origin at the top left of the main display)."""

    x: float
    y: float
    width: float
    height: float

    def covers(self, other: Rect, tolerance: float = FULL_SCREEN_TOLERANCE_POINTS) -> bool:
        """Whether this rectangle contains `other`, give or take `tolerance` on each side."""
        return (
            self.x <= other.x + tolerance
            and self.y <= other.y + tolerance
            and self.x + self.width >= other.x + other.width - tolerance
            and self.y + self.height >= other.y + other.height - tolerance
        )


def rect_from_dictionary(value: object) -> Rect | None:
    """A CGRect from its dictionary form {X, Y, Width, Height}; None if incomplete or empty."""
    if not isinstance(value, Mapping):
        return None
    numbers = [_number(value.get(key)) for key in RECT_KEYS]
    x, y, width, height = numbers
    if x is None or y is None or width is None or height is None or width <= 0 or height <= 0:
        return None
    return Rect(x, y, width, height)


def front_window_bounds(windows: Iterable[object]) -> Rect | None:
    """The bounds of the frontmost visible app window, from window dictionaries front to back.

    Windows above the normal layer (menu bar, Dock, menus, floating panels, our own prompts) and
    below it are skipped, and so are invisible ones (alpha 0 or empty bounds). The iteration stops
    at the first app window, so the dictionaries behind it need not be read at all.
    """
    for info in windows:
        if not isinstance(info, Mapping):
            continue
        if _number(info.get(WINDOW_LAYER)) != NORMAL_WINDOW_LAYER:
            continue
        alpha = _number(info.get(WINDOW_ALPHA))
        if alpha is not None and alpha <= 0:
            continue
        bounds = rect_from_dictionary(info.get(WINDOW_BOUNDS))
        if bounds is not None:
            return bounds
    return None


def covers_a_display(window: Rect, displays: Iterable[Rect]) -> bool:
    """Whether the window covers one whole display (native full screen, or a borderless one)."""
    return any(window.covers(display) for display in displays)


# ---- CoreFoundation and CoreGraphics through ctypes (macOS only) ----

K_CF_STRING_ENCODING_UTF8 = 0x08000100
K_CF_NUMBER_DOUBLE_TYPE = 13
K_CG_WINDOW_LIST_OPTION_ON_SCREEN_ONLY = 1 << 0  # front to back
K_CG_WINDOW_LIST_EXCLUDE_DESKTOP_ELEMENTS = 1 << 4
K_CG_NULL_WINDOW_ID = 0
MAX_DISPLAYS = 32
_CG_SUCCESS = 0


class _CGPoint(ctypes.Structure):
    _fields_ = (("x", ctypes.c_double), ("y", ctypes.c_double))


class _CGSize(ctypes.Structure):
    _fields_ = (("width", ctypes.c_double), ("height", ctypes.c_double))


class _CGRect(ctypes.Structure):
    _fields_ = (("origin", _CGPoint), ("size", _CGSize))


def _declare(function: Any, argtypes: list[Any], restype: Any) -> Any:
    """Give a foreign function its C signature (ctypes would otherwise truncate pointers)."""
    function.argtypes = argtypes
    function.restype = restype
    return function


def _load(path: str, what: str) -> Any:
    """ctypes.CDLL(path), or PlatformUnavailable."""
    if sys.platform != "darwin":
        raise PlatformUnavailable(f"{what} exists only on macOS")
    try:
        return ctypes.CDLL(path)
    except OSError as exc:
        raise PlatformUnavailable(f"cannot load {what}: {exc}") from exc


class _CoreFoundation:
    """Turns the CoreFoundation values CoreGraphics returns into Python values (macOS only)."""

    def __init__(self) -> None:
        cf = _load(CORE_FOUNDATION, "CoreFoundation")
        vp, index = ctypes.c_void_p, ctypes.c_long  # CFTypeRef, CFIndex
        self.release = _declare(cf.CFRelease, [vp], None)
        self._type_of = _declare(cf.CFGetTypeID, [vp], ctypes.c_ulong)
        self._array_count = _declare(cf.CFArrayGetCount, [vp], index)
        self._array_item = _declare(cf.CFArrayGetValueAtIndex, [vp, index], vp)
        self._dict_count = _declare(cf.CFDictionaryGetCount, [vp], index)
        self._dict_items = _declare(
            cf.CFDictionaryGetKeysAndValues, [vp, ctypes.c_void_p, ctypes.c_void_p], None
        )
        self._number_value = _declare(cf.CFNumberGetValue, [vp, index, vp], ctypes.c_ubyte)
        self._boolean_value = _declare(cf.CFBooleanGetValue, [vp], ctypes.c_ubyte)
        self._string_length = _declare(cf.CFStringGetLength, [vp], index)
        self._string_max_size = _declare(
            cf.CFStringGetMaximumSizeForEncoding, [index, ctypes.c_uint32], index
        )
        self._string_value = _declare(
            cf.CFStringGetCString, [vp, ctypes.c_char_p, index, ctypes.c_uint32], ctypes.c_ubyte
        )
        type_id = ctypes.c_ulong
        self._boolean_type = _declare(cf.CFBooleanGetTypeID, [], type_id)()
        self._number_type = _declare(cf.CFNumberGetTypeID, [], type_id)()
        self._string_type = _declare(cf.CFStringGetTypeID, [], type_id)()
        self._dictionary_type = _declare(cf.CFDictionaryGetTypeID, [], type_id)()

    def array_items(self, array: int) -> Iterator[int]:
        """The elements of a CFArray, first to last (valid while the array is)."""
        for position in range(int(self._array_count(array))):
            item = self._array_item(array, position)
            if item:
                yield int(item)

    def to_python(self, ref: int | None) -> object:
        """A CFBoolean, CFNumber, CFString or CFDictionary as a Python value; other types None."""
        if not ref:
            return None
        kind = self._type_of(ref)
        if kind == self._boolean_type:
            return bool(self._boolean_value(ref))
        if kind == self._number_type:
            number = ctypes.c_double(math.nan)
            self._number_value(ref, K_CF_NUMBER_DOUBLE_TYPE, ctypes.byref(number))
            return number.value
        if kind == self._string_type:
            return self._string(ref)
        if kind == self._dictionary_type:
            return self._dictionary(ref)
        return None

    def _string(self, ref: int) -> str | None:
        """A CFString's text."""
        size = int(self._string_max_size(self._string_length(ref), K_CF_STRING_ENCODING_UTF8)) + 1
        buffer = ctypes.create_string_buffer(size)
        if not self._string_value(ref, buffer, size, K_CF_STRING_ENCODING_UTF8):
            return None
        return buffer.value.decode("utf-8", "replace")

    def _dictionary(self, ref: int) -> dict[str, object]:
        """A CFDictionary's entries with string keys, values converted."""
        count = int(self._dict_count(ref))
        keys = (ctypes.c_void_p * count)()
        values = (ctypes.c_void_p * count)()
        self._dict_items(ref, keys, values)
        entries: dict[str, object] = {}
        for key, value in zip(keys, values, strict=True):
            name = self.to_python(key)
            if isinstance(name, str):
                entries[name] = self.to_python(value)
        return entries


class _CoreGraphics:
    """The CoreGraphics session, window-list and display calls (macOS only)."""

    def __init__(self) -> None:
        cg = _load(FRAMEWORK, "CoreGraphics")
        vp, u32 = ctypes.c_void_p, ctypes.c_uint32
        self.session_dictionary = _declare(cg.CGSessionCopyCurrentDictionary, [], vp)
        self.window_list = _declare(cg.CGWindowListCopyWindowInfo, [u32, u32], vp)
        self._active_displays = _declare(
            cg.CGGetActiveDisplayList, [u32, ctypes.c_void_p, ctypes.c_void_p], ctypes.c_int32
        )
        self._display_bounds = _declare(cg.CGDisplayBounds, [u32], _CGRect)

    def displays(self) -> list[Rect]:
        """The bounds of every active display, in global display points."""
        ids = (ctypes.c_uint32 * MAX_DISPLAYS)()
        count = ctypes.c_uint32(0)
        if self._active_displays(MAX_DISPLAYS, ids, ctypes.byref(count)) != _CG_SUCCESS:
            return []
        rects = [self._display_bounds(ids[i]) for i in range(min(count.value, MAX_DISPLAYS))]
        return [Rect(r.origin.x, r.origin.y, r.size.width, r.size.height) for r in rects]


class MacSessionWatcher:
    """The screen lock from the window server's session dictionary, read whenever asked.

    Without pyobjc there is no lock or sleep notification to listen to, so `start` and `stop`
    have nothing to do: the controller asks `locked()` on every tick, and the core sees sleep
    from the gap between ticks.
    """

    name = "macOS screen lock (read each tick; sleep seen from the clock)"

    def __init__(self) -> None:
        self._cg = _CoreGraphics()
        self._cf = _CoreFoundation()
        if self._read() is None:
            raise PlatformUnavailable("not running in a macOS login session (no session info)")

    def locked(self) -> bool:
        """Whether the screen is locked or another user has the console now."""
        return session_locked(self._read())

    def start(self, changed: Callable[[], None]) -> None:
        """Nothing to connect: the lock state is read on each tick."""

    def stop(self) -> None:
        """Nothing to stop."""

    def _read(self) -> object:
        """The session dictionary as a Python dict, or None outside a GUI session."""
        session = self._cg.session_dictionary()
        if not session:
            return None
        try:
            return self._cf.to_python(session)
        finally:
            self._cf.release(session)


class MacPresenting:
    """A full-screen front window: the frontmost app window covers a whole display.

    Read from CGWindowListCopyWindowInfo (layer, alpha and bounds need no screen-recording
    permission). Not seen: Focus (do-not-disturb), apps that present in a window above the normal
    layer, and full screen behind a window of another app. A window that fills a display with no
    menu bar (a secondary display when "Displays have separate Spaces" is off) counts as full
    screen.
    """

    name = "macOS full-screen front window (Focus is not seen)"

    def __init__(self) -> None:
        self._cg = _CoreGraphics()
        self._cf = _CoreFoundation()
        probe = self._cg.window_list(K_CG_WINDOW_LIST_OPTION_ON_SCREEN_ONLY, K_CG_NULL_WINDOW_ID)
        if not probe:
            raise PlatformUnavailable("not running in a macOS login session (no window list)")
        self._cf.release(probe)

    def presenting(self) -> bool:
        """True while the frontmost app window covers a display."""
        displays = self._cg.displays()
        windows = self._cg.window_list(
            K_CG_WINDOW_LIST_OPTION_ON_SCREEN_ONLY | K_CG_WINDOW_LIST_EXCLUDE_DESKTOP_ELEMENTS,
            K_CG_NULL_WINDOW_ID,
        )
        if not windows:
            return False
        try:
            # Converted lazily: the search stops at the first app window.
            front = front_window_bounds(
                self._cf.to_python(item) for item in self._cf.array_items(windows)
            )
        finally:
            self._cf.release(windows)
        return front is not None and covers_a_display(front, displays)
