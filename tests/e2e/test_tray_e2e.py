"""End to end: the real app in a real X server with a tray host, driven by real input.

Xvfb, a private session bus and trayer (an XEmbed tray) are started here; the app runs as a
user would start it, idle time comes from the X server (xdotool moves the mouse), and the
shortest intervals the settings allow (one minute) make a stretch prompt and a natural break
happen in about three minutes of real time. Screenshots go to build/e2e/.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from posture_app.core.content import next_exercise

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "e2e"
TOOLS = ("Xvfb", "trayer", "xdotool", "dbus-daemon")
APP_TEAL = (0x2F, 0x7D, 0x95)
TRAY_BOX = (1040, 0, 1280, 32)  # where trayer sits: top right, 240 x 32


def _missing() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


if _missing():  # CI installs them (.ci/run); say clearly what a developer machine lacks
    pytest.skip(f"end-to-end tests need {', '.join(_missing())}", allow_module_level=True)


def wait_for(what: str, check: Callable[[], object], seconds: float) -> object:
    """Poll `check` until it returns something true; fail naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)  # real-time ok: waiting on a real app in a real X server
    raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")


def window_processes(app: Path) -> list[int]:
    """The pids of the app window's processes (`python -m posture_app.ui.window`) on `app`."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            args = proc.joinpath("cmdline").read_bytes().split(b"\0") if proc.name.isdigit() else []
        except OSError:
            continue
        if b"posture_app.ui.window" in args and str(app).encode() in args:
            found.append(int(proc.name))
    return sorted(found)


class Desktop:
    """A display with a tray host and a session bus, and ways to look at it and touch it."""

    def __init__(self, display: str, env: dict[str, str]) -> None:
        self.display = display
        self.env = env
        self.fidget: Fidget | None = None

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=30)

    def windows(self, name: str) -> list[str]:
        return self.run("xdotool", "search", "--onlyvisible", "--name", name).stdout.split()

    def move_mouse(self) -> None:
        self.run("xdotool", "mousemove_relative", "--", "3", "3")
        self.run("xdotool", "mousemove_relative", "--", "-3", "-3")

    def screenshot(self, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        out = SHOTS / f"{name}.png"
        grab = (
            "import sys; from PySide6.QtGui import QGuiApplication;"
            "app = QGuiApplication(sys.argv); app.primaryScreen().grabWindow(0).save(sys.argv[1])"
        )
        env = {**self.env, "QT_QPA_PLATFORM": "xcb"}
        subprocess.run([sys.executable, "-c", grab, str(out)], env=env, check=True, timeout=30)
        return out


class Fidget:
    """A user at the computer: the mouse moves a little every 0.2 s (real X input, which the
    app reads as idle time) until stopped. The app counts a start as "input ongoing" only if
    the last input was under a second ago (scheduler.INPUT_ONGOING); else the minute until its
    next reading counts as idle, and with this test's 1-minute natural break that is a break."""

    def __init__(self, desktop: Desktop) -> None:
        self._desktop = desktop
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(0.2):  # real-time ok: a user's hand, in a real X server
            self._desktop.move_mouse()


def _x_answers(display: str) -> bool:
    """Whether the X server on `display` takes a client (xdotool asks for the screen size)."""
    asked = subprocess.run(
        ["xdotool", "getdisplaygeometry"],
        env={**os.environ, "DISPLAY": display}, capture_output=True, timeout=10, check=False,
    )  # fmt: skip
    return asked.returncode == 0


def _tray_owned(display: str) -> bool:
    """Whether a tray host owns the system tray selection on `display` (Xlib through ctypes):
    an app started before that finds no tray and opens its window instead."""
    import ctypes

    x11 = ctypes.CDLL("libX11.so.6")
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XGetSelectionOwner.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    x11.XGetSelectionOwner.restype = ctypes.c_ulong
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    connection = x11.XOpenDisplay(display.encode())
    if not connection:
        return False
    try:
        atom = x11.XInternAtom(connection, b"_NET_SYSTEM_TRAY_S0", 0)
        return bool(x11.XGetSelectionOwner(connection, atom))
    finally:
        x11.XCloseDisplay(connection)


def _free_display() -> int:
    for n in range(90, 200):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return n
    raise RuntimeError("no free X display number")


@pytest.fixture(scope="module")
def desktop() -> Iterator[Desktop]:
    n = _free_display()
    display = f":{n}"
    procs: list[subprocess.Popen[bytes]] = []
    # -noreset: by default Xvfb resets when its last client leaves, and a client that connects
    # during the reset is refused (trayer: "cannot open display", after the check below left).
    xvfb = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-noreset"]
    )
    procs.append(xvfb)
    bus = None
    try:
        # Its socket file appears a moment before it takes clients: wait until one gets in.
        wait_for("the X server", lambda: _x_answers(display), 20)
        bus = subprocess.run(
            ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
            capture_output=True, text=True, check=True, timeout=20,
        )  # fmt: skip
        address = bus.stdout.split()[0]
        env = {
            **os.environ,
            "DISPLAY": display,
            "DBUS_SESSION_BUS_ADDRESS": address,
            "DBUS_SYSTEM_BUS_ADDRESS": address,  # no logind here: sleep comes from the clocks
        }
        env.pop("QT_QPA_PLATFORM", None)
        env.pop("WAYLAND_DISPLAY", None)
        trayer = subprocess.Popen(
            ["trayer", "--edge", "top", "--align", "right", "--widthtype", "pixel", "--width", "240",
             "--height", "32", "--transparent", "false", "--tint", "0x404040", "--SetDockType", "true"],
            env=env,
        )  # fmt: skip
        procs.append(trayer)
        # trayer takes the tray a moment after it starts; an app started sooner sees none.
        wait_for("the tray host", lambda: _tray_owned(display), 20)
        yield Desktop(display, env)
    finally:
        for proc in reversed(procs):
            proc.terminate()
            proc.wait(timeout=10)
        if bus is not None:
            os.kill(int(bus.stdout.split()[1]), 15)


@pytest.fixture(scope="module")
def app(desktop: Desktop, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    base = tmp_path_factory.mktemp("e2e")
    config = base / "config"
    config.mkdir()
    settings = {
        "version": 1,
        "stretch_minutes": 1,
        "natural_break_minutes": 1,
        "posture_enabled": False,
        "break_enabled": False,
        "hydration_enabled": False,
        "stiffness_morning": False,
        "stiffness_evening": False,
    }
    (config / "settings.json").write_text(json.dumps(settings))
    log = (base / "app.out").open("w")
    fidget = desktop.fidget = Fidget(desktop)  # at the computer from before the start
    fidget.start()
    desktop.move_mouse()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--basedir", str(base)],
        env=desktop.env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip
    try:
        yield base
    finally:
        fidget.stop()
        proc.terminate()  # no Quit from the menu: the window's process is ours to end
        proc.wait(timeout=20)
        for pid in window_processes(base):
            os.kill(pid, 15)
        log.close()


def db_rows(base: Path, sql: str) -> list[tuple[object, ...]]:
    db = base / "data" / "posture.sqlite3"
    if not db.exists():
        return []
    conn = sqlite3.connect(db, timeout=5)
    try:
        return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []  # not migrated yet
    finally:
        conn.close()


def teal_pixels(png: Path, box: tuple[int, int, int, int]) -> int:
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    x0, y0, x1, y1 = box
    count = 0
    for x in range(x0, x1):
        for y in range(y0, y1):
            c = image.pixelColor(x, y)
            if all(
                abs(a - b) < 40
                for a, b in zip((c.red(), c.green(), c.blue()), APP_TEAL, strict=True)
            ):
                count += 1
    return count


def test_a_day_in_the_tray(desktop: Desktop, app: Path) -> None:
    # It starts, welcomes the new user, and puts its icon in the tray (no fallback window).
    welcome = wait_for("the welcome window", lambda: desktop.windows("Welcome to posture-app"), 30)
    shot = desktop.screenshot("1-welcome")
    assert teal_pixels(shot, TRAY_BOX) > 40, "no tray icon drawn in the tray host"
    assert not desktop.windows("^posture-app$"), "the window opened: the app saw no tray"
    desktop.run("xdotool", "key", "--window", welcome[0], "Return")
    wait_for("the welcome to close", lambda: not desktop.windows("Welcome to posture-app"), 10)

    # Sitting, with input arriving: after a minute the stretch prompt appears.
    title = next_exercise(None).title

    def stretch_window() -> list[str]:
        desktop.move_mouse()
        return desktop.windows(title)

    window = wait_for("the stretch prompt", stretch_window, 100)
    desktop.screenshot("2-stretch-prompt")
    desktop.run("xdotool", "key", "--window", window[0], "Return")  # Done
    done = wait_for(
        "the answer to be stored",
        lambda: db_rows(app, "SELECT kind, outcome FROM prompts WHERE outcome = 'done'"),
        15,
    )
    assert ("stretch", "done") in done

    # Away for more than a minute (no input at all), then back: a natural break.
    assert desktop.fidget is not None
    desktop.fidget.stop()
    before = len(db_rows(app, "SELECT uuid FROM sessions"))
    time.sleep(75)  # real-time ok: the X server's idle time has to reach the natural break
    desktop.move_mouse()
    breaks = wait_for(
        "the natural break",
        lambda: (desktop.move_mouse(), db_rows(app, "SELECT start_local FROM natural_breaks"))[1],
        45,  # the app looks for a return every 30 s (controller.AWAY_POLL)
    )
    assert len(breaks) == 1
    assert len(db_rows(app, "SELECT uuid FROM sessions")) == before + 1
    desktop.screenshot("3-after-the-break")

    # A second launch, as from the application menu: the running app opens its window, in a
    # process of its own, on the same data (the stretch answered above is in its charts).
    again = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--basedir", str(app)],
        env=desktop.env, capture_output=True, text=True, timeout=30, cwd=ROOT,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    window = wait_for("the app window", lambda: desktop.windows("– posture-app$"), 30)
    desktop.screenshot("4-app-window")
    desktop.run("xdotool", "windowfocus", "--sync", window[0])  # no window manager to do it
    desktop.run("xdotool", "key", "ctrl+w")
    wait_for("the app window to close", lambda: not desktop.windows("– posture-app$"), 15)

    # Its process stays a few minutes after the close: opened again, the same one shows it.
    process = window_processes(app)
    assert len(process) == 1, "the closed window's process did not stay"
    again = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--basedir", str(app)],
        env=desktop.env, capture_output=True, text=True, timeout=30, cwd=ROOT,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    wait_for("the app window again", lambda: desktop.windows("– posture-app$"), 10)
    assert window_processes(app) == process  # shown again, not started again
    desktop.screenshot("5-app-window-again")
    assert db_rows(app, "SELECT count(*) FROM prompts")[0][0] >= 1  # the tray app runs on


def running(pid: int) -> bool:
    """Whether `pid` runs (a zombie has ended: it only waits for its parent to reap it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def named_children(parent: int, name: str) -> list[int]:
    """The pids of `parent`'s running children named `name` (/proc/PID/comm)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = proc.joinpath("stat").read_text()
        except OSError:
            continue
        comm, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat.rsplit(")", 1)[1].split()
        if comm == name and int(rest[1]) == parent and rest[0] != "Z":
            found.append(int(proc.name))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="window processes forked on Linux")
def test_kept_ready_the_window_comes_from_the_fork_server(desktop: Desktop, tmp_path: Path) -> None:
    # A second app on its own data, the "Keep the app window ready" setting on: it forks its
    # server before Qt starts, and the window's process is forked from that server.
    base = tmp_path / "ready"
    (base / "config").mkdir(parents=True)
    settings = {"version": 1, "window_ready": True, "stiffness_morning": False,
                "stiffness_evening": False}  # fmt: skip
    (base / "config" / "settings.json").write_text(json.dumps(settings))
    (base / "config" / "state.json").write_text('{"version": 1, "welcomed": true}')
    log = (base / "app.out").open("w")
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--basedir", str(base)],
        env=desktop.env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip
    try:
        (server,) = wait_for(
            "the fork server", lambda: named_children(proc.pid, "posture-forks"), 30
        )
        wait_for(
            "the app to start",
            lambda: (
                "started at" in (base / "logs" / "posture-app.log").read_text()
                if (base / "logs" / "posture-app.log").exists()
                else False
            ),
            30,
        )
        shown_before = set(desktop.windows("– posture-app$"))  # the other test's window
        again = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "--basedir", str(base)],
            env=desktop.env, capture_output=True, text=True, timeout=30, cwd=ROOT,
        )  # fmt: skip
        assert again.returncode == 0, again.stderr
        new = wait_for(
            "the app window",
            lambda: set(desktop.windows("– posture-app$")) - shown_before,
            30,
        )
        (window,) = wait_for(
            "the forked window's process", lambda: named_children(server, "posture-window"), 10
        )
        desktop.screenshot("6-app-window-forked")
        desktop.run("xdotool", "windowfocus", "--sync", next(iter(new)))
        desktop.run("xdotool", "key", "ctrl+w")
        wait_for(
            "the window to close",
            lambda: not set(desktop.windows("– posture-app$")) - shown_before,
            15,
        )
        proc.terminate()
        assert proc.wait(timeout=20) == 0
        # The app ended its window's process (it lingered, hidden) and its server.
        wait_for(
            "the server and window to go", lambda: not (running(server) or running(window)), 20
        )
    finally:
        proc.kill()
        proc.wait()
        log.close()
