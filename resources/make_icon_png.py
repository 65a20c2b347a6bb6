"""Make posture-app.png from posture-app.svg (run after changing the SVG).

The tray app uses the PNG as its window icon: Qt reads PNG by itself, while an SVG icon would
load the SVG libraries into a process that runs all day. tests/test_resources.py checks the two
still match.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
SIZE = 256


def render(svg: Path, size: int = SIZE) -> QImage:
    """The SVG drawn on a transparent square."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    return image


if __name__ == "__main__":
    app = QGuiApplication([])
    render(HERE / "posture-app.svg").save(str(HERE / "posture-app.png"))
