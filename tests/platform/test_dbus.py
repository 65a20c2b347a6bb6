"""D-Bus adapters: pure parts, and the real QtDBus code against a fake desktop on a private bus."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtDBus import QDBusConnection
from pytestqt.qtbot import QtBot

from posture_app.platform.base import PlatformUnavailable
from posture_app.platform.dbus import (
    Bus,
    GnomeDoNotDisturb,
    KdeIdle,
    LogindSessionWatcher,
    MutterIdle,
    Unit,
    bus_address,
    connect_bus,
    dconf_touches,
    guess_unit,
    idle_from_reply,
)
from tests.fakes import FakeClock, real_gsettings
from tests.platform.conftest import FAKE_KDE_IDLE, FAKE_MUTTER_IDLE_MS, FakeDesktop

SIGNAL_TIMEOUT_MS = 5000


# ---- pure parts ----


def test_session_bus_address_comes_from_the_environment_first() -> None:
    env = {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/x", "XDG_RUNTIME_DIR": "/run/user/7"}
    assert bus_address(Bus.SESSION, env, lambda _p: True) == "unix:path=/x"


def test_session_bus_falls_back_to_the_runtime_dir_socket() -> None:
    env = {"XDG_RUNTIME_DIR": "/run/user/1000"}
    assert bus_address(Bus.SESSION, env, lambda p: p == "/run/user/1000/bus") == (
        "unix:path=/run/user/1000/bus"
    )
    assert bus_address(Bus.SESSION, env, lambda _p: False) is None
    assert bus_address(Bus.SESSION, {}, lambda _p: True) is None


def test_runtime_dir_with_odd_characters_is_escaped_in_the_address() -> None:
    env = {"XDG_RUNTIME_DIR": "/tmp/a b,c"}
    assert bus_address(Bus.SESSION, env, lambda _p: True) == "unix:path=/tmp/a%20b%2cc/bus"


def test_system_bus_address() -> None:
    assert bus_address(Bus.SYSTEM, {"DBUS_SYSTEM_BUS_ADDRESS": "unix:path=/s"}) == "unix:path=/s"
    assert bus_address(Bus.SYSTEM, {}, lambda _p: True) == (
        "unix:path=/var/run/dbus/system_bus_socket"
    )
    assert bus_address(Bus.SYSTEM, {}, lambda _p: False) is None


@pytest.mark.parametrize(
    ("arguments", "unit", "expected"),
    [
        ([1500], 0.001, 1.5),
        ([0], 0.001, 0.0),
        ([7], 1.0, 7.0),
        ([], 0.001, None),
        ([1, 2], 0.001, None),
        (["12"], 0.001, None),
        ([True], 0.001, None),
        ([-1], 0.001, None),
    ],
)
def test_idle_from_reply(arguments: list[object], unit: float, expected: float | None) -> None:
    assert idle_from_reply(arguments, unit) == expected


@pytest.mark.parametrize(
    ("previous", "current", "elapsed", "expected"),
    [
        (1000, 4000, 3.0, Unit.MILLISECONDS),
        (1, 4, 3.0, Unit.SECONDS),
        (0, 2, 2.0, Unit.SECONDS),
        (1000, 1800, 1.0, None),  # too close together to tell
        (5000, 200, 3.0, None),  # input came in between
        (5, 5, 3.0, None),  # no growth (continuous input)
        (0, 60, 3.0, None),  # neither rate
    ],
)
def test_guess_unit(previous: int, current: int, elapsed: float, expected: Unit | None) -> None:
    assert guess_unit(previous, current, elapsed) is expected


KEY = "/org/gnome/desktop/notifications/show-banners"


@pytest.mark.parametrize(
    ("prefix", "changes", "expected"),
    [
        ("/org/gnome/desktop/notifications/", ["show-banners"], True),
        ("/org/gnome/desktop/notifications/show-banners", [""], True),
        ("/org/gnome/desktop/notifications/show-banners", [], True),
        ("/org/gnome/desktop/", ["interface/clock-format", "notifications/show-banners"], True),
        ("/org/gnome/desktop/notifications/", [""], True),  # the whole dir was reset
        ("/", [""], True),
        ("/org/gnome/desktop/notifications/", ["application-children"], False),
        ("/org/gnome/desktop/interface/", ["clock-format"], False),
        ("/org/gnome/desktop/notifications/show-banners-extra", [""], False),
    ],
)
def test_dconf_touches(prefix: str, changes: list[str], expected: bool) -> None:
    assert dconf_touches(prefix, changes, KEY) is expected


# ---- no bus ----


def test_no_bus_is_platform_unavailable(qapp: object, tmp_path: Path) -> None:
    env = {"XDG_RUNTIME_DIR": str(tmp_path)}
    with pytest.raises(PlatformUnavailable, match="no D-Bus session bus"):
        connect_bus(Bus.SESSION, env)
    env = {"DBUS_SYSTEM_BUS_ADDRESS": f"unix:path={tmp_path}/nothing-here"}
    with pytest.raises(PlatformUnavailable, match="cannot reach the D-Bus system bus"):
        connect_bus(Bus.SYSTEM, env)


def test_watcher_without_any_bus_is_platform_unavailable(qapp: object) -> None:
    with pytest.raises(PlatformUnavailable, match="no D-Bus system or session bus"):
        LogindSessionWatcher(None, None)


# ---- against the fake desktop ----


@pytest.fixture
def session(fake_desktop: FakeDesktop) -> QDBusConnection:
    """The adapters' own connection to the private bus (the way detect() opens one)."""
    return connect_bus(Bus.SESSION, {"DBUS_SESSION_BUS_ADDRESS": fake_desktop.address})


def test_mutter_idle_reads_milliseconds_as_seconds(session: QDBusConnection) -> None:
    idle = MutterIdle(session)
    assert idle.idle_seconds() == FAKE_MUTTER_IDLE_MS / 1000


def test_mutter_idle_is_unavailable_without_gnome(
    fake_desktop: FakeDesktop, session: QDBusConnection
) -> None:
    fake_desktop.control("Release", "org.gnome.Mutter.IdleMonitor")
    try:
        with pytest.raises(PlatformUnavailable, match="idle monitor did not answer"):
            MutterIdle(session)
    finally:
        fake_desktop.control("Own", "org.gnome.Mutter.IdleMonitor")


def test_mutter_idle_reads_none_once_gnome_is_gone(
    fake_desktop: FakeDesktop, session: QDBusConnection
) -> None:
    idle = MutterIdle(session)
    fake_desktop.control("Release", "org.gnome.Mutter.IdleMonitor")
    try:
        assert idle.idle_seconds() is None
    finally:
        fake_desktop.control("Own", "org.gnome.Mutter.IdleMonitor")
    assert idle.idle_seconds() == FAKE_MUTTER_IDLE_MS / 1000


def test_kde_idle_assumes_milliseconds(session: QDBusConnection) -> None:
    clock = FakeClock.at("2026-11-23T09:00")
    idle = KdeIdle(session, clock=clock.monotonic)
    assert idle.idle_seconds() == FAKE_KDE_IDLE / 1000
    assert idle.unit is None  # the value did not grow: nothing learned yet


def test_kde_idle_learns_seconds_from_the_growth_rate(
    fake_desktop: FakeDesktop, session: QDBusConnection
) -> None:
    clock = FakeClock.at("2026-11-23T09:00")
    fake_desktop.control("SetKdeIdle", 10)
    try:
        idle = KdeIdle(session, clock=clock.monotonic)
        assert idle.idle_seconds() == 0.010  # no time has passed: still taken as milliseconds
        fake_desktop.control("SetKdeIdle", 13)
        clock.advance(3)
        assert idle.idle_seconds() == 13.0  # grew by 3 in 3 s: seconds
        assert idle.unit is Unit.SECONDS
        fake_desktop.control("SetKdeIdle", 0)
        assert idle.idle_seconds() == 0.0
    finally:
        fake_desktop.control("SetKdeIdle", FAKE_KDE_IDLE)


def test_kde_idle_confirms_milliseconds_from_the_growth_rate(
    fake_desktop: FakeDesktop, session: QDBusConnection
) -> None:
    clock = FakeClock.at("2026-11-23T09:00")
    fake_desktop.control("SetKdeIdle", 500)
    try:
        idle = KdeIdle(session, clock=clock.monotonic)
        fake_desktop.control("SetKdeIdle", 3500)
        clock.advance(3)
        assert idle.idle_seconds() == 3.5
        assert idle.unit is Unit.MILLISECONDS
    finally:
        fake_desktop.control("SetKdeIdle", FAKE_KDE_IDLE)


def test_kde_idle_is_unavailable_when_the_service_is_absent(
    fake_desktop: FakeDesktop, session: QDBusConnection
) -> None:
    fake_desktop.control("Release", "org.freedesktop.ScreenSaver")
    try:
        with pytest.raises(PlatformUnavailable, match="KDE's screen saver service"):
            KdeIdle(session)
    finally:
        fake_desktop.control("Own", "org.freedesktop.ScreenSaver")


@pytest.fixture
def watcher(fake_desktop: FakeDesktop, session: QDBusConnection) -> Iterator[LogindSessionWatcher]:
    """A watcher whose system and session bus are both the private bus."""
    system = connect_bus(Bus.SYSTEM, {"DBUS_SYSTEM_BUS_ADDRESS": fake_desktop.address})
    watcher = LogindSessionWatcher(system, session)
    yield watcher
    watcher.stop()


def test_watcher_reads_the_initial_lock_state(watcher: LogindSessionWatcher) -> None:
    assert watcher.locked() is False
    assert watcher.sleeping() is False
    assert watcher.name == "logind sleep + screen-saver lock signals (D-Bus)"


def _lock_queries(fake_desktop: FakeDesktop) -> int:
    (count,) = fake_desktop.control("ActiveQueries")
    return int(count)


def test_starting_the_watcher_reads_the_lock_state_once(
    fake_desktop: FakeDesktop, session: QDBusConnection
) -> None:
    system = connect_bus(Bus.SYSTEM, {"DBUS_SYSTEM_BUS_ADDRESS": fake_desktop.address})
    before = _lock_queries(fake_desktop)
    watcher = LogindSessionWatcher(system, session)
    fake_desktop.control("SetLocked", True)  # locked before start: start() must see it
    try:
        watcher.start(lambda: None)
        assert watcher.locked() is True
        assert watcher.locked() is True
        assert _lock_queries(fake_desktop) == before + 1
    finally:
        watcher.stop()
        fake_desktop.control("SetLocked", False)


def test_the_lock_state_asked_before_start_is_read_once(
    fake_desktop: FakeDesktop, session: QDBusConnection
) -> None:
    before = _lock_queries(fake_desktop)
    watcher = LogindSessionWatcher(None, session)
    assert watcher.locked() is False
    assert watcher.locked() is False
    assert _lock_queries(fake_desktop) == before + 1


def test_prepare_for_sleep_calls_back(
    qtbot: QtBot, fake_desktop: FakeDesktop, watcher: LogindSessionWatcher
) -> None:
    calls: list[bool] = []
    watcher.start(lambda: calls.append(watcher.sleeping()))
    fake_desktop.emit(
        "/org/freedesktop/login1", "org.freedesktop.login1.Manager", "PrepareForSleep", True
    )
    qtbot.waitUntil(lambda: calls == [True], timeout=SIGNAL_TIMEOUT_MS)
    fake_desktop.emit(
        "/org/freedesktop/login1", "org.freedesktop.login1.Manager", "PrepareForSleep", False
    )
    qtbot.waitUntil(lambda: calls == [True, False], timeout=SIGNAL_TIMEOUT_MS)


@pytest.mark.parametrize(
    ("path", "interface"),
    [
        ("/ScreenSaver", "org.freedesktop.ScreenSaver"),
        ("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver"),
        ("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver"),
    ],
)
def test_screen_saver_lock_calls_back(
    qtbot: QtBot,
    fake_desktop: FakeDesktop,
    watcher: LogindSessionWatcher,
    path: str,
    interface: str,
) -> None:
    calls: list[bool] = []
    watcher.start(lambda: calls.append(watcher.locked()))
    fake_desktop.emit(path, interface, "ActiveChanged", True)
    qtbot.waitUntil(lambda: calls == [True], timeout=SIGNAL_TIMEOUT_MS)
    assert watcher.locked() is True
    fake_desktop.emit(path, interface, "ActiveChanged", False)
    qtbot.waitUntil(lambda: calls == [True, False], timeout=SIGNAL_TIMEOUT_MS)
    assert watcher.locked() is False


def test_stop_disconnects(
    qtbot: QtBot,
    fake_desktop: FakeDesktop,
    watcher: LogindSessionWatcher,
    session: QDBusConnection,
) -> None:
    called: list[str] = []
    watcher.start(lambda: called.append("stopped watcher"))
    watcher.stop()
    witness = LogindSessionWatcher(None, session)
    seen: list[bool] = []
    witness.start(lambda: seen.append(witness.locked()))
    try:
        fake_desktop.emit("/ScreenSaver", "org.freedesktop.ScreenSaver", "ActiveChanged", True)
        # One message is delivered to every connected receiver in the same pass, so once the
        # witness has it, a still-connected watcher would have it too.
        qtbot.waitUntil(lambda: seen == [True], timeout=SIGNAL_TIMEOUT_MS)
        assert called == []
        assert watcher.locked() is False
    finally:
        witness.stop()
        fake_desktop.emit("/ScreenSaver", "org.freedesktop.ScreenSaver", "ActiveChanged", False)


def test_a_failing_callback_is_logged_not_raised(
    qtbot: QtBot,
    fake_desktop: FakeDesktop,
    watcher: LogindSessionWatcher,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken() -> None:
        raise RuntimeError("bug in the app")

    watcher.start(broken)
    fake_desktop.emit("/ScreenSaver", "org.freedesktop.ScreenSaver", "ActiveChanged", True)
    qtbot.waitUntil(lambda: "lock/sleep callback failed" in caplog.text, timeout=SIGNAL_TIMEOUT_MS)
    assert watcher.locked() is True
    fake_desktop.emit("/ScreenSaver", "org.freedesktop.ScreenSaver", "ActiveChanged", False)
    qtbot.waitUntil(lambda: watcher.locked() is False, timeout=SIGNAL_TIMEOUT_MS)


# ---- GNOME do-not-disturb, with the real gsettings on a schema of our own ----

SCHEMA = """<?xml version="1.0" encoding="UTF-8"?>
<schemalist>
  <schema id="org.gnome.desktop.notifications" path="/org/gnome/desktop/notifications/">
    <key name="show-banners" type="b"><default>true</default></key>
  </schema>
</schemalist>
"""


@pytest.fixture
def gsettings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """gsettings with GNOME's notification schema, storing into a key file under the temp HOME."""
    return real_gsettings(tmp_path, monkeypatch, "org.gnome.desktop.notifications", SCHEMA)


def _set_banners(tool: str, value: str) -> None:
    subprocess.run(
        [tool, "set", "org.gnome.desktop.notifications", "show-banners", value], check=True
    )


def test_dnd_follows_show_banners_through_dconf_notify(
    qtbot: QtBot, gsettings: str, fake_desktop: FakeDesktop, session: QDBusConnection
) -> None:
    clock = FakeClock.at("2026-11-23T09:00")
    dnd = GnomeDoNotDisturb(session, clock=clock.monotonic)
    assert dnd.presenting() is False
    _set_banners(gsettings, "false")
    # Cached: without a change signal, no new read, however long it waits (no process a minute).
    clock.advance(3600)
    assert dnd.presenting() is False
    fake_desktop.control("EmitDconfNotify", "/org/gnome/desktop/notifications/", ["show-banners"])
    qtbot.waitUntil(lambda: dnd.presenting() is True, timeout=SIGNAL_TIMEOUT_MS)


def test_dnd_is_re_read_after_the_refresh_interval(gsettings: str, qapp: object) -> None:
    clock = FakeClock.at("2026-11-23T09:00")
    dnd = GnomeDoNotDisturb(None, clock=clock.monotonic, refresh_seconds=60.0)
    _set_banners(gsettings, "false")
    clock.advance(59.0)
    assert dnd.presenting() is False
    clock.advance(1.0)
    assert dnd.presenting() is True
    _set_banners(gsettings, "true")
    clock.advance(60.0)
    assert dnd.presenting() is False


def test_dnd_keeps_the_last_value_when_a_read_fails(
    gsettings: str, qapp: object, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock.at("2026-11-23T09:00")
    _set_banners(gsettings, "false")
    dnd = GnomeDoNotDisturb(None, clock=clock.monotonic)
    assert dnd.presenting() is True
    monkeypatch.setenv("GSETTINGS_SCHEMA_DIR", "/nonexistent")
    monkeypatch.setenv("XDG_DATA_DIRS", "/nonexistent")
    with caplog.at_level(logging.INFO, logger="posture_app.platform.gsettings"):
        clock.advance(3600)
        assert dnd.presenting() is True
        clock.advance(3600)
        assert dnd.presenting() is True
    assert caplog.text.count("cannot read org.gnome.desktop.notifications show-banners") == 1


def test_dnd_without_the_schema_is_unavailable(
    qapp: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No compiled schemas anywhere gsettings looks.
    monkeypatch.setenv("GSETTINGS_SCHEMA_DIR", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_DIRS", str(tmp_path))
    monkeypatch.setenv("GSETTINGS_BACKEND", "keyfile")
    with pytest.raises(PlatformUnavailable, match="No schemas installed"):
        GnomeDoNotDisturb(None)


def test_dnd_without_gsettings_is_unavailable(qapp: object, tmp_path: Path) -> None:
    with pytest.raises(PlatformUnavailable, match="do-not-disturb"):
        GnomeDoNotDisturb(None, gsettings=[str(tmp_path / "no-gsettings")])
