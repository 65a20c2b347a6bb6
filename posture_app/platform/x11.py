"""X11 through Xlib (ctypes): idle time from XScreenSaver, full screen from the EWMH hints.

Both adapters own one X connection each, opened from the display name they are given (or
$DISPLAY), and are used from the Qt main thread only (Xlib is not initialised for threads).
"""

from __future__ import annotations

import ctypes
import logging
import os
import struct
from collections.abc import Sequence

from posture_app.platform.base import PlatformUnavailable

log = logging.getLogger(__name__)

_SUCCESS = 0
_ANY_PROPERTY_TYPE = 0
_NONE_WINDOW = 0
# Properties are read in 32-bit units; _NET_WM_STATE holds a handful of atoms.
_MAX_PROPERTY_UNITS = 1024
_MS_PER_SECOND = 1000.0
# Xlib hands format-32 items back as C `long`, whatever the platform's long size.
_LONG_SIZE = ctypes.sizeof(ctypes.c_long)


# ---- pure parts (unit-tested) ----


def format32_items(raw: bytes, fmt: int, long_size: int = _LONG_SIZE) -> tuple[int, ...]:
    """The unsigned 32-bit items of a property as Xlib returns it, or () for other formats."""
    if fmt != 32 or long_size not in (4, 8):
        return ()
    code = "L" if long_size == 4 else "Q"
    count = len(raw) // long_size
    return tuple(
        value & 0xFFFFFFFF for value in struct.unpack(f"={count}{code}", raw[: count * long_size])
    )


def active_window(items: Sequence[int]) -> int | None:
    """The window id in a `_NET_ACTIVE_WINDOW` value, or None when there is none."""
    if not items or items[0] == _NONE_WINDOW:
        return None
    return items[0]


def has_atom(items: Sequence[int], atom: int) -> bool:
    """Whether an atom list (such as `_NET_WM_STATE`) contains `atom`."""
    return atom != 0 and atom in items


def idle_from_ms(milliseconds: int) -> float:
    """XScreenSaver's idle milliseconds as seconds."""
    return milliseconds / _MS_PER_SECOND


# ---- ctypes glue ----


class _XScreenSaverInfo(ctypes.Structure):
    _fields_ = (
        ("window", ctypes.c_ulong),
        ("state", ctypes.c_int),
        ("kind", ctypes.c_int),
        ("til_or_since", ctypes.c_ulong),
        ("idle", ctypes.c_ulong),
        ("event_mask", ctypes.c_ulong),
    )


class _XErrorEvent(ctypes.Structure):
    _fields_ = (
        ("type", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("resourceid", ctypes.c_ulong),
        ("serial", ctypes.c_ulong),
        ("error_code", ctypes.c_ubyte),
        ("request_code", ctypes.c_ubyte),
        ("minor_code", ctypes.c_ubyte),
    )


_ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(_XErrorEvent))
_P = ctypes.c_void_p
_ULONG = ctypes.c_ulong


def _load(short: str, soname: str) -> ctypes.CDLL:
    """Load a shared library by soname, else by the linker's search (PlatformUnavailable)."""
    try:
        return ctypes.CDLL(soname)
    except OSError:
        pass
    from ctypes.util import find_library  # only if the soname failed: it runs subprocesses

    found = find_library(short)
    if found:
        try:
            return ctypes.CDLL(found)
        except OSError:
            pass
    raise PlatformUnavailable(f"{soname} is not installed")


def _declare_xlib(lib: ctypes.CDLL) -> None:
    """Give the Xlib functions we call their C signatures (pointers must not be cut to int)."""
    lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    lib.XOpenDisplay.restype = _P
    lib.XCloseDisplay.argtypes = [_P]
    lib.XDefaultRootWindow.argtypes = [_P]
    lib.XDefaultRootWindow.restype = _ULONG
    lib.XInternAtom.argtypes = [_P, ctypes.c_char_p, ctypes.c_int]
    lib.XInternAtom.restype = _ULONG
    lib.XGetWindowProperty.argtypes = [
        _P, _ULONG, _ULONG, ctypes.c_long, ctypes.c_long, ctypes.c_int, _ULONG,
        ctypes.POINTER(_ULONG), ctypes.POINTER(ctypes.c_int), ctypes.POINTER(_ULONG),
        ctypes.POINTER(_ULONG), ctypes.POINTER(_P),
    ]  # fmt: skip
    lib.XGetWindowProperty.restype = ctypes.c_int
    lib.XFree.argtypes = [_P]
    lib.XSetErrorHandler.argtypes = [_P]
    lib.XSetErrorHandler.restype = _P


class _Connection:
    """One Xlib display connection and the calls the adapters need on it."""

    def __init__(self, display: str | None) -> None:
        name = display if display is not None else os.environ.get("DISPLAY", "")
        if not name:
            raise PlatformUnavailable("no X display ($DISPLAY is not set)")
        self.xlib = _load("X11", "libX11.so.6")
        _declare_xlib(self.xlib)
        handle = self.xlib.XOpenDisplay(name.encode())
        if not handle:
            raise PlatformUnavailable(f"cannot open X display {name!r}")
        self.display: int = handle
        self.name = name
        self.root: int = self.xlib.XDefaultRootWindow(handle)
        self._errors: list[int] = []
        # Kept on the instance: the C side holds only a pointer to this callback.
        self._on_error = _ERROR_HANDLER(self._record_error)

    def _record_error(self, _display: int | None, event: ctypes._Pointer[_XErrorEvent]) -> int:
        """Xlib error handler: remember the error instead of exiting the process."""
        self._errors.append(int(event.contents.error_code))
        return 0

    def atom(self, name: str) -> int:
        """The atom for `name` (created if the server does not know it yet)."""
        return int(self.xlib.XInternAtom(self.display, name.encode(), 0))

    def property32(self, window: int, atom: int) -> tuple[int, ...] | None:
        """A window property's format-32 items, () if unset, None if the window is gone."""
        actual_type, actual_format = _ULONG(), ctypes.c_int()
        count, after, data = _ULONG(), _ULONG(), _P()
        self._errors.clear()
        # Errors are reported while the request waits for its reply, so our handler is
        # installed only around it; the previous one (Xlib's or a toolkit's) comes back after.
        previous = self.xlib.XSetErrorHandler(ctypes.cast(self._on_error, _P))
        try:
            status = self.xlib.XGetWindowProperty(
                self.display, window, atom, 0, _MAX_PROPERTY_UNITS, 0, _ANY_PROPERTY_TYPE,
                ctypes.byref(actual_type), ctypes.byref(actual_format), ctypes.byref(count),
                ctypes.byref(after), ctypes.byref(data),
            )  # fmt: skip
        finally:
            self.xlib.XSetErrorHandler(previous)
        try:
            if status != _SUCCESS or self._errors:
                log.debug("X property read failed on window %#x: errors %s", window, self._errors)
                return None
            if not data.value or actual_format.value != 32:
                return ()
            raw = ctypes.string_at(data.value, count.value * _LONG_SIZE)
            return format32_items(raw, actual_format.value)
        finally:
            if data.value:
                self.xlib.XFree(data)

    def close(self) -> None:
        """Close the display connection (idempotent)."""
        if self.display:
            self.xlib.XCloseDisplay(self.display)
            self.display = 0


def _declare_xss(lib: ctypes.CDLL) -> None:
    """C signatures of the XScreenSaver calls."""
    lib.XScreenSaverQueryExtension.argtypes = [
        _P,
        ctypes.POINTER(ctypes.c_int),
        ctypes.POINTER(ctypes.c_int),
    ]
    lib.XScreenSaverAllocInfo.restype = ctypes.POINTER(_XScreenSaverInfo)
    lib.XScreenSaverQueryInfo.argtypes = [_P, _ULONG, ctypes.POINTER(_XScreenSaverInfo)]
    lib.XScreenSaverQueryInfo.restype = ctypes.c_int


class X11Idle:
    """Seconds since the last input, from the X screen saver extension; owns a connection."""

    name = "X11 (XScreenSaver)"

    def __init__(self, display: str | None = None) -> None:
        self._conn = _Connection(display)
        try:
            self._xss = _load("Xss", "libXss.so.1")
            _declare_xss(self._xss)
            event_base, error_base = ctypes.c_int(), ctypes.c_int()
            if not self._xss.XScreenSaverQueryExtension(
                self._conn.display, ctypes.byref(event_base), ctypes.byref(error_base)
            ):
                raise PlatformUnavailable(
                    f"X display {self._conn.name!r} has no MIT-SCREEN-SAVER extension"
                )
            self._info = self._xss.XScreenSaverAllocInfo()
            if not self._info:
                raise PlatformUnavailable("XScreenSaverAllocInfo failed")
        except PlatformUnavailable:
            self._conn.close()
            raise
        log.info("idle time from XScreenSaver on display %s", self._conn.name)

    def idle_seconds(self) -> float | None:
        """Seconds since the last keyboard or mouse input on this display."""
        if not self._conn.display:
            return None
        if not self._xss.XScreenSaverQueryInfo(self._conn.display, self._conn.root, self._info):
            return None
        return idle_from_ms(int(self._info.contents.idle))

    def close(self) -> None:
        """Free the info block and close the connection."""
        if self._conn.display:
            self._conn.xlib.XFree(self._info)
            self._conn.close()


class X11Presenting:
    """Whether the active window (EWMH `_NET_ACTIVE_WINDOW`) is full screen; owns a connection."""

    name = "X11 full screen"

    def __init__(self, display: str | None = None) -> None:
        self._conn = _Connection(display)
        self._active = self._conn.atom("_NET_ACTIVE_WINDOW")
        self._state = self._conn.atom("_NET_WM_STATE")
        self._fullscreen = self._conn.atom("_NET_WM_STATE_FULLSCREEN")
        log.info("full-screen detection from EWMH hints on display %s", self._conn.name)

    def presenting(self) -> bool:
        """True while the active window says it is full screen."""
        if not self._conn.display:
            return False
        items = self._conn.property32(self._conn.root, self._active)
        window = active_window(items or ())
        if window is None:
            return False
        state = self._conn.property32(window, self._state)
        return has_atom(state or (), self._fullscreen)

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()
