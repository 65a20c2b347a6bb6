"""The first-run welcome: what the app does, where the data stays, when to see a doctor."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QCloseEvent, QIcon, QKeyEvent
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from posture_app.platform.base import Autostart
from posture_app.ui import look
from posture_app.ui.start_at_login import StartAtLoginBox

WHAT_IT_DOES = (
    "posture-app sits in your tray and notices when you have been sitting a while. "
    "Then it suggests a quick posture check, a short stretch, a walk, or a glass of water. "
    "Nothing pops up while you are away, presenting or in a full-screen app."
)
PRIVACY = "Everything it records stays on this computer, in {where}. Nothing is sent anywhere."
SAFETY = (
    "The stretches are gentle. Stop if anything hurts more. Some back symptoms need a doctor "
    "soon, or urgently."
)


class WelcomeWindow(QWidget):
    """Shown once, at the first start; emits `done` when closed."""

    done = Signal()
    safety_requested = Signal()

    def __init__(self, *, data_dir: str, autostart: Autostart) -> None:
        super().__init__()
        self._finished = False
        self.setWindowTitle("Welcome to posture-app")
        self.setAccessibleName("Welcome to posture-app")
        title = QLabel("Welcome")
        title.setFont(look.title_font(self.font()))
        texts = [QLabel(WHAT_IT_DOES), QLabel(PRIVACY.format(where=data_dir)), QLabel(SAFETY)]
        for label in texts:
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        texts[1].setAccessibleName("Your data")
        texts[2].setAccessibleName("Safety")
        safety = QPushButton("When to see a doctor")
        safety.setAccessibleName("When to see a doctor")
        safety.clicked.connect(self.safety_requested.emit)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Problem")
        self.error.hide()
        self.start_at_login = StartAtLoginBox("Start posture-app when I log in", autostart)
        self.start_at_login.setAccessibleName("Start posture-app when I log in")
        self.start_at_login.failed.connect(self._autostart_failed)
        self.start_at_login.switched.connect(self.error.hide)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Get started")
        ok.setIcon(QIcon())  # no stock "OK" icon: the words say it
        ok.setAccessibleName("Get started")
        ok.setDefault(True)
        buttons.accepted.connect(self.close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(title)
        for label in texts:
            layout.addWidget(label)
        layout.addWidget(safety, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.start_at_login)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(480, 400)

    def _autostart_failed(self, why: str) -> None:
        """Say why starting at login could not be changed (the box shows the real state)."""
        message = f"Could not change this: {why}"
        self.error.setText(message)
        self.error.setAccessibleDescription(message)
        self.error.show()
        QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(self.error, message))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter or Esc: get started."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
            self.close()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing in any way counts as seen."""
        if not self._finished:
            self._finished = True
            self.done.emit()
        super().closeEvent(event)
