"""Fixtures for the platform tests: a private D-Bus with a fake desktop on it, and an Xvfb.

Readiness is awaited as events (a line on a pipe, with a time limit), never by sleeping.
"""

from __future__ import annotations

import ctypes
import os
import random
import select
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtDBus import QDBus, QDBusConnection, QDBusMessage

HERE = Path(__file__).parent
READY_TIMEOUT_S = 15.0
CALL_TIMEOUT_MS = 5000
FAKE_MUTTER_IDLE_MS = 4321
FAKE_KDE_IDLE = 9876

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM when the test process dies, even if it crashes."""
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _read_line(proc: subprocess.Popen[str], what: str) -> str:
    """The first line a child prints on stdout, waiting at most READY_TIMEOUT_S for it."""
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], READY_TIMEOUT_S)
    if not ready:
        proc.kill()
        pytest.fail(f"{what} did not become ready within {READY_TIMEOUT_S} s")
    line = proc.stdout.readline().strip()
    if not line:
        pytest.fail(f"{what} exited with {proc.wait()} before it was ready")
    return line


def _stop(proc: subprocess.Popen[Any]) -> None:
    """Terminate a child we started and reap it."""
    proc.terminate()
    try:
        proc.wait(timeout=READY_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def bus_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private dbus-daemon with no service activation; its address."""
    folder = tmp_path_factory.mktemp("bus")
    config = folder / "bus.conf"
    config.write_text(BUS_CONFIG.format(dir=folder), encoding="utf-8")
    proc = subprocess.Popen(
        ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        preexec_fn=_die_with_parent,
    )
    try:
        yield _read_line(proc, "dbus-daemon")
    finally:
        _stop(proc)


@dataclass
class FakeDesktop:
    """The fake desktop process on the private bus, and a test connection to call it."""

    address: str
    connection: QDBusConnection

    def control(self, method: str, *args: object) -> list[Any]:
        """Call the fake's control object, wait for its reply and return the reply's values."""
        message = QDBusMessage.createMethodCall(
            "org.posture_test.Control", "/Control", "org.posture_test.Control", method
        )
        message.setArguments(list(args))
        reply = self.connection.call(message, QDBus.CallMode.Block, CALL_TIMEOUT_MS)
        assert reply.type() == QDBusMessage.MessageType.ReplyMessage, reply.errorMessage()
        return list(reply.arguments())

    def emit(self, path: str, interface: str, member: str, value: bool) -> None:
        """Have the owner of the desktop's names send a one-boolean signal."""
        self.control("EmitBool", path, interface, member, value)


@pytest.fixture(scope="module")
def fake_desktop(bus_address: str, qapp: object) -> Iterator[FakeDesktop]:
    """A fake GNOME/KDE/logind/dconf on the private bus (screen not locked)."""
    proc = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "fake_desktop.py"),
            bus_address,
            str(FAKE_MUTTER_IDLE_MS),
            str(FAKE_KDE_IDLE),
            "false",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        preexec_fn=_die_with_parent,
    )
    try:
        line = _read_line(proc, "fake desktop")
        assert line == "ready", line
        connection = QDBusConnection.connectToBus(bus_address, "posture-test-control")
        assert connection.isConnected()
        yield FakeDesktop(bus_address, connection)
        QDBusConnection.disconnectFromBus("posture-test-control")
    finally:
        _stop(proc)


def _read_display_number(fd: int) -> str:
    """What Xvfb writes to -displayfd once it accepts clients: its number and a newline."""
    text = b""
    while not text.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], READY_TIMEOUT_S)
        chunk = os.read(fd, 64) if ready else b""
        if not chunk:
            break  # timed out, or Xvfb exited (display taken)
        text += chunk
    return text.decode().strip()


@pytest.fixture(scope="module")
def xvfb() -> Iterator[str]:
    """An Xvfb of our own (no window manager); its display name, e.g. ":613"."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed")
    chooser = random.Random()  # a display number nobody else uses, not a time
    for _attempt in range(10):
        number = chooser.randrange(100, 30000)
        if any(Path(p).exists() for p in (f"/tmp/.X{number}-lock", f"/tmp/.X11-unix/X{number}")):
            continue
        read_end, write_end = os.pipe()
        proc = subprocess.Popen(
            ["Xvfb", f":{number}", "-screen", "0", "1280x800x24", "-nolisten", "tcp",
             "-noreset", "-displayfd", str(write_end)],
            pass_fds=(write_end,),
            stdout=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )  # fmt: skip
        os.close(write_end)
        try:
            if _read_display_number(read_end) == str(number):
                try:
                    yield f":{number}"
                finally:
                    _stop(proc)
                return
            _stop(proc)
        finally:
            # Closed only after Xvfb is done with it: a write into a closed pipe is fatal to it.
            os.close(read_end)
    pytest.fail("could not start Xvfb on a free display")
