"""The window's process between opens: ready before it is asked, and kept a while after.

Starting the window's process costs about half a second, most of it what any PySide6 window's
start costs (Python, Qt's libraries, the display); showing a window the process has already
built costs some 10 to 20 ms. So the tray app starts the process when its menu opens (`--hidden`:
built and painted off screen, not shown), and a closed window's process stays, hidden, for the
linger time (`--linger`, 300 s), so that opening it again is at once. Then it quits, and its
memory goes back. Started by the tray app, it also goes when the tray app goes (`--with-tray`,
see tray_gone).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal

if TYPE_CHECKING:
    from posture_app.core.settings import Settings
    from posture_app.ui.instance import SingleInstance
    from posture_app.ui.window.main_window import MainWindow


class WindowHost(QObject):
    """Shows the window when asked; after it closes, keeps it `linger_s` hidden, then quits.

    `settings()` reads the settings again (None if they cannot be read): a window shown again
    measures against the goals the user has now. `single`, if given, is the window's instance
    socket: its requests show the window, and it is closed before the process quits.
    """

    #: The window is about to be shown after being hidden (or never shown).
    showing = Signal()

    def __init__(
        self,
        window: MainWindow,
        *,
        linger_s: float,
        settings: Callable[[], Settings | None] | None = None,
        single: SingleInstance | None = None,
        quit_app: Callable[[], None] = QCoreApplication.quit,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self._settings = settings
        self._single = single
        self._quit = quit_app
        self.linger_timer = QTimer(self)
        self.linger_timer.setSingleShot(True)
        self.linger_timer.setInterval(round(max(0.0, linger_s) * 1000))
        self.linger_timer.timeout.connect(self.linger_over)
        self.lingers = linger_s > 0
        #: Whether the window was closed once: shown again, it starts over as a new one.
        self.reopening = False
        window.closed.connect(self._closed)
        if single is not None:
            single.show_requested.connect(self.show_window)

    def prepare(self) -> None:
        """Do a first show's work while hidden: showing it once where nobody sees it (layout,
        polish, Qt's side of showing a window), then one paint of every widget off screen
        (fonts, and the charts' first paint, the dearest). Measured by hand on Xvfb, the first
        show then paints in 10-30 ms instead of 60-90 ms."""
        window = self.window
        unseen = Qt.WidgetAttribute.WA_DontShowOnScreen
        window.setAttribute(unseen, True)
        window.show()
        QCoreApplication.sendPostedEvents()  # no sockets or timers: nothing else runs here
        window.hide()
        window.setAttribute(unseen, False)
        window.grab()

    def wait_hidden(self) -> None:
        """Get ready and wait, hidden, for a request; quit after the linger time without one."""
        self.prepare()
        self.linger_timer.start()

    def tray_gone(self) -> None:
        """The tray app that started this process has ended (quit, or crashed): nobody asks
        for the window any more, so a hidden one goes now and a shown one when it closes."""
        self.lingers = False
        if not self.window.isVisible():
            self.linger_timer.stop()
            self.linger_over()

    def show_window(self) -> None:
        """Show the window on top (restored if minimised), as a new one if it was closed."""
        self.linger_timer.stop()
        window = self.window
        if not window.isVisible():
            self._catch_up()
            self.showing.emit()
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
        window.show()
        window.raise_()
        window.activateWindow()

    def linger_over(self) -> None:
        """Nobody asked in time: quit, unless a request is waiting in the socket."""
        if self._single is not None:
            self._single.accept_pending()  # may show the window
            if self.window.isVisible():
                return
            self._single.close()  # from now on a launch starts a new process
        self._quit()

    def _catch_up(self) -> None:
        """What changed while the window was hidden: the settings, the data, the week. A window
        closed once starts over (this week, first tab); one never shown keeps the week and tab
        it was opened with (`--week`, `--tab`)."""
        if self._settings is not None:
            settings = self._settings()
            if settings is not None:
                self.window.set_settings(settings)
        if self.reopening:
            self.window.start_over()
        else:
            self.window.keep_up()
        self.window.check_for_changes()

    def _closed(self) -> None:
        if not self.lingers:
            self._quit()
            return
        self.reopening = True
        self.window.start_over()  # read now, so showing it again has less to do
        self.linger_timer.start()
