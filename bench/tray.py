"""What the tray app costs all day, side by side with a bare PySide6 tray app.

Run from the repository root (about 7.5 minutes; never from pytest):

    .venv/bin/python bench/tray.py
    .venv/bin/python bench/tray.py --rounds 1 --settle 10 --idle 20 --stagger 25 \
        --output /tmp/tray.md        # a quick try; only the default output updates RESULTS.md

It compares (a) bench/bare_tray.py (QApplication, a drawn tray icon, a menu of three actions,
one 60-second QTimer) with (b) the real app, `main.py --basedir FRESH`, where FRESH holds only
`config/state.json` saying the user was already welcomed (so no welcome window) and no settings
file (default settings). Every start gets its own Xvfb (`-displayfd`), private session bus
(`dbus-daemon --session --fork`, also given as the system bus, as tests/e2e does) and trayer
(an XEmbed tray), and the same environment (QT_QPA_PLATFORM and WAYLAND_DISPLAY removed,
TMPDIR pointed into the run's temp dir so Qt's local sockets go away with it, and a private
XDG_RUNTIME_DIR there, as a login session has).

For each start it measures:
  1. startup to tray icon: wall time from just before spawning the process until its icon is
     embedded in the tray. A helper process (this file, `_watch`) talks Xlib through ctypes: it
     waits until trayer owns `_NET_SYSTEM_TRAY_S0` and its "panel" window exists, then polls that
     window with XQueryTree every 10 ms; the icon is embedded when one of the panel's children
     (trayer's sockets) has a new child window (the app's icon window, reparented into the tray).
     Resolution: one poll interval (10 ms) plus an X round trip;
  2. PSS 30 s after the spawn: Pss from /proc/PID/smaps_rollup, with /proc/PID/smaps grouped by
     file to compare what each process maps;
  3. for the 60 s after that, with no input: CPU seconds (utime + stime from /proc/PID/stat, all
     threads; schedstat run time for finer resolution) and context switches (voluntary +
     nonvoluntary, summed over /proc/PID/task/*/status), sampled every 0.5 s per thread to see
     which thread wakes and when; and what the app logged and which windows it had open.

Full rounds run interleaved (a, b, a, b, ...), started every `--stagger` seconds so they overlap
without disturbing each other's PSS: a run samples PSS only when its desktop is the only one up
(PSS splits shared pages between the processes that map them). Before them: one
`python -X importtime` start of each app (also a warm-up) and a helper interpreter that imports
the app's modules step by step, reading its own /proc/self/smaps_rollup, to show what each
import costs. After them: startup-only rounds, and startup-only rounds with bytecode cached.

Writes bench/RESULTS-tray.md and a short section at the end of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import importlib.util
import itertools
import os
import platform
import queue
import re
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Literal

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
DEFAULT_OUTPUT = BENCH / "RESULTS-tray.md"
SUMMARY_FILE = BENCH / "RESULTS.md"
SUMMARY_HEADING = "## Tray app (bench/tray.py)"
TOOLS = ("Xvfb", "trayer", "dbus-daemon", "xdotool")

Kind = Literal["bare", "app"]
KINDS: tuple[Kind, ...] = ("bare", "app")
LABEL = {"bare": "bare PySide6 tray (bench/bare_tray.py)", "app": "posture-app (main.py)"}
SHORT = {"bare": "bare", "app": "posture-app"}
STATE_JSON = '{"version": 1, "welcomed": true, "last_exercise": null}'
#: Default settings but the stiffness ratings: asked at first activity and from 17:00, they would
#: otherwise open a window inside the quiet minute depending on the time of day the bench runs.
SETTINGS_JSON = '{"version": 1, "stiffness_morning": false, "stiffness_evening": false}'

#: Targets from the issue.
PSS_RATIO = 1.15
WAKEUPS_PER_MIN = 15.0
STARTUP_RATIO = 1.3
#: The issue's figures for scale: (name, PSS MB, context switches a minute).
OTHERS = (
    ("Workrave", "30", "~620"),
    ("Safe Eyes", "66", "~270"),
    ("RSIBreak", "69", "~190"),
    ("bare PySide6 tray (issue)", "45", ""),
)

POLL_S = 0.010  # the watcher's XQueryTree interval
SAMPLE_S = 0.5  # per-thread counters during the idle minute
CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(msg: str) -> None:
    """Progress on stderr, with a timestamp."""
    print(f"[{datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


# --- the tray watcher (a helper process speaking Xlib through ctypes) -------------------------


class _XClassHint(ctypes.Structure):
    _fields_ = (("res_name", ctypes.c_char_p), ("res_class", ctypes.c_char_p))


_ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)


class Xlib:
    """The few Xlib calls the watcher needs; X errors (a window gone) are ignored."""

    def __init__(self, display: str) -> None:
        lib = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        w = ctypes.c_ulong
        lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
        lib.XOpenDisplay.restype = ctypes.c_void_p
        lib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        lib.XDefaultRootWindow.restype = w
        lib.XQueryTree.argtypes = [
            ctypes.c_void_p, w, ctypes.POINTER(w), ctypes.POINTER(w),
            ctypes.POINTER(ctypes.POINTER(w)), ctypes.POINTER(ctypes.c_uint),
        ]  # fmt: skip
        lib.XQueryTree.restype = ctypes.c_int
        lib.XGetClassHint.argtypes = [ctypes.c_void_p, w, ctypes.POINTER(_XClassHint)]
        lib.XGetClassHint.restype = ctypes.c_int
        lib.XFetchName.argtypes = [ctypes.c_void_p, w, ctypes.POINTER(ctypes.c_char_p)]
        lib.XFetchName.restype = ctypes.c_int
        lib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        lib.XInternAtom.restype = ctypes.c_ulong
        lib.XGetSelectionOwner.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        lib.XGetSelectionOwner.restype = w
        lib.XFree.argtypes = [ctypes.c_void_p]
        lib.XSetErrorHandler.argtypes = [_ERROR_HANDLER]
        lib.XSetErrorHandler.restype = ctypes.c_void_p
        self._on_error = _ERROR_HANDLER(lambda _d, _e: 0)
        lib.XSetErrorHandler(self._on_error)
        self.lib = lib
        self.dpy = lib.XOpenDisplay(display.encode())
        if not self.dpy:
            raise OSError(f"cannot open display {display}")
        self.root = int(lib.XDefaultRootWindow(self.dpy))

    def children(self, window: int) -> list[int]:
        root, parent = ctypes.c_ulong(), ctypes.c_ulong()
        kids = ctypes.POINTER(ctypes.c_ulong)()
        n = ctypes.c_uint()
        if not self.lib.XQueryTree(
            self.dpy, window, ctypes.byref(root), ctypes.byref(parent), ctypes.byref(kids),
            ctypes.byref(n),
        ):  # fmt: skip
            return []
        out = [int(kids[i]) for i in range(n.value)]
        if kids:
            self.lib.XFree(kids)
        return out

    def class_hint(self, window: int) -> tuple[str, str]:
        hint = _XClassHint()
        if not self.lib.XGetClassHint(self.dpy, window, ctypes.byref(hint)):
            return ("", "")
        return (
            (hint.res_name or b"").decode(errors="replace"),
            (hint.res_class or b"").decode(errors="replace"),
        )

    def name(self, window: int) -> str:
        out = ctypes.c_char_p()
        if not self.lib.XFetchName(self.dpy, window, ctypes.byref(out)) or not out.value:
            return ""
        return out.value.decode(errors="replace")

    def selection_owner(self, selection: str) -> int:
        atom = self.lib.XInternAtom(self.dpy, selection.encode(), 0)
        return int(self.lib.XGetSelectionOwner(self.dpy, atom))


def watch(display: str, timeout: float) -> int:
    """The `_watch` helper: print `ready`, then `icon <monotonic> <window> <name> <polls>`."""
    deadline = time.monotonic() + timeout
    x: Xlib | None = None
    while x is None:
        try:
            x = Xlib(display)
        except OSError:
            if time.monotonic() > deadline:
                print("error: no display", flush=True)
                return 1
            time.sleep(0.05)
    panel = 0
    while not panel:
        if x.selection_owner("_NET_SYSTEM_TRAY_S0"):
            panel = next(
                (w for w in x.children(x.root) if x.class_hint(w) == ("panel", "trayer")), 0
            )
        if not panel:
            if time.monotonic() > deadline:
                print("error: no tray", flush=True)
                return 1
            time.sleep(0.05)
    before = {c for s in x.children(panel) for c in x.children(s)}
    print(f"ready {panel:#x}", flush=True)
    polls = 0
    while time.monotonic() < deadline:
        polls += 1
        for socket in x.children(panel):
            for client in x.children(socket):
                if client not in before:
                    now = time.monotonic()
                    name = x.name(client).replace(" ", "_") or "-"
                    print(f"icon {now:.6f} {client:#x} {name} {polls}", flush=True)
                    return 0
        time.sleep(POLL_S)
    print("error: no icon", flush=True)
    return 1


# --- /proc ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThreadStat:
    comm: str
    switches: int  # voluntary + nonvoluntary
    voluntary: int
    run_ns: int  # schedstat: time on a CPU


@dataclass(frozen=True)
class Counters:
    t: float  # monotonic
    ticks: int  # utime + stime of the whole process, clock ticks
    threads: dict[int, ThreadStat]

    @property
    def switches(self) -> int:
        return sum(s.switches for s in self.threads.values())

    @property
    def run_ns(self) -> int:
        return sum(s.run_ns for s in self.threads.values())


def read_counters(pid: int) -> Counters:
    """CPU ticks of the process and per-thread context switches and run time."""
    t = time.monotonic()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    threads: dict[int, ThreadStat] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            status = task.joinpath("status").read_text()
            sched = task.joinpath("schedstat").read_text().split()
        except (FileNotFoundError, ProcessLookupError):
            continue  # the thread ended meanwhile
        values = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        vol = int(values["voluntary_ctxt_switches"])
        threads[int(task.name)] = ThreadStat(
            comm=values["Name"].strip(),
            switches=vol + int(values["nonvoluntary_ctxt_switches"]),
            voluntary=vol,
            run_ns=int(sched[0]),
        )
    return Counters(t=t, ticks=ticks, threads=threads)


def read_rollup(pid: int) -> dict[str, int]:
    """smaps_rollup in kB: Pss, Pss_Anon, Pss_File, Rss..."""
    out: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit():
            out[parts[0].rstrip(":")] = int(parts[1])
    return out


def children_of(pid: int) -> list[tuple[int, str]]:
    """(pid, name) of the running children of `pid` (the app's fork server, with the "Keep the
    app window ready" setting: its memory is the app's too)."""
    out = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = proc.joinpath("stat").read_text()
        except OSError:
            continue
        name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat.rsplit(")", 1)[1].split()
        if int(rest[1]) == pid and rest[0] != "Z":
            out.append((int(proc.name), name))
    return out


def add_rollups(total: dict[str, int], more: dict[str, int]) -> None:
    for key, kb in more.items():
        total[key] = total.get(key, 0) + kb


_MAP_LINE = re.compile(r"^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$")


def read_smaps_by_file(pid: int) -> dict[str, int]:
    """Pss in kB per mapped path ("[anon]" for anonymous mappings)."""
    out: dict[str, int] = {}
    current = "[anon]"
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        m = _MAP_LINE.match(line)
        if m:
            current = m.group(1).strip() or "[anon]"
            if current.startswith("[anon:"):
                current = "[anon]"
        elif line.startswith("Pss:"):
            out[current] = out.get(current, 0) + int(line.split()[1])
    return out


def foreign_sharers(smaps: dict[str, int], own: set[int], least_kb: int = 1024) -> list[str]:
    """Other processes that map files holding at least `least_kb` of this one's PSS.

    Those pages are shared with them, so they lower this process's PSS (a shell maps libc
    and the locale archive, a handful of kB; another Python or Qt process maps megabytes).
    """
    files = {p: kb for p, kb in smaps.items() if p.startswith("/") and not p.startswith("/memfd:")}
    out = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) in own:
            continue
        try:
            maps = proc.joinpath("maps").read_text(errors="replace")
            comm = proc.joinpath("comm").read_text().strip()
        except OSError:
            continue
        mapped = {parts[5] for line in maps.splitlines() if len(parts := line.split(None, 5)) == 6}
        common = mapped & files.keys()
        kb = sum(files[f] for f in common)
        if kb >= least_kb:
            out.append(f"{proc.name} {comm} ({len(common)} files, {kb / 1024:.1f} MB of its PSS)")
    return out


def category(path: str) -> str:
    """Which kind of mapping a path is."""
    name = Path(path).name
    if path.startswith("[") or path.startswith("/memfd:") or path == "":
        return "anonymous (Python and C heaps, stacks)"
    if "/Qt/plugins/" in path:
        return "Qt plugins"
    if name.startswith("libQt6"):
        return "Qt libraries (libQt6*)"
    if "/PySide6/" in path or "/shiboken6/" in path:
        return "PySide6 / shiboken bindings"
    if "lib-dynload" in path or "site-packages" in path or name.startswith("libpython"):
        return "Python (interpreter, extension modules)"
    if "fontconfig" in path or name.endswith((".ttf", ".otf", ".pcf.gz")):
        return "fonts and font caches"
    return "other files and shared libraries"


def short_path(path: str) -> str:
    """A mapping's path, short enough for a table."""
    for marker in ("site-packages/", "lib-dynload/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return Path(path).name if path.startswith("/") else path


# --- one desktop: Xvfb, a session bus, trayer -------------------------------------------------


class Desktop:
    """A fresh X server with a private session bus and an XEmbed tray host."""

    def __init__(self, workdir: Path, env_update: dict[str, str | None] | None = None) -> None:
        self.workdir = workdir
        self.env_update = env_update or {}
        self.display = ""
        self.env: dict[str, str] = {}
        self._procs: list[subprocess.Popen[bytes]] = []
        self._bus_pid: int | None = None
        self._logs: list[IO[bytes]] = []

    def _log(self, name: str) -> IO[bytes]:
        f = (self.workdir / name).open("wb")
        self._logs.append(f)
        return f

    def start(self) -> None:
        xvfb = subprocess.Popen(
            # -noreset: no server reset when the last client leaves (a client connecting
            # during one is refused).
            ["Xvfb", "-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp",
             "-noreset"],
            stdout=subprocess.PIPE, stderr=self._log("xvfb.log"),
        )  # fmt: skip
        self._procs.append(xvfb)
        assert xvfb.stdout is not None
        number = xvfb.stdout.readline().decode().strip()  # Xvfb writes it once ready
        if not number.isdigit():
            raise RuntimeError(f"Xvfb did not start: {self.tail('xvfb.log')}")
        self.display = f":{number}"
        bus = subprocess.run(
            ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
            capture_output=True, text=True, check=True, timeout=20,
        )  # fmt: skip
        address, pid = bus.stdout.split()[:2]
        self._bus_pid = int(pid)
        tmp = self.workdir / "tmp"
        tmp.mkdir()
        runtime = self.workdir / "runtime"
        runtime.mkdir(mode=0o700)
        env = {
            **os.environ,
            "DISPLAY": self.display,
            "DBUS_SESSION_BUS_ADDRESS": address,
            "DBUS_SYSTEM_BUS_ADDRESS": address,  # as tests/e2e: no logind here
            "TMPDIR": str(tmp),  # Qt's local sockets and runtime dir go away with the run
            "XDG_RUNTIME_DIR": str(runtime),  # as a login session has (the instance socket)
        }
        env.pop("QT_QPA_PLATFORM", None)
        env.pop("WAYLAND_DISPLAY", None)
        for key, value in self.env_update.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        self.env = env
        trayer = subprocess.Popen(
            ["trayer", "--edge", "top", "--align", "right", "--widthtype", "pixel",
             "--width", "240", "--height", "32", "--transparent", "false", "--tint", "0x404040",
             "--SetDockType", "true"],
            env=env, stdout=self._log("trayer.log"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        self._procs.append(trayer)

    @property
    def pids(self) -> set[int]:
        """Its X server, bus and tray."""
        return {p.pid for p in self._procs} | ({self._bus_pid} if self._bus_pid else set())

    def tail(self, name: str, lines: int = 5) -> str:
        try:
            return " | ".join(
                (self.workdir / name).read_text(errors="replace").splitlines()[-lines:]
            )
        except OSError:
            return ""

    def stop(self) -> None:
        for proc in reversed(self._procs):
            stop_process(proc)
        if self._bus_pid is not None:
            with suppress(ProcessLookupError):
                os.kill(self._bus_pid, signal.SIGTERM)
        for f in self._logs:
            f.close()
        if self._procs and self._procs[0].stdout is not None:
            self._procs[0].stdout.close()


def stop_process(proc: subprocess.Popen[Any], grace: float = 5.0) -> None:
    """SIGTERM, then SIGKILL after `grace` seconds; always reaped."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextmanager
def desktop(prefix: str, env_update: dict[str, str | None] | None = None) -> Iterator[Desktop]:
    with tempfile.TemporaryDirectory(prefix=f"tray-bench-{prefix}-") as tmp:
        d = Desktop(Path(tmp), env_update)
        try:
            d.start()
            yield d
        finally:
            d.stop()


# --- one start of one app ----------------------------------------------------------------------


class RollupMB:
    """Megabyte figures from a /proc/PID/smaps_rollup reading held in `self.rollup` (kB)."""

    rollup: dict[str, int]

    @property
    def pss_mb(self) -> float:
        return self.rollup.get("Pss", 0) / 1024

    @property
    def uss_mb(self) -> float:
        return (self.rollup.get("Private_Clean", 0) + self.rollup.get("Private_Dirty", 0)) / 1024

    @property
    def rss_mb(self) -> float:
        return self.rollup.get("Rss", 0) / 1024

    @property
    def anon_mb(self) -> float:
        return self.rollup.get("Anonymous", 0) / 1024


@dataclass
class ThreadIdle:
    """One thread over the idle minute."""

    comm: str
    switches: int
    voluntary: int
    run_ns: int
    active_at: list[float]  # sample times (s into the minute) at which it had switched


@dataclass
class Run(RollupMB):
    kind: Kind
    label: str  # "round 1", "startup 2", "importtime"
    startup_s: float | None = None
    icon_window: str = ""
    polls: int = 0
    spawned_wall: float = 0.0
    pss_at_s: float | None = None
    rollup: dict[str, int] = field(default_factory=dict)
    smaps: dict[str, int] = field(default_factory=dict)
    idle_s: float = 0.0
    quiet_from_s: float = 0.0  # the quiet minute's start, s after the spawn
    cpu_ticks: int = 0
    run_ns: int = 0
    switches: int = 0
    threads: dict[int, ThreadIdle] = field(default_factory=dict)
    threads_changed: bool = False
    log_lines: list[tuple[float, str]] = field(default_factory=list)  # (s after spawn, message)
    importtime: str = ""
    sharers: list[str] = field(default_factory=list)  # other processes mapping the same files
    windows: list[str] = field(default_factory=list)  # visible windows after the quiet minute
    #: Child processes whose memory `rollup` includes ("name pid"): none with default settings.
    children: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def per_min(self) -> float:
        return self.switches * 60 / self.idle_s if self.idle_s else float("nan")

    @property
    def cpu_per_min(self) -> float:
        return self.cpu_ticks / CLK_TCK * 60 / self.idle_s if self.idle_s else float("nan")


class Alive:
    """The runs whose desktop (X server, bus, tray, app) is up: PSS is sampled only when alone."""

    def __init__(self) -> None:
        self._runs: set[int] = set()
        self._next = 0
        self._cond = threading.Condition()

    def enter(self) -> int:
        with self._cond:
            self._next += 1
            self._runs.add(self._next)
            return self._next

    def leave(self, token: int) -> None:
        with self._cond:
            self._runs.discard(token)
            self._cond.notify_all()

    def wait_alone(self, token: int, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self._runs <= {token}, timeout=timeout)


ALIVE = Alive()


def command(kind: Kind, basedir: Path, importtime: bool) -> list[str]:
    py = [sys.executable, *(["-X", "importtime"] if importtime else [])]
    if kind == "bare":
        return [*py, str(BENCH / "bare_tray.py")]
    return [*py, str(REPO / "main.py"), "--basedir", str(basedir)]


def _lines(stream: IO[str]) -> queue.Queue[str]:
    q: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stream:
            q.put(line.strip())

    threading.Thread(target=pump, daemon=True).start()
    return q


_LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) \w+ [\w.]+: (.*)$")


def read_app_log(path: Path, spawned_wall: float) -> list[tuple[float, str]]:
    """The app's log lines with their time in seconds after the spawn."""
    out: list[tuple[float, str]] = []
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return out
    for line in text.splitlines():
        m = _LOG_LINE.match(line)
        if m:
            stamp = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
            out.append((stamp - spawned_wall, m.group(2)))
    return out


def sleep_until(t: float) -> None:
    while (left := t - time.monotonic()) > 0:
        time.sleep(min(left, 1.0))


def measure(
    kind: Kind,
    label: str,
    *,
    settle: float = 0,
    idle: float = 0,
    importtime: bool = False,
    env_update: dict[str, str | None] | None = None,
) -> Run:
    """Start one app on a fresh desktop; time its icon; with `idle`, PSS and the quiet minute."""
    run = Run(kind=kind, label=label)
    token = ALIVE.enter()
    try:
        _measure(run, token, settle, idle, importtime, env_update)
    finally:
        ALIVE.leave(token)
    return run


def _measure(
    run: Run,
    token: int,
    settle: float,
    idle: float,
    importtime: bool,
    env_update: dict[str, str | None] | None,
) -> None:
    kind = run.kind
    with desktop(kind, env_update) as d:
        base = d.workdir / "base"
        (base / "config").mkdir(parents=True)
        (base / "config" / "state.json").write_text(STATE_JSON)
        (base / "config" / "settings.json").write_text(SETTINGS_JSON)
        watcher = subprocess.Popen(
            [sys.executable, __file__, "_watch", d.display, "60"],
            stdout=subprocess.PIPE, text=True, env=d.env,
        )  # fmt: skip
        proc: subprocess.Popen[bytes] | None = None
        err = (d.workdir / "app.err").open("wb")
        try:
            assert watcher.stdout is not None
            lines = _lines(watcher.stdout)
            ready = lines.get(timeout=30)
            if not ready.startswith("ready"):
                raise RuntimeError(f"tray not ready ({ready}); trayer: {d.tail('trayer.log')}")
            run.spawned_wall = time.time()
            t0 = time.monotonic()
            proc = subprocess.Popen(
                command(kind, base, importtime), env=d.env, cwd=REPO,
                stdout=subprocess.DEVNULL, stderr=err,
            )  # fmt: skip
            icon = lines.get(timeout=65).split()
            if icon[0] != "icon":
                raise RuntimeError(f"no tray icon ({' '.join(icon)}): {d.tail('app.err')}")
            run.startup_s = float(icon[1]) - t0
            run.icon_window, run.polls = f"{icon[2]} {icon[3]}", int(icon[4])
            if idle:
                sleep_until(t0 + settle)
                if not ALIVE.wait_alone(token, timeout=30):
                    raise RuntimeError("another run's desktop stayed up: PSS not sampled")
                if proc.poll() is not None:
                    raise RuntimeError(f"exited with {proc.returncode}: {d.tail('app.err')}")
                run.pss_at_s = time.monotonic() - t0
                run.rollup = read_rollup(proc.pid)
                for child, name in children_of(proc.pid):  # the app's processes together
                    with suppress(OSError):
                        add_rollups(run.rollup, read_rollup(child))
                        run.children.append(f"{name} {child}")
                run.smaps = read_smaps_by_file(proc.pid)
                run.sharers = foreign_sharers(run.smaps, {os.getpid(), proc.pid, *d.pids})
                quiet_minute(run, proc.pid, idle, t0)
                run.windows = visible_windows(d)
            else:
                time.sleep(0.3)  # let the log reach "started"
        except (RuntimeError, queue.Empty, OSError) as exc:
            run.error = str(exc) or type(exc).__name__
        except Exception as exc:  # a bug here must not lose the other runs
            run.error = f"{type(exc).__name__}: {exc}"
        finally:
            if proc is not None:
                stop_process(proc)
            stop_process(watcher)
            err.close()
            run.log_lines = read_app_log(base / "logs" / "posture-app.log", run.spawned_wall)
            if importtime:
                run.importtime = (d.workdir / "app.err").read_text(errors="replace")


def visible_windows(d: Desktop) -> list[str]:
    """Names of the visible windows on this desktop, but the tray's own."""
    ids = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", "."],
        env=d.env, capture_output=True, text=True, timeout=20,
    ).stdout.split()  # fmt: skip
    names = []
    for wid in ids:
        name = subprocess.run(
            ["xdotool", "getwindowname", wid], env=d.env, capture_output=True, text=True, timeout=20
        ).stdout.strip()
        if name not in ("panel", "trayer"):
            names.append(name or f"(window {wid}, no name)")
    return names


def quiet_minute(run: Run, pid: int, seconds: float, t0: float) -> None:
    """Counters over `seconds` without input, sampled per thread every SAMPLE_S."""
    start = read_counters(pid)
    run.quiet_from_s = start.t - t0
    prev = start
    active: dict[int, list[float]] = {}
    end = start.t + seconds
    while (now := time.monotonic()) < end:
        time.sleep(min(SAMPLE_S, end - now))
        cur = read_counters(pid)
        for tid, st in cur.threads.items():
            before = prev.threads.get(tid)
            if before is None or st.switches != before.switches:
                active.setdefault(tid, []).append(round(cur.t - start.t, 1))
        prev = cur
    final = prev
    run.idle_s = final.t - start.t
    run.cpu_ticks = final.ticks - start.ticks
    run.threads_changed = set(final.threads) != set(start.threads)
    for tid, st in final.threads.items():
        base = start.threads.get(tid, ThreadStat(st.comm, 0, 0, 0))
        run.threads[tid] = ThreadIdle(
            comm=st.comm,
            switches=st.switches - base.switches,
            voluntary=st.voluntary - base.voluntary,
            run_ns=st.run_ns - base.run_ns,
            active_at=active.get(tid, []),
        )
    run.switches = sum(t.switches for t in run.threads.values())
    run.run_ns = sum(t.run_ns for t in run.threads.values())


# --- the whole benchmark -------------------------------------------------------------------------


@dataclass
class Options:
    rounds: int
    settle: float
    idle: float
    stagger: float | None  # None: one run after another
    extra_startups: int
    pyc_rounds: int
    output: Path


@dataclass
class Results:
    imports: list[Run]  # one -X importtime start of each app
    full: list[Run]  # startup, PSS and the quiet minute
    startups: list[Run]  # startup only, environment as is
    pyc: list[Run]  # startup only, bytecode cached
    importcost: list[ImportStep]
    stale: list[str]  # posture_app sources with stale bytecode when the run began


def run_all(opts: Options) -> Results:
    """Import-time starts (warm-up), staggered full rounds, then startup-only rounds."""
    stale = stale_pycs()
    imports = []
    for kind in KINDS:
        log(f"importtime start: {kind}")
        imports.append(measure(kind, "importtime", importtime=True))
    log("import cost in a fresh interpreter")
    importcost = import_cost(imports)
    schedule = [(kind, r) for r in range(1, opts.rounds + 1) for kind in KINDS]
    full: list[Run | None] = [None] * len(schedule)
    t_start = time.monotonic()

    def one(i: int, kind: Kind, r: int) -> None:
        log(f"round {r}: {kind} starts")
        run = measure(kind, f"round {r}", settle=opts.settle, idle=opts.idle)
        full[i] = run
        log(
            f"round {r}: {kind} done: icon {fmt_ms(run.startup_s)}, PSS {run.pss_mb:.1f} MB, "
            f"{run.per_min:.1f} switches/min {run.error}"
        )

    if opts.stagger is None:
        for i, (kind, r) in enumerate(schedule):
            one(i, kind, r)
    else:
        threads = []
        for i, (kind, r) in enumerate(schedule):
            sleep_until(t_start + i * opts.stagger)
            th = threading.Thread(target=one, args=(i, kind, r))
            th.start()
            threads.append(th)
        for th in threads:
            th.join()
    startups = []
    for r in range(1, opts.extra_startups + 1):
        for kind in KINDS:
            log(f"startup {r}: {kind}")
            startups.append(measure(kind, f"startup {r}"))
    pyc: list[Run] = []
    if opts.pyc_rounds:
        with tempfile.TemporaryDirectory(prefix="tray-bench-pyc-") as cache:
            cached: dict[str, str | None] = {
                "PYTHONDONTWRITEBYTECODE": None,
                "PYTHONPYCACHEPREFIX": cache,
            }
            for kind in KINDS:
                log(f"pyc cached: {kind} warm-up")
                measure(kind, "pyc warm-up", env_update=cached)
            for r in range(1, opts.pyc_rounds + 1):
                for kind in KINDS:
                    log(f"pyc cached {r}: {kind}")
                    pyc.append(measure(kind, f"pyc cached {r}", env_update=cached))
    return Results(
        imports=imports,
        full=[run for run in full if run is not None],
        startups=startups,
        pyc=pyc,
        importcost=importcost,
        stale=stale,
    )


_IMPORT_COST = r"""
import importlib, sys
sys.path.insert(0, sys.argv[1])
def snap():
    out = {}
    for line in open("/proc/self/smaps_rollup").read().splitlines()[1:]:
        key, value = line.split(":", 1)
        out[key] = int(value.split()[0])
    return out
s = snap()
print("step\t-\t%d\t%d\t%d\t" % (len(sys.modules), s["Rss"], s["Anonymous"]), flush=True)
for step in sys.argv[2:]:
    err = ""
    for name in step.split(","):
        try:
            importlib.import_module(name)
        except Exception as exc:
            err = "%s: %s" % (type(exc).__name__, exc)
    s = snap()
    print("step\t%s\t%d\t%d\t%d\t%s" % (step, len(sys.modules), s["Rss"], s["Anonymous"], err),
          flush=True)
"""


@dataclass(frozen=True)
class ImportStep:
    step: str
    parent: str  # the module that imported it first ("" for the top level)
    new_modules: int
    rss_kb: int  # growth of Rss over the step (never shared out, unlike PSS)
    anon_kb: int  # growth of Anonymous
    error: str


def import_cost(imports: list[Run]) -> list[ImportStep]:
    """Memory each import of posture-app adds, in a fresh interpreter (no display, no Qt app).

    First what the bare app imports (QtCore, QtGui, QtWidgets); then, in the order of the app's
    `-X importtime` output (children before the module that imports them), every module that
    posture_app code imports directly, and the posture_app modules themselves. A library's own
    imports are charged to the first step that pulls them in.
    """
    app = next((r for r in imports if r.kind == "app" and r.importtime), None)
    bare = next((r for r in imports if r.kind == "bare" and r.importtime), None)
    if app is None or bare is None:
        return []
    rows = parse_importtime(app.importtime)
    in_bare = {r.module for r in parse_importtime(bare.importtime)}
    steps = ["PySide6.QtCore,PySide6.QtGui,PySide6.QtWidgets"]
    parents = {steps[0]: ""}
    for r in rows:
        if r.module in in_bare or r.module in parents:
            continue
        if r.module.startswith("posture_app") or r.parent.startswith("posture_app") or not r.depth:
            steps.append(r.module)
            parents[r.module] = r.parent
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    out = subprocess.run(
        [sys.executable, "-c", _IMPORT_COST, str(REPO), *steps],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=120,
    )  # fmt: skip
    result = []
    prev: tuple[int, int, int] | None = None
    for line in out.stdout.splitlines():
        parts = line.split("\t")
        if parts[0] != "step":
            continue
        mods, pss, anon = int(parts[2]), int(parts[3]), int(parts[4])
        if prev is not None:
            result.append(
                ImportStep(
                    parts[1], parents.get(parts[1], ""), mods - prev[0], pss - prev[1],
                    anon - prev[2], parts[5],
                )
            )  # fmt: skip
        prev = (mods, pss, anon)
    if out.returncode != 0:
        result.append(ImportStep("(helper failed)", "", 0, 0, 0, out.stderr.strip()[-300:]))
    return result


# --- numbers -------------------------------------------------------------------------------------


def fmt_ms(s: float | None) -> str:
    return "-" if s is None else f"{s * 1000:.0f} ms"


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def verdict(ok: bool) -> str:
    return "**PASS**" if ok else "**FAIL**"


@dataclass
class ImportRow:
    module: str
    depth: int
    self_us: int
    cumulative_us: int
    parent: str


def parse_importtime(text: str) -> list[ImportRow]:
    """`-X importtime` lines, in order, each with the module that imported it first."""
    rows: list[ImportRow] = []
    pending: list[tuple[int, ImportRow]] = []  # children come before their parent
    for line in text.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cum_us, name = line[len("import time:") :].split("|", 2)
        depth = (len(name) - len(name.lstrip())) // 2
        row = ImportRow(name.strip(), depth, int(self_us), int(cum_us), "")
        # Children were printed before this row with depth + 1.
        for d, child in pending:
            if d == depth + 1 and not child.parent:
                child.parent = row.module
        pending = [(d, c) for d, c in pending if d <= depth]
        pending.append((depth, row))
        rows.append(row)
    return rows


def group(module: str) -> str:
    top = module.split(".", 1)[0]
    if top in ("PySide6", "shiboken6"):
        return "PySide6"
    if top == "posture_app":
        return "posture_app"
    if top in sys.stdlib_module_names or top.startswith("_"):
        return "standard library"
    return "other"


def stale_pycs() -> list[str]:
    """posture_app sources whose .pyc is missing or stale (recompiled at every start)."""
    out = []
    for src in sorted((REPO / "posture_app").rglob("*.py")):
        pyc = Path(importlib.util.cache_from_source(str(src)))
        st = src.stat()
        try:
            head = pyc.read_bytes()[:16]
            flags, mtime, size = struct.unpack("<III", head[4:16])
        except (OSError, struct.error):
            out.append(f"{src.relative_to(REPO)} (no .pyc)")
            continue
        if flags or mtime != int(st.st_mtime) & 0xFFFFFFFF or size != st.st_size & 0xFFFFFFFF:
            out.append(str(src.relative_to(REPO)))
    return out


def calibrate_ms() -> float:
    """bench/run.py's fixed pure-Python loop, in ms: how fast this machine is right now (a
    shared host can be several times slower at times)."""
    from run import calibrate  # bench/run.py, beside this file

    return calibrate() * 1000


def calibration_at_end() -> str:
    """The machine table's last rows: the calibration loop and the load average again."""
    return (
        f"| Calibration loop at end | {calibrate_ms():.0f} ms |\n"
        f"| Load average at end | {', '.join(f'{x:.2f}' for x in os.getloadavg())} |"
    )


def machine_info() -> list[tuple[str, str]]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    dirty = git("status", "--porcelain")
    qt = subprocess.run(
        [sys.executable, "-c", "import PySide6, PySide6.QtCore as c; print(PySide6.__version__,"
         " c.qVersion())"],
        capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    tools = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package} ${Version}, ", "xvfb", "trayer", "dbus-daemon"],
        capture_output=True, text=True,
    ).stdout.strip(", ")  # fmt: skip
    return [
        ("Date", datetime.now().astimezone().isoformat(timespec="seconds")),
        ("Commit", commit_id()),
        ("Uncommitted", ", ".join(ln.split(maxsplit=1)[1] for ln in dirty.splitlines()) or "none"),
        ("nproc", str(os.cpu_count())),
        ("CPU", cpu),
        ("OS", platform.platform()),
        ("Python", f"{platform.python_version()} ({sys.executable})"),
        ("PySide6 / Qt", " / ".join(qt) if qt else "?"),
        ("Packages", tools or "?"),
        ("PYTHONDONTWRITEBYTECODE", f"`{os.environ.get('PYTHONDONTWRITEBYTECODE', '')}`"),
        ("Load average at start", ", ".join(f"{x:.2f}" for x in os.getloadavg())),
        ("Calibration loop at start (bench/run.py's; higher: slower)", f"{calibrate_ms():.0f} ms"),
    ]


def commit_id() -> str:
    """`git rev-parse --short HEAD`, plus -dirty when anything is uncommitted or untracked."""
    dirty = git("status", "--porcelain")
    return git("rev-parse", "--short", "HEAD") + ("-dirty" if dirty else "")


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()


# --- the report ----------------------------------------------------------------------------------


def table(header: Sequence[str], rows: Sequence[Sequence[object]], right: int = 1) -> list[str]:
    """A Markdown table; columns from `right` on are right-aligned."""
    align = ["---" if i < right else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


@dataclass
class Verdicts:
    pss: bool
    wakeups: bool
    startup: bool
    pss_ratio: float
    startup_ratio: float
    app_wakeups: float

    def summary(self) -> str:
        return (
            f"PSS {self.pss_ratio:.2f}x bare (<= {PSS_RATIO}x): "
            f"{'PASS' if self.pss else 'FAIL'}; idle wakeups {self.app_wakeups:.1f}/min "
            f"(<= {WAKEUPS_PER_MIN:.0f}): {'PASS' if self.wakeups else 'FAIL'}; "
            f"startup {self.startup_ratio:.2f}x bare (<= {STARTUP_RATIO}x): "
            f"{'PASS' if self.startup else 'FAIL'}"
        )


def by_kind(runs: Sequence[Run], kind: Kind) -> list[Run]:
    return [r for r in runs if r.kind == kind and not r.error]


def pss_runs(full: Sequence[Run], kind: Kind) -> list[Run]:
    """The full rounds whose PSS no foreign process shared, if each app has one; else all."""
    if all(any(not r.sharers for r in by_kind(full, k)) for k in KINDS):
        return [r for r in by_kind(full, kind) if not r.sharers]
    return by_kind(full, kind)


def report(
    opts: Options, info: list[tuple[str, str]], res: Results, elapsed: float
) -> tuple[str, Verdicts]:
    full, startups = res.full, res.startups
    out: list[str] = ["# Tray app: posture-app against a bare PySide6 tray app", ""]
    out += [
        "Written by `bench/tray.py` (`.venv/bin/python bench/tray.py`); measured on this machine",
        "from this code. Re-run to refresh; do not edit by hand.",
        "",
        "## Machine",
        "",
    ]
    out += table(["", ""], [(k, v) for k, v in info], right=2)
    out += [calibration_at_end()]
    out += [f"| Whole run | {elapsed / 60:.1f} min |", ""]

    starts = {k: by_kind(full, k) + by_kind(startups, k) for k in KINDS}
    start_s = {k: [r.startup_s for r in starts[k] if r.startup_s is not None] for k in KINDS}
    pss = {k: [r.pss_mb for r in pss_runs(full, k)] for k in KINDS}
    uss = {k: [r.uss_mb for r in by_kind(full, k)] for k in KINDS}
    wake = {k: [r.per_min for r in by_kind(full, k)] for k in KINDS}
    cpu = {k: [r.cpu_per_min for r in by_kind(full, k)] for k in KINDS}
    run_ms = {k: [r.run_ns / 1e6 * 60 / r.idle_s for r in by_kind(full, k)] for k in KINDS}
    pss_ratio = median(pss["app"]) / median(pss["bare"])
    startup_ratio = median(start_s["app"]) / median(start_s["bare"])
    v = Verdicts(
        pss=pss_ratio <= PSS_RATIO,
        wakeups=median(wake["app"]) <= WAKEUPS_PER_MIN,
        startup=startup_ratio <= STARTUP_RATIO,
        pss_ratio=pss_ratio,
        startup_ratio=startup_ratio,
        app_wakeups=median(wake["app"]),
    )
    worst_wake = max(wake["app"], default=float("nan"))
    out += ["## Targets", ""]
    out += table(
        ["Target", "bare", "posture-app", "Measured", "Limit", "Result"],
        [
            (
                "PSS 30 s after start (median MB"
                + (
                    f" of the rounds nothing else shared: {len(pss['bare'])} bare, "
                    f"{len(pss['app'])} posture-app)"
                    if any(r.sharers for r in full)
                    else ")"
                )
                + (
                    "; posture-app's child processes counted with it: "
                    + ", ".join(sorted({c.split()[0] for r in full for c in r.children}))
                    if any(r.children for r in full)
                    else "; it had no child processes"
                ),
                f"{median(pss['bare']):.1f}", f"{median(pss['app']):.1f}",
                f"{pss_ratio:.2f}x", f"{PSS_RATIO}x", verdict(v.pss),
            ),
            (
                "(not a target) USS, private memory, at the same moment (median MB)",
                f"{median(uss['bare']):.1f}", f"{median(uss['app']):.1f}",
                f"{median(uss['app']) / median(uss['bare']):.2f}x", "", "",
            ),
            (
                "Context switches a minute while idle (median; worst round)",
                f"{median(wake['bare']):.1f}", f"{median(wake['app']):.1f}",
                f"{median(wake['app']):.1f} (worst {worst_wake:.1f})",
                f"{WAKEUPS_PER_MIN:.0f}", verdict(v.wakeups),
            ),
            (
                "Startup to tray icon (median)",
                fmt_ms(median(start_s["bare"])), fmt_ms(median(start_s["app"])),
                f"{startup_ratio:.2f}x", f"{STARTUP_RATIO}x", verdict(v.startup),
            ),
        ],
        right=1,
    )  # fmt: skip
    out += ["", f"Summary: {v.summary()}.", ""]

    out += ["## All rounds", ""]
    rows = []
    for r in full + startups:
        note = r.error or ("threads changed" if r.threads_changed else "")
        if r.sharers:
            note += f" sharing files at the PSS sample: {', '.join(r.sharers)}"
        rows.append(
            (
                SHORT[r.kind], r.label, fmt_ms(r.startup_s),
                f"{r.pss_mb:.1f}" if r.rollup else "",
                f"{r.rollup.get('Pss_Anon', 0) / 1024:.1f}" if r.rollup else "",
                f"{r.rollup.get('Pss_File', 0) / 1024:.1f}" if r.rollup else "",
                f"{r.uss_mb:.1f}" if r.rollup else "",
                f"{r.rollup.get('Rss', 0) / 1024:.1f}" if r.rollup else "",
                f"{r.per_min:.1f}" if r.idle_s else "",
                f"{r.cpu_per_min:.2f}" if r.idle_s else "",
                f"{r.run_ns / 1e6 * 60 / r.idle_s:.1f}" if r.idle_s else "",
                note.strip(),
            )
        )  # fmt: skip
    out += table(
        ["App", "Run", "Startup to icon", "PSS MB", "of which anon", "file", "USS MB", "RSS MB",
         "ctx switches /min", "CPU s /min (stat)", "CPU ms /min (schedstat)", "Note"],
        rows, right=2,
    )  # fmt: skip
    out += [""]
    for k in KINDS:
        out.append(
            f"- {LABEL[k]}: startup all {', '.join(fmt_ms(s) for s in start_s[k])}; "
            f"min {fmt_ms(min(start_s[k], default=None))}; CPU while idle median "
            f"{median(cpu[k]):.2f} s/min (stat ticks of 1/{CLK_TCK} s), "
            f"{median(run_ms[k]):.1f} ms/min (schedstat)."
        )
    out += ["", "For scale, the issue's figures:", ""]
    out += table(["App", "PSS MB", "context switches /min"], OTHERS)
    out += [""]

    out += threads_section(full)
    out += memory_section(full, res.importcost)
    out += startup_section(res, full + startups)
    out += method_section(opts, res)
    return "\n".join(out) + "\n", v


def threads_section(full: list[Run]) -> list[str]:
    out = ["## Who wakes up while idle", ""]
    out += [
        "Per thread over the quiet minute (context switches a minute, median over rounds), and",
        f"when it ran: the times (s into the minute, sampled every {SAMPLE_S} s) at which its",
        "switch count had grown, from the first full round.",
        "",
    ]
    rows = []
    for kind in KINDS:
        runs = by_kind(full, kind)
        comms: dict[str, list[float]] = {}
        for r in runs:
            per: dict[str, float] = {}
            for t in r.threads.values():
                per[t.comm] = per.get(t.comm, 0) + t.switches * 60 / r.idle_s
            for comm, val in per.items():
                comms.setdefault(comm, []).append(val)
        first = runs[0] if runs else None
        for comm, vals in sorted(comms.items(), key=lambda kv: -median(kv[1])):
            when: list[float] = []
            vol = 0
            cpu_ms = 0.0
            if first is not None:
                for t in first.threads.values():
                    if t.comm == comm:
                        when += t.active_at
                        vol += t.voluntary
                        cpu_ms += t.run_ns / 1e6
            gaps = [b - a for a, b in itertools.pairwise(sorted(set(when)))]
            rows.append(
                (
                    SHORT[kind], f"`{comm}`", f"{median(vals):.1f}",
                    ", ".join(f"{x:.1f}" for x in vals), f"{cpu_ms:.1f}",
                    f"{vol}", ", ".join(f"{x:g}" for x in sorted(set(when))) or "-",
                    f"{median(gaps):.1f}" if gaps else "-",
                )
            )  # fmt: skip
    out += table(
        ["App", "Thread (comm)", "switches /min", "each round", "CPU ms (round 1)",
         "voluntary (round 1)", "active at s (round 1)", "median gap s"],
        rows, right=2,
    )  # fmt: skip
    out += ["", "What each run did in its quiet minute (its own log; windows open at the end):", ""]
    for r in full:
        if r.error or not r.idle_s:
            continue
        end = r.quiet_from_s + r.idle_s
        events = [f"{t:.1f} s {m}" for t, m in r.log_lines if r.quiet_from_s - 1 <= t <= end]
        active = sorted({round(x, 1) for t in r.threads.values() for x in t.active_at})
        out.append(
            f"- {SHORT[r.kind]} {r.label}: {r.quiet_from_s:.1f}-{end:.1f} s after the spawn, "
            f"{r.switches} switches; threads ran at "
            f"{', '.join(f'{r.quiet_from_s + x:.1f}' for x in active) or 'no time'} s; "
            + (f"log: {'; '.join(events)}; " if events else "")
            + f"windows: {', '.join(repr(w) for w in r.windows) or 'none'}."
        )
    return [*out, ""]


def memory_section(full: list[Run], importcost: list[ImportStep]) -> list[str]:
    bare_runs, app_runs = pss_runs(full, "bare"), pss_runs(full, "app")
    if not bare_runs or not app_runs:
        return []

    def mean_by_file(runs: list[Run]) -> dict[str, float]:
        acc: dict[str, float] = {}
        for r in runs:
            for path, kb in r.smaps.items():
                acc[path] = acc.get(path, 0) + kb / len(runs)
        return acc

    bare, app = mean_by_file(bare_runs), mean_by_file(app_runs)
    out = ["## What the app maps that the bare app does not", ""]
    out += [
        "PSS by kind of mapping (mean over the full rounds counted for PSS, MB, from",
        "/proc/PID/smaps at the PSS sample):",
        "",
    ]
    cats: dict[str, list[float]] = {}
    for path in set(bare) | set(app):
        c = cats.setdefault(category(path), [0.0, 0.0])
        c[0] += bare.get(path, 0) / 1024
        c[1] += app.get(path, 0) / 1024
    rows = [
        (name, f"{b:.1f}", f"{a:.1f}", f"{a - b:+.1f}")
        for name, (b, a) in sorted(cats.items(), key=lambda kv: kv[1][0] - kv[1][1])
    ]
    rows.append(
        ("**total**", f"{sum(bare.values()) / 1024:.1f}", f"{sum(app.values()) / 1024:.1f}",
         f"{(sum(app.values()) - sum(bare.values())) / 1024:+.1f}")
    )  # fmt: skip
    out += table(["Kind", "bare MB", "posture-app MB", "difference"], rows)
    out += ["", "Files mapped only by posture-app, largest PSS first:", ""]
    only = sorted(((p, kb) for p, kb in app.items() if p not in bare), key=lambda x: -x[1])
    out += table(
        ["File", "kind", "PSS MB"],
        [(f"`{short_path(p)}`", category(p), f"{kb / 1024:.2f}") for p, kb in only[:20]],
        right=2,
    )
    rest = sum(kb for _p, kb in only[20:]) / 1024
    out += [
        "",
        f"{len(only)} files in all, {sum(kb for _p, kb in only) / 1024:.1f} MB"
        + (f" ({len(only) - 20} more, {rest:.2f} MB, not listed)." if len(only) > 20 else "."),
        "",
        "Mapped by both, largest growth:",
        "",
    ]
    both = sorted(((p, app[p] - bare[p]) for p in app if p in bare), key=lambda x: -abs(x[1]))[:8]
    out += table(
        ["File", "bare MB", "posture-app MB", "difference"],
        [(f"`{short_path(p)}`", f"{bare[p] / 1024:.2f}", f"{app[p] / 1024:.2f}", f"{d / 1024:+.2f}")
         for p, d in both],
    )  # fmt: skip

    def ext(runs: list[Run]) -> set[str]:
        return {
            short_path(p)
            for p in runs[0].smaps
            if p.endswith(".so") or ".so." in Path(p).name
            if "site-packages" in p or "lib-dynload" in p
        }

    ext_bare, ext_app = ext(bare_runs), ext(app_runs)
    bindings = sorted(
        m.group(1) for p in ext_app if (m := re.match(r"^PySide6/(Qt\w+)\.abi3\.so$", p))
    )
    plugins = sorted(short_path(p) for p in app if "/Qt/plugins/" in p and p not in bare)
    out += [
        "",
        f"Extension modules and shared libraries from site-packages / lib-dynload mapped: bare "
        f"{len(ext_bare)}, posture-app {len(ext_app)}. Only in posture-app: "
        + ", ".join(f"`{Path(p).name}`" for p in sorted(ext_app - ext_bare))
        + ".",
        "",
        "PySide6 binding modules loaded by posture-app: " + ", ".join(bindings) + ".",
    ]
    if plugins:
        out += ["", "Qt plugins only posture-app loads: " + ", ".join(f"`{p}`" for p in plugins)]
    out += import_cost_section(importcost, full)
    return [*out, ""]


def import_cost_section(steps: list[ImportStep], full: list[Run]) -> list[str]:
    if not steps:
        return []
    out = [
        "",
        "### What importing costs",
        "",
        "A fresh interpreter (no display, no QApplication, nothing shown) first imports what the",
        "bare app imports, then each module that posture_app code imports directly (and each",
        "posture_app module), in the app's own order (from its `-X importtime` start), and reads",
        "/proc/self/smaps_rollup after each step. A step is charged with everything new it pulls",
        "in (a module already imported by an earlier step is free later). RSS, not PSS, so that",
        "no other process sharing the same files can change the figures. Steps of 0.1 MB or",
        "more, in import order:",
        "",
    ]
    rows: list[tuple[str, ...]] = []
    small = [0, 0, 0, 0]
    for st in steps:
        if abs(st.rss_kb) < 100 and not st.error:
            small[0] += 1
            small[1] += st.new_modules
            small[2] += st.rss_kb
            small[3] += st.anon_kb
            continue
        name = st.step.replace(",", ", ")
        rows.append(
            (
                f"`{name}`" + (f" ({st.error})" if st.error else ""),
                f"`{st.parent}`" if st.parent else "(top)", str(st.new_modules),
                f"{st.rss_kb / 1024:+.2f}", f"{st.anon_kb / 1024:+.2f}",
            )
        )  # fmt: skip
    if rows:
        rows[0] = (rows[0][0], "what bench/bare_tray.py imports", *rows[0][2:])
    rows.append(
        (f"{small[0]} smaller steps", "", str(small[1]), f"{small[2] / 1024:+.2f}",
         f"{small[3] / 1024:+.2f}")
    )  # fmt: skip
    app_only = steps[1:]
    total_rss = sum(st.rss_kb for st in app_only) / 1024
    total_anon = sum(st.anon_kb for st in app_only) / 1024
    out += table(
        ["import", "imported by", "new modules", "RSS MB", "of which anonymous MB"], rows, right=2
    )

    def med(kind: Kind, key: str) -> float:
        return median([r.rollup.get(key, 0) / 1024 for r in by_kind(full, kind)])

    rss = med("app", "Rss") - med("bare", "Rss")
    anon = med("app", "Anonymous") - med("bare", "Anonymous")
    out += [
        "",
        f"Importing what posture-app imports beyond the bare app's three Qt modules adds "
        f"{total_rss:.1f} MB RSS ({total_anon:.1f} MB anonymous) in a bare interpreter; the "
        f"running app's RSS exceeds the bare app's by {rss:.1f} MB ({anon:.1f} MB anonymous, "
        "medians): the imports alone come to "
        f"{total_rss / rss if rss else float('nan'):.0%} of that difference. The two are "
        "measured in different processes (the helper builds no Qt objects and opens no "
        "connections; memory freed after an import is not returned at once), so the share is "
        "rough.",
    ]
    return out


def startup_section(res: Results, starts: list[Run]) -> list[str]:
    imports = res.imports
    out = ["## Where startup time goes", ""]
    out += pyc_lines(res)
    parsed = {r.kind: parse_importtime(r.importtime) for r in imports if r.importtime}
    for r in imports:
        out.append(
            f"- `-X importtime` start of {LABEL[r.kind]}: icon after {fmt_ms(r.startup_s)}"
            + (f" ({r.error})" if r.error else "")
            + f"; {len(parsed.get(r.kind, []))} modules imported."
        )
    app_rows, bare_rows = parsed.get("app", []), parsed.get("bare", [])
    if not app_rows:
        return [*out, ""]
    bare_mods = {row.module for row in bare_rows}
    extra = [row for row in app_rows if row.module not in bare_mods]
    groups: dict[str, int] = {}
    for row in extra:
        groups[group(row.module)] = groups.get(group(row.module), 0) + row.self_us
    out += [
        "",
        f"posture-app imports {len(extra)} modules the bare app does not; their own import time "
        "(self) by group:",
        "",
    ]
    out += table(
        ["group", "modules", "self ms"],
        [
            (g, sum(1 for r in extra if group(r.module) == g), f"{us / 1000:.1f}")
            for g, us in sorted(groups.items(), key=lambda kv: -kv[1])
        ],
    )
    out += ["", "Top cumulative imports of posture-app (importtime inflates a little):", ""]
    top = sorted(app_rows, key=lambda r: -r.cumulative_us)[:18]
    out += table(
        ["module", "imported by", "cumulative ms", "self ms", "bare app imports it too"],
        [
            (f"`{r.module}`", f"`{r.parent}`" if r.parent else "(top)",
             f"{r.cumulative_us / 1000:.1f}", f"{r.self_us / 1000:.1f}",
             "yes" if r.module in bare_mods else "no")
            for r in top
        ],
        right=2,
    )  # fmt: skip
    out += ["", "Slowest modules by own time that the bare app does not import:", ""]
    out += table(
        ["module", "imported by", "self ms"],
        [
            (f"`{r.module}`", f"`{r.parent}`" if r.parent else "(top)", f"{r.self_us / 1000:.1f}")
            for r in sorted(extra, key=lambda r: -r.self_us)[:12]
        ],
        right=2,
    )
    marks: tuple[tuple[str, Callable[[str], bool]], ...] = (
        ("first log line (imports, QApplication, single-instance check done)", lambda m: True),
        ("platform detected", lambda m: m.startswith("idle detection:")),
        ("database opened", lambda m: m.startswith("database")),
        ("scheduler started", lambda m: m.startswith("scheduler started")),
        ("`started at` (tray.show() called)", lambda m: m.startswith("started at")),
    )
    app_starts = [r for r in starts if r.kind == "app" and r.log_lines and r.startup_s]
    if app_starts:
        out += [
            "",
            "Inside a normal start (the app's own log, ms after the spawn; median of "
            f"{len(app_starts)} starts; log stamps have 1 ms resolution):",
            "",
        ]
        rows = []
        for name, pred in marks:
            ts = [next((t for t, m in r.log_lines if pred(m)), None) for r in app_starts]
            vals = [t for t in ts if t is not None]
            if vals:
                rows.append((name, f"{median(vals) * 1000:.0f}"))
        rows.append(
            (
                "icon embedded in the tray",
                f"{median([r.startup_s or 0 for r in app_starts]) * 1000:.0f}",
            )
        )
        out += table(["moment", "ms after spawn"], rows)
    return [*out, ""]


def pyc_lines(res: Results) -> list[str]:
    """Startup with bytecode cached, against the environment as is."""
    out = []
    stale = res.stale
    if stale:
        out += [
            "Stale or missing bytecode in the tree when the run began (compiled again at every "
            "start, as "
            f"PYTHONDONTWRITEBYTECODE=`{os.environ.get('PYTHONDONTWRITEBYTECODE', '')}` keeps "
            f"Python from rewriting it): {', '.join(f'`{s}`' for s in stale)}.",
            "",
        ]
    if not res.pyc:
        return out
    as_is = {
        k: [r.startup_s for r in by_kind(res.full + res.startups, k) if r.startup_s] for k in KINDS
    }
    cached = {k: [r.startup_s for r in by_kind(res.pyc, k) if r.startup_s] for k in KINDS}
    rows = []
    for name, d in (("as is (the targets)", as_is), ("bytecode cached", cached)):
        rows.append(
            (
                name, str(len(d["app"])), fmt_ms(median(d["bare"])), fmt_ms(median(d["app"])),
                f"{median(d['app']) / median(d['bare']):.2f}x",
                ", ".join(fmt_ms(x) for x in d["app"]),
            )
        )  # fmt: skip
    out += [
        "Startup to icon in two set-ups: the environment as is, and with bytecode cached (a "
        "temporary PYTHONPYCACHEPREFIX, PYTHONDONTWRITEBYTECODE unset, one warm-up start of "
        "each app first), as an installed app has its .pyc files:",
        "",
    ]
    out += table(
        ["set-up", "starts each", "bare (median)", "posture-app (median)", "ratio",
         "posture-app, each start"],
        rows, right=1,
    )  # fmt: skip
    return [*out, ""]


def method_section(opts: Options, res: Results) -> list[str]:
    full, startups = res.full, res.startups
    errors = [f"{r.kind} {r.label}: {r.error}" for r in full + startups + res.pyc if r.error]
    stagger = (
        "one after another"
        if opts.stagger is None
        else f"started every {opts.stagger:.0f} s, so a run's quiet minute overlaps the next "
        "run's start (on another X server, bus and tray); PSS is sampled only while the run's "
        "desktop is the only one up (checked, not assumed)"
    )
    pss_at = [r.pss_at_s for r in full if r.pss_at_s is not None]
    polls = [r.polls / r.startup_s for r in full + startups if r.polls and r.startup_s]
    out = [
        "## Method",
        "",
        f"- Runs: {opts.rounds} full round(s) (bare, then posture-app) {stagger}; then "
        f"{opts.extra_startups} startup-only round(s), one after another (the startup figure "
        "pools the full and the startup-only rounds). Before them, one `-X importtime` start "
        "of each app (not counted; it also warms the file cache); after them, "
        f"{opts.pyc_rounds} round(s) with bytecode cached (diagnostic only).",
        "- Each start: a fresh `Xvfb -displayfd` (1280x800x24), `dbus-daemon --session --fork` "
        "(also as DBUS_SYSTEM_BUS_ADDRESS, as tests/e2e), trayer (XEmbed, top right, 240x32), "
        "this environment minus QT_QPA_PLATFORM and WAYLAND_DISPLAY, TMPDIR and a private "
        "XDG_RUNTIME_DIR (as a login session has) in the run's temp dir. posture-app gets a "
        "fresh `--basedir` with `config/state.json` = "
        f"`{STATE_JSON}` (no welcome window) and `config/settings.json` = `{SETTINGS_JSON}` "
        "(the defaults, but no stiffness rating opens a window inside the quiet minute, "
        "whatever the time of day); the database is created and migrated at start. Output "
        "goes to /dev/null, stderr to a file.",
        "- Startup to icon: `time.monotonic()` just before `Popen` to the moment a helper "
        "process (`bench/tray.py _watch`, Xlib through ctypes) sees a new client window inside "
        "one of the trayer panel's sockets (XEmbed reparents the app's icon window there). The "
        f"helper polls with XQueryTree every {POLL_S * 1000:.0f} ms "
        f"(measured {median(polls):.0f} polls/s), so the time is late by up to one poll interval "
        "plus a round trip. It attaches (and waits for `_NET_SYSTEM_TRAY_S0` to be owned) "
        "before the spawn, and exits once the icon is seen.",
        f"- PSS: `Pss` of /proc/PID/smaps_rollup, sampled {median(pss_at):.1f} s after the spawn "
        f"(target {opts.settle:.0f} s; later only while waiting for the other run's app to exit). "
        "PSS divides shared pages between the processes mapping them: trayer shares X, GLib and "
        "font libraries with both apps alike, and the bench itself does not import Qt. Other "
        "processes mapping files that hold 1 MB or more of the app's PSS at the sample are "
        "named in the Note column of *All rounds*"
        + (
            " (there were some: such rounds are left out of the PSS figures when each app "
            "has a round without; USS, which sharing does not change, is shown too)."
            if any(r.sharers for r in full)
            else " (there were none)."
        ),
        f"- Idle: {opts.idle:.0f} s right after the PSS sample, no input at all (Xvfb's idle "
        "time grows from its start, so posture-app sees the user go away about a minute after "
        "the X server started). Context switches: voluntary + nonvoluntary over "
        "/proc/PID/task/*/status, end minus start (a thread that exits inside the minute would "
        "be lost: flagged as `threads changed`). CPU: utime + stime from /proc/PID/stat "
        f"(clock ticks of {1000 / CLK_TCK:.0f} ms, whole process) and the sum of "
        "/proc/PID/task/*/schedstat run time (ns).",
        "- Pass/fail: ratios of medians for PSS and startup; the median of the rounds for "
        "wakeups (the worst round is shown too).",
    ]
    if errors:
        out += ["- Failed runs (left out of the figures): " + "; ".join(errors)]
    return [*out, ""]


def write_summary(v: Verdicts, output: Path) -> None:
    """Append (or replace) the short section at the end of bench/RESULTS.md."""
    rel = output.relative_to(BENCH) if output.is_relative_to(BENCH) else output
    section = (
        f"{SUMMARY_HEADING}\n\n"
        f"Figures and method in [{rel}]({rel}) (`.venv/bin/python bench/tray.py`). "
        f"{v.summary()}.\n"
    )
    text = SUMMARY_FILE.read_text() if SUMMARY_FILE.exists() else ""
    start = text.find(f"\n{SUMMARY_HEADING}\n")
    if start >= 0:
        end = text.find("\n## ", start + len(SUMMARY_HEADING) + 1)
        rest = text[end + 1 :] if end >= 0 else ""
        text = text[: start + 1] + section + ("\n" + rest if rest else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    SUMMARY_FILE.write_text(text)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["_watch"]:
        return watch(args_list[1], float(args_list[2]))
    p = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    p.add_argument("--rounds", type=int, default=3, help="full rounds (default 3)")
    p.add_argument("--settle", type=float, default=30, help="s from spawn to the PSS sample")
    p.add_argument("--idle", type=float, default=60, help="s of idle measured after it")
    p.add_argument("--stagger", type=float, default=65, help="s between full-run starts")
    p.add_argument("--sequential", action="store_true", help="no overlap between full runs")
    p.add_argument("--extra-startups", type=int, default=10, help="startup-only rounds (10)")
    p.add_argument("--pyc-rounds", type=int, default=3, help="startups with bytecode cached")
    p.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    a = p.parse_args(args_list)
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        print(f"tray bench needs {', '.join(missing)}", file=sys.stderr)
        return 2
    # Overlap only a run's quiet minute with the next one's start: never three at once.
    min_stagger = max(a.settle + 3, a.idle + 3, (a.settle + a.idle) / 2 + 3)
    if not a.sequential and a.stagger < min_stagger:
        print(f"--stagger must be at least {min_stagger:.0f} s here", file=sys.stderr)
        return 2
    opts = Options(
        rounds=a.rounds, settle=a.settle, idle=a.idle,
        stagger=None if a.sequential else a.stagger,
        extra_startups=a.extra_startups, pyc_rounds=a.pyc_rounds, output=a.output.resolve(),
    )  # fmt: skip
    started = time.monotonic()
    info = machine_info()
    results = run_all(opts)
    end = commit_id()
    if end != dict(info)["Commit"]:
        info.append(("Commit at end (changed during the run!)", end))
    text, verdicts = report(opts, info, results, time.monotonic() - started)
    opts.output.write_text(text)
    if opts.output == DEFAULT_OUTPUT:
        write_summary(verdicts, opts.output)
    print(text)
    log(f"wrote {opts.output}: {verdicts.summary()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
