"""A fake desktop session on a private bus, run as a separate process by the platform tests.

It owns the names the adapters talk to (GNOME's idle monitor, KDE's screen saver, GNOME's screen
saver, logind, dconf) and a control object the tests call to send signals as their owner.
A separate process because a blocking QtDBus call to a service in the same process never gets
its reply.

    python fake_desktop.py ADDRESS MUTTER_IDLE_MS KDE_IDLE LOCKED(true|false)

Prints "ready" once every name is owned, then serves until it is terminated.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QObject, Slot
from PySide6.QtDBus import QDBusConnection, QDBusMessage

CONTROL = "org.posture_test.Control"
NAMES = (
    "org.gnome.Mutter.IdleMonitor",
    "org.freedesktop.ScreenSaver",
    "org.gnome.ScreenSaver",
    "org.freedesktop.login1",
    "ca.desrt.dconf",
    CONTROL,
)
EXPORT = QDBusConnection.RegisterOption.ExportAllSlots


class IdleMonitor(QObject):
    """org.gnome.Mutter.IdleMonitor at /org/gnome/Mutter/IdleMonitor/Core."""

    def __init__(self, idle_ms: int) -> None:
        super().__init__()
        self.idle_ms = idle_ms

    @Slot(result="qulonglong")
    def GetIdletime(self) -> int:
        """Milliseconds, as Mutter reports them."""
        return self.idle_ms


class ScreenSaver(QObject):
    """org.freedesktop.ScreenSaver (KDE) and org.gnome.ScreenSaver: idle time and lock state."""

    def __init__(self, idle: int, locked: bool) -> None:
        super().__init__()
        self.idle = idle
        self.locked = locked
        self.active_queries = 0

    @Slot(result="uint")
    def GetSessionIdleTime(self) -> int:
        """KDE's idle time, in whatever unit the test chose."""
        return self.idle

    @Slot(result=bool)
    def GetActive(self) -> bool:
        """Whether the screen is locked (counted, so tests can see how often it is asked)."""
        self.active_queries += 1
        return self.locked


class Control(QObject):
    """What the tests call: send a signal, drop or take back a name."""

    def __init__(self, bus: QDBusConnection, saver: ScreenSaver) -> None:
        super().__init__()
        self.bus = bus
        self.saver = saver

    @Slot(int)
    def SetKdeIdle(self, value: int) -> None:
        """Change what GetSessionIdleTime answers."""
        self.saver.idle = value

    @Slot(bool)
    def SetLocked(self, value: bool) -> None:
        """Change what GetActive answers (no signal is sent)."""
        self.saver.locked = value

    @Slot(result=int)
    def ActiveQueries(self) -> int:
        """How many GetActive calls the screen savers have answered so far."""
        return self.saver.active_queries

    @Slot(str, str, str, bool)
    def EmitBool(self, path: str, interface: str, member: str, value: bool) -> None:
        """Send a signal with one boolean, from the connection that owns every name."""
        signal = QDBusMessage.createSignal(path, interface, member)
        signal.setArguments([value])
        self.bus.send(signal)

    @Slot(str, "QStringList")
    def EmitDconfNotify(self, prefix: str, changes: list[str]) -> None:
        """dconf's Notify(prefix, changes, tag)."""
        signal = QDBusMessage.createSignal(
            "/ca/desrt/dconf/Writer/user", "ca.desrt.dconf.Writer", "Notify"
        )
        signal.setArguments([prefix, changes, "fake-tag"])
        self.bus.send(signal)

    @Slot(str)
    def Release(self, name: str) -> None:
        """Give up a well-known name (the service then looks absent)."""
        self.bus.unregisterService(name)

    @Slot(str)
    def Own(self, name: str) -> None:
        """Take a well-known name (back)."""
        self.bus.registerService(name)


def main() -> int:
    """Serve until terminated."""
    address, mutter_ms, kde_idle, locked = sys.argv[1:5]
    app = QCoreApplication([])
    bus = QDBusConnection.connectToBus(address, "fake-desktop")
    if not bus.isConnected():
        print("cannot connect", bus.lastError().message(), flush=True)
        return 1
    monitor = IdleMonitor(int(mutter_ms))
    saver = ScreenSaver(int(kde_idle), locked == "true")
    control = Control(bus, saver)
    objects = (
        ("/org/gnome/Mutter/IdleMonitor/Core", "org.gnome.Mutter.IdleMonitor", monitor),
        ("/ScreenSaver", "org.freedesktop.ScreenSaver", saver),
        ("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", saver),
        ("/Control", CONTROL, control),
    )
    for path, interface, obj in objects:
        if not bus.registerObject(path, interface, obj, EXPORT):
            print("cannot register", path, flush=True)
            return 1
    for name in NAMES:
        if not bus.registerService(name):
            print("cannot own", name, flush=True)
            return 1
    print("ready", flush=True)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
