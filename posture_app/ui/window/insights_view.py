"""The insights view: the core's sentences, what is still missing, and the safety pointer."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from posture_app.core.insights import NOTE, Insight
from posture_app.ui import look

#: Shown when there are no insights and the caller gave no message of its own.
NO_PATTERNS_YET = "No patterns yet. Rate your stiffness in the evenings and they will appear here."
SAFETY = "When to see a doctor"


def _sentence_label(text: str, description: str) -> QLabel:
    """A word-wrapped plain-text label the user can select and copy, by mouse or keyboard."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    label.setAccessibleName(text)  # what a screen reader reads; the description says what it is
    label.setAccessibleDescription(description)
    return label


class InsightsView(QWidget):
    """Owns the sentence labels, the missing-data message, the note and the safety button."""

    safety_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Insights")
        #: One label per insight, in the order given.
        self.sentences: list[QLabel] = []
        self._list = QVBoxLayout()
        self._list.setContentsMargins(0, 0, 0, 0)
        self._list.setSpacing(look.SPACING_PX)
        self.missing = _sentence_label(NO_PATTERNS_YET, "Not enough data yet")
        self.note = _sentence_label(NOTE, "About these patterns")
        self.safety = QPushButton(SAFETY)
        self.safety.setAccessibleName(SAFETY)
        self.safety.setAccessibleDescription("Signs that mean you should get your back checked")
        self.safety.setAutoDefault(True)  # Enter presses it too, not only Space
        self.safety.clicked.connect(self.safety_requested.emit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(look.MARGIN_PX, look.MARGIN_PX, look.MARGIN_PX, look.MARGIN_PX)
        layout.setSpacing(look.SPACING_PX)
        layout.addLayout(self._list)
        layout.addWidget(self.missing)
        layout.addWidget(self.note)
        layout.addWidget(self.safety, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self._tint_note()

    def show_insights(self, items: Sequence[Insight], missing: str | None = None) -> None:
        """Show these insights, and `missing` (what to do for more) when given or when none."""
        for label in self.sentences:
            self._list.removeWidget(label)
            label.hide()  # it stays a child until deleted
            label.deleteLater()
        self.sentences = []
        for i, item in enumerate(items, 1):
            label = _sentence_label(item.text, f"Pattern {i} of {len(items)}")
            self._list.addWidget(label)
            label.show()  # now, not when the layout's queued show gets to it
            self.sentences.append(label)
        text = missing or ("" if items else NO_PATTERNS_YET)
        self.missing.setText(text)
        self.missing.setAccessibleName(text)
        self.missing.setHidden(not text)

    def changeEvent(self, event: QEvent) -> None:
        """Follow light/dark palette switches with the note's softer colour."""
        super().changeEvent(event)
        changed = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)
        if event.type() in changed and hasattr(self, "note"):  # not during __init__
            self._tint_note()

    def _tint_note(self) -> None:
        palette = QPalette(self.note.palette())
        palette.setColor(QPalette.ColorRole.WindowText, look.muted_color(self.palette()))
        self.note.setPalette(palette)
