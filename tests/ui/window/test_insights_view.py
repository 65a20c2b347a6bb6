"""The insights view: the core's sentences, the empty message, the note and the safety button."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel

from posture_app.core.insights import NOTE, Measure, insights, not_enough
from posture_app.core.model import Kind
from posture_app.core.stats import DaySummary, PromptCounts
from posture_app.ui import look
from posture_app.ui.window.insights_view import (
    CARD_TITLES,
    INTRO,
    NO_PATTERNS_YET,
    InsightsView,
    emphasised,
)

D0 = date(2026, 9, 7)
SELECTABLE = (
    Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
)


def days(n: int) -> list[DaySummary]:
    """n days rated in the evening: the longer half stiffer, so the sitting insight shows."""
    return [
        DaySummary(
            D0 + timedelta(days=i),
            sitting_minutes=300 + 10 * i,
            stiffness_evening=6 if i >= n // 2 else 3,
        )
        for i in range(n)
    ]


@pytest.fixture
def view(qtbot) -> InsightsView:
    widget = InsightsView()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def shown_texts(view: InsightsView) -> list[str]:
    return [label.text() for label in view.findChildren(QLabel) if label.isVisibleTo(view)]


def test_it_shows_the_cores_sentences(view):
    items = insights(days(12))
    assert items  # the data must support at least one
    view.show_insights(items, not_enough(days(12)))
    # A screen reader reads each sentence as the core wrote it.
    assert [label.accessibleName() for label in view.sentences] == [i.text for i in items]
    assert view.missing.isHidden()
    for i, label in enumerate(view.sentences, 1):
        assert label.isVisibleTo(view)
        assert label.wordWrap()
        assert label.textInteractionFlags() & SELECTABLE == SELECTABLE
        assert label.textFormat() == Qt.TextFormat.RichText
        assert label.text() == emphasised(items[i - 1].text)
        assert label.accessibleDescription() == f"Pattern {i} of {len(items)}"


def test_each_insight_is_a_card_saying_what_it_compares(view):
    items = insights(days(12))
    view.show_insights(items)
    assert [card.title.text() for card in view.cards] == [CARD_TITLES[i.measure] for i in items]
    assert [card.accessibleName() for card in view.cards] == [
        card.title.text() for card in view.cards
    ]
    assert all(card.isVisibleTo(view) for card in view.cards)
    assert view.intro.text() == INTRO
    assert view.intro.isVisibleTo(view)
    view.show_insights([])
    assert view.cards == []
    assert view.intro.isHidden()  # nothing to explain


def test_every_kind_of_insight_has_a_card_title():
    assert set(CARD_TITLES) == set(Measure)


def test_the_averages_are_emphasised_and_nothing_else_is_markup():
    text = (
        "On the 13 days you marked more than 60% of your break reminders done,"
        " your evening stiffness averaged 5.8; on the other 12 days, 4.3 <b>&"
    )
    shown = emphasised(text)
    assert shown.count("<b>") == 2  # 5.8 and 4.3; the sentence's own "<b>" is escaped
    assert "<b>5.8</b>" in shown
    assert "<b>4.3</b>" in shown
    assert "60%" in shown
    assert "<b>60" not in shown  # a percentage is not an average
    assert "&lt;b&gt;&amp;" in shown


def test_a_breaks_card_reads_the_share_taken(view):
    rows = []
    for i in range(12):
        done = 9 if i % 2 else 2  # 90% against 20% of ten prompts
        rows.append(
            DaySummary(
                D0 + timedelta(days=i),
                sitting_minutes=300,
                prompts={Kind.BREAK: PromptCounts(done=done, skipped=10 - done)},
                stiffness_evening=3 if i % 2 else 6,
            )
        )
    view.show_insights(insights(rows))
    (card,) = view.cards
    assert card.title.text() == "Breaks and evening stiffness"
    # 20% against 90%: the round cut nearest the middle.
    assert "more than 60% of your break reminders done" in card.sentence.accessibleName()


def test_it_shows_what_is_missing_when_there_is_nothing_yet(view):
    message = not_enough(days(4))
    assert message is not None
    view.show_insights(insights(days(4)), message)
    assert view.sentences == []
    assert view.missing.isVisibleTo(view)
    assert view.missing.text() == message
    assert view.missing.accessibleName() == message
    assert view.missing.wordWrap()


def test_without_a_message_it_still_says_what_to_do(view):
    view.show_insights([])
    assert view.missing.text() == NO_PATTERNS_YET
    assert view.missing.isVisibleTo(view)


def test_new_insights_replace_the_old(view):
    view.show_insights(insights(days(12)))
    view.show_insights([], "Rate your stiffness on 3 more evenings.")
    texts = shown_texts(view)
    assert not any(text.startswith("On the") for text in texts)
    assert "Rate your stiffness on 3 more evenings." in texts
    view.show_insights(insights(days(12)))
    assert len([t for t in shown_texts(view) if t.startswith("On the")]) == 1


def test_the_note_is_always_there_and_muted(view):
    for items in ([], insights(days(12))):
        view.show_insights(items)
        assert NOTE in shown_texts(view)
    assert view.note.text() == "These are patterns in your own data, not a diagnosis."
    muted = look.muted_color(view.palette())
    assert view.note.palette().color(QPalette.ColorRole.WindowText) == muted
    assert view.note.accessibleName() == NOTE


def test_the_note_follows_a_palette_change(view):
    dark = QPalette(view.palette())
    dark.setColor(QPalette.ColorRole.Window, Qt.GlobalColor.black)
    dark.setColor(QPalette.ColorRole.WindowText, Qt.GlobalColor.white)
    view.setPalette(dark)
    assert view.note.palette().color(QPalette.ColorRole.WindowText) == look.muted_color(dark)


def test_safety_button_emits_on_click(view, qtbot):
    assert view.safety.text() == "When to see a doctor"
    assert view.safety.accessibleName() == "When to see a doctor"
    with qtbot.waitSignal(view.safety_requested, timeout=0):
        qtbot.mouseClick(view.safety, Qt.MouseButton.LeftButton)


@pytest.mark.parametrize("key", [Qt.Key.Key_Space, Qt.Key.Key_Return])
def test_safety_button_emits_by_keyboard(view, qtbot, key):
    assert view.safety.focusPolicy() & Qt.FocusPolicy.TabFocus
    view.safety.setFocus()
    with qtbot.waitSignal(view.safety_requested, timeout=0):
        qtbot.keyClick(view.safety, key)
