"""The app window for now: today at a glance, and the actions of the tray menu.

It is also what opens where there is no system tray. The weekly charts (issue 4) will join it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from posture_app.core.scheduler import Snapshot
from posture_app.core.settings import Settings
from posture_app.core.stats import IsoWeek, week_summary
from posture_app.core.text import minutes_text
from posture_app.ui import look
from posture_app.ui.controller import Controller
from posture_app.ui.tray import status_text

SAFETY_HELP = "Shows the signs that mean you should see a doctor, soon or urgently"


class StatusWindow(QWidget):
    """Shows today's numbers from the store and the scheduler's state."""

    settings_requested = Signal()
    week_requested = Signal()
    stiffness_requested = Signal()
    safety_requested = Signal()

    def __init__(self, controller: Controller, settings: Settings) -> None:
        super().__init__()
        self._controller = controller
        self.settings = settings
        self.setWindowTitle("posture-app")
        self.setAccessibleName("posture-app: today")
        self.now = QLabel()
        self.now.setFont(look.title_font(self.font()))
        self.now.setAccessibleName("Right now")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.fields: dict[str, QLabel] = {}
        for key, label in (
            ("sitting", "Sitting today"),
            ("sessions", "Sessions"),
            ("longest", "Longest session"),
            ("breaks", "Natural breaks"),
            ("prompts", "Prompts done"),
            ("water", "Water"),
            ("stiffness", "Stiffness (morning / evening)"),
        ):
            value = QLabel("-")
            value.setAccessibleName(label)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label, value)
            self.fields[key] = value
        buttons = QHBoxLayout()
        for text, slot, name in (
            ("Your week…", self.week_requested.emit, "Open your week in charts"),
            ("Take a break now", controller.take_break_now, "Take a break now"),
            ("Log a glass of water", lambda: controller.log_water(), "Log a glass of water"),
            ("Rate stiffness…", self.stiffness_requested.emit, "Rate your back stiffness"),
            ("Settings…", self.settings_requested.emit, "Open settings"),
        ):
            button = QPushButton(text)
            button.setAccessibleName(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        # A real button (not flat): it must look clickable, and Tab reaches it like the others.
        self.safety = QPushButton("When to see a doctor…")
        self.safety.setAccessibleName("When to see a doctor")
        self.safety.setAccessibleDescription(SAFETY_HELP)
        self.safety.setToolTip(SAFETY_HELP)
        self.safety.clicked.connect(self.safety_requested.emit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.setSpacing(14)
        layout.addWidget(self.now)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.safety, alignment=Qt.AlignmentFlag.AlignLeft)
        controller.changed.connect(self.update_status)

    def update_status(self, snap: Snapshot) -> None:
        """Refresh from the scheduler and the store."""
        if not self.isVisible():
            return  # refreshed when shown
        self.now.setText(status_text(snap, snap.at))
        day = week_summary(self._controller.store, IsoWeek.of(snap.at.date())).days[
            snap.at.weekday()
        ]
        done = sum(c.done for c in day.prompts.values())
        shown = sum(c.due for c in day.prompts.values())
        f = self.fields
        f["sitting"].setText(minutes_text(day.sitting_minutes))
        f["sessions"].setText(str(day.sessions))
        f["longest"].setText(minutes_text(day.longest_session_minutes))
        f["breaks"].setText(str(day.natural_breaks))
        f["prompts"].setText(f"{done} of {shown}" if shown else "none yet")
        f["water"].setText(f"{day.water_ml} of {self.settings.water_goal_ml} ml")
        m, e = day.stiffness_morning, day.stiffness_evening
        f["stiffness"].setText(f"{'-' if m is None else m} / {'-' if e is None else e}")
