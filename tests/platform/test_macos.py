"""macOS lock and full screen: dictionaries, the full-screen decision, the adapters, detect().

Session and window dictionaries are shaped like those the CoreFoundation converter returns; the
adapters run over fake frameworks. Nothing here needs macOS.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from posture_app.platform import macos as macos_module
from posture_app.platform.base import NullPresenting, NullSession, PlatformUnavailable
from posture_app.platform.detect import detect
from posture_app.platform.macos import (
    MacPresenting,
    MacSessionWatcher,
    Rect,
    covers_a_display,
    front_window_bounds,
    rect_from_dictionary,
    session_locked,
)

ARGV = ["/Applications/Posture.app/Contents/MacOS/posture-app"]

# As CoreFoundation's numbers come out of the converter: floats (CFNumber), bools (CFBoolean).
UNLOCKED_SESSION: dict[str, object] = {
    "kCGSSessionUserIDKey": 501.0,
    "kCGSessionLoginDoneKey": True,
    "kCGSSessionOnConsoleKey": True,
    "kCGSessionLongUserNameKey": "Ada Lovelace",
    "kSCSecuritySessionID": 100015.0,
}
MAIN = Rect(0.0, 0.0, 1440.0, 900.0)
SECOND = Rect(1440.0, -180.0, 1920.0, 1080.0)  # to the right, its top above the main one's


def _bounds(rect: Rect) -> dict[str, object]:
    return {"X": rect.x, "Y": rect.y, "Width": rect.width, "Height": rect.height}


def _window(layer: float, rect: Rect, alpha: float = 1.0, owner: str = "App") -> dict[str, object]:
    """A window dictionary as CGWindowListCopyWindowInfo gives it (the keys we read, and more)."""
    return {
        "kCGWindowLayer": layer,
        "kCGWindowBounds": _bounds(rect),
        "kCGWindowAlpha": alpha,
        "kCGWindowOwnerName": owner,
        "kCGWindowOwnerPID": 321.0,
        "kCGWindowNumber": 77.0,
        "kCGWindowSharingState": 1.0,
    }


MENU_BAR = _window(24, Rect(0, 0, 1440, 25), owner="Window Server")
STATUS_ITEM = _window(25, Rect(1300, 0, 30, 24), owner="Control Center")
DOCK = _window(20, Rect(0, 0, 1440, 900), owner="Dock")  # the Dock's window covers the screen
PROMPT = _window(3, Rect(1100, 40, 320, 120), owner="posture-app")  # a floating toast


# ---- the session dictionary ----


@pytest.mark.parametrize(
    ("session", "expected"),
    [
        (UNLOCKED_SESSION, False),  # the key is there only while locked
        ({**UNLOCKED_SESSION, "CGSSessionScreenIsLocked": True}, True),
        ({**UNLOCKED_SESSION, "CGSSessionScreenIsLocked": 1.0}, True),  # as a CFNumber
        ({**UNLOCKED_SESSION, "CGSSessionScreenIsLocked": False}, False),
        ({**UNLOCKED_SESSION, "CGSSessionScreenIsLocked": 0.0}, False),
        ({**UNLOCKED_SESSION, "kCGSSessionOnConsoleKey": False}, True),  # user switched out
        ({**UNLOCKED_SESSION, "CGSSessionScreenIsLocked": "yes"}, False),  # not a flag
        ({"CGSSessionScreenIsLocked": None}, False),
        ({}, False),
        (None, False),  # no GUI session
        ([], False),
    ],
)
def test_session_locked(session: object, expected: bool) -> None:
    assert session_locked(session) is expected


# ---- rectangles ----


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"X": 0.0, "Y": 25.0, "Width": 800.0, "Height": 600.0}, Rect(0, 25, 800, 600)),
        ({"X": -1440, "Y": 0, "Width": 1440, "Height": 900}, Rect(-1440, 0, 1440, 900)),
        ({"X": 0.0, "Y": 0.0, "Width": 800.0}, None),
        ({"X": 0.0, "Y": 0.0, "Width": 0.0, "Height": 600.0}, None),
        ({"X": 0.0, "Y": 0.0, "Width": 800.0, "Height": math.nan}, None),
        ({"X": 0.0, "Y": 0.0, "Width": 800.0, "Height": True}, None),
        ({"X": "0", "Y": 0.0, "Width": 800.0, "Height": 600.0}, None),
        (None, None),
        ("{{0, 0}, {800, 600}}", None),
    ],
)
def test_rect_from_dictionary(value: object, expected: Rect | None) -> None:
    assert rect_from_dictionary(value) == expected


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        (MAIN, True),  # native full screen: the window is the display
        (Rect(0, 25, 1440, 875), False),  # zoomed: below the menu bar
        (Rect(0, 0, 1440, 899), True),  # short by less than a point
        (Rect(0, 0, 1440, 897), False),
        (Rect(0.4, 0.0, 1439.6, 900.0), True),  # fractional points
        (Rect(-10, -10, 1460, 920), True),  # larger than the display
        (Rect(100, 100, 800, 600), False),
        (SECOND, True),  # full screen on the second display
        (Rect(1440, -180, 1920, 1000), False),
    ],
)
def test_covers_a_display(window: Rect, expected: bool) -> None:
    assert covers_a_display(window, [MAIN, SECOND]) is expected


def test_no_display_is_covered_when_none_is_known() -> None:
    assert covers_a_display(MAIN, []) is False


# ---- the front window ----


def test_front_window_skips_menu_bar_dock_and_floating_windows() -> None:
    app = _window(0, Rect(200, 100, 800, 600))
    behind = _window(0, MAIN, owner="Behind")
    windows = [MENU_BAR, STATUS_ITEM, DOCK, PROMPT, app, behind]
    assert front_window_bounds(windows) == Rect(200, 100, 800, 600)


def test_front_window_skips_invisible_windows() -> None:
    transparent = _window(0, MAIN, alpha=0.0)
    empty = {**_window(0, MAIN), "kCGWindowBounds": _bounds(Rect(0, 0, 0, 0))}
    no_bounds = {"kCGWindowLayer": 0.0}
    app = _window(0, SECOND)
    assert front_window_bounds([transparent, empty, no_bounds, None, "?", app]) == SECOND


def test_front_window_without_app_windows() -> None:
    assert front_window_bounds([MENU_BAR, STATUS_ITEM, DOCK]) is None
    assert front_window_bounds([]) is None


def test_front_window_stops_at_the_first_app_window() -> None:
    read: list[int] = []

    def windows() -> Iterator[dict[str, object]]:
        for number, info in enumerate([MENU_BAR, _window(0, MAIN), _window(0, SECOND)]):
            read.append(number)
            yield info

    assert front_window_bounds(windows()) == MAIN
    assert read == [0, 1]


def test_full_screen_decision_end_to_end() -> None:
    full = [MENU_BAR, _window(0, MAIN), _window(0, Rect(10, 40, 500, 500))]
    zoomed = [MENU_BAR, _window(0, Rect(0, 25, 1440, 875)), _window(0, MAIN)]
    for windows, expected in ((full, True), (zoomed, False)):
        front = front_window_bounds(windows)
        assert front is not None
        assert covers_a_display(front, [MAIN, SECOND]) is expected


# ---- the adapters over fake frameworks ----


class FakeCoreFoundation:
    """Stands in for the ctypes CoreFoundation: refs are indexes into Python values."""

    def __init__(self, values: dict[int, object]) -> None:
        self.values = values
        self.released: list[int] = []

    def to_python(self, ref: int | None) -> object:
        return None if ref is None else self.values.get(ref)

    def array_items(self, array: int) -> Iterator[int]:
        items = self.values[array]
        assert isinstance(items, list)
        yield from items

    def release(self, ref: int) -> None:
        self.released.append(ref)


class FakeCoreGraphics:
    """Stands in for the ctypes CoreGraphics: returns the refs it was given (0 = NULL)."""

    def __init__(self, session: int, windows: int, displays: list[Rect]) -> None:
        self.session, self.windows, self.display_list = session, windows, displays
        self.options: list[int] = []

    def session_dictionary(self) -> int:
        return self.session

    def window_list(self, option: int, relative_to: int) -> int:
        self.options.append(option)
        return self.windows

    def displays(self) -> list[Rect]:
        return self.display_list


SESSION_REF, WINDOWS_REF = 1, 2


def _frameworks(
    monkeypatch: pytest.MonkeyPatch,
    values: dict[int, object],
    *,
    session: int = SESSION_REF,
    windows: int = WINDOWS_REF,
) -> tuple[FakeCoreGraphics, FakeCoreFoundation]:
    cg = FakeCoreGraphics(session, windows, [MAIN, SECOND])
    cf = FakeCoreFoundation(values)
    monkeypatch.setattr(macos_module, "_CoreGraphics", lambda: cg)
    monkeypatch.setattr(macos_module, "_CoreFoundation", lambda: cf)
    return cg, cf


def test_session_watcher_reads_the_lock_on_each_call(monkeypatch: pytest.MonkeyPatch) -> None:
    values: dict[int, object] = {SESSION_REF: UNLOCKED_SESSION}
    _cg, cf = _frameworks(monkeypatch, values)
    watcher = MacSessionWatcher()
    watcher.start(lambda: None)
    assert watcher.locked() is False
    values[SESSION_REF] = {**UNLOCKED_SESSION, "CGSSessionScreenIsLocked": True}
    assert watcher.locked() is True
    watcher.stop()
    assert cf.released == [SESSION_REF] * 3  # the probe and each read, every copy released


def test_session_watcher_needs_a_login_session(monkeypatch: pytest.MonkeyPatch) -> None:
    _frameworks(monkeypatch, {}, session=0)
    with pytest.raises(PlatformUnavailable, match="not running in a macOS login session"):
        MacSessionWatcher()


def test_presenting_reads_the_front_window(monkeypatch: pytest.MonkeyPatch) -> None:
    refs = {10: MENU_BAR, 11: _window(0, SECOND), 12: _window(0, Rect(0, 25, 800, 600))}
    values: dict[int, object] = {WINDOWS_REF: [10, 11, 12], **refs}
    cg, cf = _frameworks(monkeypatch, values)
    presenting = MacPresenting()
    assert presenting.presenting() is True
    values[WINDOWS_REF] = [10, 12, 11]
    assert presenting.presenting() is False
    assert cf.released == [WINDOWS_REF] * 3
    on_screen, exclude_desktop = 1 << 0, 1 << 4
    assert cg.options[1:] == [on_screen | exclude_desktop] * 2


def test_presenting_needs_a_window_list(monkeypatch: pytest.MonkeyPatch) -> None:
    _frameworks(monkeypatch, {}, windows=0)
    with pytest.raises(PlatformUnavailable, match="no window list"):
        MacPresenting()


@pytest.mark.skipif(sys.platform == "darwin", reason="on macOS the real calls are made")
def test_adapters_are_unavailable_elsewhere() -> None:
    with pytest.raises(PlatformUnavailable, match="only on macOS"):
        MacSessionWatcher()
    with pytest.raises(PlatformUnavailable, match="only on macOS"):
        MacPresenting()


# ---- detect()'s macOS branch ----


@pytest.mark.skipif(sys.platform == "darwin", reason="on macOS the real calls are made")
def test_detect_on_macos_falls_back_here(tmp_path: Path) -> None:
    detected = detect(ARGV, environ={"HOME": str(tmp_path)}, platform="darwin")
    assert isinstance(detected.session, NullSession)
    assert isinstance(detected.presenting, NullPresenting)
    assert detected.notes[1] == (
        "lock and sleep unavailable: CoreGraphics exists only on macOS; "
        "sleep is still seen from the clock"
    )
    assert detected.notes[2] == (
        "full screen and do-not-disturb unavailable: CoreGraphics exists only on macOS"
    )


def test_detect_on_macos_chooses_the_lock_and_front_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    values: dict[int, object] = {SESSION_REF: UNLOCKED_SESSION, WINDOWS_REF: []}
    _frameworks(monkeypatch, values)
    detected = detect(ARGV, environ={"HOME": str(tmp_path)}, platform="darwin")
    assert isinstance(detected.session, MacSessionWatcher)
    assert isinstance(detected.presenting, MacPresenting)
    assert detected.notes[1] == (
        "lock and sleep: macOS screen lock (read each tick; sleep seen from the clock)"
    )
    assert detected.notes[2] == (
        "full screen and do-not-disturb: macOS full-screen front window (Focus is not seen)"
    )
