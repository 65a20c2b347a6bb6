"""detect(): the best adapter of each kind, the reasons when there is none, and never an error."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

from posture_app.platform import detect as detect_module
from posture_app.platform.autostart import MacAutostart, XdgAutostart
from posture_app.platform.base import (
    Detected,
    NullAutostart,
    NullIdle,
    NullPresenting,
    NullSession,
)
from posture_app.platform.dbus import GnomeDoNotDisturb, KdeIdle, LogindSessionWatcher, MutterIdle
from posture_app.platform.detect import (
    KDE_WAYLAND_REASON,
    NO_DISPLAY_REASON,
    WAYLAND_REASON,
    AnyPresenting,
    detect,
)
from posture_app.platform.x11 import X11Idle, X11Presenting
from tests.platform.conftest import FakeDesktop

ARGV = ["/usr/bin/posture-app"]


@pytest.fixture
def no_bus(tmp_path: Path) -> dict[str, str]:
    """An environment with no display and no reachable bus (whatever the machine has)."""
    return {
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
        "XDG_RUNTIME_DIR": str(tmp_path),
        "DBUS_SYSTEM_BUS_ADDRESS": f"unix:path={tmp_path}/no-system-bus",
    }


def _close(detected: Detected) -> None:
    """Close the X connections detect() opened."""
    for adapter in (
        detected.idle,
        detected.presenting,
        *getattr(detected.presenting, "sources", ()),
    ):
        close = getattr(adapter, "close", None)
        if close is not None and isinstance(adapter, X11Idle | X11Presenting):
            close()


def test_no_display_and_no_bus(qapp: object, no_bus: dict[str, str]) -> None:
    detected = detect(ARGV, environ=no_bus, platform="linux")
    assert isinstance(detected.idle, NullIdle)
    assert detected.idle.reason == NO_DISPLAY_REASON
    assert isinstance(detected.session, NullSession)
    assert isinstance(detected.presenting, NullPresenting)
    assert isinstance(detected.autostart, XdgAutostart)
    assert (
        detected.autostart.path == Path(no_bus["XDG_CONFIG_HOME"]) / "autostart/posture-app.desktop"
    )
    assert (
        detected.notes[0] == "idle detection unavailable: no X display and no GNOME or KDE session"
    )
    assert detected.notes[1].startswith("lock and sleep unavailable: ")
    assert "no D-Bus session bus" in detected.notes[1]
    assert detected.notes[1].endswith("sleep is still seen from the clock")
    assert detected.notes[2].startswith("full screen and do-not-disturb unavailable: no X display")
    assert detected.notes[3].startswith("start at login: XDG autostart (")
    assert len(detected.notes) == 4


def test_from_the_real_environment_without_display_or_bus(
    qapp: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # tests/conftest.py already unset DISPLAY; make sure no session bus is reachable either.
    for var in ("DBUS_SESSION_BUS_ADDRESS", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    detected = detect(ARGV)
    assert isinstance(detected.idle, NullIdle)
    assert detected.notes[0] == f"idle detection unavailable: {NO_DISPLAY_REASON}"


def test_wayland_without_gnome_or_kde(qapp: object, no_bus: dict[str, str]) -> None:
    env = {**no_bus, "WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}
    detected = detect(ARGV, environ=env, platform="linux")
    assert isinstance(detected.idle, NullIdle)
    assert detected.idle.reason == WAYLAND_REASON
    assert detected.notes[0] == (
        "idle detection unavailable: Wayland without GNOME or KDE: idle detection needs the "
        "compositor's help; lock and sleep are still seen"
    )


def test_kde_on_wayland_says_so(qapp: object, no_bus: dict[str, str]) -> None:
    env = {**no_bus, "WAYLAND_DISPLAY": "wayland-0", "XDG_CURRENT_DESKTOP": "KDE"}
    detected = detect(ARGV, environ=env, platform="linux")
    assert isinstance(detected.idle, NullIdle)
    assert detected.idle.reason == KDE_WAYLAND_REASON


@pytest.fixture
def desktop_env(fake_desktop: FakeDesktop, no_bus: dict[str, str]) -> dict[str, str]:
    """Both buses are the private bus with the fake GNOME, KDE and logind on it."""
    return {
        **no_bus,
        "DBUS_SESSION_BUS_ADDRESS": fake_desktop.address,
        "DBUS_SYSTEM_BUS_ADDRESS": fake_desktop.address,
    }


def test_gnome_session(desktop_env: dict[str, str]) -> None:
    detected = detect(
        ARGV, environ={**desktop_env, "XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}, platform="linux"
    )
    assert isinstance(detected.idle, MutterIdle)
    assert isinstance(detected.session, LogindSessionWatcher)
    assert detected.notes[0] == "idle detection: GNOME (Mutter IdleMonitor)"
    assert detected.notes[1] == "lock and sleep: logind sleep + screen-saver lock signals (D-Bus)"


def test_kde_session_when_gnome_does_not_answer(
    fake_desktop: FakeDesktop, desktop_env: dict[str, str]
) -> None:
    fake_desktop.control("Release", "org.gnome.Mutter.IdleMonitor")
    try:
        detected = detect(
            ARGV, environ={**desktop_env, "XDG_CURRENT_DESKTOP": "KDE"}, platform="linux"
        )
    finally:
        fake_desktop.control("Own", "org.gnome.Mutter.IdleMonitor")
    assert isinstance(detected.idle, KdeIdle)
    assert detected.notes[0] == "idle detection: KDE (org.freedesktop.ScreenSaver)"


def test_a_screen_saver_service_outside_kde_is_not_an_idle_source(
    fake_desktop: FakeDesktop, desktop_env: dict[str, str]
) -> None:
    fake_desktop.control("Release", "org.gnome.Mutter.IdleMonitor")
    try:
        detected = detect(
            ARGV, environ={**desktop_env, "XDG_CURRENT_DESKTOP": "XFCE"}, platform="linux"
        )
    finally:
        fake_desktop.control("Own", "org.gnome.Mutter.IdleMonitor")
    assert isinstance(detected.idle, NullIdle)
    assert detected.idle.reason == NO_DISPLAY_REASON
    assert isinstance(detected.session, LogindSessionWatcher)  # its lock signal still counts


@pytest.mark.x11
def test_plain_x11(qapp: object, xvfb: str, no_bus: dict[str, str]) -> None:
    detected = detect(ARGV, environ={**no_bus, "DISPLAY": xvfb}, platform="linux")
    try:
        assert isinstance(detected.idle, X11Idle)
        assert isinstance(detected.presenting, X11Presenting)
        assert detected.idle.idle_seconds() is not None
        assert detected.notes[0] == "idle detection: X11 (XScreenSaver)"
        assert detected.notes[2] == "full screen and do-not-disturb: X11 full screen"
    finally:
        _close(detected)


@pytest.mark.x11
def test_wayland_does_not_trust_xwayland_idle(
    qapp: object, xvfb: str, no_bus: dict[str, str]
) -> None:
    env = {**no_bus, "DISPLAY": xvfb, "WAYLAND_DISPLAY": "wayland-0"}
    detected = detect(ARGV, environ=env, platform="linux")
    try:
        assert isinstance(detected.idle, NullIdle)
        assert detected.idle.reason == WAYLAND_REASON
        assert isinstance(detected.presenting, X11Presenting)  # XWayland windows still count
    finally:
        _close(detected)


@pytest.fixture
def gnome_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GNOME's notification schema, so GNOME do-not-disturb can be read."""
    assert shutil.which("glib-compile-schemas") is not None
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "n.gschema.xml").write_text(
        '<schemalist><schema id="org.gnome.desktop.notifications" '
        'path="/org/gnome/desktop/notifications/"><key name="show-banners" type="b">'
        "<default>true</default></key></schema></schemalist>",
        encoding="utf-8",
    )
    subprocess.run(["glib-compile-schemas", str(schemas)], check=True)
    monkeypatch.setenv("GSETTINGS_SCHEMA_DIR", str(schemas))
    monkeypatch.setenv("GSETTINGS_BACKEND", "keyfile")


@pytest.mark.x11
@pytest.mark.usefixtures("gnome_schema")
def test_gnome_on_x11_combines_full_screen_and_do_not_disturb(
    xvfb: str, desktop_env: dict[str, str]
) -> None:
    env = {**desktop_env, "DISPLAY": xvfb, "XDG_CURRENT_DESKTOP": "GNOME"}
    detected = detect(ARGV, environ=env, platform="linux")
    try:
        assert isinstance(detected.idle, MutterIdle)  # GNOME's answer beats XScreenSaver
        assert isinstance(detected.presenting, AnyPresenting)
        assert [type(s) for s in detected.presenting.sources] == [X11Presenting, GnomeDoNotDisturb]
        assert detected.presenting.presenting() is False
        assert detected.notes[2] == (
            "full screen and do-not-disturb: X11 full screen, GNOME do-not-disturb"
        )
    finally:
        _close(detected)


def test_an_unexpected_adapter_error_falls_back(
    qapp: object,
    no_bus: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(_display: str) -> X11Idle:
        raise ValueError("a bug")

    monkeypatch.setattr("posture_app.platform.x11.X11Idle", broken)
    detected = detect(ARGV, environ={**no_bus, "DISPLAY": ":1"}, platform="linux")
    assert isinstance(detected.idle, NullIdle)
    assert "X11 idle time failed: a bug" in detected.idle.reason
    assert "X11 idle time: failed" in caplog.text
    _close(detected)


def test_detect_never_raises(
    no_bus: dict[str, str], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_argv: list[str], _env: Mapping[str, str]) -> Detected:
        raise RuntimeError("surprise")

    monkeypatch.setattr(detect_module, "_detect_xdg", broken)
    detected = detect(ARGV, environ=no_bus, platform="linux")
    assert isinstance(detected.idle, NullIdle)
    assert isinstance(detected.session, NullSession)
    assert isinstance(detected.presenting, NullPresenting)
    assert isinstance(detected.autostart, NullAutostart)
    assert detected.notes[0] == "idle detection unavailable: detection failed: surprise"
    assert "platform detection failed" in caplog.text


def test_windows_branch_on_this_machine_falls_back(tmp_path: Path) -> None:
    detected = detect(ARGV, environ={"HOME": str(tmp_path)}, platform="win32")
    assert isinstance(detected.idle, NullIdle)
    assert "only on Windows" in detected.idle.reason
    assert isinstance(detected.autostart, NullAutostart)
    assert (
        detected.notes[0] == "idle detection unavailable: GetLastInputInfo exists only on Windows"
    )


def test_macos_branch_on_this_machine_falls_back() -> None:
    detected = detect(ARGV, environ={}, platform="darwin")
    assert isinstance(detected.idle, NullIdle)
    assert isinstance(detected.autostart, MacAutostart)
    assert detected.notes[3].startswith("start at login: macOS LaunchAgent (")


def test_any_presenting() -> None:
    class Fixed:
        def __init__(self, name: str, value: bool) -> None:
            self.name, self.value = name, value

        def presenting(self) -> bool:
            return self.value

    assert AnyPresenting([Fixed("a", False), Fixed("b", True)]).presenting() is True
    combined = AnyPresenting([Fixed("a", False), Fixed("b", False)])
    assert combined.presenting() is False
    assert combined.name == "a, b"
