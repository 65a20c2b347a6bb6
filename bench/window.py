"""The app window with five years of data: how fast it opens and switches weeks, and what opening
and closing it leaves in the tray app's memory. Side by side with a bare PySide6 window.

Run from the repository root (about 2 minutes; never from pytest):

    .venv/bin/python bench/window.py
    .venv/bin/python bench/window.py --basedir /tmp/pa-5y     # keep the data for the next run
    .venv/bin/python bench/window.py --runs 3 --output /tmp/window.md     # a quick try

Writes bench/RESULTS-window.md (or --output). Needs Xvfb, trayer, dbus-daemon and xdotool; each
part gets its own X server (`Xvfb -displayfd`), session bus and tray, set up as bench/tray.py
does (its Desktop class), so it can run beside other X servers.

The data: `bench/make_dataset.py --weeks 260` (five years of workdays up to now, seed 1), built
once into a temporary folder, or into --basedir if that has no database yet (else reused).

  (a) Opening the window. `python -m posture_app.ui.window --basedir DATA --quit-after-show`
      prints the milliseconds from its process start (the kernel's start time) to the window's
      first paint; bench/bare_window.py prints the same for a bare QMainWindow with a label.
      --runs of each, alternated, after a warm-up of each; twice: "as is" (this shell's
      environment, which may set PYTHONDONTWRITEBYTECODE, so the app is compiled from source
      at every start) and "pyc cached" (bytecode kept in a temporary PYTHONPYCACHEPREFIX, as an
      installed app has it). Then in-process: a helper (`bench/window.py _inprocess`) imports
      Qt and every window module, makes the QApplication, and times the settings and store
      being opened, and MainWindow's construction, show() and first paint (the same first-paint
      hook as --quit-after-show), for several windows one after another.
  (a2) Opening the window with its process running, as the tray app has it when its menu has
      opened or the window was closed less than 5 minutes ago: --ready processes started with
      `--hidden --print-paints`, each asked through its instance socket (as the tray asks) to
      show the window, then closed with Ctrl+W and asked again --reopens times; the request to
      the first paint, both on CLOCK_MONOTONIC.
  (b) Switching weeks. In the same helper, on the last window: --switches steps (half back with
      previous_week(), half forward with next_week()), each timed from the call through
      processEvents(), a synchronous repaint() of the whole window and processEvents() again.
      On "This week" (the target: the median of the steps back, each to a week the window has
      not read yet, and the worst of all), then on Trends and Insights for information.
  (c) The tray's memory. The real app, `main.py --basedir COPY` (a copy of the data, with a
      state.json saying the user was welcomed: no welcome window) on its own desktop; once its
      tray icon is embedded (bench/tray.py's watcher) and --settle seconds have passed, its PSS
      (/proc/PID/smaps_rollup) is read three times, a second apart. (Its settings turn the
      stiffness prompts off: in the evening one would open a prompt window during the
      measurement; the other prompts are 20 minutes or more away.) Then a second
      `main.py --basedir COPY` is started, as a user starting the app again would: the running
      app opens its window (`python -m posture_app.ui.window` as a process of its own, or, in an
      app without that, its in-process status window). Once the window is up and has settled,
      it is focused and sent Ctrl+W with xdotool (as a user closing it); --after seconds after
      its process has gone (it stays BENCH_LINGER_S, through $POSTURE_APP_WINDOW_LINGER, where
      a user's stays 5 minutes), PSS is read three times again. That is done --cycles times
      (a window kept alive, or a leak per opening, would grow with each); the target compares
      before with after the last cycle. PSS splits shared pages among the processes mapping
      them, so another Python/Qt process on the machine lowers it: RSS and anonymous
      memory, which other processes do not move, are shown as a cross-check, and the other
      processes sharing its files are listed.
      After the cycles, --clicks cold clicks on the tray icon (xdotool), each once the last
      window's process has gone: the click to the window's first paint, which the window
      prints (`--print-paints`; the tray passes that on when $POSTURE_APP_WINDOW_OUTPUT names a
      file).
  (d) The "Keep the app window ready" setting: the tray app forks a server before Qt starts,
      which forks the window's processes (posture_app/ui/forkserver.py). The real app on a copy
      of the data with the setting on, on its own desktop: --settle seconds after its start,
      its PSS and its server's are read three times, then the server's context switches over
      --idle seconds. The cost is the two together against the tray alone in (c). Then the
      same --clicks cold clicks as in (c), and which process showed a last click's window.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
sys.path[:0] = [str(REPO), str(BENCH)]

from tray import (  # noqa: E402 - bench/tray.py: the desktop, /proc readers, machine table
    STATE_JSON,
    Desktop,
    RollupMB,
    calibration_at_end,
    children_of,
    commit_id,
    desktop,
    foreign_sharers,
    log,
    machine_info,
    read_counters,
    read_rollup,
    read_smaps_by_file,
    stop_process,
    table,
)

DEFAULT_OUTPUT = BENCH / "RESULTS-window.md"
TOOLS = ("Xvfb", "trayer", "dbus-daemon", "xdotool")
WINDOW_MODULE = "posture_app.ui.window"
#: The names the fork server and the windows it forks go by (posture_app/ui/forkserver.py), and
#: where the tray has its windows print their paints (posture_app/ui/app.py).
SERVER_NAME = "posture-forks"
WINDOW_NAME = "posture-window"
WINDOW_OUTPUT_ENV = "POSTURE_APP_WINDOW_OUTPUT"
DATA_WEEKS = 260
#: Settings for the tray during (c): the stiffness prompts off, so no prompt window (and the
#: libraries it loads) turns up while memory is measured; the other prompts come after 20
#: minutes or more of sitting, longer than the measurement. Everything else is the default.
QUIET_SETTINGS = '{"version": 1, "stiffness_morning": false, "stiffness_evening": false}'
#: Seconds between the steps of (a2): a window's process getting ready, the click, closing.
READY_WAIT_S = 1.0
#: How long the window's process stays after the window closes, during (c) (300 s in use:
#: (c) reads the tray's memory after the process has gone, as it is 5 minutes after a close).
BENCH_LINGER_S = 3
#: Settings for (d): as QUIET_SETTINGS, with the window kept ready all day.
READY_SETTINGS = (
    '{"version": 1, "stiffness_morning": false, "stiffness_evening": false, "window_ready": true}'
)
#: Targets from the issue.
OPEN_MS = 300.0
SWITCH_MS = 50.0
MEMORY_MB = 5.0


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def verdict(ok: bool) -> str:
    return "**PASS**" if ok else "**FAIL**"


def ms(values: Sequence[float]) -> str:
    return ", ".join(f"{v:.0f}" for v in values)


# --- (a, b) in-process: the helper ------------------------------------------------------------


def inprocess(basedir: Path, opens: int, switches: int) -> dict[str, Any]:
    """Time window opens and week switches in this process; the figures as a dict."""
    t0 = time.perf_counter()
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    t_qt = time.perf_counter()
    from posture_app.core.clock import SystemClock
    from posture_app.core.settings import load_settings
    from posture_app.core.store import Store
    from posture_app.paths import resolve_paths
    from posture_app.ui import freeze_startup_objects
    from posture_app.ui.window import (  # noqa: F401 - imported so no open pays for it
        charts,
        history_view,
        insights_view,
        trends_view,
        week_view,
    )
    from posture_app.ui.window.__main__ import after_first_paint
    from posture_app.ui.window.main_window import MainWindow, Tab

    t_imported = time.perf_counter()
    app = QApplication(["posture-app"])
    app.setApplicationName("posture-app")
    t_app = time.perf_counter()

    def wait_first_paint(window: QWidget) -> None:
        """Run events until the window's first paint pass is over (as --quit-after-show)."""
        loop = QEventLoop()
        painted: list[bool] = []
        hook = after_first_paint(app, window, lambda: (painted.append(True), loop.quit()))
        QTimer.singleShot(20_000, loop.quit)  # never hang the bench
        loop.exec()
        window.removeEventFilter(hook)
        hook.deleteLater()
        if not painted:
            raise RuntimeError("the window never painted")

    paths = resolve_paths(str(basedir))
    clock = SystemClock()
    open_ms: list[float] = []
    open_cpu_ms: list[float] = []
    store_ms: list[float] = []
    window: MainWindow | None = None
    store: Store | None = None
    for i in range(opens):
        if window is not None and store is not None:
            window.close()
            window.deleteLater()
            store.close()
            for _ in range(5):
                app.processEvents()
        t = time.perf_counter()
        settings, _warnings = load_settings(paths.settings_file, now=clock.now())
        store = Store.open(paths.database_file, now=clock.now(), check=False)
        t_store, cpu = time.perf_counter(), time.process_time()
        window = MainWindow(store, settings, clock, paths)
        window.show()
        wait_first_paint(window)
        open_ms.append((time.perf_counter() - t_store) * 1000)
        open_cpu_ms.append((time.process_time() - cpu) * 1000)
        store_ms.append((t_store - t) * 1000)
        del i
    assert window is not None

    freeze_startup_objects()  # as the window process does a second after it opens

    def switch(n: int) -> dict[str, list[float]]:
        """Wall and CPU milliseconds of n week switches: n // 2 back (each to a week the window
        has not read yet), then the rest forward (to weeks it keeps)."""
        assert window is not None
        wall, cpu = [], []
        for k in range(n):
            step = window.previous_week if k < n // 2 else window.next_week
            t, c = time.perf_counter(), time.process_time()
            step()
            app.processEvents()
            window.repaint()
            app.processEvents()
            wall.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        return {"wall": wall, "cpu": cpu}

    out: dict[str, Any] = {
        "qt_imports_ms": (t_qt - t0) * 1000,
        "app_imports_ms": (t_imported - t_qt) * 1000,
        "qapplication_ms": (t_app - t_imported) * 1000,
        "open_ms": open_ms,
        "open_cpu_ms": open_cpu_ms,
        "store_ms": store_ms,
        "week_at_start": str(window.week),
    }
    out["switch"] = {}
    out["tab_ms"] = {}
    for tab in (Tab.WEEK, Tab.TRENDS, Tab.INSIGHTS):
        window.refresh()  # drops the weeks kept: no tab steps into weeks another one read
        app.processEvents()
        t = time.perf_counter()
        window.show_tab(tab)
        app.processEvents()
        window.repaint()
        app.processEvents()
        out["tab_ms"][tab.key] = (time.perf_counter() - t) * 1000
        out["switch"][tab.key] = switch(switches if tab is Tab.WEEK else max(2, switches // 2))
    out["week_at_end"] = str(window.week)
    window.close()
    assert store is not None
    store.close()
    return out


def backs(values: list[float]) -> list[float]:
    """The steps back of one tab's switches (the first half: see `switch` in `inprocess`)."""
    return values[: len(values) // 2]


def forwards(values: list[float]) -> list[float]:
    """The steps forward of one tab's switches (the second half)."""
    return values[len(values) // 2 :]


# --- (a) process start to first paint ---------------------------------------------------------


@dataclass
class Starts:
    """Process start to first paint, in ms, per kind ("window", "bare")."""

    variant: str
    ms: dict[str, list[float]] = field(default_factory=lambda: {"window": [], "bare": []})
    warmup: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def start_command(kind: str, basedir: Path) -> list[str]:
    if kind == "bare":
        return [sys.executable, str(BENCH / "bare_window.py")]
    return [sys.executable, "-m", WINDOW_MODULE, "--basedir", str(basedir), "--quit-after-show"]


def one_start(d: Desktop, kind: str, basedir: Path, env: dict[str, str]) -> float:
    """Start one window process; the milliseconds it printed."""
    done = subprocess.run(
        start_command(kind, basedir), env=env, cwd=REPO, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    lines = done.stdout.split()
    if done.returncode != 0 or not lines or not lines[-1].isdigit():
        raise RuntimeError(f"{kind}: exit {done.returncode}: {done.stderr.strip()[-300:]}")
    return float(lines[-1])


def starts(d: Desktop, basedir: Path, runs: int, variant: str, env: dict[str, str]) -> Starts:
    res = Starts(variant)
    for kind in ("bare", "window"):
        try:
            res.warmup[kind] = one_start(d, kind, basedir, env)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            res.errors.append(f"warm-up {exc}")
    for r in range(runs):
        for kind in ("bare", "window") if r % 2 == 0 else ("window", "bare"):
            try:
                res.ms[kind].append(one_start(d, kind, basedir, env))
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                res.errors.append(str(exc))
    log(
        f"{variant}: window {ms(res.ms['window'])} ms; bare {ms(res.ms['bare'])} ms"
        + (f"; errors: {res.errors}" if res.errors else "")
    )
    return res


def env_variant(d: Desktop, variant: str, cache: Path) -> dict[str, str]:
    env = dict(d.env)
    if variant == "pyc cached":
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


@dataclass
class ReadyOpens:
    """The tray's request to the window's first paint, in ms, with the window's process running."""

    #: Each process's first show: started --hidden (as the tray's menu does), then asked.
    first: list[float] = field(default_factory=list)
    #: Shows after the window was closed (Ctrl+W), while its process lingers.
    again: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def expect(proc: subprocess.Popen[str], word: str, timeout: float = 60) -> float:
    """Wait for the window's line `word T` (--print-paints); T, on CLOCK_MONOTONIC."""
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    line = proc.stdout.readline().split() if ready else []
    if len(line) != 2 or line[0] != word:
        raise RuntimeError(f"expected {word!r} from the window, got {' '.join(line)!r}")
    return float(line[1])


def ask_window(socket_path: str) -> float:
    """Ask the window's process to show the window, as the tray app does; when (monotonic)."""
    t = time.clock_gettime(time.CLOCK_MONOTONIC)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(socket_path)
        sock.sendall(b"show\n")
    return t


def ready_opens(
    d: Desktop, basedir: Path, env: dict[str, str], processes: int, reopens: int
) -> ReadyOpens:
    """Open windows whose process runs: each started --hidden, asked, closed and asked again."""
    from posture_app.paths import resolve_paths
    from posture_app.ui.instance import instance_name

    res = ReadyOpens()
    data_dir = resolve_paths(str(basedir)).data_dir
    socket_path = instance_name(data_dir / "window", env.get("XDG_RUNTIME_DIR"))
    for _n in range(processes):
        proc = subprocess.Popen(
            [
                sys.executable, "-m", WINDOW_MODULE, "--basedir", str(basedir), "--hidden",
                "--print-paints", "--linger", "600",
            ],
            env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            expect(proc, "ready")
            time.sleep(READY_WAIT_S)  # the menu is open; then a click on "Open posture-app"
            asked = ask_window(socket_path)
            res.first.append((expect(proc, "shown", 20) - asked) * 1000)
            for _i in range(reopens):
                time.sleep(READY_WAIT_S)
                wids = [w for w, name in visible_windows(d) if name.endswith("posture-app")]
                if not wids:
                    raise RuntimeError("the shown window is not on the screen")
                close_window(d, wids[0], proc.pid)
                expect(proc, "closed", 20)
                time.sleep(READY_WAIT_S)
                asked = ask_window(socket_path)
                res.again.append((expect(proc, "shown", 20) - asked) * 1000)
        except (RuntimeError, OSError) as exc:
            said = proc.stderr.read()[-300:] if proc.stderr and proc.poll() is not None else ""
            res.errors.append(f"{exc}; {said}".rstrip("; "))
        finally:
            stop_process(proc)
    log(f"ready process: first shows {ms(res.first)} ms; again {ms(res.again)} ms {res.errors}")
    return res


def inprocess_runs(
    d: Desktop, basedir: Path, runs: int, opens: int, switches: int
) -> list[dict[str, Any]]:
    out = []
    for r in range(runs):
        done = subprocess.run(
            [sys.executable, __file__, "_inprocess", str(basedir), str(opens), str(switches)],
            env=d.env, cwd=REPO, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        try:
            result = json.loads(done.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            raise RuntimeError(f"in-process helper failed: {done.stderr[-500:]}") from None
        out.append(result)
        log(
            f"in-process {r + 1}: opens {ms(result['open_ms'])} ms; week switches median "
            f"{median(result['switch']['week']['wall']):.1f} ms, "
            f"worst {max(result['switch']['week']['wall']):.1f} ms"
        )
    return out


# --- (c) the tray's memory --------------------------------------------------------------------


@dataclass
class Sample(RollupMB):
    at_s: float
    rollup: dict[str, int]


@dataclass
class TrayMemory:
    before: list[Sample] = field(default_factory=list)
    #: The tray's memory with the window open, one sample per cycle.
    during: list[Sample] = field(default_factory=list)
    #: Three samples after each cycle's window has closed.
    cycles: list[list[Sample]] = field(default_factory=list)
    window_kind: str = ""  # "process" or "in-process status window" or ""
    window_name: str = ""
    window_pid: int | None = None
    window_rollup: dict[str, int] = field(default_factory=dict)
    second_launch_exit: int | None = None
    to_visible_s: list[float] = field(default_factory=list)
    closed_by: str = ""
    gone_after_s: float | None = None
    sharers_before: list[str] = field(default_factory=list)
    sharers_after: list[str] = field(default_factory=list)
    log_lines: list[str] = field(default_factory=list)
    #: A click on the icon with no window process running: to the first paint, ms.
    cold_ms: list[float] = field(default_factory=list)
    error: str = ""

    @property
    def after(self) -> list[Sample]:
        """The samples after the last window closed."""
        return self.cycles[-1] if self.cycles else []

    @property
    def before_pss(self) -> float:
        return median([s.pss_mb for s in self.before])

    @property
    def after_pss(self) -> float:
        return median([s.pss_mb for s in self.after])

    def change(self, what: str) -> tuple[float, float]:
        """Median before and after of a Sample property (pss_mb, rss_mb, anon_mb, uss_mb)."""
        return (
            median([getattr(s, what) for s in self.before]),
            median([getattr(s, what) for s in self.after]),
        )


def samples(pid: int, t0: float, n: int = 3) -> list[Sample]:
    out = []
    for i in range(n):
        if i:
            time.sleep(1.0)
        out.append(Sample(time.monotonic() - t0, read_rollup(pid)))
    return out


def visible_windows(d: Desktop, pattern: str = "posture-app") -> list[tuple[str, str]]:
    """(window id, name) of the visible windows whose name matches."""
    ids = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", pattern],
        env=d.env, capture_output=True, text=True, timeout=20,
    ).stdout.split()  # fmt: skip
    out = []
    for wid in ids:
        name = subprocess.run(
            ["xdotool", "getwindowname", wid], env=d.env, capture_output=True, text=True,
            timeout=20,
        ).stdout.strip()  # fmt: skip
        out.append((wid, name))
    return out


def window_process(basedir: Path) -> int | None:
    """The pid of the window's process on BASEDIR, if it runs: `python -m posture_app.ui.window
    --basedir BASEDIR`, or one forked by the tray's fork server (named WINDOW_NAME; its command
    line is the tray's, `main.py --basedir BASEDIR`)."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            args = proc.joinpath("cmdline").read_bytes().split(b"\0")
            state = proc.joinpath("stat").read_text().rsplit(")", 1)[1].split()[0]
            comm = proc.joinpath("comm").read_text().strip()
        except OSError:
            continue
        window = WINDOW_MODULE.encode() in args or comm == WINDOW_NAME
        if state != "Z" and window and str(basedir).encode() in args:
            return int(proc.name)
    return None


def child_named(parent: int, name: str) -> int | None:
    """The pid of `parent`'s running child named `name` (/proc/PID/comm), if there is one."""
    return next((pid for pid, comm in children_of(parent) if comm == name), None)


def shown_after(path: Path, t: float) -> float | None:
    """The first "shown T" line in a --print-paints file with T after t (CLOCK_MONOTONIC)."""
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        word, _, when = line.partition(" ")
        if word == "shown" and float(when) > t:
            return float(when)
    return None


def cold_clicks(run: TrayRun, paints: Path, clicks: int) -> tuple[list[float], str]:
    """Click the tray icon with no window process running, as a user does first thing: the
    milliseconds from the click to the window's first paint, each time; then close it and wait
    until its process has gone. Returns the times and an error ("" if none)."""
    d, base = run.d, run.base
    times: list[float] = []
    for _n in range(clicks):
        deadline = time.monotonic() + BENCH_LINGER_S + 30
        while window_process(base) is not None and time.monotonic() < deadline:
            time.sleep(0.1)
        if window_process(base) is not None:
            return times, "a window process was still running before a click"
        time.sleep(READY_WAIT_S)
        clicked = time.clock_gettime(time.CLOCK_MONOTONIC)
        subprocess.run(
            ["xdotool", "mousemove", "--window", str(run.icon_id), "8", "8", "click", "1"],
            env=d.env, timeout=20, check=True,
        )  # fmt: skip
        shown = None
        while shown is None and time.clock_gettime(time.CLOCK_MONOTONIC) < clicked + 30:
            shown = shown_after(paints, clicked)
            if shown is None:
                time.sleep(0.02)
        if shown is None:
            return times, f"no window painted after a click on the icon: {d.tail('app.err')}"
        times.append((shown - clicked) * 1000)
        time.sleep(READY_WAIT_S)
        wids = [w for w, name in visible_windows(d) if int(w) != run.icon_id]
        if not wids:
            return times, "the window painted but is not on the screen"
        close_window(d, wids[0], window_process(base))
    log(f"cold clicks: {ms(times)} ms")
    return times, ""


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@dataclass
class TrayRun:
    """The real tray app, started on its own desktop by running_tray()."""

    d: Desktop
    base: Path
    proc: subprocess.Popen[bytes]
    watcher: subprocess.Popen[str]
    icon_id: int
    t0: float  # monotonic, just before the spawn
    #: The app's log, last lines, read once it has been stopped.
    log_lines: list[str] = field(default_factory=list)


@contextmanager
def running_tray(
    data: Path, name: str, settings_json: str, env: dict[str, str | None] | None = None
) -> Iterator[TrayRun]:
    """`main.py --basedir COPY` on a desktop of its own, with a copy of the data set, a
    state.json saying the user was welcomed and these settings, until its icon is embedded;
    stopped (and its log read) when the block ends. RuntimeError if the tray or icon fails."""
    with desktop(name, env or {}) as d:
        base = d.workdir / "base"
        shutil.copytree(data / "data", base / "data")
        (base / "config").mkdir(parents=True)
        (base / "config" / "state.json").write_text(STATE_JSON)
        (base / "config" / "settings.json").write_text(settings_json)
        watcher = subprocess.Popen(
            [sys.executable, str(BENCH / "tray.py"), "_watch", d.display, "60"],
            stdout=subprocess.PIPE, text=True, env=d.env,
        )  # fmt: skip
        err = (d.workdir / "app.err").open("wb")
        proc: subprocess.Popen[bytes] | None = None
        run: TrayRun | None = None
        try:
            assert watcher.stdout is not None
            ready = watcher.stdout.readline().strip()
            if not ready.startswith("ready"):
                raise RuntimeError(f"tray not ready ({ready}): {d.tail('trayer.log')}")
            t0 = time.monotonic()
            proc = subprocess.Popen(
                [sys.executable, str(REPO / "main.py"), "--basedir", str(base)],
                env=d.env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=err,
            )  # fmt: skip
            icon = watcher.stdout.readline().split()
            if not icon or icon[0] != "icon":
                raise RuntimeError(f"no tray icon ({' '.join(icon)}): {d.tail('app.err')}")
            run = TrayRun(d, base, proc, watcher, int(icon[2], 16), t0)
            yield run
        finally:
            if proc is not None:
                stop_process(proc)
            stop_process(watcher)
            err.close()
            if run is not None:
                with suppress(OSError):
                    text = (base / "logs" / "posture-app.log").read_text(errors="replace")
                    run.log_lines = text.splitlines()[-12:]


def bench_env(paints: Path) -> dict[str, str | None]:
    """The tray app's environment in (c) and (d). The closed window's process stays
    BENCH_LINGER_S, not 5 minutes (the tray passes its environment on), so that each cycle
    reads the tray's memory after it has gone; the window prints its paints into `paints`."""
    return {"POSTURE_APP_WINDOW_LINGER": str(BENCH_LINGER_S), WINDOW_OUTPUT_ENV: str(paints)}


def tray_memory(
    data: Path, settle: float, window_settle: float, after: float, cycles: int, clicks: int
) -> TrayMemory:
    res = TrayMemory()
    run: TrayRun | None = None
    paints = Path(tempfile.mkdtemp(prefix="window-paints-")) / "paints.txt"
    try:
        with running_tray(data, "window", QUIET_SETTINGS, bench_env(paints)) as run:
            try:
                d, proc, t0 = run.d, run.proc, run.t0
                while time.monotonic() < t0 + settle:
                    time.sleep(0.2)
                res.before = samples(proc.pid, t0)
                own = {os.getpid(), proc.pid, run.watcher.pid, *d.pids}
                res.sharers_before = foreign_sharers(read_smaps_by_file(proc.pid), own)

                for cycle in range(1, cycles + 1):
                    log(f"cycle {cycle}: a second launch asks the running app for its window")
                    open_and_close(res, d, proc, run.base, run.icon_id, t0, window_settle, after)
                res.sharers_after = foreign_sharers(read_smaps_by_file(proc.pid), own)
                log("cold clicks on the icon, the setting off")
                res.cold_ms, error = cold_clicks(run, paints, clicks)
                if error:
                    raise RuntimeError(error)
            finally:
                if res.window_pid and alive(res.window_pid):
                    with suppress(ProcessLookupError):
                        os.kill(res.window_pid, 15)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        res.error = str(exc) or type(exc).__name__
    if run is not None:
        res.log_lines = run.log_lines
    return res


def open_and_close(
    res: TrayMemory,
    d: Desktop,
    proc: subprocess.Popen[bytes],
    base: Path,
    icon_id: int,
    t0: float,
    window_settle: float,
    after: float,
) -> None:
    """One cycle: a second launch opens the window, it is closed, the tray's memory is read."""
    t_open = time.monotonic()
    second = subprocess.run(
        [sys.executable, str(REPO / "main.py"), "--basedir", str(base)],
        env=d.env, cwd=REPO, capture_output=True, timeout=60,
    )  # fmt: skip
    res.second_launch_exit = second.returncode
    found: tuple[str, str] | None = None
    while found is None and time.monotonic() < t_open + 30:
        for wid, name in visible_windows(d):
            if int(wid) != icon_id:
                found = (wid, name)
                res.to_visible_s.append(time.monotonic() - t_open)
                break
        else:
            time.sleep(0.05)
    if found is None:
        raise RuntimeError("no window opened after the second launch")
    res.window_name = found[1]
    res.window_pid = window_process(base)
    res.window_kind = "process" if res.window_pid else "in-process status window"
    time.sleep(window_settle)
    res.during.append(Sample(time.monotonic() - t0, read_rollup(proc.pid)))
    if res.window_pid:
        res.window_rollup = read_rollup(res.window_pid)

    res.closed_by = close_window(d, found[0], res.window_pid)
    t_closed = time.monotonic()
    if res.window_pid:
        while alive(res.window_pid) and time.monotonic() < t_closed + BENCH_LINGER_S + 15:
            time.sleep(0.05)
        if alive(res.window_pid):
            os.kill(res.window_pid, 15)
            res.closed_by += "; it did not exit: SIGTERM"
            time.sleep(2)
    res.gone_after_s = time.monotonic() - t_closed
    time.sleep(after)
    if proc.poll() is not None:
        raise RuntimeError(f"the tray app exited ({proc.returncode}): {d.tail('app.err')}")
    res.cycles.append(samples(proc.pid, t0))


def close_window(d: Desktop, wid: str, window_pid: int | None) -> str:
    """Focus the window and press Ctrl+W (Escape too for a status window); how it went."""
    how = "focused, Ctrl+W (xdotool)"
    subprocess.run(["xdotool", "windowfocus", wid], env=d.env, timeout=20, check=False)
    time.sleep(0.3)
    subprocess.run(["xdotool", "key", "--clearmodifiers", "ctrl+w"], env=d.env, timeout=20)
    if window_pid:
        return how
    time.sleep(1.0)
    if any(w == wid for w, _ in visible_windows(d)):
        subprocess.run(["xdotool", "key", "Escape"], env=d.env, timeout=20)
        how += "; still open: Escape"
        time.sleep(1.0)
    if any(w == wid for w, _ in visible_windows(d)):
        subprocess.run(["xdotool", "windowunmap", wid], env=d.env, timeout=20)
        how += "; still open: unmapped with xdotool (not a real close)"
    return how


@dataclass
class KeptReady:
    """(d) The "Keep the window ready" setting: what the fork server holds, how fast a cold
    click opens the window with it."""

    tray: list[Sample] = field(default_factory=list)
    server: list[Sample] = field(default_factory=list)
    server_pid: int | None = None
    idle_s: float = 0.0
    idle_switches: int | None = None
    cold_ms: list[float] = field(default_factory=list)
    forked: str = ""  # what the window's process was: forked by the server, or not
    error: str = ""

    def pss(self, which: str) -> float:
        return median([s.pss_mb for s in getattr(self, which)])

    def anon(self, which: str) -> float:
        return median([s.anon_mb for s in getattr(self, which)])

    def private(self, which: str) -> float:
        return median([s.uss_mb for s in getattr(self, which)])


def kept_ready(data: Path, settle: float, idle: float, clicks: int) -> KeptReady:
    """The tray app with the setting on: its memory and its fork server's, the server's
    wake-ups while idle, then cold clicks on the icon (windows forked by the server)."""
    res = KeptReady()
    paints = Path(tempfile.mkdtemp(prefix="window-paints-")) / "paints.txt"
    try:
        with running_tray(data, "ready", READY_SETTINGS, bench_env(paints)) as run:
            d, t0 = run.d, run.t0
            res.server_pid = child_named(run.proc.pid, SERVER_NAME)
            if res.server_pid is None:
                raise RuntimeError(f"no fork server: {d.tail('app.err')}")
            while time.monotonic() < t0 + settle:
                time.sleep(0.2)
            res.tray = samples(run.proc.pid, t0)
            res.server = samples(res.server_pid, t0)
            before = read_counters(res.server_pid)
            time.sleep(idle)
            after = read_counters(res.server_pid)
            res.idle_s = after.t - before.t
            res.idle_switches = after.switches - before.switches
            log("cold clicks on the icon, the setting on")
            res.cold_ms, res.error = cold_clicks(run, paints, clicks)
            # One more open, to see where its process came from.
            subprocess.run(
                ["xdotool", "mousemove", "--window", str(run.icon_id), "8", "8", "click", "1"],
                env=d.env, timeout=20, check=True,
            )  # fmt: skip
            t_open = time.monotonic()
            while not res.forked and time.monotonic() < t_open + 30:
                pid = window_process(run.base)
                if pid is not None:
                    parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
                    res.forked = (
                        "forked by the server" if parent == res.server_pid
                        else f"not forked by the server (parent {parent})"
                    )  # fmt: skip
                time.sleep(0.05)
    except (RuntimeError, OSError, ValueError, subprocess.SubprocessError) as exc:
        res.error = str(exc) or type(exc).__name__
    return res


def kept_report(kept: KeptReady, mem: TrayMemory, opts: Options) -> list[str]:
    """(d): what the setting costs, against the tray alone in (c), and what it buys."""
    out = ["## (d) The window kept ready (the setting): the fork server", ""]
    if kept.error:
        out += [f"**Error:** {kept.error}", ""]
    if not kept.tray or not kept.server:
        return out
    rows = []
    for label, samples_ in (("tray app", kept.tray), ("fork server", kept.server)):
        for s in samples_:
            rows.append(
                (
                    label, f"{s.at_s:.0f}", f"{s.pss_mb:.1f}", f"{s.rss_mb:.1f}",
                    f"{s.anon_mb:.1f}", f"{s.uss_mb:.1f}",
                )
            )  # fmt: skip
    out += table(
        ["Process", "s after start", "PSS MB", "RSS MB", "anonymous MB", "private MB"], rows
    )
    together = kept.pss("tray") + kept.pss("server")
    alone = mem.before_pss if mem.before else float("nan")
    per_min = (
        kept.idle_switches * 60 / kept.idle_s if kept.idle_switches is not None and kept.idle_s
        else float("nan")
    )  # fmt: skip
    out += [
        "",
        "- With the setting on, the tray app forks its server before it makes its "
        f"QApplication; memory read {opts.settle:g} s after the start.",
        f"- **What it costs:** the tray app and its server together hold {together:.1f} MB "
        f"PSS, against {alone:.1f} MB for the tray app alone in (c): "
        f"**{together - alone:+.1f} MB** all day. The server's private memory (pages the tray "
        f"has written to since the fork, which the server holds as they were) is "
        f"{kept.private('server'):.1f} MB; the rest of its PSS is its share of what it still "
        f"shares with the tray (the tray's own PSS drops to {kept.pss('tray'):.1f} MB).",
        f"- While it waits: {kept.idle_switches} context switches in {kept.idle_s:.0f} s "
        f"({per_min:.1f} a minute, nothing asked).",
        f"- **What it buys:** a click on the icon with no window process running, the click "
        f"to the first paint: {ms(kept.cold_ms)} ms (median {median(kept.cold_ms):.0f} ms), "
        f"against {ms(mem.cold_ms)} ms (median {median(mem.cold_ms):.0f} ms) without the "
        "setting, in (c). Each click comes 1 s after the last window's process has gone "
        "(xdotool on the tray icon; its own start is counted, so these are a few ms high). "
        f"A last click's window process was {kept.forked or '-'}.",
        "",
    ]
    return out


# --- the whole run -----------------------------------------------------------------------------


@contextmanager
def dataset(basedir: Path | None) -> Iterator[tuple[Path, str]]:
    """The five-year data set's folder, and a line saying how it was made."""
    import make_dataset

    from posture_app.paths import resolve_paths

    with tempfile.TemporaryDirectory(prefix="window-bench-data-") as tmp:
        base = basedir or Path(tmp)
        db = resolve_paths(str(base)).database_file
        if db.exists():
            note = f"reused {base} ({db.stat().st_size / 1e6:.1f} MB database)"
        else:
            log(f"building {DATA_WEEKS} weeks of data in {base}")
            built = make_dataset.build(base, DATA_WEEKS, datetime.now(UTC), seed=1)
            counts = ", ".join(f"{n} {name}" for name, n in built.counts.items())
            note = (
                f"`bench/make_dataset.py --weeks {DATA_WEEKS}` (seed 1): {built.first} to "
                f"{built.until:%Y-%m-%d}, {counts}; {db.stat().st_size / 1e6:.1f} MB database, "
                f"built in {built.seconds:.0f} s"
            )
        log(note)
        yield base, note


@dataclass
class Options:
    runs: int
    ready: int
    reopens: int
    inprocess: int
    opens: int
    switches: int
    settle: float
    window_settle: float
    after: float
    cycles: int
    idle: float
    clicks: int
    output: Path


@dataclass
class Results:
    data_note: str
    starts: list[Starts]
    ready: ReadyOpens
    inproc: list[dict[str, Any]]
    memory: TrayMemory
    kept: KeptReady
    busy_at_start: list[str]
    busy_at_end: list[str]


def uncommitted() -> str:
    """The files `git status` lists as changed or new (paths only)."""
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True
    ).stdout
    return ", ".join(line[3:] for line in status.splitlines() if line.strip()) or "none"


def busy_processes() -> list[str]:
    """Other X servers and Python processes on the machine (they compete for the CPUs)."""
    out = []
    mine = os.getpid()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == mine:
            continue
        try:
            comm = proc.joinpath("comm").read_text().strip()
            args = proc.joinpath("cmdline").read_bytes().replace(b"\0", b" ").decode()[:120]
        except OSError:
            continue
        if args.strip() and (comm in ("Xvfb", "trayer") or comm.startswith("python")):
            out.append(f"{proc.name} {args.strip()}")
    return out


def run_all(opts: Options, basedir: Path | None) -> Results:
    busy = busy_processes()
    with dataset(basedir) as (data, note):
        all_starts = []
        with desktop("window-open") as d, tempfile.TemporaryDirectory(prefix="pyc-") as cache:
            for variant in ("as is", "pyc cached"):
                log(f"(a) process start to first paint, {variant}")
                env = env_variant(d, variant, Path(cache))
                all_starts.append(starts(d, data, opts.runs, variant, env))
            log("(a2) opening the window with its process running")
            ready = ready_opens(
                d, data, env_variant(d, "pyc cached", Path(cache)), opts.ready, opts.reopens
            )
            log("(a, b) in-process opens and week switches")
            inproc = inprocess_runs(d, data, opts.inprocess, opts.opens, opts.switches)
        log("(c) the tray app's memory around opening and closing the window")
        memory = tray_memory(
            data, opts.settle, opts.window_settle, opts.after, opts.cycles, opts.clicks
        )
        log(
            f"tray PSS before {memory.before_pss:.1f} MB, after {memory.after_pss:.1f} MB "
            f"({memory.window_kind}) {memory.error}"
        )
        log("(d) the window kept ready all day (the setting)")
        kept = kept_ready(data, opts.settle, opts.idle, opts.clicks)
        if kept.server:
            log(
                f"tray {kept.pss('tray'):.1f} MB + server {kept.pss('server'):.1f} MB PSS, "
                f"{kept.idle_switches} switches in {kept.idle_s:.0f} s {kept.error}"
            )
    return Results(note, all_starts, ready, inproc, memory, kept, busy, busy_processes())


# --- the report ----------------------------------------------------------------------------------


def report(opts: Options, info: list[tuple[str, str]], res: Results, elapsed: float) -> str:
    out = ["# App window: opening, switching weeks, and the tray's memory", ""]
    out += [
        "Written by `bench/window.py` (`.venv/bin/python bench/window.py`); measured on this",
        "machine from this code. Re-run to refresh; do not edit by hand.",
        "",
        "## Machine",
        "",
    ]
    out += table(["", ""], info, right=2)
    out += [calibration_at_end()]
    out += [f"| Whole run | {elapsed / 60:.1f} min |"]
    out += [f"| Data | {res.data_note} |", ""]
    for when, busy in (("started", res.busy_at_start), ("ended", res.busy_at_end)):
        if busy:
            out += [
                f"Other X servers and Python processes running when this run {when} (they "
                "compete for the CPUs, so timings are noisier than on an idle machine):",
                "",
            ]
            out += [f"- `{p}`" for p in busy[:12]]
            out += [""]

    as_is, cached = res.starts[0], res.starts[-1]
    inproc_first = [r["open_ms"][0] for r in res.inproc]
    inproc_again = [v for r in res.inproc for v in r["open_ms"][1:]]
    week_sw = [v for r in res.inproc for v in r["switch"]["week"]["wall"]]
    week_cpu = [v for r in res.inproc for v in r["switch"]["week"]["cpu"]]
    # Judged on the steps back: each reads a week the window has not read yet (forward steps
    # go to weeks it keeps, and are quicker).
    back_sw = [v for r in res.inproc for v in backs(r["switch"]["week"]["wall"])]
    back_cpu = [v for r in res.inproc for v in backs(r["switch"]["week"]["cpu"])]
    worst = max(week_sw, default=float("nan"))
    mem = res.memory
    diff = mem.after_pss - mem.before_pss
    rss_b, rss_a = mem.change("rss_mb")
    anon_b, anon_a = mem.change("anon_mb")
    win_cached, bare_cached = median(cached.ms["window"]), median(cached.ms["bare"])
    win_as_is, bare_as_is = median(as_is.ms["window"]), median(as_is.ms["bare"])
    open_in = median(inproc_first)
    ready = res.ready
    ready_first, ready_again = median(ready.first), median(ready.again)
    ready_worst = max(ready.first + ready.again, default=float("nan"))
    kept, nan = res.kept, float("nan")

    out += ["## Targets", ""]
    rows: list[tuple[str, ...]] = [
        (
            "Window opens in under 300 ms, its process ready (the tray starts it, hidden, when "
            "its menu opens): the tray's request to the first paint, median of "
            f"{len(ready.first)}",
            f"{ready_first:.0f} ms",
            f"{OPEN_MS:.0f} ms",
            verdict(bool(ready.first) and ready_first < OPEN_MS),
        ),
        (
            "(same) opened again after it was closed, while its process stays (5 minutes): "
            f"median of {len(ready.again)}; the worst of all {len(ready.first + ready.again)}",
            f"{ready_again:.0f} ms; worst {ready_worst:.0f} ms",
            f"{OPEN_MS:.0f} ms",
            verdict(bool(ready.again) and ready_again < OPEN_MS and ready_worst < OPEN_MS),
        ),
        (
            "A click on the icon with no window process running (first thing in a day), with "
            'the "Keep the app window ready" setting (d): the click to the first paint, median '
            f"of {len(kept.cold_ms)} (judged, as the first row); the worst",
            f"{median(kept.cold_ms):.0f} ms; worst {max(kept.cold_ms, default=nan):.0f} ms",
            f"{OPEN_MS:.0f} ms",
            verdict(bool(kept.cold_ms) and median(kept.cold_ms) < OPEN_MS),
        ),
        (
            f"(same) without the setting, the default (c): median of {len(mem.cold_ms)}; the worst",
            f"{median(mem.cold_ms):.0f} ms; worst {max(mem.cold_ms, default=nan):.0f} ms",
            f"{OPEN_MS:.0f} ms",
            verdict(bool(mem.cold_ms) and median(mem.cold_ms) < OPEN_MS),
        ),
        (
            "(for comparison) process start to first paint, `python -m posture_app.ui.window` "
            "as a launch starts it, pyc cached (median)",
            f"{win_cached:.0f} ms (bare PySide6 window: {bare_cached:.0f} ms)",
            "",
            "",
        ),
        (
            "(same, as is: this shell's environment)",
            f"{win_as_is:.0f} ms (bare: {bare_as_is:.0f} ms)",
            "",
            "",
        ),
        (
            "(for comparison) in-process: MainWindow built, shown and painted (median of the "
            "first open in each helper)",
            f"{open_in:.0f} ms",
            f"{OPEN_MS:.0f} ms",
            verdict(open_in < OPEN_MS),
        ),
        (
            "Switching weeks on This week takes under 50 ms: median of the "
            f"{len(back_sw)} steps back (each to a week not read yet)",
            f"{median(back_sw):.1f} ms (CPU {median(back_cpu):.1f} ms)",
            f"{SWITCH_MS:.0f} ms",
            verdict(bool(back_sw) and median(back_sw) < SWITCH_MS),
        ),
        (
            f"(same) worst of all {len(week_sw)} switches, back and forward",
            f"{worst:.1f} ms (CPU: worst {max(week_cpu, default=float('nan')):.1f} ms)",
            f"{SWITCH_MS:.0f} ms",
            verdict(bool(week_sw) and worst < SWITCH_MS),
        ),
        (
            "Tray app's PSS after the window was opened and closed, against before",
            f"{mem.before_pss:.1f} → {mem.after_pss:.1f} MB ({diff:+.1f} MB)"
            if mem.before and mem.after
            else f"not measured: {mem.error}",
            f"±{MEMORY_MB:.0f} MB",
            verdict(bool(mem.before and mem.after) and abs(diff) <= MEMORY_MB),
        ),
        (
            "(cross-check, not moved by other processes) RSS; anonymous memory",
            f"{rss_b:.1f} → {rss_a:.1f} MB ({rss_a - rss_b:+.1f} MB); "
            f"{anon_b:.1f} → {anon_a:.1f} MB ({anon_a - anon_b:+.1f} MB)"
            if mem.before and mem.after
            else "",
            f"±{MEMORY_MB:.0f} MB",
            verdict(
                bool(mem.before and mem.after)
                and abs(rss_a - rss_b) <= MEMORY_MB
                and abs(anon_a - anon_b) <= MEMORY_MB
            ),
        ),
    ]
    out += table(["Target", "Measured", "Limit", "Result"], rows, right=4)
    out += [""]
    out += [
        "**How the open-time target is judged.** What a user waits for is the click to a "
        "painted window. The window runs in a process of its own, so that the tray app gives "
        "its memory back (the last target), and starting a process costs what any PySide6 "
        f"window costs: a bare one (bench/bare_window.py: Python, Qt's libraries, a "
        f"QApplication and one QMainWindow with a label) takes {bare_cached:.0f} ms here, most "
        f"of the {OPEN_MS:.0f} ms. So the app has the process ready when a click is likely: the "
        "tray starts it, hidden, when its menu opens (the window is built and painted off "
        "screen), and a closed window's process stays 5 minutes. Those opens are judged from "
        "the tray's request to the first paint. A click on the icon with no window process "
        f"running still starts one: {median(mem.cold_ms):.0f} ms from the click by default. "
        'With the "Keep the app window ready" setting the tray forks it from a server that '
        "has Python, Qt and the app's modules loaded: "
        f"{median(kept.cold_ms):.0f} ms, for the memory in (d). Building, showing and painting "
        f"the window in a started process takes {open_in:.0f} ms.",
        "",
    ]
    out += ["## (a) Opening the window", ""]
    rows = []
    for s in res.starts:
        for kind, label in (("bare", "bare PySide6 window"), ("window", "posture-app window")):
            v = s.ms[kind]
            rows.append(
                (
                    s.variant,
                    label,
                    f"{median(v):.0f}",
                    f"{min(v, default=float('nan')):.0f}",
                    f"{max(v, default=float('nan')):.0f}",
                    ms(v),
                    f"{s.warmup.get(kind, float('nan')):.0f}",
                )
            )
    out += table(
        ["Bytecode", "Process", "median ms", "min ms", "max ms", "all runs ms", "warm-up ms"],
        rows,
        right=2,
    )
    for s in res.starts:
        if s.errors:
            out += ["", f"Errors ({s.variant}): " + "; ".join(s.errors)]
    out += [
        "",
        "Its process ready (pyc cached): each of "
        f"{len(ready.first) or opts.ready} processes started with `--hidden --print-paints`, "
        f"as the tray's menu starts it; {READY_WAIT_S:g} s after it said it was ready, asked "
        "to show the window through its socket, as the tray app asks; then closed with "
        f"Ctrl+W (xdotool) and asked again, {opts.reopens} times. From the request to a zero "
        "timer after the window's first paint (both on CLOCK_MONOTONIC).",
        "",
    ]
    out += table(
        ["Open", "median ms", "min ms", "max ms", "all ms"],
        [
            (
                label,
                f"{median(v):.0f}",
                f"{min(v, default=float('nan')):.0f}",
                f"{max(v, default=float('nan')):.0f}",
                ms(v),
            )
            for label, v in (
                ("first, after --hidden", ready.first),
                ("again, after Ctrl+W", ready.again),
            )
        ],
    )
    if ready.errors:
        out += ["", "Errors (ready process): " + "; ".join(ready.errors)]
    out += [
        "",
        "Process start to first paint: `python -m posture_app.ui.window --basedir DATA "
        "--quit-after-show` and `bench/bare_window.py`, alternated, on Xvfb (the xcb platform, "
        "as on a desktop; no window manager). Both count from the kernel's start time of the "
        "process (/proc/self/stat) to a zero timer after the window's first paint event.",
        "",
        "In-process, in a helper that has already imported Qt and every window module and made "
        "its QApplication (so none of this is Qt's start-up):",
        "",
    ]
    rows = []
    for i, r in enumerate(res.inproc, 1):
        rows.append(
            (
                f"helper {i}",
                f"{r['qt_imports_ms']:.0f}",
                f"{r['app_imports_ms']:.0f}",
                f"{r['qapplication_ms']:.0f}",
                f"{median(r['store_ms']):.1f}",
                f"{r['open_ms'][0]:.0f} (CPU {r['open_cpu_ms'][0]:.0f})",
                ms(r["open_ms"][1:]),
            )
        )
    out += table(
        [
            "Run",
            "import Qt ms",
            "import the app and QtCharts ms",
            "QApplication ms",
            "settings + store open ms (median)",
            "first window: built + shown + painted ms",
            "later windows ms",
        ],
        rows,
    )
    out += [
        "",
        f"Median of the first opens: {open_in:.0f} ms; of the later ones: "
        f"{median(inproc_again):.0f} ms (fonts, styles and QtCharts' first-use costs are paid "
        "by the first window of a process, which is the one a user sees).",
        "",
    ]

    out += ["## (b) Switching weeks", ""]
    rows = []
    for key, label in (("week", "This week"), ("trends", "Trends"), ("insights", "Insights")):
        v = [x for r in res.inproc for x in r["switch"][key]["wall"]]
        c = [x for r in res.inproc for x in r["switch"][key]["cpu"]]
        back = [x for r in res.inproc for x in backs(r["switch"][key]["wall"])]
        forward = [x for r in res.inproc for x in forwards(r["switch"][key]["wall"])]
        tab = [r["tab_ms"][key] for r in res.inproc]
        rows.append(
            (
                label,
                str(len(v)),
                f"{median(back):.1f}",
                f"{median(forward):.1f}",
                f"{statistics.quantiles(v, n=10)[-1]:.1f}" if len(v) >= 10 else "",
                f"{max(v, default=float('nan')):.1f}",
                f"{median(c):.1f}",
                f"{max(c, default=float('nan')):.1f}",
                f"{median(tab):.0f}",
            )
        )
    out += table(
        [
            "Tab",
            "switches",
            "median back ms",
            "median forward ms",
            "90th percentile ms",
            "worst ms",
            "CPU median ms",
            "CPU worst ms",
            "showing the tab ms",
        ],
        rows,
    )
    weeks = f"{res.inproc[0]['week_at_start']}" if res.inproc else "?"
    out += [
        "",
        f"Each helper, after `freeze_startup_objects()` (what the window process does a "
        f"second after it opens), steps back from {weeks} and forward again "
        f"({opts.switches} switches on "
        f"This week, {max(2, opts.switches // 2)} on each other tab), timing previous_week() "
        "or next_week(), processEvents(), repaint() of the whole window (a synchronous paint, "
        "pushed to the X server) and processEvents(). Only This week has a target. The window "
        "keeps the weeks it has read until the data changes (each tab starts with none kept): "
        "a step back reads one week it has not read yet (on Trends too, whose 12 weeks move by "
        "one), a step forward reads none; Insights reads 8 weeks at each step. *CPU* is the "
        "helper's own CPU time (time.process_time) over the same span: it grows much less than "
        "wall time when "
        "other processes take the CPUs (caches and a shared host still slow it a little), so "
        "a slow switch with little CPU was waiting, not working. *Showing the tab* is the "
        "first switch to that tab (building its view).",
        "",
    ]

    out += ["## (c) The tray app's memory", ""]
    if mem.error:
        out += [f"**Error:** {mem.error}", ""]
    labelled = [("before", s) for s in mem.before]
    for i, cycle in enumerate(mem.cycles):
        if i < len(mem.during):
            labelled.append((f"window {i + 1} open", mem.during[i]))
        labelled += [(f"after window {i + 1} closed", s) for s in cycle]
    rows = [
        (
            label,
            f"{s.at_s:.0f}",
            f"{s.pss_mb:.1f}",
            f"{s.rss_mb:.1f}",
            f"{s.anon_mb:.1f}",
            f"{s.uss_mb:.1f}",
        )
        for label, s in labelled
    ]
    out += table(["Sample", "s after start", "PSS MB", "RSS MB", "anonymous MB", "USS MB"], rows)
    changes = []
    for what, name in (
        ("pss_mb", "PSS"),
        ("rss_mb", "RSS"),
        ("anon_mb", "anonymous"),
        ("uss_mb", "USS"),
    ):
        a, b = mem.change(what)
        changes.append(f"{name} {a:.1f} → {b:.1f} MB ({b - a:+.1f} MB)")
    win = mem.window_rollup
    out += [
        "",
        "- Before → after (medians): " + "; ".join(changes) + ".",
        f"- What opened: {mem.window_kind or 'nothing'} (“{mem.window_name}”"
        + (f", pid {mem.window_pid}" if mem.window_pid else "")
        + f" in the last cycle); the second launch exited with {mem.second_launch_exit}"
        + (
            "; the window was visible "
            + ", ".join(f"{t * 1000:.0f}" for t in mem.to_visible_s)
            + " ms after the second launch started (polled every 50 ms with xdotool; this "
            "includes the second launch's own start)"
            if mem.to_visible_s
            else ""
        )
        + ".",
    ]
    if win:
        out += [
            f"- The window process itself, while open: PSS {win.get('Pss', 0) / 1024:.1f} MB, "
            f"USS {(win.get('Private_Clean', 0) + win.get('Private_Dirty', 0)) / 1024:.1f} MB, "
            f"RSS {win.get('Rss', 0) / 1024:.1f} MB (all given back when it exits)."
        ]
    out += [
        f"- Closed by: {mem.closed_by or '-'}"
        + (
            f"; gone {mem.gone_after_s:.1f} s later (last cycle); memory read again "
            f"{opts.after:.0f} s after that."
            if mem.gone_after_s is not None
            else "."
        ),
        "- Which figure to trust: PSS (the target's) splits each shared page among the "
        "processes mapping it, so it drops while the window process runs (it maps the same Qt "
        "and Python libraries) and moves whenever any other process on the machine maps or "
        "unmaps them; USS moves the same way (a library page only this process maps counts as "
        "private). RSS (every page mapped, shared or not) and anonymous memory (the heaps: "
        "where a window kept alive, or a leak, would show) do not depend on other processes: "
        "if they are back where they were, so is the app.",
        "- Other processes sharing files with the tray app (before; after): "
        + ("; ".join(mem.sharers_before) or "none")
        + " | "
        + ("; ".join(mem.sharers_after) or "none"),
        "",
    ]
    if mem.log_lines:
        out += ["The app's log, last lines:", "", "```", *mem.log_lines, "```", ""]

    out += kept_report(res.kept, mem, opts)

    out += [
        "## Method",
        "",
        f"Options: --runs {opts.runs} --ready {opts.ready} --reopens {opts.reopens} "
        f"--inprocess {opts.inprocess} --opens {opts.opens} "
        f"--switches {opts.switches} --settle {opts.settle:g} --window-settle "
        f"{opts.window_settle:g} --after {opts.after:g} --cycles {opts.cycles} "
        f"--idle {opts.idle:g}. See the "
        "docstring of bench/window.py. "
        "The data set is the same for every part; the tray app runs on a copy, so what it "
        "records does not change the data the other parts read.",
        "",
    ]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["_inprocess"]:
        result = inprocess(Path(args_list[1]), int(args_list[2]), int(args_list[3]))
        print(json.dumps(result), flush=True)
        return 0
    p = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    p.add_argument("--basedir", type=Path, help="keep the data set here (reused if present)")
    p.add_argument("--runs", type=int, default=7, help="process starts of each kind (default 7)")
    p.add_argument("--ready", type=int, default=3, help="window processes started hidden (3)")
    p.add_argument("--reopens", type=int, default=4, help="reopens in each of them (default 4)")
    p.add_argument("--inprocess", type=int, default=3, help="in-process helpers (default 3)")
    p.add_argument("--opens", type=int, default=4, help="windows opened per helper (default 4)")
    p.add_argument("--switches", type=int, default=40, help="week switches (default 40)")
    p.add_argument("--settle", type=float, default=20, help="s from the tray's start to PSS")
    p.add_argument("--window-settle", type=float, default=5, help="s the window stays open")
    p.add_argument("--after", type=float, default=8, help="s after closing to the PSS")
    p.add_argument("--cycles", type=int, default=3, help="times the window is opened and closed")
    p.add_argument("--idle", type=float, default=60, help="s (d) counts wake-ups (default 60)")
    p.add_argument(
        "--clicks", type=int, default=7, help="cold clicks on the icon in (c) and (d) (default 7)"
    )
    p.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    a = p.parse_args(args_list)
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        print(f"window bench needs {', '.join(missing)}", file=sys.stderr)
        return 2
    opts = Options(
        runs=a.runs, ready=a.ready, reopens=a.reopens, inprocess=a.inprocess, opens=a.opens,
        switches=a.switches,
        settle=a.settle, window_settle=a.window_settle, after=a.after, cycles=a.cycles,
        idle=a.idle, clicks=a.clicks, output=a.output.resolve(),
    )  # fmt: skip
    started = time.monotonic()
    info = [(k, uncommitted() if k == "Uncommitted" else v) for k, v in machine_info()]
    results = run_all(opts, a.basedir)
    end = commit_id()
    if end != dict(info)["Commit"]:
        info.append(("Commit at end (changed during the run!)", end))
    text = report(opts, info, results, time.monotonic() - started)
    opts.output.write_text(text)
    print(text)
    log(f"wrote {opts.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
