"""Windows adapters (ctypes on user32, shell32, wtsapi32): idle, presentation, lock and sleep.

They cannot run on Linux: the Win32 calls sit behind a `sys.platform` check in the constructors,
and the arithmetic around them is in pure functions that the tests cover everywhere. The lock and
sleep watcher's Qt part (a native event filter reading MSG structs) runs anywhere, so the tests
drive it with MSG structs built in memory and a fake in place of wtsapi32.
"""

from __future__ import annotations

import ctypes
import enum
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol, SupportsInt

from PySide6.QtCore import QAbstractNativeEventFilter, QByteArray, QCoreApplication, QTimer
from PySide6.QtGui import QGuiApplication, QWindow

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


# ---- lock and sleep: session-change and power-broadcast messages ----

WM_WTSSESSION_CHANGE = 0x02B1
WM_POWERBROADCAST = 0x0218
WTS_SESSION_LOCK = 0x7
WTS_SESSION_UNLOCK = 0x8
PBT_APMSUSPEND = 0x4
PBT_APMRESUMESUSPEND = 0x7  # after PBT_APMRESUMEAUTOMATIC when a person woke the machine
PBT_APMRESUMEAUTOMATIC = 0x12  # sent on every resume
NOTIFY_FOR_THIS_SESSION = 0
# The native event type Qt gives to messages its window procedure receives (posted and sent
# alike); "windows_dispatcher_MSG" is the same posted message seen earlier, so it is skipped.
WINDOWS_MESSAGE_EVENT = b"windows_generic_MSG"


class SessionChange(enum.Enum):
    """What a Windows message says happened to this session or to the machine."""

    LOCKED = enum.auto()
    UNLOCKED = enum.auto()
    SUSPENDING = enum.auto()
    RESUMED = enum.auto()


_CHANGES: dict[tuple[int, int], SessionChange] = {
    (WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK): SessionChange.LOCKED,
    (WM_WTSSESSION_CHANGE, WTS_SESSION_UNLOCK): SessionChange.UNLOCKED,
    (WM_POWERBROADCAST, PBT_APMSUSPEND): SessionChange.SUSPENDING,
    (WM_POWERBROADCAST, PBT_APMRESUMEAUTOMATIC): SessionChange.RESUMED,
    (WM_POWERBROADCAST, PBT_APMRESUMESUSPEND): SessionChange.RESUMED,
}


def session_change(message: int, wparam: int) -> SessionChange | None:
    """What a message number and its wParam mean, or None for every other message."""
    return _CHANGES.get((message, wparam))


@dataclass(frozen=True)
class SessionState:
    """Whether the session is locked and whether the machine is asleep, as the messages said."""

    locked: bool = False
    sleeping: bool = False

    def after(self, change: SessionChange) -> SessionState:
        """The state once `change` has happened (a lock outlasts sleep: only UNLOCKED ends it)."""
        if change is SessionChange.LOCKED:
            return replace(self, locked=True)
        if change is SessionChange.UNLOCKED:
            return replace(self, locked=False)
        return replace(self, sleeping=change is SessionChange.SUSPENDING)


class _Msg(ctypes.Structure):
    """The head of Win32's MSG (the fields after lParam are never read)."""

    _fields_ = (
        ("hwnd", ctypes.c_void_p),
        ("message", ctypes.c_uint32),
        ("wParam", ctypes.c_size_t),  # WPARAM is UINT_PTR
        ("lParam", ctypes.c_ssize_t),  # LPARAM is LONG_PTR
    )


def _event_bytes(event_type: QByteArray | bytes | bytearray | memoryview) -> bytes:
    """The native event type as bytes, whichever form the binding hands over."""
    if isinstance(event_type, QByteArray):
        return bytes(event_type.data())
    return bytes(event_type)


class SessionMessageFilter(QAbstractNativeEventFilter):
    """Sees every native message Qt's window procedure gets; reports ours that mean something.

    Power broadcasts go to every top-level window, so only messages to our own window count (each
    is then seen once). Messages are never swallowed: Qt handles them as before.
    """

    def __init__(self, hwnd: int, on_change: Callable[[SessionChange], None]) -> None:
        super().__init__()
        self._hwnd = hwnd
        self._on_change = on_change

    def nativeEventFilter(  # noqa: N802 (a Qt override)
        self, event_type: QByteArray | bytes | bytearray | memoryview, message: SupportsInt
    ) -> tuple[bool, int]:
        """Pass a lock, unlock, suspend or resume message on; always let Qt go on (False, 0).

        PySide6 hands `message` over as a shiboken VoidPtr (a pointer to MSG), not an int.
        """
        if _event_bytes(event_type) != WINDOWS_MESSAGE_EVENT:
            return False, 0
        msg = _Msg.from_address(int(message))
        if (msg.hwnd or 0) != self._hwnd:
            return False, 0
        change = session_change(msg.message, msg.wParam)
        if change is not None:
            self._on_change(change)
        return False, 0


class SessionNotifications(Protocol):
    """WTSRegisterSessionNotification and its undo for one window."""

    def register(self, hwnd: int) -> int:
        """Ask for WM_WTSSESSION_CHANGE at `hwnd`; 0 on success, else the Win32 error code."""
        ...

    def unregister(self, hwnd: int) -> None:
        """Stop the messages to `hwnd`."""
        ...


class Wtsapi32:
    """The two wtsapi32.dll calls, through ctypes."""

    _register: Any
    _unregister: Any
    _last_error: Callable[[], int]

    def __init__(self) -> None:
        if sys.platform != "win32":
            raise PlatformUnavailable("session notifications exist only on Windows")
        try:
            dll = ctypes.WinDLL("wtsapi32", use_last_error=True)
        except OSError as exc:
            raise PlatformUnavailable(f"cannot load wtsapi32.dll: {exc}") from exc
        self._register = dll.WTSRegisterSessionNotification
        self._register.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
        self._register.restype = ctypes.c_int  # BOOL
        self._unregister = dll.WTSUnRegisterSessionNotification
        self._unregister.argtypes = [ctypes.c_void_p]
        self._unregister.restype = ctypes.c_int
        self._last_error = ctypes.get_last_error

    def register(self, hwnd: int) -> int:
        """WTSRegisterSessionNotification(hwnd, NOTIFY_FOR_THIS_SESSION); 0 or the error code."""
        if self._register(hwnd, NOTIFY_FOR_THIS_SESSION):
            return 0
        return self._last_error() or -1

    def unregister(self, hwnd: int) -> None:
        """WTSUnRegisterSessionNotification(hwnd)."""
        if not self._unregister(hwnd):
            log.debug("WTSUnRegisterSessionNotification failed: %d", self._last_error())


class WindowsSessionWatcher:
    """Lock and sleep from the messages Windows sends to a hidden window of ours.

    Owns a never-shown top-level QWindow (top-level, because a message-only window gets no power
    broadcasts), its registration for session-change messages (lock, unlock), and a native event
    filter that reads those and the power broadcasts (suspend, resume). The state changes at once;
    `changed` is called from the event loop just after, not inside the window procedure.

    The state starts unlocked: the app starts after logon, and Windows has no simple "is this
    session locked" call (WTSQuerySessionInformation's lock flag is reversed on Windows 7).
    """

    def __init__(self, notifications: SessionNotifications | None = None) -> None:
        api = Wtsapi32() if notifications is None else notifications
        app = QCoreApplication.instance()
        if not isinstance(app, QGuiApplication):
            raise PlatformUnavailable("lock and sleep messages need the Qt application first")
        self._app = app
        self._api = api
        self._window = QWindow()
        self._hwnd = int(self._window.winId())
        self._state = SessionState()
        self._changed: Callable[[], None] | None = None
        self._pending = False
        self._filter = SessionMessageFilter(self._hwnd, self._on_change)
        self._filtering = False
        self._registered = self._register()
        self.name = (
            "Windows session and power messages"
            if self._registered
            else "Windows power messages (the lock is not seen)"
        )

    @property
    def message_filter(self) -> SessionMessageFilter:
        """The native event filter installed while started (tests feed it messages)."""
        return self._filter

    def locked(self) -> bool:
        """Whether Windows said the session was locked (and has not said unlocked since)."""
        return self._state.locked

    def sleeping(self) -> bool:
        """Whether Windows announced a suspend and has not yet announced the resume."""
        return self._state.sleeping

    def start(self, changed: Callable[[], None]) -> None:
        """Install the filter; `changed` is called on the Qt main thread after each message."""
        self._changed = changed
        if not self._registered:
            self._registered = self._register()  # stop() gave it up, or it failed at first
        if not self._filtering:
            self._app.installNativeEventFilter(self._filter)
            self._filtering = True

    def stop(self) -> None:
        """Remove the filter and give up the session-change messages."""
        if self._filtering:
            self._app.removeNativeEventFilter(self._filter)
            self._filtering = False
        if self._registered:
            self._api.unregister(self._hwnd)
            self._registered = False
        self._changed = None

    def _register(self) -> bool:
        """Ask for session-change messages; log and go on without them if Windows refuses."""
        error = self._api.register(self._hwnd)
        if error:
            # RPC_S_INVALID_BINDING (1702) means the session services were not up yet.
            log.warning("cannot watch the session lock (WTSRegisterSessionNotification: %d)", error)
        return not error

    def _on_change(self, change: SessionChange) -> None:
        """A message said something changed: keep the new state, call back soon after."""
        log.info("Windows: %s", change.name.lower())
        self._state = self._state.after(change)
        if self._changed is not None and not self._pending:
            # Not from inside the window procedure (a power broadcast is a sent message).
            self._pending = True
            QTimer.singleShot(0, self._notify)

    def _notify(self) -> None:
        """Call the app's callback; a bug in it is logged, not raised into Qt."""
        self._pending = False
        if self._changed is None:
            return
        try:
            self._changed()
        except Exception:
            log.exception("lock/sleep callback failed")
