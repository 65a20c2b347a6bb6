"""X11 adapters: the pure parsing everywhere, the real thing in an Xvfb of our own."""

from __future__ import annotations

import ctypes
import os
import struct
import subprocess
from collections.abc import Iterator, Sequence

import pytest

from posture_app.platform.base import PlatformUnavailable
from posture_app.platform.x11 import (
    X11Idle,
    X11Presenting,
    active_window,
    format32_items,
    has_atom,
    idle_from_ms,
)


def x_env(display: str) -> dict[str, str]:
    """The environment for an X client of `display` (only that child sees DISPLAY)."""
    return {**os.environ, "DISPLAY": display}


# ---- pure parts ----


@pytest.mark.parametrize("long_size", [4, 8])
def test_format32_items_reads_c_longs_of_either_size(long_size: int) -> None:
    code = "L" if long_size == 4 else "Q"
    raw = struct.pack(f"=3{code}", 0x200001, 7, 0xFFFFFFFF)
    assert format32_items(raw, 32, long_size) == (0x200001, 7, 0xFFFFFFFF)


def test_format32_items_keeps_the_low_32_bits_of_sign_extended_longs() -> None:
    # Xlib stores format-32 data in C longs; a value with bit 31 set may come sign-extended.
    raw = struct.pack("=q", -2)
    assert format32_items(raw, 32, 8) == (0xFFFFFFFE,)


@pytest.mark.parametrize("fmt", [8, 16, 0])
def test_format32_items_ignores_other_formats(fmt: int) -> None:
    assert format32_items(b"\x01\x00\x00\x00\x00\x00\x00\x00", fmt, 8) == ()


def test_format32_items_ignores_a_trailing_partial_item() -> None:
    assert format32_items(struct.pack("=Q", 5) + b"\x01\x02", 32, 8) == (5,)


@pytest.mark.parametrize(
    ("items", "expected"),
    [((), None), ((0,), None), ((0x400003,), 0x400003), ((0x400003, 9), 0x400003)],
)
def test_active_window(items: Sequence[int], expected: int | None) -> None:
    assert active_window(items) == expected


@pytest.mark.parametrize(
    ("items", "atom", "expected"),
    [
        ((), 240, False),
        ((238,), 240, False),
        ((238, 240), 240, True),
        ((240,), 240, True),
        ((0,), 0, False),  # atom 0 (None) is never a state
    ],
)
def test_has_atom(items: Sequence[int], atom: int, expected: bool) -> None:
    assert has_atom(items, atom) is expected


def test_idle_is_reported_in_seconds() -> None:
    assert idle_from_ms(1500) == 1.5
    assert idle_from_ms(0) == 0.0


# ---- construction failures (no X server needed) ----


def test_no_display_is_a_clear_platform_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    with pytest.raises(PlatformUnavailable, match=r"no X display"):
        X11Idle()
    with pytest.raises(PlatformUnavailable, match=r"no X display"):
        X11Presenting()


def test_a_display_that_does_not_answer_is_platform_unavailable() -> None:
    with pytest.raises(PlatformUnavailable, match=r"cannot open X display ':29999\.0'"):
        X11Idle(":29999.0")


# ---- in a real X server ----


class _XClient:
    """A second X client for the tests: makes windows and sets properties the way a WM would."""

    def __init__(self, display: str) -> None:
        lib = ctypes.CDLL("libX11.so.6")
        p, ul = ctypes.c_void_p, ctypes.c_ulong
        lib.XOpenDisplay.argtypes, lib.XOpenDisplay.restype = [ctypes.c_char_p], p
        lib.XDefaultRootWindow.argtypes, lib.XDefaultRootWindow.restype = [p], ul
        lib.XCreateSimpleWindow.argtypes = [p, ul, ctypes.c_int, ctypes.c_int, ctypes.c_uint,
                                            ctypes.c_uint, ctypes.c_uint, ul, ul]  # fmt: skip
        lib.XCreateSimpleWindow.restype = ul
        lib.XInternAtom.argtypes, lib.XInternAtom.restype = [p, ctypes.c_char_p, ctypes.c_int], ul
        lib.XChangeProperty.argtypes = [p, ul, ul, ul, ctypes.c_int, ctypes.c_int, p, ctypes.c_int]
        lib.XDestroyWindow.argtypes = [p, ul]
        lib.XSync.argtypes = [p, ctypes.c_int]
        lib.XCloseDisplay.argtypes = [p]
        self.lib = lib
        self.display = lib.XOpenDisplay(display.encode())
        assert self.display, f"cannot open {display}"
        self.root = lib.XDefaultRootWindow(self.display)

    def window(self) -> int:
        """A new (unmapped) top-level window."""
        window = int(self.lib.XCreateSimpleWindow(self.display, self.root, 0, 0, 64, 64, 0, 0, 0))
        self.lib.XSync(self.display, 0)
        return window

    def set_atoms(self, window: int, prop: str, names: Sequence[str]) -> None:
        """Set an ATOM[] property (format 32 data goes to Xlib as C longs)."""
        atoms = (ctypes.c_long * len(names))(
            *(self.lib.XInternAtom(self.display, n.encode(), 0) for n in names)
        )
        xa_atom = 4
        prop_atom = self.lib.XInternAtom(self.display, prop.encode(), 0)
        self.lib.XChangeProperty(
            self.display, window, prop_atom, xa_atom, 32, 0, ctypes.cast(atoms, ctypes.c_void_p),
            len(names),
        )  # fmt: skip
        self.lib.XSync(self.display, 0)

    def destroy(self, window: int) -> None:
        """Destroy a window now."""
        self.lib.XDestroyWindow(self.display, window)
        self.lib.XSync(self.display, 0)

    def close(self) -> None:
        """Disconnect (its windows go with it)."""
        self.lib.XCloseDisplay(self.display)


@pytest.fixture
def xclient(xvfb: str) -> Iterator[_XClient]:
    """A helper X client on the test's Xvfb."""
    client = _XClient(xvfb)
    yield client
    client.close()


def _xprop(display: str, *args: str) -> str:
    """Run xprop (an independent Xlib client) on the test display."""
    done = subprocess.run(
        ["xprop", *args], env=x_env(display), capture_output=True, text=True, check=True
    )
    return done.stdout


def _set_active(display: str, window: int) -> None:
    """Point the root's _NET_ACTIVE_WINDOW at `window`, as a window manager does."""
    _xprop(
        display,
        "-root",
        "-f",
        "_NET_ACTIVE_WINDOW",
        "32x",
        "-set",
        "_NET_ACTIVE_WINDOW",
        hex(window),
    )


@pytest.mark.x11
def test_idle_agrees_with_xprintidle(xvfb: str) -> None:
    idle = X11Idle(xvfb)
    try:
        before = idle.idle_seconds()
        reference_ms = int(
            subprocess.run(
                ["xprintidle"], env=x_env(xvfb), capture_output=True, text=True, check=True
            ).stdout
        )
        after = idle.idle_seconds()
    finally:
        idle.close()
    assert before is not None
    assert after is not None
    # No input in between: our two readings bracket the independent one (all whole ms).
    assert round(before * 1000) <= reference_ms <= round(after * 1000)


@pytest.mark.x11
def test_input_resets_idle(xvfb: str) -> None:
    idle = X11Idle(xvfb)
    try:
        subprocess.run(["xdotool", "getmouselocation"], env=x_env(xvfb), check=True,
                       capture_output=True)  # fmt: skip
        before = idle.idle_seconds()
        subprocess.run(["xdotool", "mousemove_relative", "5", "5"], env=x_env(xvfb), check=True)
        after = idle.idle_seconds()
    finally:
        idle.close()
    assert before is not None
    assert after is not None
    assert after < 0.5
    assert after < before


@pytest.mark.x11
def test_closed_idle_source_reads_nothing(xvfb: str) -> None:
    idle = X11Idle(xvfb)
    idle.close()
    idle.close()
    assert idle.idle_seconds() is None


@pytest.mark.x11
def test_no_window_manager_means_not_presenting(xvfb: str) -> None:
    fresh = X11Presenting(xvfb)
    try:
        _xprop(xvfb, "-root", "-remove", "_NET_ACTIVE_WINDOW")
        assert fresh.presenting() is False
        _set_active(xvfb, 0)
        assert fresh.presenting() is False
    finally:
        fresh.close()


@pytest.mark.x11
def test_full_screen_active_window_is_presenting(xvfb: str, xclient: _XClient) -> None:
    window = xclient.window()
    _xprop(xvfb, "-id", hex(window), "-f", "_NET_WM_STATE", "32a", "-set", "_NET_WM_STATE",
           "_NET_WM_STATE_FULLSCREEN")  # fmt: skip
    presenting = X11Presenting(xvfb)
    try:
        _set_active(xvfb, window)
        assert presenting.presenting() is True
        _xprop(xvfb, "-id", hex(window), "-f", "_NET_WM_STATE", "32a", "-set", "_NET_WM_STATE",
               "_NET_WM_STATE_ABOVE")  # fmt: skip
        assert presenting.presenting() is False
    finally:
        presenting.close()


@pytest.mark.x11
def test_full_screen_among_several_states(xvfb: str, xclient: _XClient) -> None:
    # Several atoms catch a wrong item size (Xlib returns format-32 items as C longs).
    window, other = xclient.window(), xclient.window()
    xclient.set_atoms(window, "_NET_WM_STATE", ["_NET_WM_STATE_ABOVE", "_NET_WM_STATE_FULLSCREEN"])
    xclient.set_atoms(other, "_NET_WM_STATE", ["_NET_WM_STATE_ABOVE", "_NET_WM_STATE_STICKY"])
    assert "_NET_WM_STATE_ABOVE, _NET_WM_STATE_FULLSCREEN" in _xprop(
        xvfb, "-id", hex(window), "_NET_WM_STATE"
    )
    presenting = X11Presenting(xvfb)
    try:
        _set_active(xvfb, window)
        assert presenting.presenting() is True
        _set_active(xvfb, other)
        assert presenting.presenting() is False
    finally:
        presenting.close()


@pytest.mark.x11
def test_a_vanished_active_window_is_not_presenting_and_does_not_kill_us(
    xvfb: str, xclient: _XClient
) -> None:
    window = xclient.window()
    xclient.set_atoms(window, "_NET_WM_STATE", ["_NET_WM_STATE_FULLSCREEN"])
    presenting = X11Presenting(xvfb)
    try:
        _set_active(xvfb, window)
        assert presenting.presenting() is True
        xclient.destroy(window)  # BadWindow from here on: Xlib's default handler would exit
        assert presenting.presenting() is False
        assert presenting.presenting() is False
        live = xclient.window()
        xclient.set_atoms(live, "_NET_WM_STATE", ["_NET_WM_STATE_FULLSCREEN"])
        _set_active(xvfb, live)
        assert presenting.presenting() is True
    finally:
        presenting.close()
