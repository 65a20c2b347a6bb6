"""The whole tray app wired together (offscreen: no system tray, so the window opens)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QProcess
from PySide6.QtWidgets import QApplication

from posture_app.core.model import Kind
from posture_app.core.settings import Settings, save_settings
from posture_app.core.state import load_state
from posture_app.paths import Paths
from posture_app.platform.base import Detected, NullAutostart, NullIdle, NullPresenting, NullSession
from posture_app.ui import FORKS_WINDOWS
from posture_app.ui.app import App
from posture_app.ui.forkserver import SERVER_NAME, WINDOW_NAME, ForkedProcess, ForkServer
from posture_app.ui.instance import SingleInstance
from tests.fakes import FakeClock


def detected() -> Detected:
    return Detected(
        idle=NullIdle("test"), session=NullSession("test"), presenting=NullPresenting("test"),
        autostart=NullAutostart("test"), notes=("idle detection unavailable: test",),
    )  # fmt: skip


@pytest.fixture
def paths(tmp_path) -> Paths:
    return Paths(tmp_path / "config", tmp_path / "data", tmp_path / "logs")


@pytest.fixture
def app(qtbot, paths):
    clock = FakeClock.at("2026-11-23T09:00")
    made = App(QApplication.instance(), paths, detected(), clock)
    made.clock_for_test = clock
    yield made
    for window in made._windows.values():
        window.close()
    made.shutdown()


def real_app(base: Path) -> subprocess.Popen[bytes]:
    """The real app, `main.py --basedir BASE`, offscreen, in a process of its own."""
    root = Path(__file__).resolve().parents[2]
    return subprocess.Popen(
        [sys.executable, str(root / "main.py"), "--basedir", str(base)],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, cwd=root,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def app_on_base(tmp_path: Path) -> App:
    """An app keeping its files in one --basedir (so the window's process reads them too)."""
    base = tmp_path / "base"
    paths = Paths(base / "config", base / "data", base / "logs", base)
    return App(QApplication.instance(), paths, detected(), FakeClock.at("2026-11-23T09:00"))


def test_first_start_welcomes_and_opens_the_window_without_a_tray(app, paths):
    app.start()
    assert app._windows["status"].isVisible()  # offscreen has no system tray
    welcome = app._windows["welcome"]
    assert welcome.isVisible()
    welcome.close()
    assert load_state(paths.config_dir / "state.json").welcomed


def test_a_day_reaches_the_store_through_the_whole_app(app, paths):
    app.start()
    app._windows["welcome"].close()
    app.clock_for_test.advance(20 * 60)
    app.controller.tick()  # the posture check (the morning rating came first)
    kinds = [w.prompt.kind for w in app.presenter.open_widgets.values() if hasattr(w, "prompt")]
    assert Kind.POSTURE in kinds
    app.tray.log_water.emit()
    assert app.controller.water_logged_today() == 250
    assert "250 of 2000 ml" in app.tray.water.text()


def test_a_second_launch_asks_the_first_to_show_itself(qtbot, paths):
    first = SingleInstance(paths.data_dir)
    first.listen()
    with qtbot.waitSignal(first.show_requested, timeout=5000):
        assert SingleInstance(paths.data_dir).ask_running()


def test_no_instance_running_means_this_one_starts(qtbot, tmp_path):
    lonely = Paths(tmp_path / "c2", tmp_path / "d2", tmp_path / "l2")
    assert not SingleInstance(lonely.data_dir).ask_running()


def test_the_log_is_readable_by_the_user_only(paths, monkeypatch):
    import logging
    import os

    from posture_app.ui.logfile import setup_logging

    root = logging.getLogger()
    before = list(root.handlers)
    old_umask = os.umask(0o022)
    try:
        setup_logging(paths.log_dir, paths.log_file.name)
        logging.getLogger("posture_app.test").warning("a line")
    finally:
        os.umask(old_umask)
        for handler in root.handlers[len(before) :]:
            handler.close()
            root.removeHandler(handler)
    assert paths.log_file.stat().st_mode & 0o777 == 0o600
    assert paths.log_dir.stat().st_mode & 0o777 == 0o700
    assert "a line" in paths.log_file.read_text()


def test_the_window_shows_fresh_numbers_when_reopened(app):
    app.start()
    app._windows["welcome"].close()
    window = app._windows["status"]
    window.hide()
    app.controller.log_water(500)
    app.show_window()
    assert window.fields["water"].text() == "500 of 2000 ml"


def test_the_instance_socket_lives_in_the_users_runtime_folder(paths, tmp_path, monkeypatch):
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    assert SingleInstance(paths.data_dir).name.startswith(str(runtime) + "/posture-app-")


def test_a_second_launch_is_heard_after_the_first_answered_one(qtbot, paths):
    first = SingleInstance(paths.data_dir)
    first.listen()
    for _ in range(3):  # each connection is accepted, read and closed
        with qtbot.waitSignal(first.show_requested, timeout=5000):
            assert SingleInstance(paths.data_dir).ask_running()
    first.close()
    assert not os.path.exists(first.name)
    assert not SingleInstance(paths.data_dir).ask_running()


def test_a_socket_left_by_a_crash_is_replaced(qtbot, paths):
    import socket

    crashed = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    name = SingleInstance(paths.data_dir).name
    crashed.bind(name)
    crashed.close()  # the file stays, nobody listens
    assert not SingleInstance(paths.data_dir).ask_running()
    first = SingleInstance(paths.data_dir)
    first.listen()
    with qtbot.waitSignal(first.show_requested, timeout=5000):
        assert SingleInstance(paths.data_dir).ask_running()
    assert os.stat(name).st_mode & 0o077 == 0  # only the user may connect
    first.close()


def test_a_stray_message_does_not_open_the_window(qtbot, paths):
    import socket

    first = SingleInstance(paths.data_dir)
    first.listen()
    heard: list[bool] = []
    first.show_requested.connect(lambda: heard.append(True))
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(first.name)
        sock.sendall(b"hello\n")
    assert SingleInstance(paths.data_dir).ask_running()  # a real request, after the stray one
    qtbot.waitUntil(lambda: bool(heard), timeout=5000)
    assert heard == [True]  # the stray message opened nothing
    first.close()


def test_the_log_rolls_over_by_size_and_keeps_a_few_old_files(tmp_path):
    import logging

    from posture_app.ui.logfile import PrivateLog

    path = tmp_path / "posture-app.log"
    handler = PrivateLog(path, max_bytes=100, backups=2)
    handler.setFormatter(logging.Formatter("%(message)s"))
    for n in range(13):  # 49-byte lines: a new file after every third
        handler.emit(logging.makeLogRecord({"msg": f"line {n:02d} " + "x" * 40}))
    handler.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "posture-app.log", "posture-app.log.1", "posture-app.log.2",
    ]  # fmt: skip
    assert path.read_text() == "line 12 " + "x" * 40 + "\n"
    assert "line 00" not in "".join(p.read_text() for p in tmp_path.iterdir())
    for p in tmp_path.iterdir():
        assert p.stat().st_mode & 0o777 == 0o600
        assert p.stat().st_size < 200


def test_where_python_has_no_unix_sockets_qt_local_sockets_do_it(qtbot, paths, monkeypatch):
    import socket

    monkeypatch.delattr(socket, "AF_UNIX")  # as on Windows
    first = SingleInstance(paths.data_dir)
    first.listen()
    with qtbot.waitSignal(first.show_requested, timeout=5000):
        assert SingleInstance(paths.data_dir).ask_running()


def test_the_started_app_keeps_no_module_sources_in_memory(app):
    import linecache

    linecache.getlines(__file__)  # as PySide6 does for every module imported after it
    assert linecache.cache
    app.start()
    assert not linecache.cache


def test_the_app_window_opens_in_its_own_process_on_the_same_data(qtbot, tmp_path, monkeypatch):
    made = app_on_base(tmp_path)
    made.window_output = tmp_path / "window.out"
    monkeypatch.setenv("POSTURE_APP_QUIT_AFTER_SHOW", "1")  # it prints its paint time and quits
    made.open_window()
    qtbot.waitUntil(lambda: made.window_output.read_text().strip().isdigit(), timeout=20_000)
    assert "window" not in made._windows  # nothing of it lives in the tray's process
    # It read this --basedir, not the usual place (XDG_DATA_HOME is a temp folder in tests).
    assert not (Path(os.environ["XDG_DATA_HOME"]) / "posture-app").exists()
    made.shutdown()


def app_with_a_broken_window(tmp_path: Path, monkeypatch) -> tuple[App, list[tuple[str, str]]]:
    """An app whose window's process fails to start, and what it notifies."""
    import posture_app.ui.app as ui_app

    made = app_on_base(tmp_path)
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(made.presenter, "notify", lambda title, text: said.append((title, text)))
    monkeypatch.setattr(ui_app, "WINDOW_MODULE", "posture_app.no_such_window")
    return made, said


def test_a_window_that_cannot_open_says_why_and_shows_todays_numbers(qtbot, tmp_path, monkeypatch):
    made, said = app_with_a_broken_window(tmp_path, monkeypatch)
    made.open_window()
    qtbot.waitUntil(lambda: "status" in made._windows, timeout=20_000)
    assert said
    assert said[0][0] == "The window could not open"
    assert "No module named posture_app.no_such_window" in said[0][1]
    made._windows["status"].close()
    made.shutdown()


def test_two_launches_at_once_make_one_instance(qtbot, paths):
    first, second = SingleInstance(paths.data_dir), SingleInstance(paths.data_dir)
    assert not first.ask_running()
    assert not second.ask_running()  # both looked before either claimed the socket
    assert first.listen()
    with qtbot.waitSignal(first.show_requested, timeout=5000):
        assert not second.listen()  # it lost, and asked the first to show itself
    first.close()


def test_without_a_runtime_folder_the_socket_is_in_a_private_folder(tmp_path, monkeypatch):
    from posture_app.ui.instance import MAX_SOCKET_PATH, instance_name

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    name = instance_name(tmp_path / "data", None)
    folder = Path(name).parent
    assert folder.parent == tmp_path
    assert folder.name == f"posture-app-{os.getuid()}"
    assert folder.stat().st_mode & 0o777 == 0o700
    too_long = tmp_path / ("r" * MAX_SOCKET_PATH)
    too_long.mkdir()
    assert Path(instance_name(tmp_path / "data", str(too_long))).parent == folder


def test_a_shared_fallback_folder_is_refused(tmp_path, monkeypatch):
    from posture_app.ui.instance import instance_name

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    (tmp_path / f"posture-app-{os.getuid()}").mkdir(mode=0o755)  # others may look in
    os.chmod(tmp_path / f"posture-app-{os.getuid()}", 0o755)
    with pytest.raises(OSError, match="not a private folder"):
        instance_name(tmp_path / "data", None)


def test_a_log_that_cannot_roll_over_stops_trying_and_keeps_logging(tmp_path, monkeypatch):
    import logging

    from posture_app.ui.logfile import PrivateLog

    path = tmp_path / "posture-app.log"
    handler = PrivateLog(path, max_bytes=100, backups=2)
    handler.setFormatter(logging.Formatter("%(message)s"))

    def refuse(*_args: object) -> None:
        raise PermissionError("read-only folder")

    monkeypatch.setattr(os, "replace", refuse)
    for n in range(6):
        handler.emit(logging.makeLogRecord({"msg": f"line {n} " + "x" * 40}))
    handler.close()
    assert handler.max_bytes == 0  # given up, once
    assert path.read_text().count("\n") == 6  # nothing lost


def test_the_status_window_opens_the_charts_window(app, monkeypatch):
    opened: list[bool] = []
    monkeypatch.setattr(app, "open_window", lambda: opened.append(True))
    app.show_window()  # connected at construction: patch before it is built
    app._windows["status"].week_requested.emit()
    assert opened == [True]


def test_a_second_window_launch_brings_the_open_one_forward(qtbot, tmp_path):
    import subprocess
    import sys

    open_window = SingleInstance(tmp_path / "data" / "window")  # as the open window listens
    open_window.listen()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    cmd = [sys.executable, "-m", "posture_app.ui.window", "--basedir", str(tmp_path)]
    with qtbot.waitSignal(open_window.show_requested, timeout=20_000):
        second = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    assert second.wait(timeout=20) == 0
    assert second.stderr is not None
    assert second.stderr.read() == ""
    open_window.close()


def test_a_running_window_process_is_asked_not_started_again(qtbot, tmp_path):
    made = app_on_base(tmp_path)
    paths = made.paths
    running = SingleInstance(paths.data_dir / "window")  # as a window open or lingering listens
    assert running.listen()
    with qtbot.waitSignal(running.show_requested, timeout=5000):
        made.open_window()
    assert not made._window_processes  # nothing started
    made.prepare_window()  # the menu opens: one runs, so none is started
    assert not made._window_processes
    running.close()
    made.shutdown()


def test_the_menu_gets_the_window_ready_and_open_then_uses_it(qtbot, tmp_path):
    made = app_on_base(tmp_path)
    paths = made.paths
    made.tray.menu.aboutToShow.emit()
    assert len(made._window_processes) == 1
    ((process, asked),) = made._window_processes.items()
    assert "--hidden" in process.arguments()
    assert not asked
    made.prepare_window()  # the menu again: the one started will do
    assert len(made._window_processes) == 1
    window = SingleInstance(paths.data_dir / "window")
    qtbot.waitUntil(window.is_running, timeout=20_000)
    made.open_window()
    assert made._window_processes == {process: True}  # asked, not started again
    made.shutdown()
    assert not made._window_processes


def test_the_window_process_goes_when_the_tray_app_does(qtbot, tmp_path):
    made = app_on_base(tmp_path)
    made.prepare_window()
    ((process, _asked),) = made._window_processes.items()
    assert "--with-tray" in process.arguments()
    window = SingleInstance(made.paths.data_dir / "window")
    qtbot.waitUntil(window.is_running, timeout=20_000)
    process.closeWriteChannel()  # its standard input ends, as when this process dies
    qtbot.waitUntil(lambda: not made._window_processes, timeout=20_000)
    assert not window.is_running()
    made.shutdown()


# --- the "Keep the window ready" setting: window processes forked from a server ---------------


def ready_app(tmp_path: Path, *, ready: bool = True) -> App:
    """An app on a --basedir whose settings keep the window ready (or not), its windows'
    --print-paints lines in tmp_path/window.out."""
    base = tmp_path / "base"
    save_settings(Settings(window_ready=ready), base / "config" / "settings.json")
    made = app_on_base(tmp_path)
    assert made.settings.window_ready is ready
    made.window_output = tmp_path / "window.out"
    return made


def only_process(made: App) -> tuple[QProcess | ForkedProcess, bool]:
    assert len(made._window_processes) == 1, made._window_processes
    ((process, asked),) = made._window_processes.items()
    return process, asked


def said_by_window(made: App, word: str) -> bool:
    """Whether the window's process printed `word` (--print-paints, into window_output)."""
    assert made.window_output is not None
    text = made.window_output.read_text() if made.window_output.exists() else ""
    return any(line.split()[:1] == [word] for line in text.splitlines())


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def forking(test):
    """A test of forked windows: where they exist, with nothing left running after it."""
    return pytest.mark.skipif(
        not FORKS_WINDOWS or not sys.platform.startswith("linux"),
        reason="window processes are not forked here (or no /proc to look at them)",
    )(pytest.mark.usefixtures("no_forked_leftovers")(test))


def ready_server(qtbot, made: App) -> ForkServer:
    """Turn the setting's server on in `made` (started from scratch, as when the setting is
    turned on while the app runs) and wait until it serves."""
    made.keep_window_ready()
    server = made.fork_server
    assert server is not None
    qtbot.waitUntil(server.is_ready, timeout=20_000)
    return server


@forking
def test_with_the_setting_window_processes_are_forked_from_the_server(qtbot, tmp_path):
    made = ready_app(tmp_path)
    server = ready_server(qtbot, made)  # run() passes one forked before Qt
    made.tray.menu.aboutToShow.emit()  # the menu gets a window ready, as without the setting
    process, asked = only_process(made)
    assert isinstance(process, ForkedProcess)
    assert not asked
    qtbot.waitUntil(lambda: said_by_window(made, "ready"), timeout=20_000)
    assert parent_of(process.pid) == server.pid
    assert Path(f"/proc/{process.pid}/comm").read_text().strip() == WINDOW_NAME
    made.open_window()  # "Open": it is asked, nothing new starts
    qtbot.waitUntil(lambda: said_by_window(made, "shown"), timeout=20_000)
    assert made._window_processes == {process: True}
    made.shutdown()  # quitting closes the window and ends the server
    assert process.code is not None
    assert not made._window_processes
    assert made.fork_server is None
    assert not Path(f"/proc/{server.pid}").exists()


@forking
def test_a_forked_window_goes_when_the_tray_app_does(qtbot, tmp_path):
    made = ready_app(tmp_path)
    ready_server(qtbot, made)
    made.prepare_window()
    process, _asked = only_process(made)
    assert isinstance(process, ForkedProcess)
    qtbot.waitUntil(lambda: said_by_window(made, "ready"), timeout=20_000)
    with qtbot.waitSignal(process.finished, timeout=20_000) as ended:
        process.closeWriteChannel()  # its standard input ends, as when this process dies
    assert ended.args == [0]
    assert said_by_window(made, "tray-gone")
    assert not made._window_processes
    made.shutdown()


@forking
def test_a_forked_window_that_cannot_open_says_why(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("POSTURE_APP_WINDOW_LINGER", "soon")  # the window refuses it, as bad
    made = ready_app(tmp_path)
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(made.presenter, "notify", lambda title, text: said.append((title, text)))
    ready_server(qtbot, made)
    made.open_window()
    assert isinstance(only_process(made)[0], ForkedProcess)
    qtbot.waitUntil(lambda: "status" in made._windows, timeout=20_000)  # today's numbers
    assert said[0][0] == "The window could not open"
    assert "$POSTURE_APP_WINDOW_LINGER" in said[0][1]
    made._windows["status"].close()
    made.shutdown()


def test_without_the_setting_window_processes_start_from_scratch(qtbot, tmp_path):
    made = ready_app(tmp_path, ready=False)
    made.keep_window_ready()
    assert made.fork_server is None
    made.prepare_window()
    process, _asked = only_process(made)
    assert isinstance(process, QProcess)
    assert process.arguments()[:2] == ["-m", "posture_app.ui.window"]
    made.shutdown()


def test_where_windows_cannot_be_forked_the_setting_starts_no_server(qtbot, tmp_path, monkeypatch):
    import posture_app.ui.app as ui_app

    monkeypatch.setattr(ui_app, "FORKS_WINDOWS", False)  # as on macOS and Windows
    made = ready_app(tmp_path)
    made.keep_window_ready()
    assert made.fork_server is None
    made.prepare_window()
    assert isinstance(only_process(made)[0], QProcess)
    made.shutdown()


@forking
def test_a_click_while_the_server_starts_opens_the_window_from_scratch(qtbot, tmp_path):
    made = ready_app(tmp_path, ready=False)
    made._save_settings(Settings(window_ready=True))  # turned on: a server starts, importing
    server = made.fork_server
    assert server is not None
    made.open_window()  # a click at once: not kept waiting for the server
    assert isinstance(only_process(made)[0], QProcess)
    assert made.fork_server is server  # still there for the next window
    made.shutdown()


@forking
def test_with_the_setting_and_no_server_from_the_start_one_is_started(qtbot, tmp_path):
    made = ready_app(tmp_path)  # as if the fork before Qt could not be made
    made.start()
    for window in list(made._windows.values()):
        window.close()
    assert made.fork_server is not None
    made.shutdown()
    assert made.fork_server is None


@forking
def test_turning_the_setting_on_and_off_starts_and_ends_the_server(qtbot, tmp_path):
    made = ready_app(tmp_path, ready=False)
    made._save_settings(Settings(window_ready=True))
    server = made.fork_server
    assert server is not None
    assert Path(f"/proc/{server.pid}").exists()
    made._save_settings(Settings(window_ready=True, sound=True))  # on already: the same one
    assert made.fork_server is server
    made._save_settings(Settings(window_ready=False))
    assert made.fork_server is None
    assert not Path(f"/proc/{server.pid}").exists()
    made.shutdown()


@forking
def test_a_server_that_has_gone_is_not_asked_again(qtbot, tmp_path):
    import signal

    made = ready_app(tmp_path)
    os.kill(ready_server(qtbot, made).pid, signal.SIGKILL)
    made.prepare_window()  # the window still starts, from scratch
    assert made.fork_server is None
    assert isinstance(only_process(made)[0], QProcess)
    made.shutdown()


@forking
@pytest.mark.parametrize("signum", [15, 9], ids=["SIGTERM", "SIGKILL"])
def test_with_the_setting_the_app_forks_its_server_before_qt(qtbot, tmp_path, signum):
    save_settings(Settings(window_ready=True), tmp_path / "config" / "settings.json")
    app = real_app(tmp_path)

    def servers() -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            try:
                if (entry / "comm").read_text().strip() == SERVER_NAME and parent_of(
                    int(entry.name)
                ) == app.pid:
                    found.append(int(entry.name))
            except (OSError, ValueError):
                continue
        return found

    log = tmp_path / "logs" / "posture-app.log"
    try:
        qtbot.waitUntil(lambda: log.exists() and "started at" in log.read_text(), timeout=60_000)
        (server,) = servers()
        app.send_signal(signum)  # quit, or killed: however the app ends
        assert app.wait(timeout=30) == (0 if signum == 15 else -signum)
    finally:
        app.kill()
        app.wait()

    def server_gone() -> bool:  # a zombie counts: it has ended, waiting for init to reap it
        try:
            return Path(f"/proc/{server}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
        except OSError:
            return True

    qtbot.waitUntil(server_gone, timeout=20_000)  # it went with the app


def test_a_window_started_unasked_fails_quietly(qtbot, tmp_path, monkeypatch):
    made, said = app_with_a_broken_window(tmp_path, monkeypatch)
    made.prepare_window()
    qtbot.waitUntil(lambda: not made._window_processes, timeout=20_000)
    assert said == []  # nobody asked for it: no message, no window
    assert "status" not in made._windows
    made.shutdown()


@pytest.mark.parametrize("signum", [15, 2])  # SIGTERM (logout, kill), SIGINT (Ctrl+C)
def test_a_signal_quits_the_app_as_the_menu_does(qtbot, tmp_path, signum):
    import signal

    app = real_app(tmp_path)
    log = tmp_path / "logs" / "posture-app.log"
    try:
        # As soon as it says it started: the handler may run before Qt's loop does.
        qtbot.waitUntil(lambda: log.exists() and "started at" in log.read_text(), timeout=60_000)
        app.send_signal(signum)
        assert app.wait(timeout=30) == 0
    finally:
        app.kill()
        app.wait()
    assert f"{signal.Signals(signum).name}: quitting" in log.read_text()
    assert (tmp_path / "config" / "state.json").exists()  # shutdown() ran and saved the state
