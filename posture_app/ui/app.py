"""The tray app: builds and wires everything once, then runs Qt's event loop."""

from __future__ import annotations

import logging
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

from posture_app.core.clock import Clock, SystemClock, next_midnight
from posture_app.core.files import make_private_dirs
from posture_app.core.model import Area
from posture_app.core.scheduler import Scheduler, Snapshot
from posture_app.core.settings import (
    Settings,
    SettingsError,
    SettingsTooNew,
    load_settings,
    save_settings,
)
from posture_app.core.state import load_state, save_state
from posture_app.core.store import Store, StoreError
from posture_app.paths import APP_NAME, Paths, resources_dir
from posture_app.platform.base import Detected
from posture_app.platform.sound import find_chime
from posture_app.ui import FORKS_WINDOWS, forget_module_sources
from posture_app.ui.instance import SingleInstance
from posture_app.ui.logfile import setup_logging
from posture_app.ui.tray import Tray

if TYPE_CHECKING:
    import socket

    # Loaded where used: each Qt class a module names costs memory once touched (its Python
    # type and enums), and these are not needed for a day in the tray.
    from PySide6.QtCore import QProcess

    from posture_app.ui.forkserver import ForkedProcess, ForkServer

    WindowProcess = QProcess | ForkedProcess

log = logging.getLogger(__name__)

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
RESOURCES = resources_dir()
#: The app window's own process: `python -m posture_app.ui.window`.
WINDOW_MODULE = "posture_app.ui.window"
#: A file for the window processes' --print-paints lines (bench/window.py times opens by them).
WINDOW_OUTPUT_ENV = "POSTURE_APP_WINDOW_OUTPUT"
#: How long quitting waits for the window's process to close.
WINDOW_CLOSE_MS = 2000


class App(QObject):
    """Owns the long-lived parts: store, scheduler, controller, tray, presenter, windows."""

    def __init__(
        self,
        qapp: QApplication,
        paths: Paths,
        detected: Detected,
        clock: Clock | None = None,
        tray: Tray | None = None,
    ) -> None:
        super().__init__()
        self.qapp = qapp
        self.paths = paths
        self.clock = clock or SystemClock()
        self.detected = detected
        self.settings, self._warnings = self._load_settings()
        self.store = Store.open(paths.database_file, now=self.clock.now())
        self.scheduler = Scheduler(self.clock, self.settings, self.store.has_rating)
        # Here, not at the top: the tray icon is already up while these load (start-up time).
        from posture_app.ui.controller import Controller
        from posture_app.ui.presenter import Presenter

        self.controller = Controller(
            self.clock, self.scheduler, self.store, detected.idle, detected.session,
            detected.presenting, self,
        )  # fmt: skip
        self.tray = tray or Tray()
        self.tray.setParent(self)
        chime = find_chime(RESOURCES / "sounds" / "chime.wav")
        self.presenter = Presenter(
            self.controller, self.tray, self.settings, RESOURCES, self, chime=chime
        )
        self.state = load_state(self._state_file)
        self.presenter.last_exercise = self.state.last_exercise
        self._windows: dict[str, QWidget] = {}
        #: Where the window process's output goes, with --print-paints (tests and
        #: bench/window.py read it, the bench through $POSTURE_APP_WINDOW_OUTPUT; None:
        #: nowhere, and nothing printed).
        output = os.environ.get(WINDOW_OUTPUT_ENV, "")
        self.window_output: Path | None = Path(output) if output else None
        #: The window's processes this app started, each with whether someone asked to see it
        #: (the others were started ready, when the tray's menu opened).
        self._window_processes: dict[WindowProcess, bool] = {}
        #: With the "Keep the window ready" setting: forks window processes with everything
        #: imported (run() passes the one forked at the start; None: each starts from scratch).
        self.fork_server: ForkServer | None = None
        self._quitting = False
        self._wire()
        for note in detected.notes:
            log.info("%s", note)

    @property
    def _state_file(self) -> Path:
        return self.paths.config_dir / "state.json"

    def _load_settings(self) -> tuple[Settings, list[str]]:
        self._settings_locked = False
        try:
            return load_settings(self.paths.settings_file)
        except SettingsTooNew as exc:
            self._settings_locked = True  # never save over a newer file
            return Settings(), [f"{exc}. Using the default settings for now."]
        except SettingsError as exc:
            self._settings_locked = True  # nor over one we could not read
            return Settings(), [str(exc)]

    def _wire(self) -> None:
        c, t = self.controller, self.tray
        c.changed.connect(self._on_changed)
        c.water_today.connect(lambda ml: t.show_water(ml, self.settings.water_goal_ml))
        # Fresh when the menu opens (midnight, a glass logged from the command line, a new goal).
        t.menu.aboutToShow.connect(
            lambda: t.show_water(c.water_logged_today(), self.settings.water_goal_ml)
        )
        t.menu.aboutToShow.connect(self.prepare_window)  # the next click may be "Open"
        t.break_now.connect(c.take_break_now)
        t.log_water.connect(lambda: c.log_water())
        t.log_stiffness.connect(lambda: self.presenter.ask_stiffness(None))
        t.pause.connect(self._pause)
        t.resume.connect(c.resume)
        t.open_window.connect(self.open_window)
        t.open_settings.connect(self.show_settings)
        t.quit.connect(self.qapp.quit)
        self.presenter.rated.connect(self._rated)
        self.presenter.safety_requested.connect(self.show_safety_note)
        self.qapp.aboutToQuit.connect(self.shutdown)

    def start(self) -> None:
        """Show the tray icon (or the window where there is no tray) and begin ticking."""
        self.tray.show_water(self.controller.water_logged_today(), self.settings.water_goal_ml)
        self.controller.start()
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray.show()
        else:
            log.warning("no system tray here: showing the window instead")
            self.show_window()
        # Once the icon is up, so the tray's own message can carry these.
        for warning in self._warnings:
            self.presenter.notify("Settings", warning)
        if self.store.moved_aside is not None:
            self.presenter.notify(
                "Your data file could not be read",
                f"It was moved to {self.store.moved_aside} and a new one was started.",
            )
        if not self.state.welcomed:
            self.show_welcome()
        self.keep_window_ready()  # if the fork before Qt could not be made (see run())
        forget_module_sources()

    def shutdown(self) -> None:
        """Close the day and the database; remember what the app needs next time."""
        self._quitting = True
        self._end_launcher()
        for process in list(self._window_processes):  # the window goes with the app
            del self._window_processes[process]
            process.terminate()
            if not process.waitForFinished(WINDOW_CLOSE_MS):
                process.kill()
                process.waitForFinished(WINDOW_CLOSE_MS)
        self.controller.shutdown()
        self.store.close()
        self.state = self.state.with_changes(last_exercise=self.presenter.last_exercise)
        save_state(self.state, self._state_file)

    def show_welcome(self) -> None:
        """The first-run welcome."""
        from posture_app.ui.welcome import WelcomeWindow

        window = WelcomeWindow(data_dir=str(self.paths.data_dir), autostart=self.detected.autostart)
        window.safety_requested.connect(self.show_safety_note)
        window.done.connect(self._welcomed)
        # Freed by Qt after its close event, then forgotten (dropping the last Python reference
        # inside its own close event would delete it mid-call).
        window.done.connect(window.deleteLater)
        window.destroyed.connect(lambda: self._windows.pop("welcome", None))
        self._windows["welcome"] = window
        window.show()

    def _welcomed(self) -> None:
        self.state = self.state.with_changes(welcomed=True)
        save_state(self.state, self._state_file)

    # --- actions ---------------------------------------------------------------------------------

    def _on_changed(self, snap: Snapshot) -> None:
        self.tray.update(snap, self.clock.now(), with_minutes=self.settings.icon_minutes)
        window = self._windows.get("status")
        if window is not None and window.isVisible():
            window.update_status(snap)  # type: ignore[attr-defined]

    def _pause(self, span: object) -> None:
        now = self.clock.now()
        until = next_midnight(now) if span is None else now + span  # type: ignore[operator]
        self.controller.pause(until)

    def _rated(self, score: int, area: Area | None, note: str) -> None:
        self.controller.log_stiffness(score, area, note)

    def open_window(self) -> None:
        """Open the app window (charts, history), or bring it to the front if it is open.

        It runs in a process of its own: the charts library costs memory the tray would keep
        all day, and all of it is given back when the window closes. A process that runs
        already (open, closed a few minutes ago, or started when the menu opened) is asked to
        show it, which takes some 20 ms; else one is started (about half a second). If that
        process fails, its one-line reason is shown and today's numbers open here instead.
        Quitting the tray app closes the window too.
        """
        if self._window_instance().ask_running():
            for process in self._window_processes:
                self._window_processes[process] = True  # its failure is news now
            return
        self._start_window(asked=True)

    def prepare_window(self) -> None:
        """Start the window's process, hidden, unless one runs: "Open" will then be quick.
        Unasked, it quits after a few minutes (`python -m posture_app.ui.window --hidden`)."""
        if self._quitting or self._window_processes or self._window_instance().is_running():
            return
        self._start_window(asked=False)

    def keep_window_ready(self) -> None:
        """The "Keep the window ready" setting was turned on: have a fork server from now on
        (forkserver.py), so that every window process starts with everything imported.

        The tray app forks one as it starts, before Qt, when the setting is on (the cheapest
        kind: it shares the tray's memory). Turned on later, a server is started from scratch
        instead; it holds more memory until the next start."""
        if self.settings.window_ready and FORKS_WINDOWS and self.fork_server is None:
            from posture_app.ui.forkserver import ForkServer

            self.fork_server = ForkServer.spawn()

    def _end_launcher(self) -> None:
        """The setting is off, or the app quits: end the fork server (windows it started stay)."""
        server, self.fork_server = self.fork_server, None
        if server is not None:
            server.close()

    def _window_instance(self) -> SingleInstance:
        return SingleInstance(self.paths.data_dir / "window")

    def _start_window(self, *, asked: bool) -> None:
        # It goes when this app goes, even killed: its standard input is a pipe from here.
        args = ["--with-tray"]
        if self.paths.base is not None:
            args += ["--basedir", str(self.paths.base)]
        if not asked:
            args.append("--hidden")
        if self.window_output is not None:
            args.append("--print-paints")
        process: WindowProcess | None = self._fork_window(args)
        if process is None:
            process = self._exec_window(args)
        self._window_processes[process] = asked

    def _fork_window(self, args: list[str]) -> ForkedProcess | None:
        """The window's process, forked with everything imported (forkserver.py); None if
        there is no fork server, it is still starting, or it has gone (then it is dropped)."""
        server = self.fork_server
        if server is None:
            return None
        from PySide6.QtCore import QProcessEnvironment

        from posture_app.ui.forkserver import ForkedProcess

        # The environment as QProcess would pass it: the C library's, which Qt changes too
        # (it removes a launcher's one-time startup ID, for one).
        env = dict(
            line.split("=", 1)
            for line in QProcessEnvironment.systemEnvironment().toStringList()
            if "=" in line
        )
        ours: list[int] = []  # this end's: kept if the launch works
        theirs: list[int] = []  # the child's copies, closed here once sent
        pid: int | None = None
        try:
            stdin_r, stdin_w = os.pipe()
            ours.append(stdin_w)
            theirs.append(stdin_r)
            status_r, status_w = os.pipe()
            ours.append(status_r)
            theirs += [status_w, self._open_output(), self._open_errors()]
        except OSError as exc:  # out of descriptors: not the launcher's fault
            log.warning("cannot make the window's pipes: %s", exc)
            theirs += ours
            ours = []
        try:
            if ours:
                pid = server.launch(args, [stdin_r, theirs[2], theirs[3], status_w], env)
        except BlockingIOError:
            log.info("the window launcher is still starting: this window starts from scratch")
            pid = None
        except OSError as exc:
            log.warning("the window launcher failed, windows start from scratch: %s", exc)
            self.fork_server = None
            pid = None
        finally:
            for fd in theirs:
                os.close(fd)
        if pid is None:
            for fd in ours:
                os.close(fd)
            return None
        process = ForkedProcess(pid, stdin_w, status_r, self)
        process.finished.connect(lambda code, p=process: self._window_ended(p, code))
        return process

    def _open_output(self) -> int:
        """Where a forked window's standard output goes: window_output, else nowhere."""
        if self.window_output is not None:
            try:
                return os.open(self.window_output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            except OSError as exc:
                log.warning("the window's output goes nowhere: %s", exc)
        return os.open(os.devnull, os.O_WRONLY)

    def _open_errors(self) -> int:
        """Where a forked window's errors go: window-errors.log, as with a started one."""
        try:
            make_private_dirs(self.paths.log_dir)
            return os.open(self._window_errors, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        except OSError as exc:
            log.warning("the window's errors go nowhere: %s", exc)
            return os.open(os.devnull, os.O_WRONLY)

    def _exec_window(self, args: list[str]) -> QProcess:
        """The window's process, started from scratch: `python -m posture_app.ui.window`."""
        from PySide6.QtCore import QIODevice, QProcess

        process = QProcess(self)
        process.setProgram(sys.executable)
        process.setArguments(["-m", WINDOW_MODULE, *args])
        process.setWorkingDirectory(str(PACKAGE_ROOT))  # so `-m` finds the package uninstalled
        if self.window_output is not None:
            process.setStandardOutputFile(str(self.window_output))
        else:
            process.setStandardOutputFile(QProcess.nullDevice())
        # Its warnings and its one-line reason for failing, kept where the log lives (a pipe
        # would keep all of it in this process's memory for as long as the window is open).
        try:
            make_private_dirs(self.paths.log_dir)
            process.setStandardErrorFile(str(self._window_errors), QIODevice.OpenModeFlag.Append)
        except OSError as exc:
            log.warning("the window's errors go nowhere: %s", exc)
            process.setStandardErrorFile(QProcess.nullDevice())
        process.finished.connect(lambda code, _status, p=process: self._window_ended(p, code))
        process.errorOccurred.connect(
            lambda error, p=process: (
                self._window_ended(p, None)
                if error is QProcess.ProcessError.FailedToStart
                else None
            )
        )
        process.start()
        return process

    def _window_ended(self, process: WindowProcess, code: int | None) -> None:
        """The window's process ended: say why if it failed, and offer today's numbers."""
        if process not in self._window_processes:
            return
        asked = self._window_processes.pop(process)
        process.deleteLater()
        if code == 0:
            return
        reason = _last_line(self._window_errors) or process.errorString()
        if not asked:  # nobody waits for it: the next "Open" starts one and says so
            log.warning("the app window, started ready, failed (%s): %s", code, reason)
            return
        log.warning("the app window failed (%s): %s", code, reason)
        self.presenter.notify("The window could not open", reason)
        self.show_window()

    @property
    def _window_errors(self) -> Path:
        return self.paths.log_dir / "window-errors.log"

    def show_requested(self) -> None:
        """A second launch asked for the window: the charts, or today's numbers without a tray."""
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.open_window()
        else:
            self.show_window()

    def show_window(self) -> None:
        """Open (or raise) today's numbers and the tray's actions (the window without a tray)."""
        from posture_app.ui.status_window import StatusWindow

        window = self._windows.get("status")
        if window is None:
            window = StatusWindow(self.controller, self.settings)
            window.settings_requested.connect(self.show_settings)
            window.week_requested.connect(self.open_window)
            window.stiffness_requested.connect(lambda: self.presenter.ask_stiffness(None))
            window.safety_requested.connect(self.show_safety_note)
            self._windows["status"] = window
        window.show()
        window.update_status(self.controller.snapshot())  # type: ignore[attr-defined]
        window.raise_()
        window.activateWindow()

    def show_settings(self) -> None:
        """Open (or raise) the settings window."""
        from posture_app.ui.settings_window import SettingsWindow

        window = self._windows.get("settings")
        if window is None:
            window = SettingsWindow(
                self.settings,
                data_location=f"Your data is in {self.paths.data_dir}",
                notes=self.detected.notes,
                autostart=self.detected.autostart,
            )
            window.saved.connect(self._save_settings)
            window.open_data_folder.connect(self._open_data_folder)
            self._windows["settings"] = window
        window.show()
        window.raise_()
        window.activateWindow()

    def _open_data_folder(self) -> None:
        """Show the data folder in the desktop's file manager."""
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.paths.data_dir)))

    def _save_settings(self, settings: Settings) -> None:
        if self._settings_locked:
            self.presenter.notify(
                "Settings not saved",
                "Your settings file is from a newer version of posture-app; it was left as it is.",
            )
        else:
            try:
                save_settings(settings, self.paths.settings_file)
            except SettingsError as exc:
                window = self._windows.get("settings")
                if window is not None:
                    window.show_error(str(exc))  # type: ignore[attr-defined]  # keeps the edits
                return
        ready_before = self.settings.window_ready
        self.settings = settings
        self.presenter.settings = settings
        status = self._windows.get("status")
        if status is not None:
            status.settings = settings  # type: ignore[attr-defined]
        self.controller.update_settings(settings)
        if settings.window_ready and not ready_before:
            self.keep_window_ready()
        elif ready_before and not settings.window_ready:
            self._end_launcher()
        window = self._windows.pop("settings", None)
        if window is not None:
            window.close()

    def show_safety_note(self) -> None:
        """Show when to see a doctor."""
        from posture_app.core.content import SAFETY_NOTE
        from posture_app.ui.prompts import SafetyNoteDialog

        dialog = self._windows.get("safety")
        if dialog is None:
            dialog = SafetyNoteDialog(SAFETY_NOTE)
            self._windows["safety"] = dialog
        dialog.show()
        dialog.raise_()


def run(paths: Paths, fork_server: ForkServer | None = None) -> int:
    """Start the tray app; return its exit status. `fork_server` (forkserver.py, forked before
    this makes its QApplication) starts its window processes; it is ended with the app."""
    try:
        return _start(paths, fork_server)
    finally:
        if fork_server is not None:
            fork_server.close()


def _start(paths: Paths, fork_server: ForkServer | None) -> int:
    setup_logging(paths.log_dir, paths.log_file.name)
    QGuiApplication.setDesktopFileName(APP_NAME)
    qapp = QApplication.instance() or QApplication([APP_NAME])
    assert isinstance(qapp, QApplication)
    qapp.setApplicationName(APP_NAME)
    qapp.setQuitOnLastWindowClosed(False)  # it lives in the tray
    icon = RESOURCES / "posture-app.png"  # not the SVG: that would load Qt's SVG libraries
    if icon.exists():
        qapp.setWindowIcon(QIcon(str(icon)))
    single = SingleInstance(paths.data_dir)
    if single.ask_running() or not single.listen():
        log.info("already running: asked it to show its window")
        return 0
    try:
        return _run_app(qapp, paths, single, fork_server)
    finally:
        single.close()


def _run_app(
    qapp: QApplication, paths: Paths, single: SingleInstance, fork_server: ForkServer | None
) -> int:
    """Show the icon, build the app and run Qt's event loop."""
    from posture_app.platform.detect import detect as detect_platform

    # The icon first: it is what the user waits for; the platform probes and the database follow
    # within a few tens of milliseconds, before any event (a click on the icon) is handled.
    tray = Tray()
    if QSystemTrayIcon.isSystemTrayAvailable():
        tray.show()
    detected = detect_platform(_autostart_command())
    try:
        app = App(qapp, paths, detected, tray=tray)
    except StoreError as exc:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, APP_NAME, str(exc))
        print(f"{APP_NAME}: {exc}", file=sys.stderr)
        return 2
    app.fork_server = fork_server
    single.show_requested.connect(app.show_requested)
    quit_on_signals(qapp)
    app.start()
    log.info("started at %s", datetime.now().astimezone().isoformat(timespec="seconds"))
    return qapp.exec()


def quit_on_signals(qapp: QApplication) -> bool:
    """Quit as from the menu on SIGTERM (logout, `kill`) and SIGINT (Ctrl+C in a terminal): the
    day is closed and the window's process ended. False where there are no such signals.

    Python runs a signal handler only between its own bytecodes, and Qt's event loop waits in
    C++: the signal's number goes to a socket the loop watches (`signal.set_wakeup_fd`), and
    reading it runs Python, and so the handler, at once.
    """
    import signal
    import socket

    if sys.platform == "win32":  # no SIGTERM from the system; the session ends the process
        return False
    from PySide6.QtCore import QSocketNotifier

    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, qapp)
    notifier.activated.connect(lambda: _drain(reader))
    _SIGNAL_SOCKETS[:] = [reader, writer]  # alive as long as the app

    def stop(signum: int, _frame: object) -> None:
        log.info("%s: quitting", signal.Signals(signum).name)
        # From the loop: the handler may run before the loop has started, where quit() does
        # nothing.
        QTimer.singleShot(0, qapp.quit)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    return True


#: The socket pair quit_on_signals hands the signals through (kept from being collected).
_SIGNAL_SOCKETS: list[object] = []


def _drain(reader: socket.socket) -> None:
    """Read the signal numbers waiting (the handlers have run by now)."""
    import contextlib

    with contextlib.suppress(OSError):  # nothing there after all
        reader.recv(64)


def _last_line(path: Path) -> str:
    """The last non-empty line of a small text file ("" if there is none)."""
    try:
        with path.open("rb") as f:
            f.seek(max(0, path.stat().st_size - 4096))
            lines = f.read().decode(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return lines[-1].strip() if lines else ""


def _autostart_command() -> list[str]:
    """How the login session should start us: the installed script, else this interpreter."""
    script = Path(sys.executable).with_name(APP_NAME)
    if script.exists():
        return [str(script)]
    return [sys.executable, str(Path(__file__).resolve().parents[2] / "main.py")]
