"""A bare PySide6 window: the baseline bench/window.py compares the app window's start with.

Run: `.venv/bin/python bench/bare_window.py` (needs a display, or QT_QPA_PLATFORM=offscreen).

A QApplication and a QMainWindow of the app window's size with one label, nothing else. At its
first paint it prints, on stdout, the milliseconds from process start to that paint and quits:
the same measurement as `python -m posture_app.ui.window --quit-after-show` (process start from
/proc/self/stat, else this module's import; the time printed from a zero timer after the
window's first paint event, so the whole first frame has been drawn; the event filter watches
the window alone, as posture_app.ui.window.__main__.after_first_paint's does).
"""

from __future__ import annotations

import time

_IMPORTED = time.perf_counter()  # the first thing read, as in posture_app/ui/window/__main__.py

import os  # noqa: E402
import sys  # noqa: E402

#: The app window's first size (posture_app.ui.window.main_window.DEFAULT_SIZE).
SIZE = (1000, 760)


def _process_age() -> float:
    """Seconds since the kernel started this process (0 where /proc cannot say)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            ticks = int(f.read().rsplit(")", 1)[1].split()[19])  # field 22: start time
        return time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return 0.0


_AGE_AT_IMPORT = _process_age()


def milliseconds_since_start() -> float:
    """Milliseconds since the process started (since this module was imported, if unknown)."""
    return (_AGE_AT_IMPORT + time.perf_counter() - _IMPORTED) * 1000


def main() -> int:
    """Show the window, print the time to its first paint, quit."""
    from PySide6.QtCore import QEvent, QObject, Qt, QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle("bare window")
    label = QLabel("A bare PySide6 window")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    window.setCentralWidget(label)
    window.resize(*SIZE)

    class FirstPaint(QObject):
        """Prints the time once the window's first frame is drawn, then quits."""

        seen = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
            """Let every event through; on the window's first paint, finish once it is done."""
            if not self.seen and watched is window and event.type() == QEvent.Type.Paint:
                self.seen = True
                QTimer.singleShot(0, self.done)
            return False

        def done(self) -> None:
            """Print the time and quit."""
            print(f"{milliseconds_since_start():.0f}", flush=True)
            app.quit()

    hook = FirstPaint(app)
    window.installEventFilter(hook)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
