"""History: the stiffness ratings and water logs of a date range, to correct, delete or add to.

Only the chosen range is read from the store (an indexed range query), so years of data stay
quick. Deleting asks first and can be undone: undo adds the deleted record back with its uuid.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QDateTime,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTime,
    QTimeZone,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSlider,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from posture_app.core.clock import Clock
from posture_app.core.errors import KnownError
from posture_app.core.model import (
    MAX_NOTE,
    MAX_WATER_ML,
    STIFFNESS_MAX,
    STIFFNESS_MIN,
    Area,
    StiffnessRating,
    WaterLog,
    new_id,
)
from posture_app.core.store import Store, check_stiffness, check_water
from posture_app.ui import look
from posture_app.ui.prompts import AREA_LABELS

log = logging.getLogger(__name__)

Entry = StiffnessRating | WaterLog

#: The date filter starts out showing this many days, today included (four weeks).
DEFAULT_RANGE_DAYS = 28
#: The water amount moves by this much per arrow press.
WATER_STEP_ML = 50
#: How the dialog shows a time (Qt format).
DATE_TIME_FORMAT = "yyyy-MM-dd HH:mm"
DATE_FORMAT = "yyyy-MM-dd"
NO_AREA = "Not set"
COLUMNS = ("When", "What", "Value", "Area", "Note")
#: A sample of each column's text, for its starting width.
_COLUMN_SAMPLES = ("Mon 23 Nov 2026, 09:00", "Stiffness", "10 / 10", "Upper back", "")
_UTC = QTimeZone(QTimeZone.Initialization.UTC)
_DELETE_KEYS = (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def _describe(widget: QWidget, name: str, description: str = "") -> None:
    """Give a widget the name and description that screen readers announce."""
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(description)
    if description:
        widget.setToolTip(description)


def when_text(at: datetime) -> str:
    """A record's local time as the table shows it, e.g. "Mon 23 Nov 2026, 09:00"."""
    return at.strftime("%a %d %b %Y, %H:%M")


def value_text(entry: Entry) -> str:
    """ "4 / 10" for a rating, "250 ml" for water."""
    if isinstance(entry, WaterLog):
        return f"{entry.ml} ml"
    return f"{entry.score} / {STIFFNESS_MAX}"


def kind_text(entry: Entry) -> str:
    """What a record is, in a word."""
    return "Water" if isinstance(entry, WaterLog) else "Stiffness"


def _noun(entry: Entry) -> str:
    return "water log" if isinstance(entry, WaterLog) else "rating"


def _sentence(text: str) -> str:
    """An error message as a sentence: capital first letter, full stop at the end."""
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def local_time(wall: datetime, zone: tzinfo | None) -> datetime:
    """A wall time the user picked, made aware in their zone.

    A zone with rules (ZoneInfo) is used as it is; a fixed offset (what the system clock gives)
    would be wrong across a DST change, so then this machine's own rules decide.
    """
    if isinstance(zone, ZoneInfo):
        return wall.replace(tzinfo=zone)
    return wall.astimezone()


def _buddy_label(text: str, buddy: QWidget) -> QLabel:
    """A label for `buddy` whose shortcut letter is underlined, never clipped.

    A label is as wide as its text measured kerned ("To" tucks the o under the T), but the
    underlined letter is drawn apart from the rest, unkerned, and came out as "Tc". Without
    kerning it is measured as it is drawn.
    """
    label = QLabel(text)
    font = label.font()
    font.setKerning(False)
    label.setFont(font)
    label.setBuddy(buddy)
    return label


def _qdatetime(at: datetime) -> QDateTime:
    """A wall time for a QDateTimeEdit kept in UTC, so Qt never shifts it by the system zone."""
    return QDateTime(QDate(at.year, at.month, at.day), QTime(at.hour, at.minute), _UTC)


def _wall(value: QDateTime) -> datetime:
    """The naive wall time shown in a QDateTimeEdit set up by `_qdatetime`."""
    d, t = value.date(), value.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


# --- the table model --------------------------------------------------------------------------


class HistoryModel(QAbstractTableModel):
    """The rows of the history table: ratings and water logs, newest first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[Entry] = []

    def set_entries(self, entries: Sequence[Entry]) -> bool:
        """Show these records, newest first; False (and no reset) if they are the ones shown."""
        rows = sorted(entries, key=lambda e: e.at.timestamp(), reverse=True)
        if rows == self._entries:
            return False
        self.beginResetModel()
        self._entries = rows
        self.endResetModel()
        return True

    @property
    def entries(self) -> list[Entry]:
        """The records shown, in row order."""
        return list(self._entries)

    def entry(self, row: int) -> Entry:
        """The record in `row`."""
        return self._entries[row]

    def row_of(self, uuid: str) -> int | None:
        """The row of the record with this uuid, None if it is not shown."""
        for row, entry in enumerate(self._entries):
            if entry.uuid == uuid:
                return row
        return None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        """One row per record (a table: no children)."""
        return 0 if parent is not None and parent.isValid() else len(self._entries)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        """When, What, Value, Area, Note."""
        return 0 if parent is not None and parent.isValid() else len(COLUMNS)

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> str | None:
        """The cell's text; the note's full text as its tooltip."""
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(entry, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and isinstance(entry, StiffnessRating):
            return entry.note or None
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> str | None:
        """Column titles."""
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    @staticmethod
    def _text(entry: Entry, column: int) -> str:
        if column == 0:
            return when_text(entry.at)
        if column == 1:
            return kind_text(entry)
        if column == 2:
            return value_text(entry)
        if not isinstance(entry, StiffnessRating):
            return ""
        if column == 3:
            return AREA_LABELS[entry.area] if entry.area else ""
        return entry.note.splitlines()[0] if entry.note else ""


# --- the edit dialog --------------------------------------------------------------------------


class EntryDialog(QDialog):
    """Edit a rating or a water log, or add a rating (entry None) at a time up to now.

    Save builds the record, checks it and hands it to `save`; a KnownError from either is shown
    in the dialog, which stays open. A time left as it was is kept to the second.
    """

    def __init__(
        self,
        entry: Entry | None,
        *,
        now: Callable[[], datetime],
        save: Callable[[Entry], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._entry = entry
        self._now = now
        self._save = save
        is_water = isinstance(entry, WaterLog)
        title = "Edit water" if is_water else "Edit rating" if entry else "Add a rating"
        self.setWindowTitle(title)
        _describe(self, title)
        root = QVBoxLayout(self)
        root.setSpacing(look.SPACING_PX)
        form = QFormLayout()
        root.addLayout(form)

        at = entry.at if entry else now()
        self.when = QDateTimeEdit()
        self.when.setTimeZone(_UTC)
        self.when.setDisplayFormat(DATE_TIME_FORMAT)
        self.when.setCalendarPopup(True)
        self.when.setDateTime(_qdatetime(at))
        _describe(self.when, "When", "Date and time; up to now")

        self.score = QSlider(Qt.Orientation.Horizontal)
        self.area = QComboBox()
        self.note = QLineEdit()
        self.ml = QSpinBox()
        if isinstance(entry, WaterLog):
            self.ml.setRange(1, MAX_WATER_ML)
            self.ml.setSingleStep(WATER_STEP_ML)
            self.ml.setSuffix(" ml")
            self.ml.setValue(entry.ml)
            _describe(self.ml, "Amount of water", f"Millilitres, 1 to {MAX_WATER_ML}")
            form.addRow(self._label("&Amount", self.ml), self.ml)
        else:
            form.addRow(self._label("&Stiffness", self.score), self._score_row(entry))
            self.area.addItem(NO_AREA, "")
            for area, label in AREA_LABELS.items():
                self.area.addItem(label, area.value)
            if entry and entry.area:
                self.area.setCurrentIndex(self.area.findData(entry.area.value))
            _describe(self.area, "Body area", "Where you felt it most (optional)")
            form.addRow(self._label("W&here", self.area), self.area)
            self.note.setMaxLength(MAX_NOTE)
            self.note.setText(entry.note if entry else "")
            self.note.setPlaceholderText("Optional")
            _describe(self.note, "Note", "Anything you want to remember (optional)")
            form.addRow(self._label("N&ote", self.note), self.note)
        form.addRow(self._label("&When", self.when), self.when)

        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.hide()
        _describe(self.error, "Problem")
        root.addWidget(self.error)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        for which, name in (
            (QDialogButtonBox.StandardButton.Save, "Save"),
            (QDialogButtonBox.StandardButton.Cancel, "Cancel"),
        ):
            button = self.buttons.button(which)
            _describe(button, name)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        root.addWidget(self.buttons)

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    def _score_row(self, entry: StiffnessRating | None) -> QWidget:
        """The 0-10 slider with its value, and "none" and "worst" at the ends."""
        box = QWidget()
        grid = QVBoxLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.score.setRange(STIFFNESS_MIN, STIFFNESS_MAX)
        self.score.setPageStep(1)
        self.score.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.score.setTickInterval(1)
        self.score.setValue(entry.score if entry else STIFFNESS_MIN)
        _describe(self.score, "Stiffness score", "0 none to 10 worst imaginable")
        self.score_value = QLabel()
        self.score_value.setMinimumWidth(self.fontMetrics().horizontalAdvance("10 / 10 "))
        _describe(self.score_value, "Chosen score")
        self.score.valueChanged.connect(self._score_moved)
        self._score_moved(self.score.value())
        top.addWidget(self.score, 1)
        top.addWidget(self.score_value)
        ends = QHBoxLayout()
        low, high = QLabel("0 none"), QLabel("10 worst imaginable")
        high.setAlignment(Qt.AlignmentFlag.AlignRight)
        ends.addWidget(low)
        ends.addStretch(1)
        ends.addWidget(high)
        ends.addSpacing(self.score_value.minimumWidth())
        grid.addLayout(top)
        grid.addLayout(ends)
        return box

    def _score_moved(self, value: int) -> None:
        self.score_value.setText(f"{value} / {STIFFNESS_MAX}")
        self.score.setAccessibleDescription(f"{value} out of {STIFFNESS_MAX}")

    def record(self) -> Entry:
        """The record as the fields say, checked; InvalidRecord names what is wrong."""
        wall = _wall(self.when.dateTime())
        old = self._entry
        if old is not None and old.at.replace(second=0, microsecond=0, tzinfo=None) == wall:
            at, now = old.at, None  # unchanged: keep it exactly, even if it lies ahead
        else:
            current = self._now()
            at, now = local_time(wall, current.tzinfo), current
        if isinstance(old, WaterLog):
            water = WaterLog(old.uuid, at, self.ml.value())
            check_water(water, now=now)
            return water
        value = self.area.currentData()
        rating = StiffnessRating(
            old.uuid if old else new_id(),
            at,
            self.score.value(),
            Area(value) if value else None,
            self.note.text().strip(),
        )
        check_stiffness(rating, now=now)
        return rating

    def accept(self) -> None:
        """Save and close; on a problem, say what it is and stay open."""
        try:
            self._save(self.record())
        except KnownError as exc:
            self.error.setText(_sentence(str(exc)))
            self.error.setAccessibleDescription(self.error.text())
            self.error.show()
            return
        super().accept()


# --- the view ---------------------------------------------------------------------------------


class HistoryView(QWidget):
    """Owns the history table, its date filter, the edit dialog and the undo of deletions.

    `changed` is emitted after every add, edit, delete and undo. `confirm(question) -> bool`
    asks before a delete; replace the attribute to answer without a modal dialog.
    """

    changed = Signal()

    def __init__(self, store: Store, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._clock = clock
        #: Asks the user a yes/no question; True means go ahead.
        self.confirm: Callable[[str], bool] = self._ask
        #: The edit or add dialog while it is open.
        self.dialog: EntryDialog | None = None
        self._deleted: list[Entry] = []
        _describe(self, "History", "Your stiffness ratings and water logs")

        root = QVBoxLayout(self)
        root.setSpacing(look.SPACING_PX)
        bar = QHBoxLayout()
        today = clock.now().date()
        self.start = self._date_edit(today - timedelta(days=DEFAULT_RANGE_DAYS - 1), "From date")
        self.end = self._date_edit(today, "To date")
        self.date_labels: list[QLabel] = []
        for text, edit in (("&From", self.start), ("&To", self.end)):
            label = _buddy_label(text, edit)
            self.date_labels.append(label)
            bar.addWidget(label)
            bar.addWidget(edit)
        bar.addStretch(1)
        self.add_button = self._button("&Add rating…", "Add a stiffness rating for an earlier time")
        self.edit_button = self._button("&Edit…", "Edit the selected record (Enter)")
        self.delete_button = self._button("&Delete", "Delete the selected record (Delete key)")
        self.add_button.clicked.connect(self.add_rating)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        for button in (self.add_button, self.edit_button, self.delete_button):
            bar.addWidget(button)
        root.addLayout(bar)

        self.model = HistoryModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        # Widths from sample text, not ResizeToContents, which reads every row on each reset.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        metrics = self.table.fontMetrics()
        for column, sample in enumerate(_COLUMN_SAMPLES[:-1]):
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 3 * look.SPACING_PX)
        _describe(
            self.table,
            "History table",
            "Ratings and water logs, newest first. Enter edits, Delete deletes, Ctrl+Z undoes.",
        )
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(self.edit_selected)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        root.addWidget(self.table, 1)

        self.undo_bar = QFrame()
        self.undo_bar.setFrameShape(QFrame.Shape.StyledPanel)
        undo_row = QHBoxLayout(self.undo_bar)
        self.undo_label = QLabel()
        _describe(self.undo_label, "Deleted")
        self.undo_button = QPushButton("&Undo")
        _describe(self.undo_button, "Undo delete", "Put the deleted record back (Ctrl+Z)")
        self.undo_button.clicked.connect(self.undo)
        undo_row.addWidget(self.undo_label, 1)
        undo_row.addWidget(self.undo_button)
        self.undo_bar.hide()
        root.addWidget(self.undo_bar)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        _describe(self.message, "Message")
        root.addWidget(self.message)

        self.undo_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Undo), self)
        self.undo_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.undo_shortcut.activated.connect(self.undo)

        self.start.dateChanged.connect(self.refresh)
        self.end.dateChanged.connect(self.refresh)
        self.refresh()

    def _date_edit(self, day: date, name: str) -> QDateEdit:
        edit = QDateEdit(_qdate(day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(DATE_FORMAT)
        _describe(edit, name, "Show records from this day to the other one")
        return edit

    @staticmethod
    def _button(text: str, description: str) -> QPushButton:
        button = QPushButton(text)
        _describe(button, text.replace("&", "").rstrip("…"), description)
        return button

    # --- reading ------------------------------------------------------------------------------

    def date_range(self) -> tuple[date, date]:
        """The first and last local day shown (in order, whichever way the filter was set)."""
        a, b = _date(self.start.date()), _date(self.end.date())
        return (a, b) if a <= b else (b, a)

    def set_date_range(self, first: date, last: date) -> None:
        """Show the records of these local days."""
        for edit, day in ((self.start, first), (self.end, last)):
            edit.blockSignals(True)
            edit.setDate(_qdate(day))
            edit.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        """Read the chosen days' records from the store again, keeping the selection.

        Unchanged records leave the table alone. Otherwise the selected record stays selected
        (and in view); with none selected, the current row and the scroll position are kept, so
        a glass logged from the tray does not move the list under the reader.
        """
        keep = self.selected()
        current = self.table.currentIndex()
        current_uuid = self.model.entry(current.row()).uuid if current.isValid() else None
        scroll = self.table.verticalScrollBar().value()
        first, last = self.date_range()
        zone = self._clock.now().tzinfo
        start = local_time(datetime.combine(first, time(0)), zone)
        end = local_time(datetime.combine(last + timedelta(days=1), time(0)), zone)
        if not self.model.set_entries(
            [*self._store.stiffness_between(start, end), *self._store.water_between(start, end)]
        ):
            return
        if keep is not None:
            self.select(keep.uuid)
        else:
            row = self.model.row_of(current_uuid) if current_uuid is not None else None
            if row is not None:
                self.table.selectionModel().setCurrentIndex(
                    self.model.index(row, current.column()),
                    QItemSelectionModel.SelectionFlag.NoUpdate,
                )
            self.table.verticalScrollBar().setValue(scroll)
        self._update_buttons()

    def selected(self) -> Entry | None:
        """The selected record, None if none is."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows else None

    def select(self, uuid: str) -> bool:
        """Select the record with this uuid, if it is shown."""
        row = self.model.row_of(uuid)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    def _update_buttons(self) -> None:
        has = self.selected() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    # --- changing -----------------------------------------------------------------------------

    def add_rating(self) -> None:
        """Open the dialog for a new rating; its time starts at now and may be set earlier."""
        self._open(None)

    def edit_selected(self) -> None:
        """Open the dialog for the selected record."""
        entry = self.selected()
        if entry is not None:
            self._open(entry)

    def _open(self, entry: Entry | None) -> None:
        if self.dialog is not None:
            self.dialog.raise_()
            return
        dialog = EntryDialog(
            entry,
            now=self._clock.now,
            save=lambda record: self._save(record, new=entry is None),
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._dialog_closed)
        self.dialog = dialog
        dialog.open()

    def _dialog_closed(self) -> None:
        self.dialog = None
        self.table.setFocus()

    def _save(self, entry: Entry, *, new: bool) -> None:
        """Write a record from the dialog: a new rating, or an edit of a stored record."""
        if isinstance(entry, WaterLog):
            self._store.update_water(entry)
        elif new:
            self._store.add_stiffness(entry)
        else:
            self._store.update_stiffness(entry)
        log.info("%s %s %s", "added" if new else "edited", _noun(entry), entry.uuid)
        self._show(entry)
        self.changed.emit()

    def _show(self, entry: Entry) -> None:
        """Refresh, widening the date filter if the record's day lies outside it, and select it."""
        day = entry.at.date()
        first, last = self.date_range()
        if day < first or day > last:
            self.set_date_range(min(first, day), max(last, day))
        else:
            self.refresh()
        self.select(entry.uuid)

    def delete_selected(self) -> None:
        """Ask, then delete the selected record; the undo bar can bring it back."""
        entry = self.selected()
        if entry is None:
            return
        question = f"Delete this {_noun(entry)} ({value_text(entry)}, {when_text(entry.at)})?"
        if not self.confirm(question):
            return
        self._say("")
        row = self.table.selectionModel().selectedRows()[0].row()
        try:
            if isinstance(entry, WaterLog):
                gone: Entry | None = self._store.delete_water(entry.uuid)
            else:
                gone = self._store.delete_stiffness(entry.uuid)
        except (sqlite3.Error, KnownError) as exc:
            log.warning("deleting %s failed: %s", entry.uuid, exc)
            self._say(f"Could not delete it: {exc}")
            return
        if gone is None:
            self._say(f"That {_noun(entry)} was already deleted.")
        else:
            log.info("deleted %s %s", _noun(gone), gone.uuid)
            self._deleted.append(gone)
        self.refresh()
        if self.model.rowCount():
            self.select(self.model.entry(min(row, self.model.rowCount() - 1)).uuid)
        self._update_undo()
        self.changed.emit()

    def undo(self) -> None:
        """Put the last deleted record back, exactly as it was."""
        if not self._deleted:
            return
        entry = self._deleted[-1]
        try:
            if isinstance(entry, WaterLog):
                self._store.add_water(entry)
            else:
                self._store.add_stiffness(entry)
        except (sqlite3.Error, KnownError) as exc:  # kept for another try
            log.warning("restoring %s failed: %s", entry.uuid, exc)
            self._say(f"Could not bring it back: {exc}")
            return
        self._deleted.pop()
        log.info("restored %s %s", _noun(entry), entry.uuid)
        self._show(entry)
        self._update_undo()
        self.table.setFocus()
        self.changed.emit()

    def _update_undo(self) -> None:
        if self._deleted:
            self.undo_label.setText(f"{_noun(self._deleted[-1]).capitalize()} deleted.")
            self.undo_label.setAccessibleName(self.undo_label.text())
            self.undo_bar.show()
        else:
            self.undo_bar.hide()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _ask(self, question: str) -> bool:
        """The default confirm: a Yes/No question with No as the default."""
        answer = QMessageBox.question(
            self,
            "Delete",
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    # --- keys ---------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """On the table, Delete deletes the selected record and Enter edits it."""
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            if event.key() in _DELETE_KEYS:
                self.delete_selected()
                return True
            if event.key() in _ENTER_KEYS:
                self.edit_selected()
                return True
        return super().eventFilter(watched, event)
