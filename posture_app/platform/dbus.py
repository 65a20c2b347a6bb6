"""D-Bus adapters (QtDBus): GNOME/KDE idle time, logind sleep, screen lock, GNOME do-not-disturb.

QtDBus is imported here and nowhere else in `platform`. Connections are opened from explicit
addresses (never through libdbus' autolaunch, which would start a stray `dbus-launch`), and
must be made after the QApplication exists: signals are delivered on its (main) thread.
"""

from __future__ import annotations

import enum
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import SLOT, QCoreApplication, QObject, Slot
from PySide6.QtDBus import QDBus, QDBusConnection, QDBusMessage

from posture_app.platform.base import PlatformUnavailable
from posture_app.platform.gsettings import COMMAND as GSETTINGS_COMMAND
from posture_app.platform.gsettings import GSettings

log = logging.getLogger(__name__)

# A compositor that does not answer within this is treated as "unknown" for this tick; the
# call blocks the main thread, so it must stay short.
CALL_TIMEOUT_MS = 500
# GNOME do-not-disturb is re-read at most this often (dconf's change signal also refreshes it).
DND_REFRESH_SECONDS = 60.0
# KDE's idle time: two readings this far apart tell milliseconds from seconds.
UNIT_CHECK_MIN_SECONDS = 2.0

SYSTEM_BUS_SOCKET = "/var/run/dbus/system_bus_socket"

_MUTTER = (
    "org.gnome.Mutter.IdleMonitor",
    "/org/gnome/Mutter/IdleMonitor/Core",
    "org.gnome.Mutter.IdleMonitor",
)
_SCREENSAVER_KDE = ("org.freedesktop.ScreenSaver", "/ScreenSaver", "org.freedesktop.ScreenSaver")
# Who says "the screen is locked" on the session bus: (service, path, interface).
SCREENSAVERS: tuple[tuple[str, str, str], ...] = (
    ("org.freedesktop.ScreenSaver", "/ScreenSaver", "org.freedesktop.ScreenSaver"),  # KDE
    ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver"),  # GNOME Shell
    ("org.cinnamon.ScreenSaver", "/org/cinnamon/ScreenSaver", "org.cinnamon.ScreenSaver"),
    ("org.mate.ScreenSaver", "/org/mate/ScreenSaver", "org.mate.ScreenSaver"),
    ("org.xfce.ScreenSaver", "/org/xfce/ScreenSaver", "org.xfce.ScreenSaver"),
)
_LOGIN1 = ("org.freedesktop.login1", "/org/freedesktop/login1", "org.freedesktop.login1.Manager")
_DCONF = ("ca.desrt.dconf", "/ca/desrt/dconf/Writer/user", "ca.desrt.dconf.Writer")
DND_SCHEMA = "org.gnome.desktop.notifications"
DND_KEY = "show-banners"
DND_DCONF_PATH = "/org/gnome/desktop/notifications/show-banners"


class Bus(enum.Enum):
    """Which message bus."""

    SESSION = enum.auto()
    SYSTEM = enum.auto()


# ---- pure parts (unit-tested) ----


def _escape_address_value(value: str) -> str:
    """Escape a D-Bus address value: bytes outside [-0-9A-Za-z_/.\\*] become %XX."""
    safe = set("-_/.\\*abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    return "".join(ch if ch in safe else "".join(f"%{b:02x}" for b in ch.encode()) for ch in value)


def bus_address(
    bus: Bus, environ: Mapping[str, str], exists: Callable[[str], bool] = os.path.exists
) -> str | None:
    """The address to reach `bus` at, from the environment or the standard socket, or None."""
    if bus is Bus.SESSION:
        if environ.get("DBUS_SESSION_BUS_ADDRESS"):
            return environ["DBUS_SESSION_BUS_ADDRESS"]
        runtime = environ.get("XDG_RUNTIME_DIR", "")
        if runtime and exists(os.path.join(runtime, "bus")):
            return "unix:path=" + _escape_address_value(os.path.join(runtime, "bus"))
        return None
    if environ.get("DBUS_SYSTEM_BUS_ADDRESS"):
        return environ["DBUS_SYSTEM_BUS_ADDRESS"]
    return f"unix:path={SYSTEM_BUS_SOCKET}" if exists(SYSTEM_BUS_SOCKET) else None


def idle_from_reply(arguments: Sequence[object], seconds_per_unit: float) -> float | None:
    """Seconds from a one-number D-Bus reply, or None if the reply is not one non-negative int."""
    if len(arguments) != 1:
        return None
    value = arguments[0]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value * seconds_per_unit


class Unit(enum.Enum):
    """The unit a service reports idle time in."""

    MILLISECONDS = 0.001
    SECONDS = 1.0


def guess_unit(previous: int, current: int, elapsed_seconds: float) -> Unit | None:
    """Tell the unit from two readings without input in between: it grows by 1 or 1000 a second."""
    if elapsed_seconds < UNIT_CHECK_MIN_SECONDS or current <= previous:
        return None  # too close together, or input came in between
    rate = (current - previous) / elapsed_seconds
    if 0.5 <= rate <= 2.0:
        return Unit.SECONDS
    if 500.0 <= rate <= 2000.0:
        return Unit.MILLISECONDS
    return None


def dconf_touches(prefix: str, changes: Sequence[str], key_path: str) -> bool:
    """Whether a dconf Notify(prefix, changes) covers `key_path` (a key or a whole dir changed)."""
    for change in changes or ("",):
        path = prefix + change
        if path == key_path or (path.endswith("/") and key_path.startswith(path)):
            return True
    return False


# ---- QtDBus glue ----


def _slot(signature: str) -> Any:
    """A slot reference for QDBusConnection.connect.

    WORKAROUND: the method name must be wrapped by SLOT() (a plain name fails silently), and the
    stubs ask for bytes though only the str that SLOT() returns is accepted at run time.
    """
    return SLOT(signature)


def connect_bus(bus: Bus, environ: Mapping[str, str] | None = None) -> QDBusConnection:
    """A connection to the session or system bus; PlatformUnavailable if there is none."""
    if QCoreApplication.instance() is None:
        raise PlatformUnavailable("D-Bus is used only once the Qt application exists")
    address = bus_address(bus, os.environ if environ is None else environ)
    if address is None:
        raise PlatformUnavailable(f"no D-Bus {bus.name.lower()} bus")
    name = f"posture-app:{bus.name.lower()}:{address}"
    connection = QDBusConnection.connectToBus(address, name)
    if not connection.isConnected():
        message = connection.lastError().message()
        QDBusConnection.disconnectFromBus(name)
        raise PlatformUnavailable(f"cannot reach the D-Bus {bus.name.lower()} bus: {message}")
    return connection


def _method(service: str, path: str, interface: str, method: str) -> QDBusMessage:
    """A method call that does not start the service if it is not running."""
    message = QDBusMessage.createMethodCall(service, path, interface, method)
    message.setAutoStartService(False)
    return message


def _call(connection: QDBusConnection, message: QDBusMessage) -> list[Any] | None:
    """The reply's arguments, or None (logged at debug) on an error or timeout."""
    reply = connection.call(message, QDBus.CallMode.Block, CALL_TIMEOUT_MS)
    if reply.type() != QDBusMessage.MessageType.ReplyMessage:
        log.debug("%s.%s failed: %s", message.interface(), message.member(), reply.errorName())
        return None
    return list(reply.arguments())


def _probe(connection: QDBusConnection, message: QDBusMessage, what: str) -> list[Any]:
    """Call once to see that the service answers; PlatformUnavailable if it does not."""
    reply = connection.call(message, QDBus.CallMode.Block, CALL_TIMEOUT_MS)
    if reply.type() != QDBusMessage.MessageType.ReplyMessage:
        raise PlatformUnavailable(f"{what} did not answer ({reply.errorName()})")
    return list(reply.arguments())


def _round_trip(connection: QDBusConnection) -> None:
    """Wait until the bus has seen everything sent so far (match rules for signals included)."""
    _call(
        connection,
        _method(
            "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus.Peer", "Ping"
        ),
    )


def _need(connection: QDBusConnection | None) -> QDBusConnection:
    """The given connection, or the session bus."""
    return connect_bus(Bus.SESSION) if connection is None else connection


class MutterIdle:
    """Idle time from GNOME's compositor (Mutter's IdleMonitor, X11 and Wayland)."""

    name = "GNOME (Mutter IdleMonitor)"

    def __init__(self, session: QDBusConnection | None = None) -> None:
        self._bus = _need(session)
        self._message = _method(*_MUTTER, "GetIdletime")
        first = _probe(self._bus, self._message, "GNOME's idle monitor")
        if idle_from_reply(first, Unit.MILLISECONDS.value) is None:
            raise PlatformUnavailable("GNOME's idle monitor gave no number")
        log.info("idle time from GNOME's Mutter IdleMonitor")

    def idle_seconds(self) -> float | None:
        """Seconds since the last input (Mutter reports milliseconds)."""
        arguments = _call(self._bus, self._message)
        return None if arguments is None else idle_from_reply(arguments, Unit.MILLISECONDS.value)


class KdeIdle:
    """Idle time from KDE's screen locker (`org.freedesktop.ScreenSaver.GetSessionIdleTime`).

    The draft freedesktop spec says seconds and some notes repeat that, but kscreenlocker returns
    KIdleTime's milliseconds (and refuses the call on Wayland). We assume milliseconds, the safe
    side (a wrong guess makes the user look present, not away), and switch to seconds if two
    readings without input in between grow by about one per second.
    """

    name = "KDE (org.freedesktop.ScreenSaver)"

    def __init__(
        self,
        session: QDBusConnection | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._bus = _need(session)
        self._clock = clock
        self._message = _method(*_SCREENSAVER_KDE, "GetSessionIdleTime")
        first = _probe(self._bus, self._message, "KDE's screen saver service")
        if idle_from_reply(first, 1.0) is None:
            raise PlatformUnavailable("KDE's screen saver service gave no idle number")
        self.unit: Unit | None = None
        self._last: tuple[int, float] = (int(first[0]), clock())
        log.info("idle time from org.freedesktop.ScreenSaver (KDE)")

    def idle_seconds(self) -> float | None:
        """Seconds since the last input."""
        arguments = _call(self._bus, self._message)
        if arguments is None or idle_from_reply(arguments, 1.0) is None:
            return None
        if self.unit is None:
            self._check_unit(int(arguments[0]))
        return idle_from_reply(arguments, (self.unit or Unit.MILLISECONDS).value)

    def _check_unit(self, value: int) -> None:
        """Compare with the kept reading; keep a new one after input or a long span."""
        (previous, then), now = self._last, self._clock()
        self.unit = guess_unit(previous, value, now - then)
        if self.unit is not None:
            log.info("KDE reports idle time in %s", self.unit.name.lower())
        elif value < previous or now - then >= UNIT_CHECK_MIN_SECONDS:
            self._last = (value, now)


class _Receiver(QObject):
    """The QObject QtDBus delivers signals to; it forwards them to Python callables."""

    def __init__(self, on_sleep: Callable[[bool], None], on_lock: Callable[[bool], None]) -> None:
        super().__init__()
        self._on_sleep = on_sleep
        self._on_lock = on_lock

    @Slot(bool)
    def prepare_for_sleep(self, going_to_sleep: bool) -> None:
        """logind: the machine is about to sleep (True) or has woken (False)."""
        self._on_sleep(going_to_sleep)

    @Slot(bool)
    def active_changed(self, active: bool) -> None:
        """A screen saver or lock screen became active or inactive."""
        self._on_lock(active)


class LogindSessionWatcher:
    """Sleep from logind (system bus) and lock from the desktop's screen saver (session bus)."""

    def __init__(self, system: QDBusConnection | None, session: QDBusConnection | None) -> None:
        self._system = system if system is not None and system.isConnected() else None
        self._session = session if session is not None and session.isConnected() else None
        if self._system is None and self._session is None:
            raise PlatformUnavailable("no D-Bus system or session bus")
        parts = []
        if self._system is not None:
            parts.append("logind sleep")
        if self._session is not None:
            parts.append("screen-saver lock")
        self.name = " + ".join(parts) + " signals (D-Bus)"
        self._receiver = _Receiver(self._sleep_changed, self._lock_changed)
        self._changed: Callable[[], None] | None = None
        self._connected: list[tuple[QDBusConnection, tuple[str, str, str, str, str]]] = []
        # Read in start(), after connecting, so a change in between is not missed; read here
        # (once) only if asked before start().
        self._locked: bool | None = None
        self._sleeping = False

    def locked(self) -> bool:
        """Whether a screen saver said the screen is locked (False if none said so)."""
        if self._locked is None:
            self._locked = self._read_locked()
        return self._locked

    def sleeping(self) -> bool:
        """Whether logind announced sleep and has not yet announced the wake-up."""
        return self._sleeping

    def start(self, changed: Callable[[], None]) -> None:
        """Connect the signals; `changed` is called on the Qt main thread for each one."""
        self.stop()
        self._changed = changed
        if self._system is not None:
            self._connect(self._system, (*_LOGIN1, "PrepareForSleep", "prepare_for_sleep(bool)"))
        if self._session is not None:
            for service, _path, interface in SCREENSAVERS:
                # Any path: KDE sends from both /ScreenSaver and /org/freedesktop/ScreenSaver.
                self._connect(
                    self._session, (service, "", interface, "ActiveChanged", "active_changed(bool)")
                )
        for bus in (self._system, self._session):
            if bus is not None:
                _round_trip(bus)
        # Read the state after connecting, so a change in between is not missed.
        self._locked = self._read_locked()

    def stop(self) -> None:
        """Disconnect every signal connected by start()."""
        for bus, (service, path, interface, member, slot) in self._connected:
            bus.disconnect(service, path, interface, member, self._receiver, _slot(slot))
        self._connected.clear()
        self._changed = None

    def _connect(self, bus: QDBusConnection, spec: tuple[str, str, str, str, str]) -> None:
        """Connect one signal to a slot of the receiver; log if QtDBus refuses."""
        service, path, interface, member, slot = spec
        if bus.connect(service, path, interface, member, self._receiver, _slot(slot)):
            self._connected.append((bus, spec))
        else:
            log.warning(
                "could not listen to %s.%s: %s", interface, member, bus.lastError().message()
            )

    def _read_locked(self) -> bool:
        """Ask each screen saver that is running whether it is active."""
        if self._session is None:
            return False
        for service, path, interface in SCREENSAVERS:
            arguments = _call(self._session, _method(service, path, interface, "GetActive"))
            if arguments is not None and len(arguments) == 1 and isinstance(arguments[0], bool):
                return arguments[0]
        return False

    def _sleep_changed(self, going_to_sleep: bool) -> None:
        """logind's PrepareForSleep."""
        log.info("logind: %s", "going to sleep" if going_to_sleep else "woke up")
        self._sleeping = going_to_sleep
        self._notify()

    def _lock_changed(self, active: bool) -> None:
        """A screen saver's ActiveChanged."""
        log.info("screen %s", "locked" if active else "unlocked")
        self._locked = active
        self._notify()

    def _notify(self) -> None:
        """Call the app's callback; a bug in it is logged, not raised into Qt."""
        if self._changed is None:
            return
        try:
            self._changed()
        except Exception:
            log.exception("lock/sleep callback failed")


class _NotifyReceiver(QObject):
    """Receives dconf's change signal."""

    def __init__(self, on_notify: Callable[[str, list[str]], None]) -> None:
        super().__init__()
        self._on_notify = on_notify

    @Slot(str, "QStringList", str)
    def notify(self, prefix: str, changes: list[str], _tag: str) -> None:
        """dconf: keys under `prefix` changed."""
        self._on_notify(prefix, changes)


class GnomeDoNotDisturb:
    """GNOME's do-not-disturb switch: the `show-banners` setting is off.

    Read with `gsettings` (there is no D-Bus read API for dconf: the writer service only writes),
    once at start and again when dconf's `Notify` signal names the key; only where that signal
    cannot be had, every DND_REFRESH_SECONDS. So the usual cost is no process at all.
    """

    name = "GNOME do-not-disturb"

    def __init__(
        self,
        session: QDBusConnection | None = None,
        *,
        gsettings: Sequence[str] = GSETTINGS_COMMAND,
        refresh_seconds: float = DND_REFRESH_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = GSettings(gsettings)
        self._refresh = refresh_seconds
        self._clock = clock
        show_banners = self._read()
        if show_banners is None:
            raise PlatformUnavailable(
                f"cannot read GNOME's do-not-disturb setting: {self._settings.problem}"
            )
        self._on = not show_banners
        self._read_at = clock()
        self._stale = False
        self._receiver = _NotifyReceiver(self._dconf_changed)
        self._bus = session if session is not None and session.isConnected() else None
        self._watching = False  # with dconf's change signal, no timed re-reads are needed
        if self._bus is not None:
            service, path, interface = _DCONF
            if self._bus.connect(
                service, path, interface, "Notify", self._receiver,
                _slot("notify(QString,QStringList,QString)"),
            ):  # fmt: skip
                _round_trip(self._bus)
                self._watching = True
            else:
                log.info("no dconf change signal; re-reading every %.0f s", refresh_seconds)

    def presenting(self) -> bool:
        """True while GNOME's do-not-disturb is on (the last value read, if a re-read fails)."""
        due = not self._watching and self._clock() - self._read_at >= self._refresh
        if self._stale or due:
            show_banners = self._read()
            self._read_at, self._stale = self._clock(), False
            if show_banners is not None:
                self._on = not show_banners
        return self._on

    def _read(self) -> bool | None:
        """Run gsettings once: show-banners, or None (the reader logs why, once)."""
        return self._settings.get_bool(DND_SCHEMA, DND_KEY)

    def _dconf_changed(self, prefix: str, changes: list[str]) -> None:
        """Mark the value stale when dconf says our key changed."""
        if dconf_touches(prefix, changes, DND_DCONF_PATH):
            self._stale = True
