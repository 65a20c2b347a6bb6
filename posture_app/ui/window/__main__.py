"""The app window in its own process: `python -m posture_app.ui.window [options]`.

    --basedir DIR        keep config/, data/ and logs/ in DIR (else $POSTURE_APP_BASEDIR,
                         else the platform's folders)
    --week YYYY-Www      the week to show (default: this week)
    --tab NAME           week, trends, insights or history (default: week)
    --hidden             get the window ready (built and painted off screen) but show it
                         only when asked (by the tray app, or by another launch)
    --with-tray          quit once standard input closes, as it does when the tray app that
                         started this process ends, even by a crash; a shown window stays
                         until it is closed (POSIX; ignored elsewhere)
    --linger SECONDS     how long the process stays, hidden, after the window closes (or after
                         --hidden, until asked) so that it opens again at once; 0 quits when
                         it closes (default: $POSTURE_APP_WINDOW_LINGER, else 300)
    --quit-after-show    quit right after the window's first paint and print, on stdout, the
                         milliseconds from process start to that paint (also when
                         $POSTURE_APP_QUIT_AFTER_SHOW is set to anything but "" or "0")
    --print-paints       print, on stdout, "ready T" once a --hidden window is
                         ready, "shown T" after the first paint each time the window is shown,
                         "closed T" when it closes and "tray-gone T" when --with-tray sees
                         the tray go (T: seconds on CLOCK_MONOTONIC, which other processes
                         read too)

Bad arguments and a database that cannot be opened give one line on stderr and exit status 2.
Qt is imported only after the arguments are read, and each tab's view only when it is shown.
"""

from __future__ import annotations

import time

# The first thing read: what the paint time is measured against when the kernel cannot say when
# the process started.
_IMPORTED = time.perf_counter()

if __name__ == "__main__":  # run, not imported (tests and the bench import it)
    import gc

    # No collections while starting: a start makes almost no cyclic garbage, but each
    # collection walks every object made so far, the modules' too (about 4% of a start's CPU
    # time). freeze_startup_objects() switches the collector on again once the window is ready
    # or open.
    gc.disable()

import argparse  # noqa: E402 - after the start time on purpose
import os  # noqa: E402
import sqlite3  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable, Mapping, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

from posture_app.core.clock import SystemClock  # noqa: E402
from posture_app.core.errors import KnownError  # noqa: E402
from posture_app.core.stats import IsoWeek  # noqa: E402
from posture_app.paths import APP_NAME, Paths, resolve_paths, resources_dir  # noqa: E402

TYPE_CHECKING = False  # typing.TYPE_CHECKING without loading typing (start-up time)
if TYPE_CHECKING:
    from typing import NoReturn

    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QApplication, QWidget

    from posture_app.core.settings import Settings
    from posture_app.core.store import Store
    from posture_app.ui.instance import SingleInstance
    from posture_app.ui.window.host import WindowHost

PROG = f"{APP_NAME} window"
#: The window's log, beside the tray app's.
WINDOW_LOG = "window.log"
QUIT_AFTER_SHOW_ENV = "POSTURE_APP_QUIT_AFTER_SHOW"
LINGER_ENV = "POSTURE_APP_WINDOW_LINGER"
TABS = ("week", "trends", "insights", "history")
#: After this long the window is open: what exists then lives as long as the window does.
SETTLED_MS = 1000
#: How long the process stays, hidden, after the window closes (or after --hidden, until it is
#: asked for the window), so that opening it again is at once: then it quits (see host.py).
LINGER_S = 300.0


def _process_age() -> float | None:
    """Seconds since the kernel started this process (Linux /proc), None where it cannot say."""
    try:
        stat = Path("/proc/self/stat").read_text(encoding="ascii")
        # Field 22 is the start time in clock ticks after boot; the name (field 2) may hold
        # spaces and brackets, so count from the last ")".
        ticks = int(stat.rsplit(")", 1)[1].split()[19])
        return time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


#: How long the process had run when this module was imported (0 when unknown: then the paint
#: time counts from this module's import instead).
_AGE_AT_IMPORT = _process_age() or 0.0


def milliseconds_since_start() -> float:
    """Milliseconds since the process started (since this module was imported, if unknown).

    Asked of the kernel each time: a process forked by the fork server (forkserver.py) may
    have this module from the server, imported long before it started."""
    age = _process_age()
    if age is not None:
        return age * 1000
    return (_AGE_AT_IMPORT + time.perf_counter() - _IMPORTED) * 1000


class UsageError(KnownError):
    """A bad command line; the message is the one line the user sees."""


class _Parser(argparse.ArgumentParser):
    """argparse, raising UsageError with one line instead of printing the usage and exiting."""

    def error(self, message: str) -> NoReturn:
        """Raise the problem as one line."""
        raise UsageError(message)


def _week(text: str) -> IsoWeek:
    try:
        return IsoWeek.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 <= value <= 86_400:
        raise argparse.ArgumentTypeError(f"not between 0 and 86400 seconds: {text!r}")
    return value


def parse(argv: Sequence[str], environ: Mapping[str, str] = os.environ) -> argparse.Namespace:
    """Read the command line; UsageError names a mistake in one line."""
    parser = _Parser(prog=PROG, description="The posture-app window: your week in charts.")
    parser.add_argument("--basedir", metavar="DIR", help="keep config, data and logs in DIR")
    parser.add_argument("--week", metavar="YYYY-Www", type=_week, help="the week to show")
    parser.add_argument("--tab", choices=TABS, default="week", help="the tab to show first")
    parser.add_argument(
        "--linger",
        metavar="SECONDS",
        type=_seconds,
        help="how long the process stays after the window closes (default 300)",
    )
    parser.add_argument("--print-paints", action="store_true", help="print when it is shown")
    parser.add_argument("--with-tray", action="store_true", help="quit once standard input closes")
    start = parser.add_mutually_exclusive_group()
    start.add_argument("--hidden", action="store_true", help="show the window only when asked")
    start.add_argument(
        "--quit-after-show",
        action="store_true",
        help="quit after the first paint, printing the milliseconds since the process started",
    )
    args = parser.parse_args(list(argv))
    if args.linger is None:
        text = environ.get(LINGER_ENV, "")
        try:
            args.linger = _seconds(text) if text else LINGER_S
        except argparse.ArgumentTypeError as exc:
            raise UsageError(f"${LINGER_ENV}: {exc}") from None
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Open the window; return the exit status."""
    try:
        args = parse(sys.argv[1:] if argv is None else argv)
    except UsageError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    quit_after_show = args.quit_after_show or os.environ.get(QUIT_AFTER_SHOW_ENV, "") not in (
        "",
        "0",
    )

    clock = SystemClock()
    paths = resolve_paths(args.basedir)
    from posture_app.ui.logfile import setup_logging

    setup_logging(paths.log_dir, WINDOW_LOG)  # a file of its own: two processes never share one
    single: SingleInstance | None = None
    from posture_app.ui import quiet_pyside_imports

    quiet_pyside_imports()  # before anything loads PySide6 (instance does, so do the views)
    if not quit_after_show:  # a measurement always opens its own window
        from posture_app.ui.instance import SingleInstance

        single = SingleInstance(paths.data_dir / "window")
        # Claimed at once (requests wait in the socket until the window exists), so a
        # double-click that starts two windows still opens one.
        if args.hidden:  # the tray getting one ready: one that runs already will do
            if single.is_running() or not single.listen(show_running=False):
                return 0
        elif single.ask_running() or not single.listen():
            return 0  # the open window came to the front
    try:
        return _open(args, clock, paths, single, quit_after_show)
    finally:
        if single is not None:
            single.close()


def _open(
    args: argparse.Namespace,
    clock: SystemClock,
    paths: Paths,
    single: SingleInstance | None,
    quit_after_show: bool,
) -> int:
    """Read the settings and open the store, then show the window until it closes."""
    from posture_app.core.settings import Settings, SettingsError, load_settings
    from posture_app.core.store import Store, StoreError

    messages: list[str] = []
    # A reader: the tray app owns these files, so nothing here moves or rewrites them.
    try:
        settings, warnings = load_settings(paths.settings_file, now=clock.now(), read_only=True)
        messages += warnings
    except SettingsError as exc:
        settings = Settings()
        messages.append(f"{str(exc).rstrip('.')}. Using the default settings.")
    try:
        store = Store.open(paths.database_file, now=clock.now(), check=False, repair=False)
    except (StoreError, OSError, sqlite3.DatabaseError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        print(f"{PROG}: {paths.database_file}: {reason}", file=sys.stderr)
        return 2
    try:
        return _show(store, settings, clock, paths, args, messages, quit_after_show, single)
    finally:
        store.close()


def _show(
    store: Store,
    settings: Settings,
    clock: SystemClock,
    paths: Paths,
    args: argparse.Namespace,
    messages: list[str],
    quit_after_show: bool,
    single: SingleInstance | None = None,
) -> int:
    """Make the application and the window, and run until the window closes."""
    from PySide6.QtGui import QGuiApplication, QIcon
    from PySide6.QtWidgets import QApplication

    from posture_app.ui.window.main_window import MainWindow, Tab

    QGuiApplication.setDesktopFileName(APP_NAME)
    qapp = QApplication.instance() or QApplication([APP_NAME])
    assert isinstance(qapp, QApplication)
    qapp.setApplicationName(APP_NAME)
    icon = resources_dir() / "posture-app.png"
    if icon.exists():
        qapp.setWindowIcon(QIcon(str(icon)))
    window = MainWindow(store, settings, clock, paths, week=args.week, tab=Tab.of_key(args.tab))
    if messages:
        window.say(" ".join(messages))
    if quit_after_show:
        _quit_after_first_paint(qapp, window)
        window.show()
        return qapp.exec()

    from PySide6.QtCore import QTimer

    from posture_app.core.settings import SettingsError, load_settings
    from posture_app.ui import WINDOW_WATCHES_TRAY, freeze_startup_objects
    from posture_app.ui.window.host import WindowHost

    def reread() -> Settings | None:
        try:
            return load_settings(paths.settings_file, now=clock.now(), read_only=True)[0]
        except SettingsError:
            return None  # keep measuring against the ones read before

    qapp.setQuitOnLastWindowClosed(False)  # the host quits, once the window has lingered
    host = WindowHost(window, linger_s=args.linger, settings=reread, single=single, parent=qapp)
    if args.print_paints:
        _print_paints(qapp, host)
    if args.with_tray and WINDOW_WATCHES_TRAY:
        _watch_tray(qapp, host, args.print_paints)
    if args.hidden:
        host.wait_hidden()
        freeze_startup_objects()  # ready: what exists now lives as long as the window does
        if args.print_paints:
            _print_moment("ready")
    else:
        QTimer.singleShot(SETTLED_MS, freeze_startup_objects)  # once it is open and painted
        host.show_window()
    if single is not None:
        single.watch()  # requests that came meanwhile too
    return qapp.exec()


def _watch_tray(qapp: QApplication, host: WindowHost, print_paints: bool) -> None:
    """Tell the host when standard input closes: the tray app that started this process, and
    holds the pipe's other end, has ended (with --print-paints, print "tray-gone T" then).
    Nothing is read while it runs (it writes nothing), so waiting costs no wake-ups."""
    from PySide6.QtCore import QSocketNotifier

    notifier = QSocketNotifier(0, QSocketNotifier.Type.Read, qapp)

    def readable() -> None:
        try:
            closed = not os.read(0, 4096)
        except OSError:  # no standard input at all
            closed = True
        if closed:
            notifier.setEnabled(False)
            if print_paints:
                _print_moment("tray-gone")
            host.tray_gone()

    notifier.activated.connect(readable)


def _print_moment(what: str) -> None:
    print(f"{what} {time.clock_gettime(time.CLOCK_MONOTONIC):.6f}", flush=True)


def _print_paints(qapp: QApplication, host: WindowHost) -> None:
    """Print "shown T" after the first paint each time the window is shown, "closed T" when it
    closes (--print-paints)."""
    host.showing.connect(
        lambda: after_first_paint(qapp, host.window, lambda: _print_moment("shown"))
    )
    host.window.closed.connect(lambda: _print_moment("closed"))


def _quit_after_first_paint(qapp: QApplication, window: QWidget) -> None:
    """Print the milliseconds to the window's first paint, then quit."""

    def done() -> None:
        print(f"{milliseconds_since_start():.0f}", flush=True)
        qapp.quit()

    after_first_paint(qapp, window, done)


def after_first_paint(qapp: QApplication, window: QWidget, then: Callable[[], None]) -> QObject:
    """Call `then` once the window's next paint pass is over; the filter that waits for it.

    A paint pass begins with the window's own paint event and draws the rest of it, flushed to
    the screen, in the same pass; a zero timer runs once the pass is over. The filter watches
    the window alone: one on the whole application would see every event of every object and
    make PySide6 build a Python class for each new type it meets (some 150 at a start, about
    a fifth of a second). The bench (bench/window.py) times opens with this too, so both
    measure the same moment.
    """
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        """Lets every event through; on the window's paint, finishes once the pass is done."""

        def __init__(self) -> None:
            super().__init__(qapp)
            self.seen = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            """Note the window's paint."""
            if not self.seen and watched is window and event.type() == QEvent.Type.Paint:
                self.seen = True
                QTimer.singleShot(0, self.done)
            return False

        def done(self) -> None:
            """The paint pass is over."""
            window.removeEventFilter(self)
            then()

    hook = FirstPaint()
    window.installEventFilter(hook)
    return hook


if __name__ == "__main__":
    sys.exit(main())
