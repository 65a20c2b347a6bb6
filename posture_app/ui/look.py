"""Shared look helpers: light or dark, reduced motion, recoloured SVGs and where windows appear."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QByteArray, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QCursor,
    QFont,
    QGuiApplication,
    QPainter,
    QPalette,
    QPixmap,
    QScreen,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QWidget

from posture_app.platform.gsettings import GSettings

log = logging.getLogger(__name__)

Corner = Literal["bottom-right", "center"]

#: Gap between a window and the edge of the screen's free area.
MARGIN_PX = 16
#: Gap between stacked toasts, and the usual spacing inside a prompt.
SPACING_PX = 12
#: Titles are this much larger than the base font.
TITLE_SCALE = 1.2
#: Secondary text mixes this much of the text colour into the background (about 8:1 contrast).
MUTED_TEXT_SHARE = 0.7
#: Window colours with an HSL lightness below this count as dark (0-255).
DARK_LIGHTNESS = 128
#: Where GNOME keeps its animations switch.
GNOME_INTERFACE_SCHEMA = "org.gnome.desktop.interface"
GNOME_ANIMATIONS_KEY = "enable-animations"
#: The placeholder colour the exercise illustrations are drawn in.
CURRENT_COLOR = b"currentColor"
#: The window type of a toast (see make_toast); `widget.windowType() == TOAST_WINDOW_TYPE`.
TOAST_WINDOW_TYPE = Qt.WindowType.Tool
#: Window flags of a toast: a frameless tool window on top that never takes the keyboard focus.
TOAST_FLAGS = (
    TOAST_WINDOW_TYPE
    | Qt.WindowType.FramelessWindowHint
    | Qt.WindowType.WindowStaysOnTopHint
    | Qt.WindowType.WindowDoesNotAcceptFocus
)


def is_dark(source: QPalette | QGuiApplication | None = None) -> bool:
    """Whether the look is dark: the system colour scheme, else the window colour's lightness.

    Given a palette, that palette decides (it is what gets painted). Given the application, or
    nothing, the style hints' colour scheme decides when the platform knows it (Qt 6.5+), and the
    application palette's window colour when it does not (the offscreen platform never knows).
    """
    if isinstance(source, QPalette):
        return _palette_is_dark(source)
    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    return _palette_is_dark(QGuiApplication.palette())


def _palette_is_dark(palette: QPalette) -> bool:
    """Whether this palette's window colour is dark."""
    return palette.color(QPalette.ColorRole.Window).lightness() < DARK_LIGHTNESS


def reduced_motion() -> bool:
    """Whether the user asked for less motion: Qt's motionPreference (6.12+), else GNOME's setting.

    Qt 6.12 reads the desktop's setting itself (GNOME through its settings portal). Older Qt
    (6.8-6.11, still allowed) has no such property, so GNOME's `enable-animations` is read
    once with `gsettings`; elsewhere the answer is False.
    """
    # WORKAROUND: PySide6 6.12 deletes the QAccessibilityHints object when the QStyleHints
    # wrapper of a chained call is collected; keep both alive in locals. No upstream report found.
    style_hints = QGuiApplication.styleHints()
    accessibility = getattr(style_hints, "accessibility", None)  # Qt 6.10+
    hints = accessibility() if accessibility is not None else None
    return _motion_reduced(hints, _gnome_animations_disabled)


def _motion_reduced(hints: object, gnome_disabled: Callable[[], bool]) -> bool:
    """Qt's answer when this Qt has one (6.12+, fed by the platform theme), else GNOME's setting."""
    motion_preference = getattr(hints, "motionPreference", None)
    if motion_preference is not None:
        # By name: Qt.MotionPreference itself only exists from 6.12 on.
        return bool(motion_preference().name == "ReducedMotion")
    return gnome_disabled()


@functools.cache
def _gnome_animations_disabled() -> bool:
    """GNOME's animations are off (read once per process; False when unknown)."""
    return gnome_animations_disabled(GSettings())


def gnome_animations_disabled(settings: GSettings) -> bool:
    """Whether GNOME's `enable-animations` is false (False when it cannot be read)."""
    return settings.get_bool(GNOME_INTERFACE_SCHEMA, GNOME_ANIMATIONS_KEY) is False


def svg_icon_bytes(path: Path, color: QColor) -> bytes:
    """The SVG file's bytes with `currentColor` replaced by this colour (Qt would draw it black)."""
    return path.read_bytes().replace(CURRENT_COLOR, color.name(QColor.NameFormat.HexRgb).encode())


def render_svg(
    path: Path, color: QColor, size: int | QSize, *, device_pixel_ratio: float = 1.0
) -> QPixmap:
    """The SVG drawn in this colour into a transparent pixmap of `size` logical pixels."""
    logical = size if isinstance(size, QSize) else QSize(size, size)
    renderer = QSvgRenderer(QByteArray(svg_icon_bytes(path, color)))
    if not renderer.isValid():
        raise ValueError(f"{path} is not a valid SVG file")
    renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
    pixmap = QPixmap(logical * device_pixel_ratio)
    pixmap.setDevicePixelRatio(device_pixel_ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, logical.width(), logical.height()))
    finally:
        painter.end()
    return pixmap


def title_font(base: QFont) -> QFont:
    """The base font, bold and 1.2 times larger, for a prompt's title."""
    font = QFont(base)
    font.setBold(True)
    if base.pointSizeF() > 0:
        font.setPointSizeF(base.pointSizeF() * TITLE_SCALE)
    elif base.pixelSize() > 0:
        font.setPixelSize(round(base.pixelSize() * TITLE_SCALE))
    return font


def muted_color(palette: QPalette) -> QColor:
    """A softer text colour for secondary lines that still reads well on the window colour."""
    text = palette.color(QPalette.ColorRole.WindowText)
    back = palette.color(QPalette.ColorRole.Window)
    share = MUTED_TEXT_SHARE
    return QColor.fromRgbF(
        text.redF() * share + back.redF() * (1 - share),
        text.greenF() * share + back.greenF() * (1 - share),
        text.blueF() * share + back.blueF() * (1 - share),
    )


def make_toast(widget: QWidget) -> None:
    """Make a top-level widget a toast: frameless, on top, shown without taking the focus.

    Call it before the first show (changing window flags hides a shown window).
    """
    widget.setWindowFlags(TOAST_FLAGS)
    widget.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    # macOS hides tool windows while the app is inactive, which a tray app always is.
    widget.setAttribute(Qt.WidgetAttribute.WA_MacAlwaysShowToolWindow)


def screen_for_user() -> QScreen:
    """The screen under the mouse pointer (where the user is looking), else the primary one."""
    screen = QGuiApplication.screenAt(QCursor.pos()) or QGuiApplication.primaryScreen()
    if screen is None:
        raise RuntimeError("no screen is available")
    return screen


def _outer_size(widget: QWidget) -> QSize:
    """The widget's size on screen, frame included once it is known."""
    if not widget.isVisible() and not widget.testAttribute(Qt.WidgetAttribute.WA_Resized):
        widget.adjustSize()
    if widget.isVisible():
        return widget.frameGeometry().size()
    return widget.size()


def _clamped(pos: QPoint, size: QSize, area: QRect) -> QPoint:
    """`pos` moved so that a window of `size` stays inside `area` where it fits."""
    x = max(area.left(), min(pos.x(), area.right() + 1 - size.width()))
    y = max(area.top(), min(pos.y(), area.bottom() + 1 - size.height()))
    return QPoint(x, y)


def place(
    widget: QWidget,
    corner: Corner = "bottom-right",
    *,
    screen: QScreen | None = None,
    margin: int = MARGIN_PX,
) -> None:
    """Move a top-level widget to a corner or the centre of the user's screen's free area.

    Wayland compositors ignore positions chosen by clients; there the window goes where the
    compositor puts it.
    """
    area = (screen or screen_for_user()).availableGeometry()
    size = _outer_size(widget)
    if corner == "center":
        pos = area.center() - QPoint(size.width() // 2, size.height() // 2)
    else:
        pos = QPoint(
            area.right() + 1 - margin - size.width(), area.bottom() + 1 - margin - size.height()
        )
    widget.move(_clamped(pos, size, area))


def stack(
    toasts: Sequence[QWidget],
    *,
    screen: QScreen | None = None,
    margin: int = MARGIN_PX,
    spacing: int = SPACING_PX,
) -> None:
    """Stack toasts upward from the bottom-right corner: the first sits lowest, none overlap."""
    area = (screen or screen_for_user()).availableGeometry()
    bottom = area.bottom() + 1 - margin
    for toast in toasts:
        size = _outer_size(toast)
        pos = QPoint(area.right() + 1 - margin - size.width(), bottom - size.height())
        toast.move(_clamped(pos, size, area))
        bottom = pos.y() - spacing
