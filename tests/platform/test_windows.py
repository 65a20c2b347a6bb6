"""Windows lock and sleep: decoding, state, the event filter and watcher (fakes), detect().

The native event filter is fed MSG structs built in memory, as Qt's window procedure would pass
them; wtsapi32 is replaced by a fake. Nothing here needs Windows.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QByteArray, QCoreApplication
from shiboken6 import Shiboken

from posture_app.platform import windows as windows_module
from posture_app.platform.base import NullSession, PlatformUnavailable
from posture_app.platform.detect import detect
from posture_app.platform.windows import (
    PBT_APMRESUMEAUTOMATIC,
    PBT_APMRESUMESUSPEND,
    PBT_APMSUSPEND,
    WM_POWERBROADCAST,
    WM_WTSSESSION_CHANGE,
    WTS_SESSION_LOCK,
    WTS_SESSION_UNLOCK,
    SessionChange,
    SessionMessageFilter,
    SessionState,
    WindowsSessionWatcher,
    _Msg,
    session_change,
)

ARGV = ["C:\\posture-app\\posture-app.exe"]
GENERIC = b"windows_generic_MSG"
RPC_S_INVALID_BINDING = 1702
PBT_APMPOWERSTATUSCHANGE = 0xA
PBT_POWERSETTINGCHANGE = 0x8013
WTS_CONSOLE_CONNECT = 0x1
WTS_SESSION_LOGON = 0x5
WM_MOUSEMOVE = 0x0200


# ---- decoding: message number and wParam -> what happened ----


@pytest.mark.parametrize(
    ("message", "wparam", "expected"),
    [
        (WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK, SessionChange.LOCKED),
        (WM_WTSSESSION_CHANGE, WTS_SESSION_UNLOCK, SessionChange.UNLOCKED),
        (WM_POWERBROADCAST, PBT_APMSUSPEND, SessionChange.SUSPENDING),
        (WM_POWERBROADCAST, PBT_APMRESUMEAUTOMATIC, SessionChange.RESUMED),
        (WM_POWERBROADCAST, PBT_APMRESUMESUSPEND, SessionChange.RESUMED),
        (WM_WTSSESSION_CHANGE, WTS_CONSOLE_CONNECT, None),
        (WM_WTSSESSION_CHANGE, WTS_SESSION_LOGON, None),
        (WM_POWERBROADCAST, PBT_APMPOWERSTATUSCHANGE, None),  # on battery / plugged in
        (WM_POWERBROADCAST, PBT_POWERSETTINGCHANGE, None),
        (WM_MOUSEMOVE, WTS_SESSION_LOCK, None),  # the same wParam in another message
        (WM_MOUSEMOVE, PBT_APMSUSPEND, None),
    ],
)
def test_session_change_decoding(message: int, wparam: int, expected: SessionChange | None) -> None:
    assert session_change(message, wparam) is expected


def test_the_documented_message_numbers() -> None:
    # WinUser.h / WtsApi32.h values, checked against Microsoft's pages (not run on Windows here).
    assert (WM_WTSSESSION_CHANGE, WM_POWERBROADCAST) == (0x02B1, 0x0218)
    assert (WTS_SESSION_LOCK, WTS_SESSION_UNLOCK) == (7, 8)
    assert (PBT_APMSUSPEND, PBT_APMRESUMESUSPEND, PBT_APMRESUMEAUTOMATIC) == (4, 7, 0x12)


# ---- the state the changes drive ----


def test_a_lock_outlasts_sleep_and_only_unlock_ends_it() -> None:
    state = SessionState()
    steps = [
        (SessionChange.LOCKED, SessionState(locked=True, sleeping=False)),
        (SessionChange.SUSPENDING, SessionState(locked=True, sleeping=True)),
        (SessionChange.RESUMED, SessionState(locked=True, sleeping=False)),
        (SessionChange.RESUMED, SessionState(locked=True, sleeping=False)),  # RESUMESUSPEND too
        (SessionChange.UNLOCKED, SessionState(locked=False, sleeping=False)),
    ]
    for change, expected in steps:
        state = state.after(change)
        assert state == expected, change


@given(st.lists(st.sampled_from(SessionChange)))
def test_state_follows_the_last_lock_and_the_last_power_message(
    changes: list[SessionChange],
) -> None:
    state = SessionState()
    for change in changes:
        state = state.after(change)
    lock_changes = [c for c in changes if c in (SessionChange.LOCKED, SessionChange.UNLOCKED)]
    power_changes = [c for c in changes if c in (SessionChange.SUSPENDING, SessionChange.RESUMED)]
    assert state.locked is (bool(lock_changes) and lock_changes[-1] is SessionChange.LOCKED)
    assert state.sleeping is (bool(power_changes) and power_changes[-1] is SessionChange.SUSPENDING)


# ---- the native event filter, fed MSG structs built in memory ----


@pytest.mark.skipif(ctypes.sizeof(ctypes.c_void_p) != 8, reason="checks the 64-bit layout")
def test_msg_head_matches_the_64_bit_layout() -> None:
    # MSG on x64: HWND at 0, UINT message at 8 (4 bytes of padding after), WPARAM at 16,
    # LPARAM at 24.
    assert _Msg.hwnd.offset == 0
    assert _Msg.message.offset == 8
    assert _Msg.wParam.offset == 16
    assert _Msg.lParam.offset == 24
    assert ctypes.sizeof(_Msg) == 32


def _msg(hwnd: int, message: int, wparam: int) -> _Msg:
    """A MSG head as Qt's window procedure would pass it."""
    return _Msg(hwnd, message, wparam, 0)


def _pointer(msg: _Msg) -> Shiboken.VoidPtr:
    """The pointer the way PySide6 hands it to nativeEventFilter."""
    return Shiboken.VoidPtr(ctypes.addressof(msg))


OUR_HWND = 0x1234
OTHER_HWND = 0x5678


@pytest.fixture
def seen() -> list[SessionChange]:
    return []


@pytest.fixture
def message_filter(seen: list[SessionChange]) -> SessionMessageFilter:
    return SessionMessageFilter(OUR_HWND, seen.append)


@pytest.mark.parametrize("event_type", [QByteArray(GENERIC), GENERIC])
def test_filter_passes_on_a_lock_message_to_our_window(
    message_filter: SessionMessageFilter,
    seen: list[SessionChange],
    event_type: QByteArray | bytes,
) -> None:
    msg = _msg(OUR_HWND, WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)
    assert message_filter.nativeEventFilter(event_type, _pointer(msg)) == (False, 0)
    assert seen == [SessionChange.LOCKED]


def test_filter_accepts_a_plain_address_too(
    message_filter: SessionMessageFilter, seen: list[SessionChange]
) -> None:
    msg = _msg(OUR_HWND, WM_POWERBROADCAST, PBT_APMSUSPEND)
    message_filter.nativeEventFilter(GENERIC, ctypes.addressof(msg))
    assert seen == [SessionChange.SUSPENDING]


def test_filter_ignores_broadcasts_to_other_windows(
    message_filter: SessionMessageFilter, seen: list[SessionChange]
) -> None:
    # Every top-level window of the app gets the power broadcast: count ours only, once.
    for hwnd in (OTHER_HWND, 0, OUR_HWND):
        msg = _msg(hwnd, WM_POWERBROADCAST, PBT_APMRESUMEAUTOMATIC)
        assert message_filter.nativeEventFilter(QByteArray(GENERIC), _pointer(msg)) == (False, 0)
    assert seen == [SessionChange.RESUMED]


@pytest.mark.parametrize("event_type", [b"windows_dispatcher_MSG", b"xcb_generic_event_t"])
def test_filter_ignores_other_event_types(
    message_filter: SessionMessageFilter, seen: list[SessionChange], event_type: bytes
) -> None:
    # The dispatcher sees posted messages before the window procedure does: not twice.
    msg = _msg(OUR_HWND, WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)
    assert message_filter.nativeEventFilter(QByteArray(event_type), _pointer(msg)) == (False, 0)
    assert seen == []


def test_filter_ignores_other_messages(
    message_filter: SessionMessageFilter, seen: list[SessionChange]
) -> None:
    msg = _msg(OUR_HWND, WM_MOUSEMOVE, WTS_SESSION_LOCK)
    message_filter.nativeEventFilter(GENERIC, _pointer(msg))
    assert seen == []


# ---- the watcher, with a fake wtsapi32 ----


class FakeWtsapi:
    """Records registrations; answers with `error` (0 = success)."""

    def __init__(self, error: int = 0) -> None:
        self.error = error
        self.registered: list[int] = []
        self.unregistered: list[int] = []

    def register(self, hwnd: int) -> int:
        self.registered.append(hwnd)
        return self.error

    def unregister(self, hwnd: int) -> None:
        self.unregistered.append(hwnd)


class Watched:
    """A started watcher, its fake API, and the callback's calls."""

    def __init__(self, watcher: WindowsSessionWatcher, api: FakeWtsapi) -> None:
        self.watcher = watcher
        self.api = api
        self.calls = 0
        self.hwnd = api.registered[0]

    def callback(self) -> None:
        self.calls += 1

    def send(self, message: int, wparam: int, hwnd: int | None = None) -> None:
        """Deliver one message through the watcher's filter, as Qt would."""
        msg = _msg(self.hwnd if hwnd is None else hwnd, message, wparam)
        self.watcher.message_filter.nativeEventFilter(QByteArray(GENERIC), _pointer(msg))


@pytest.fixture
def watched(qapp: object) -> Iterator[Watched]:
    api = FakeWtsapi()
    watcher = WindowsSessionWatcher(api)
    state = Watched(watcher, api)
    watcher.start(state.callback)
    yield state
    watcher.stop()


def test_watcher_registers_its_own_window(watched: Watched) -> None:
    assert watched.api.registered == [watched.hwnd]
    assert watched.hwnd != 0
    assert watched.watcher.name == "Windows session and power messages"
    assert watched.watcher.locked() is False
    assert watched.watcher.sleeping() is False


def test_lock_is_seen_at_once_and_the_callback_runs_from_the_event_loop(watched: Watched) -> None:
    watched.send(WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)
    assert watched.watcher.locked() is True
    assert watched.calls == 0  # not from inside the window procedure
    QCoreApplication.processEvents()
    assert watched.calls == 1
    watched.send(WM_WTSSESSION_CHANGE, WTS_SESSION_UNLOCK)
    QCoreApplication.processEvents()
    assert watched.watcher.locked() is False
    assert watched.calls == 2


def test_messages_before_the_loop_runs_make_one_callback(watched: Watched) -> None:
    watched.send(WM_POWERBROADCAST, PBT_APMRESUMEAUTOMATIC)
    watched.send(WM_POWERBROADCAST, PBT_APMRESUMESUSPEND)
    QCoreApplication.processEvents()
    assert watched.calls == 1


def test_suspend_and_resume(watched: Watched) -> None:
    watched.send(WM_POWERBROADCAST, PBT_APMSUSPEND)
    assert watched.watcher.sleeping() is True
    assert watched.watcher.locked() is False
    watched.send(WM_POWERBROADCAST, PBT_APMRESUMEAUTOMATIC)
    assert watched.watcher.sleeping() is False
    QCoreApplication.processEvents()
    assert watched.calls == 1


def test_other_windows_and_messages_change_nothing(watched: Watched) -> None:
    watched.send(WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK, hwnd=watched.hwnd + 1)
    watched.send(WM_POWERBROADCAST, PBT_APMPOWERSTATUSCHANGE)
    QCoreApplication.processEvents()
    assert watched.watcher.locked() is False
    assert watched.calls == 0


def test_stop_unregisters_and_calls_back_no_more(watched: Watched) -> None:
    watched.watcher.stop()
    assert watched.api.unregistered == [watched.hwnd]
    watched.send(WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)
    QCoreApplication.processEvents()
    assert watched.calls == 0
    watched.watcher.stop()  # twice is harmless
    assert watched.api.unregistered == [watched.hwnd]


def test_start_after_stop_registers_again(watched: Watched) -> None:
    watched.watcher.stop()
    watched.watcher.start(watched.callback)
    assert watched.api.registered == [watched.hwnd, watched.hwnd]
    watched.send(WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)
    QCoreApplication.processEvents()
    assert watched.calls == 1


def test_a_failing_callback_is_logged_not_raised(
    watched: Watched, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise RuntimeError("a bug")

    watched.watcher.start(broken)
    watched.send(WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)
    QCoreApplication.processEvents()
    assert "lock/sleep callback failed" in caplog.text
    assert watched.watcher.locked() is True


def test_without_session_notifications_power_messages_still_count(
    qapp: object, caplog: pytest.LogCaptureFixture
) -> None:
    api = FakeWtsapi(error=RPC_S_INVALID_BINDING)
    watcher = WindowsSessionWatcher(api)
    assert watcher.name == "Windows power messages (the lock is not seen)"
    assert "WTSRegisterSessionNotification: 1702" in caplog.text
    calls: list[None] = []
    watcher.start(lambda: calls.append(None))
    try:
        assert len(api.registered) == 2  # tried once more on start
        msg = _msg(api.registered[0], WM_POWERBROADCAST, PBT_APMSUSPEND)
        watcher.message_filter.nativeEventFilter(GENERIC, _pointer(msg))
        QCoreApplication.processEvents()
        assert watcher.sleeping() is True
        assert calls == [None]
    finally:
        watcher.stop()
    assert api.unregistered == []  # never registered, so nothing to undo


@pytest.mark.skipif(sys.platform == "win32", reason="on Windows the real calls are made")
def test_watcher_is_unavailable_elsewhere(qapp: object) -> None:
    with pytest.raises(PlatformUnavailable, match="only on Windows"):
        WindowsSessionWatcher()


# ---- detect()'s Windows branch ----


@pytest.mark.skipif(sys.platform == "win32", reason="on Windows the real calls are made")
def test_detect_on_windows_falls_back_to_the_clock_here(qapp: object, tmp_path: Path) -> None:
    detected = detect(ARGV, environ={"HOME": str(tmp_path)}, platform="win32")
    assert isinstance(detected.session, NullSession)
    assert detected.notes[1] == (
        "lock and sleep unavailable: session notifications exist only on Windows; "
        "sleep is still seen from the clock"
    )


def test_detect_on_windows_chooses_the_session_watcher(
    qapp: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(windows_module, "Wtsapi32", FakeWtsapi)
    detected = detect(ARGV, environ={"HOME": str(tmp_path)}, platform="win32")
    assert isinstance(detected.session, WindowsSessionWatcher)
    assert detected.notes[1] == "lock and sleep: Windows session and power messages"
    detected.session.stop()
