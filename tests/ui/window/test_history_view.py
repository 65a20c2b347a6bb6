"""The history view: rows from the store, date filter, edit, add, delete with a question, undo."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QDate, QDateTime, QItemSelectionModel, Qt, QTime, QTimeZone
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QDialogButtonBox, QWidget

from posture_app.core.model import Area, StiffnessRating, WaterLog
from posture_app.core.store import Store
from posture_app.ui.window.history_view import EntryDialog, HistoryView
from tests.fakes import FakeClock, local, plain, uid

UTC = QTimeZone(QTimeZone.Initialization.UTC)


def rating(
    n: int, at: str, score: int = 3, area: Area | None = None, note: str = ""
) -> StiffnessRating:
    return StiffnessRating(uid(n), local(at), score, area, note)


def water(n: int, at: str, ml: int = 250) -> WaterLog:
    return WaterLog(uid(n), local(at), ml)


RECORDS = [
    rating(1, "2026-11-23T07:45:12", 4, Area.LOWER_BACK, "after a long drive\nand a bad night"),
    water(2, "2026-11-23T08:30"),
    rating(3, "2026-11-10T18:00", 6),
    water(4, "2026-11-02T10:00", 500),
    rating(5, "2026-10-20T08:00", 2),  # five weeks back: outside the default four
]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock.at("2026-11-23T09:00")


@pytest.fixture
def store() -> Iterator[Store]:
    s = Store.in_memory()
    for r in RECORDS:
        if isinstance(r, WaterLog):
            s.add_water(r)
        else:
            s.add_stiffness(r)
    yield s
    s.close()


@pytest.fixture
def view(qtbot, store: Store, clock: FakeClock) -> HistoryView:
    v = HistoryView(store, clock)
    qtbot.addWidget(v)
    v.show()
    qtbot.waitExposed(v)
    return v


@pytest.fixture
def changes(view: HistoryView) -> list[str]:
    seen: list[str] = []
    view.changed.connect(lambda: seen.append("changed"))
    return seen


def rows(view: HistoryView) -> list[list[str]]:
    m = view.model
    return [
        [m.index(r, c).data() or "" for c in range(m.columnCount())] for r in range(m.rowCount())
    ]


def uuids(view: HistoryView) -> list[str]:
    return [e.uuid for e in view.model.entries]


def answer(view: HistoryView, yes: bool) -> list[str]:
    """Make the delete question answer `yes`; the questions asked are collected."""
    asked: list[str] = []

    def confirm(question: str) -> bool:
        asked.append(question)
        return yes

    view.confirm = confirm
    return asked


def open_dialog(view: HistoryView) -> EntryDialog:
    assert view.dialog is not None
    return view.dialog


def set_when(dialog: EntryDialog, text: str) -> None:
    at = local(text)
    dialog.when.setDateTime(
        QDateTime(QDate(at.year, at.month, at.day), QTime(at.hour, at.minute), UTC)
    )


def save(qtbot, dialog: EntryDialog) -> None:
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )


# --- showing ----------------------------------------------------------------------------------


def test_rows_are_the_last_four_weeks_from_the_store_newest_first(view: HistoryView) -> None:
    assert view.date_range() == (date(2026, 10, 27), date(2026, 11, 23))
    assert rows(view) == [
        ["Mon 23 Nov 2026, 08:30", "Water", "250 ml", "", ""],
        ["Mon 23 Nov 2026, 07:45", "Stiffness", "4 / 10", "Lower back", "after a long drive"],
        ["Tue 10 Nov 2026, 18:00", "Stiffness", "6 / 10", "", ""],
        ["Mon 02 Nov 2026, 10:00", "Water", "500 ml", "", ""],
    ]
    assert view.model.index(1, 4).data(Qt.ItemDataRole.ToolTipRole) == RECORDS[0].note
    assert view.model.headerData(0, Qt.Orientation.Horizontal) == "When"
    assert not view.edit_button.isEnabled()  # nothing selected yet
    assert not view.delete_button.isEnabled()
    assert view.undo_bar.isHidden()


def test_filter_by_date_narrows_and_widens_the_rows(view: HistoryView) -> None:
    view.start.setDate(QDate(2026, 11, 10))
    assert uuids(view) == [uid(2), uid(1), uid(3)]
    view.end.setDate(QDate(2026, 11, 22))
    assert uuids(view) == [uid(3)]
    view.start.setDate(QDate(2026, 10, 1))
    assert uuids(view) == [uid(3), uid(4), uid(5)]
    view.set_date_range(date(2026, 11, 11), date(2026, 11, 22))
    assert uuids(view) == []


def test_selecting_a_row_enables_edit_and_delete(view: HistoryView) -> None:
    assert view.select(uid(3))
    assert view.selected() == RECORDS[2]
    assert view.edit_button.isEnabled()
    assert view.delete_button.isEnabled()
    assert not view.select(uid(5))  # not shown


# --- delete and undo --------------------------------------------------------------------------


def test_delete_asks_first_and_no_deletes_nothing(
    qtbot, view: HistoryView, store: Store, changes: list[str]
) -> None:
    asked = answer(view, yes=False)
    view.select(uid(1))
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    assert asked == ["Delete this rating (4 / 10, Mon 23 Nov 2026, 07:45)?"]
    assert store.get_stiffness(uid(1)) == RECORDS[0]
    assert uid(1) in uuids(view)
    assert view.undo_bar.isHidden()
    assert changes == []


def test_delete_and_undo_restore_the_rating_exactly(
    qtbot, view: HistoryView, store: Store, changes: list[str]
) -> None:
    asked = answer(view, yes=True)
    view.select(uid(1))
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1
    assert store.get_stiffness(uid(1)) is None
    assert uuids(view) == [uid(2), uid(3), uid(4)]
    assert view.selected() == RECORDS[2]  # the next row, ready for another delete
    assert view.undo_bar.isVisible()
    assert view.undo_label.text() == "Rating deleted."
    assert changes == ["changed"]

    qtbot.mouseClick(view.undo_button, Qt.MouseButton.LeftButton)
    restored = store.get_stiffness(uid(1))
    assert plain(restored) == plain(RECORDS[0])  # uuid, time to the second, offset, area, note
    assert uuids(view) == [uid(2), uid(1), uid(3), uid(4)]
    assert view.selected() == RECORDS[0]
    assert view.undo_bar.isHidden()
    assert changes == ["changed", "changed"]


def test_undo_goes_back_one_delete_at_a_time(qtbot, view: HistoryView, store: Store) -> None:
    answer(view, yes=True)
    view.select(uid(2))
    view.delete_selected()
    view.select(uid(3))
    view.delete_selected()
    assert view.undo_label.text() == "Rating deleted."
    view.undo()
    assert store.get_stiffness(uid(3)) == RECORDS[2]
    assert store.get_water(uid(2)) is None
    assert view.undo_label.text() == "Water log deleted."
    view.undo()
    assert plain(store.get_water(uid(2))) == plain(RECORDS[1])
    assert view.undo_bar.isHidden()
    view.undo()  # nothing left: nothing happens
    assert len(view.model.entries) == 4


def test_a_record_deleted_elsewhere_is_reported_not_undone(view: HistoryView, store: Store) -> None:
    answer(view, yes=True)
    view.select(uid(4))
    store.delete_water(uid(4))  # another process got there first
    view.delete_selected()
    assert view.message.text() == "That water log was already deleted."
    assert view.undo_bar.isHidden()
    assert uid(4) not in uuids(view)


# --- keyboard ---------------------------------------------------------------------------------


def test_delete_key_asks_then_deletes_and_ctrl_z_undoes(
    qtbot, view: HistoryView, store: Store
) -> None:
    asked = answer(view, yes=True)
    with qtbot.waitActive(view):
        view.activateWindow()
    view.table.setFocus()
    view.select(uid(2))
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert len(asked) == 1
    assert store.get_water(uid(2)) is None
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert plain(store.get_water(uid(2))) == plain(RECORDS[1])
    assert view.selected() == RECORDS[1]


def test_delete_key_with_nothing_selected_asks_nothing(qtbot, view: HistoryView) -> None:
    asked = answer(view, yes=True)
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert asked == []


def test_enter_edits_the_selected_record(qtbot, view: HistoryView) -> None:
    view.select(uid(2))
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    dialog = open_dialog(view)
    assert dialog.windowTitle() == "Edit water"
    assert dialog.ml.value() == 250
    dialog.reject()
    assert view.dialog is None


# --- edit and add -----------------------------------------------------------------------------


def test_edit_a_rating_changes_the_store_and_keeps_an_unchanged_time_exactly(
    qtbot, view: HistoryView, store: Store, changes: list[str]
) -> None:
    view.select(uid(1))
    qtbot.mouseClick(view.edit_button, Qt.MouseButton.LeftButton)
    dialog = open_dialog(view)
    assert dialog.windowTitle() == "Edit rating"
    assert (dialog.score.value(), dialog.area.currentText()) == (4, "Lower back")
    assert dialog.when.dateTime().toString("yyyy-MM-dd HH:mm") == "2026-11-23 07:45"
    dialog.score.setValue(7)
    dialog.area.setCurrentIndex(dialog.area.findText("Not set"))
    dialog.note.setText("  better after a walk ")
    save(qtbot, dialog)
    assert view.dialog is None
    assert plain(store.get_stiffness(uid(1))) == plain(
        StiffnessRating(uid(1), RECORDS[0].at, 7, None, "better after a walk")
    )
    assert view.selected() == store.get_stiffness(uid(1))
    assert rows(view)[1][2:] == ["7 / 10", "", "better after a walk"]
    assert changes == ["changed"]


def test_edit_water_amount_and_time(qtbot, view: HistoryView, store: Store) -> None:
    view.select(uid(2))
    view.edit_selected()
    dialog = open_dialog(view)
    dialog.ml.setValue(400)
    set_when(dialog, "2026-11-22T21:10")
    save(qtbot, dialog)
    assert plain(store.get_water(uid(2))) == plain(water(2, "2026-11-22T21:10", 400))
    assert store.water_on(date(2026, 11, 23)) == 0


def test_cancel_writes_nothing(view: HistoryView, store: Store, changes: list[str]) -> None:
    view.select(uid(3))
    view.edit_selected()
    dialog = open_dialog(view)
    dialog.score.setValue(10)
    dialog.reject()
    assert store.get_stiffness(uid(3)) == RECORDS[2]
    assert changes == []


def test_add_a_rating_for_an_earlier_time(
    qtbot, view: HistoryView, store: Store, clock: FakeClock, changes: list[str]
) -> None:
    qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)
    dialog = open_dialog(view)
    assert dialog.windowTitle() == "Add a rating"
    assert dialog.when.dateTime().toString("yyyy-MM-dd HH:mm") == "2026-11-23 09:00"  # now
    dialog.score.setValue(5)
    dialog.area.setCurrentIndex(dialog.area.findText("Neck"))
    set_when(dialog, "2026-11-20T07:30")
    save(qtbot, dialog)
    added = store.stiffness_between(local("2026-11-20T00:00"), local("2026-11-21T00:00"))
    assert [(r.score, r.area, r.at.isoformat()) for r in added] == [
        (5, Area.NECK, "2026-11-20T07:30:00+01:00")
    ]
    assert view.selected() == added[0]
    assert changes == ["changed"]


def test_an_added_summer_rating_gets_the_summer_offset_and_widens_the_filter(
    view: HistoryView, store: Store
) -> None:
    view.add_rating()
    dialog = open_dialog(view)
    set_when(dialog, "2026-07-01T08:00")
    dialog.accept()
    added = store.stiffness_between(local("2026-07-01T00:00"), local("2026-07-02T00:00"))
    assert [r.at.isoformat() for r in added] == ["2026-07-01T08:00:00+02:00"]
    assert view.date_range() == (date(2026, 7, 1), date(2026, 11, 23))
    assert view.selected() == added[0]


def test_a_rating_in_the_future_is_refused_in_the_dialog(
    qtbot, view: HistoryView, store: Store, changes: list[str]
) -> None:
    view.add_rating()
    dialog = open_dialog(view)
    set_when(dialog, "2026-11-23T09:01")
    save(qtbot, dialog)
    assert view.dialog is dialog  # still open, saying why
    assert dialog.error.isVisible()
    assert dialog.error.text() == "That time is in the future; choose a time up to now."
    assert len(store.records().stiffness) == 3
    assert changes == []
    set_when(dialog, "2026-11-23T09:00")
    save(qtbot, dialog)
    assert view.dialog is None
    assert len(store.records().stiffness) == 4


def test_only_one_dialog_at_a_time(view: HistoryView) -> None:
    view.add_rating()
    first = open_dialog(view)
    view.select(uid(1))
    view.edit_selected()
    assert view.dialog is first
    first.reject()


# --- accessibility ----------------------------------------------------------------------------


def test_reading_the_same_records_again_leaves_the_table_alone(view: HistoryView) -> None:
    resets: list[str] = []
    view.model.modelReset.connect(lambda: resets.append("reset"))
    view.refresh()
    assert resets == []


def test_a_glass_logged_elsewhere_keeps_the_row_and_place_the_reader_is_at(
    qtbot, store: Store, clock: FakeClock
) -> None:
    for i in range(60):  # a long list: it scrolls
        store.add_water(water(500 + i, f"2026-11-{10 + i % 12:02d}T{8 + i % 10:02d}:{i:02d}", 200))
    v = HistoryView(store, clock)
    qtbot.addWidget(v)
    v.resize(600, 300)
    v.show()
    qtbot.waitExposed(v)
    bar = v.table.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum() // 2)
    current = v.model.index(v.model.rowCount() // 2, 0)
    v.table.selectionModel().setCurrentIndex(current, QItemSelectionModel.SelectionFlag.NoUpdate)
    reader_at = v.model.entry(current.row()).uuid
    place = bar.value()
    store.add_water(water(900, "2026-11-23T08:55", 300))  # the newest: a row above the others
    v.refresh()
    assert uuids(v)[0] == uid(900)
    assert v.model.entry(v.table.currentIndex().row()).uuid == reader_at
    assert bar.value() == place
    assert v.selected() is None


def test_controls_have_accessible_names(view: HistoryView) -> None:
    named: list[QWidget] = [
        view.table,
        view.start,
        view.end,
        view.add_button,
        view.edit_button,
        view.delete_button,
        view.undo_button,
    ]
    names = [w.accessibleName() for w in named]
    assert all(names), names
    assert len(set(names)) == len(names)
    view.add_rating()
    dialog = open_dialog(view)
    for widget in (dialog.score, dialog.area, dialog.note, dialog.when):
        assert widget.accessibleName()
    dialog.reject()


def test_the_date_labels_are_not_clipped(view: HistoryView) -> None:
    # "To" is measured kerned (the o tucked under the T) but, with its shortcut letter
    # underlined, drawn unkerned: the label must be as wide as its letters drawn apart.
    for label, text in zip(view.date_labels, ("From", "To"), strict=True):
        assert label.text().replace("&", "") == text
        metrics = QFontMetrics(label.font())
        assert label.width() >= sum(metrics.horizontalAdvance(c) for c in text)
        assert label.buddy() in (view.start, view.end)


def test_an_undo_that_cannot_be_written_is_kept_for_another_try(view, store, monkeypatch):
    import sqlite3

    view.confirm = lambda _question: True
    view.table.selectRow(0)
    entry = view.selected()
    assert entry is not None
    view.delete_selected()
    kind = "add_water" if isinstance(entry, WaterLog) else "add_stiffness"
    real = getattr(store, kind)

    def busy(_record: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(store, kind, busy)
    view.undo()
    assert "Could not bring it back: database is locked" in view.message.text()
    assert view.model.row_of(entry.uuid) is None
    monkeypatch.setattr(store, kind, real)
    view.undo()  # the same record, still there to restore
    assert view.model.row_of(entry.uuid) is not None
