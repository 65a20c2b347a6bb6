"""The tray icon and its menu: what the user sees all day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from enum import Enum, auto

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from posture_app.core.model import Kind
from posture_app.core.scheduler import Presence, Snapshot

#: The pause choices in the menu.
PAUSES: tuple[tuple[str, timedelta | None], ...] = (
    ("For 30 minutes", timedelta(minutes=30)),
    ("For 1 hour", timedelta(hours=1)),
    ("For 2 hours", timedelta(hours=2)),
    ("Until tomorrow", None),
)

_KIND_WORDS = {
    Kind.POSTURE: "posture check",
    Kind.STRETCH: "stretch",
    Kind.BREAK: "movement break",
    Kind.EYES: "eye rest",
    Kind.HYDRATION: "water",
    Kind.STIFFNESS: "stiffness rating",
}


class IconState(Enum):
    """What the icon shows."""

    SITTING = auto()
    BREAK_DUE = auto()
    PAUSED = auto()
    AWAY = auto()


_COLOURS = {
    IconState.SITTING: QColor("#2f7d95"),
    IconState.BREAK_DUE: QColor("#d97706"),
    IconState.PAUSED: QColor("#8a8f98"),
    IconState.AWAY: QColor("#8a8f98"),
}


def icon_state(snap: Snapshot) -> IconState:
    """The icon for a scheduler state."""
    if snap.paused_until is not None:
        return IconState.PAUSED
    if snap.open_prompts:
        return IconState.BREAK_DUE
    if snap.presence is Presence.PRESENT:
        return IconState.SITTING
    return IconState.AWAY


def icon_label(minutes: int) -> str:
    """Minutes for the icon: at most two characters, so they stay readable at 16 px."""
    if minutes < 100:
        return str(minutes)
    return f"{min(minutes // 60, 9)}h"


def draw_icon(state: IconState, minutes: int | None = None, size: int = 64) -> QIcon:
    """A round badge in the state's colour: a seated figure, or the minutes to the next prompt.

    Drawn bold, for the 16-22 px a panel gives it: a nearly full disc, thick strokes.
    """
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = _COLOURS[state]
    ring = size * 0.11
    pad = size * 0.02 + (ring / 2 if state is IconState.AWAY else 0)
    disc = QRectF(pad, pad, size - 2 * pad, size - 2 * pad)
    if state is IconState.AWAY:
        p.setPen(QPen(colour, ring))
        p.setBrush(Qt.BrushStyle.NoBrush)
    else:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
    p.drawEllipse(disc)
    ink = colour if state is IconState.AWAY else QColor("white")
    if minutes is not None and state is IconState.SITTING:
        font = QFont()
        font.setBold(True)
        font.setPixelSize(int(size * 0.56))
        p.setFont(font)
        p.setPen(ink)
        p.drawText(disc, Qt.AlignmentFlag.AlignCenter, icon_label(minutes))
    elif state is IconState.PAUSED:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(ink)
        w, h = size * 0.15, size * 0.46
        p.drawRoundedRect(QRectF(size * 0.30, size * 0.27, w, h), 2, 2)
        p.drawRoundedRect(QRectF(size * 0.55, size * 0.27, w, h), 2, 2)
    else:
        # A figure sitting upright: head, back, thigh, shin.
        pen = QPen(ink, size * 0.13, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        s = size
        p.setBrush(ink)
        p.drawEllipse(QPointF(s * 0.45, s * 0.21), s * 0.06, s * 0.06)
        p.setBrush(Qt.BrushStyle.NoBrush)
        body = [(0.43, 0.45), (0.43, 0.65), (0.67, 0.65), (0.67, 0.83)]
        p.drawPolyline([QPointF(s * x, s * y) for x, y in body])
    p.end()
    return QIcon(pix)


def status_text(snap: Snapshot, now: datetime) -> str:
    """One line: how long you have sat, and what comes next."""
    if snap.paused_until is not None:
        until = snap.paused_until
        if until.date() > now.date() and until.time() == time(0):
            return "Paused until tomorrow"
        return f"Paused until {until:%H:%M}"
    if snap.presence is not Presence.PRESENT and snap.session_start is None:
        return "Away"
    sat = int(snap.sitting_seconds // 60)
    parts = [f"Sitting for {sat} min" if snap.session_start else "Not sitting"]
    if snap.open_prompts:
        parts.append(f"{_KIND_WORDS[snap.open_prompts[0].kind]} now")
    elif snap.next_kind is not None and snap.next_due is not None:
        left = max(0, round((snap.next_due - now).total_seconds() / 60))
        parts.append(f"{_KIND_WORDS[snap.next_kind]} in {left} min")
    return " · ".join(parts)


def minutes_to_break(snap: Snapshot, now: datetime) -> int | None:
    """Minutes until the next prompt, for the icon (None when nothing is counting)."""
    if snap.next_due is None:
        return None
    return max(0, round((snap.next_due - now).total_seconds() / 60))


class Tray(QObject):
    """Owns the tray icon and menu; turns menu picks into signals for the app."""

    break_now = Signal()
    log_stiffness = Signal()
    log_water = Signal()
    pause = Signal(object)  # timedelta, or None for "until tomorrow"
    resume = Signal()
    open_window = Signal()
    open_settings = Signal()
    quit = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.icon = QSystemTrayIcon(self)
        self.menu = QMenu()
        self.menu.setAccessibleName("posture-app menu")
        self.status = self._action("Starting…", enabled=False)
        self.menu.addSeparator()
        self._action("Take a break now", self.break_now.emit)
        self._action("Log stiffness…", self.log_stiffness.emit)
        self.water = self._action("Log a glass of water", self.log_water.emit)
        self.menu.addSeparator()
        self.pause_menu = QMenu("Pause reminders", self.menu)
        for label, span in PAUSES:
            act = self.pause_menu.addAction(label)
            act.triggered.connect(lambda _=False, s=span: self.pause.emit(s))
        self.menu.addMenu(self.pause_menu)
        self.resume_action = self._action("Resume reminders", self.resume.emit)
        self.resume_action.setVisible(False)
        self.menu.addSeparator()
        self._action("Open posture-app", self.open_window.emit)
        self._action("Settings…", self.open_settings.emit)
        self.menu.addSeparator()
        self._action("Quit", self.quit.emit)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.icon.setIcon(draw_icon(IconState.AWAY))
        self._drawn: tuple[IconState, int | None] = (IconState.AWAY, None)
        self.icon.setToolTip("posture-app")

    def _action(
        self, text: str, slot: Callable[[], None] | None = None, *, enabled: bool = True
    ) -> QAction:
        act = self.menu.addAction(text)
        act.setEnabled(enabled)
        if slot is not None:
            act.triggered.connect(slot)
        return act

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        # A click; not a double-click too, which Qt reports after the click's Trigger.
        if reason is QSystemTrayIcon.ActivationReason.Trigger:
            self.open_window.emit()

    def show(self) -> None:
        """Put the icon in the tray."""
        self.icon.show()

    def update(self, snap: Snapshot, now: datetime, *, with_minutes: bool) -> None:
        """Show the scheduler's state in the icon, tooltip and status line."""
        state = icon_state(snap)
        minutes = minutes_to_break(snap, now) if with_minutes else None
        if (state, minutes) != self._drawn:  # redraw only on change: each one wakes the panel
            self._drawn = (state, minutes)
            self.icon.setIcon(draw_icon(state, minutes))
        text = status_text(snap, now)
        self.status.setText(text)
        self.icon.setToolTip(f"posture-app\n{text}")
        paused = snap.paused_until is not None
        self.pause_menu.menuAction().setVisible(not paused)
        self.resume_action.setVisible(paused)

    def show_water(self, today_ml: int, goal_ml: int) -> None:
        """Today's water in the menu."""
        self.water.setText(f"Log a glass of water ({today_ml} of {goal_ml} ml today)")
