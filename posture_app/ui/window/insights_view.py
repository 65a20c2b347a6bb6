"""The insights view: the core's sentences, what is still missing, and the safety pointer.

Each insight is a plain card: what it compares, then the core's sentence with its averages in
bold. The note that these are patterns, not a diagnosis, and the button to the safety note
follow the cards.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from posture_app.core.insights import NOTE, Insight, Measure
from posture_app.ui import look

#: Shown when there are no insights and the caller gave no message of its own.
NO_PATTERNS_YET = "No patterns yet. Rate your stiffness in the evenings and they will appear here."
SAFETY = "When to see a doctor"
#: The line under the heading: what the numbers are.
INTRO = "Your average stiffness ratings (0 to 10) on different kinds of days."
#: What each card compares.
CARD_TITLES = {
    Measure.EVENING_BY_SITTING: "Sitting and evening stiffness",
    Measure.EVENING_BY_BREAKS: "Breaks and evening stiffness",
    Measure.MORNING_AFTER_WATER: "Water and the next morning’s stiffness",
}
#: The averages in a sentence: the only numbers with one decimal that are not a percentage.
_AVERAGE = re.compile(r"(?<![\d.])\d+\.\d(?![\d%])")
#: A card's corner radius and the share of the text colour in its border.
_CARD_RADIUS = 6.0
_BORDER_SHARE = 0.2


def emphasised(text: str) -> str:
    """The sentence as rich text with its averages in bold (everything else escaped)."""
    parts, last = [], 0
    for match in _AVERAGE.finditer(text):
        parts.append(html.escape(text[last : match.start()]))
        parts.append(f"<b>{match.group()}</b>")
        last = match.end()
    parts.append(html.escape(text[last:]))
    return "".join(parts)


def _selectable(label: QLabel) -> QLabel:
    """A word-wrapped label the user can select and copy, by mouse or keyboard."""
    label.setWordWrap(True)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    return label


def _sentence_label(text: str, description: str) -> QLabel:
    """A plain-text label, selectable; a screen reader reads the text, then what it is."""
    label = _selectable(QLabel(text))
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAccessibleName(text)
    label.setAccessibleDescription(description)
    return label


def _mix(a: QColor, b: QColor, share: float) -> QColor:
    """`share` of colour a over colour b."""
    return QColor.fromRgbF(
        a.redF() * share + b.redF() * (1 - share),
        a.greenF() * share + b.greenF() * (1 - share),
        a.blueF() * share + b.blueF() * (1 - share),
    )


class InsightCard(QFrame):
    """One insight: what it compares, and the sentence with its averages in bold."""

    def __init__(self, item: Insight, number: int, count: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.item = item
        self.title = QLabel(CARD_TITLES[item.measure])
        bold = self.title.font()
        bold.setBold(True)
        self.title.setFont(bold)
        self.sentence = _selectable(QLabel(emphasised(item.text)))
        self.sentence.setTextFormat(Qt.TextFormat.RichText)
        self.sentence.setAccessibleName(item.text)  # the plain sentence, not the markup
        self.sentence.setAccessibleDescription(f"Pattern {number} of {count}")
        layout = QVBoxLayout(self)
        pad = look.SPACING_PX
        layout.setContentsMargins(pad + 4, pad, pad + 4, pad)
        layout.setSpacing(look.SPACING_PX // 2)
        layout.addWidget(self.title)
        layout.addWidget(self.sentence)
        self.setAccessibleName(self.title.text())

    def paintEvent(self, event: QPaintEvent) -> None:
        """A rounded panel in the base colour with a soft border."""
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        window = palette.color(QPalette.ColorRole.Window)
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(_mix(text, window, _BORDER_SHARE), 1.0))
            painter.setBrush(palette.color(QPalette.ColorRole.Base))
            box = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
            painter.drawRoundedRect(box, _CARD_RADIUS, _CARD_RADIUS)
        finally:
            painter.end()


class InsightsView(QWidget):
    """Owns the cards, the missing-data message, the note and the safety button."""

    safety_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Insights")
        #: One card per insight, in the order given, and the sentence label of each.
        self.cards: list[InsightCard] = []
        self.sentences: list[QLabel] = []
        self.intro = _sentence_label(INTRO, "What these numbers are")
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

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(look.MARGIN_PX, look.SPACING_PX // 2, look.MARGIN_PX, 0)
        column.setSpacing(look.SPACING_PX)
        column.addWidget(self.intro)
        column.addLayout(self._list)
        column.addWidget(self.missing)
        column.addSpacing(look.SPACING_PX // 2)
        column.addWidget(self.note)
        column.addWidget(self.safety, alignment=Qt.AlignmentFlag.AlignLeft)
        column.addStretch(1)
        self.scroller = QScrollArea()
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setWidgetResizable(True)
        self.scroller.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, look.MARGIN_PX)
        layout.addWidget(self.scroller)
        self._tint()

    def show_insights(self, items: Sequence[Insight], missing: str | None = None) -> None:
        """Show these insights, and `missing` (what to do for more) when given or when none."""
        for card in self.cards:
            self._list.removeWidget(card)
            card.hide()  # it stays a child until deleted
            card.deleteLater()
        self.cards = [InsightCard(item, i, len(items)) for i, item in enumerate(items, 1)]
        self.sentences = [card.sentence for card in self.cards]
        for card in self.cards:
            self._list.addWidget(card)
            card.show()  # now, not when the layout's queued show gets to it
        self.intro.setHidden(not items)
        text = missing or ("" if items else NO_PATTERNS_YET)
        self.missing.setText(text)
        self.missing.setAccessibleName(text)
        self.missing.setHidden(not text)

    def changeEvent(self, event: QEvent) -> None:
        """Follow light/dark palette switches with the softer colour of the intro and note."""
        super().changeEvent(event)
        changed = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)
        if event.type() in changed and hasattr(self, "note"):  # not during __init__
            self._tint()

    def _tint(self) -> None:
        for label in (self.intro, self.note):
            palette = QPalette(label.palette())
            palette.setColor(QPalette.ColorRole.WindowText, look.muted_color(self.palette()))
            label.setPalette(palette)
