"""A bare PySide6 tray app: the baseline that bench/tray.py compares posture-app with.

Run: `.venv/bin/python bench/bare_tray.py` (needs a display with a system tray).

Only what any tray app needs: a QApplication that does not quit when no window is open, a
tray icon drawn at start (a filled disc), a menu with three actions, and one 60-second timer.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon


def draw_icon(size: int = 64) -> QIcon:
    """A teal disc on a transparent square."""
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#2f7d95"))
    painter.drawEllipse(4, 4, size - 8, size - 8)
    painter.end()
    return QIcon(pix)


def main() -> int:
    """Show the icon and run the event loop until Quit."""
    app = QApplication(sys.argv)
    app.setQuitOnLastWindowClosed(False)
    menu = QMenu()
    menu.addAction("Take a break")
    menu.addAction("Pause")
    menu.addAction("Quit", app.quit)
    tray = QSystemTrayIcon(draw_icon())
    tray.setToolTip("bare tray")
    tray.setContextMenu(menu)
    tray.show()
    timer = QTimer()
    timer.setInterval(60_000)
    timer.timeout.connect(lambda: tray.setToolTip("bare tray"))
    timer.start()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
