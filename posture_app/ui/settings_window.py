"""The settings window: a form over every Settings field, validated by the core on Save.

The window owns its widgets and the Settings it was opened with. Widget ranges come from the
fields' validation specs in posture_app.core.settings, and the Settings it emits is built by that
module (`with_changes`), so the form never decides on its own what is allowed. "Start at login"
is not a setting: it goes straight to the Autostart adapter when ticked.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import time
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, QTime, Signal
from PySide6.QtGui import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QCloseEvent,
    QColor,
    QKeyEvent,
    QPalette,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QStyle,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from posture_app.core.settings import (
    END_OF_DAY,
    WEEKDAY_KEYS,
    Insistence,
    Settings,
    SettingsError,
    WorkingHours,
    field_bounds,
)
from posture_app.platform.base import Autostart
from posture_app.ui import FORKS_WINDOWS, look
from posture_app.ui.start_at_login import StartAtLoginBox

logger = logging.getLogger(__name__)

#: The size the window opens at; every page fits in it without clipping.
WINDOW_SIZE = QSize(560, 520)

_MARGIN = 12
_SPACING = 10
_ROW_SPACING = 8
_TIME_FORMAT = "HH:mm"
# What an end-of-day editor shows at its lowest value, 00:00, which stands for END_OF_DAY.
_END_OF_DAY_TEXT = "24:00"
_MIDNIGHT = QTime(0, 0)
# Arrow-key steps for the millilitre boxes: a quarter litre for the goal, a small sip for a glass.
_GOAL_STEP_ML = 250
_GLASS_STEP_ML = 50
# Where a day off starts when it is ticked (a UI suggestion, not a default setting).
_SUGGESTED_WINDOW = (time(9, 0), time(17, 0))
# Error text colours readable on a light and on a dark window background.
_ERROR_ON_LIGHT = QColor(176, 0, 32)
_ERROR_ON_DARK = QColor(255, 138, 128)

_DAY_NAMES: dict[str, str] = dict(
    zip(
        WEEKDAY_KEYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)

# The plain words of docs/settings.md, used as tooltips and accessible descriptions.
_HELP: dict[str, str] = {
    "posture_enabled": "Remind you to check your posture.",
    "posture_minutes": "Minutes of sitting between posture checks.",
    "stretch_enabled": "Offer a short guided stretch.",
    "stretch_minutes": "Minutes of sitting between stretches.",
    "stretch_seconds": "How long a stretch lasts, in seconds.",
    "break_enabled": "Remind you to get up and move.",
    "break_minutes": "Minutes of sitting between movement breaks.",
    "break_duration_minutes": "How long a movement break should last, in minutes.",
    "eyes_enabled": (
        "Eye rest (20-20-20: every 20 minutes look 20 feet / 6 m away for 20 seconds)."
    ),
    "eyes_minutes": "Minutes of sitting between eye rests.",
    "eyes_seconds": "How long an eye rest lasts, in seconds.",
    "hydration_enabled": "Remind you to drink water.",
    "hydration_minutes": (
        "Minutes at the computer between water reminders. This counts time you are present "
        "(not reset by a break) and starts again when you log water."
    ),
    "natural_break_minutes": (
        "Being away this long or longer is a natural break: it ends the sitting session and "
        "restarts the posture, stretch, break and eye timers. Shorter pauses still count as "
        "sitting."
    ),
    "snooze_minutes": "A snoozed reminder comes back after this many minutes at the computer.",
    "working_hours": (
        "When reminders may be shown. Outside working hours nothing is prompted, but sitting "
        "is still recorded. Unticked: reminders at any time."
    ),
    "water_goal_ml": "Daily water goal in millilitres.",
    "glass_ml": "How much one logged glass holds, in millilitres.",
    "stiffness_morning": "Ask how stiff your back is at your first activity of the day.",
    "stiffness_evening": "Ask how stiff your back is at the end of the day.",
    "stiffness_evening_time": "When the end-of-day stiffness question is asked.",
    "insistence": "How hard prompts try to be seen.",
    "sound": "A gentle sound with each prompt.",
    "icon_minutes": "Draw the minutes left until the next prompt into the tray icon.",
    "window_ready": (
        "Keep a helper ready in the background, so the app window opens in less than half "
        "the time, the first time in a day too. It holds about 8 MB of memory all day."
    ),
}
#: Under the "Keep the window ready" box: what it costs, seen before it is ticked.
_READY_COST = "Even the first time in a day. It uses about 8 MB of memory all day."
_DAY_HELP = "Reminders may appear on this day, between its start and end."
_START_HELP = (
    "The start counts, the end does not: with 09:00 to 17:00 reminders can appear from 09:00 "
    "up to 16:59."
)
_END_HELP = (
    "The end of the window; it cannot run past midnight. Set it to 00:00, shown as 24:00, for "
    '"until midnight".'
)
_INSISTENCE_HELP: dict[Insistence, tuple[str, str]] = {
    Insistence.GENTLE: ("Gentle", "Notifications only, and they go away by themselves."),
    Insistence.NORMAL: (
        "Normal",
        "A small note for posture checks and water, a window for stretches and breaks.",
    ),
    Insistence.FIRM: ("Firm", "A window for everything, kept on top until you answer."),
}
_AUTOSTART_HELP = "Start posture-app when you log in. This takes effect at once."
_SITTING_HINT = (
    "Intervals count sitting time, which keeps counting through short pauses and restarts "
    "after a natural break. Water counts time at the computer."
)


def _bounds(name: str) -> tuple[Any, Any]:
    """The (low, high) range of a Settings field."""
    return field_bounds(name)


def _help(name: str) -> str:
    """The help text of a field, with its range when it has one."""
    text = _HELP[name]
    try:
        low, high = field_bounds(name)
    except KeyError:
        return text
    if isinstance(low, int) and isinstance(high, int):
        return f"{text} ({low}–{high})"
    if isinstance(low, time) and isinstance(high, time):
        return f"{text} ({low:%H:%M}–{high:%H:%M})"
    return text


def _to_qtime(value: time) -> QTime:
    """A whole-minute datetime.time as a QTime (END_OF_DAY becomes 00:00)."""
    if value == END_OF_DAY:
        return QTime(_MIDNIGHT)
    return QTime(value.hour, value.minute)


def _from_qtime(value: QTime) -> time:
    """A QTime as a whole-minute datetime.time."""
    return time(value.hour(), value.minute())


@dataclass(frozen=True)
class _Reminder:
    """One interval reminder row: its label and the Settings fields it edits."""

    label: str
    enabled: str
    every: str
    length: str | None = None
    length_suffix: str = ""
    length_name: str = ""


_REMINDERS: tuple[_Reminder, ...] = (
    _Reminder("Posture check", "posture_enabled", "posture_minutes"),
    _Reminder("Stretch", "stretch_enabled", "stretch_minutes", "stretch_seconds", " s", "seconds"),
    _Reminder(
        "Movement break",
        "break_enabled",
        "break_minutes",
        "break_duration_minutes",
        " min",
        "minutes",
    ),
    _Reminder("Eye rest", "eyes_enabled", "eyes_minutes", "eyes_seconds", " s", "seconds"),
    _Reminder("Drink water", "hydration_enabled", "hydration_minutes"),
)


@dataclass(frozen=True)
class _DayRow:
    """The widgets of one weekday in the working-hours table."""

    key: str
    enabled: QCheckBox
    start: QTimeEdit
    end: QTimeEdit

    def window(self) -> tuple[time, time] | None:
        """The (start, end) this row says, or None for a day off; an end of 00:00 is midnight."""
        if not self.enabled.isChecked():
            return None
        end_time = self.end.time()
        end = END_OF_DAY if end_time == _MIDNIGHT else _from_qtime(end_time)
        return _from_qtime(self.start.time()), end


class SettingsWindow(QWidget):
    """The settings form: one page per group, Reset / Cancel / Save, and an inline error line.

    Signals: `saved(Settings)` when Save (or Enter) produced valid settings; `closed()` once when
    the window closes (after Save, Cancel, Esc or the title bar); `open_data_folder()` when the
    user asks to see the data folder. Save closes the window unless a `saved` receiver called
    show_error(); Cancel closes it and puts the form back to the last given or saved settings.
    """

    saved = Signal(object)
    closed = Signal()
    open_data_folder = Signal()

    def __init__(
        self,
        settings: Settings,
        *,
        data_location: str,
        notes: tuple[str, ...],
        autostart: Autostart,
        parent: QWidget | None = None,
    ) -> None:
        """Build the form and show `settings` in it; `notes` say what works on this computer."""
        super().__init__(parent, Qt.WindowType.Window)
        self._autostart = autostart
        self._original = settings
        self._base = settings
        self._close_reported = False
        self._bools: dict[str, QCheckBox] = {}
        self._ints: dict[str, QSpinBox] = {}
        self._days: list[_DayRow] = []
        self._insistence: dict[Insistence, QRadioButton] = {}
        # The two problem lines exist first: changeEvent recolours them from the start.
        self._error = QLabel()
        self._error.setObjectName("error")
        self._error.setAccessibleName("Problem")
        self._autostart_problem = QLabel()
        self._autostart_problem.setObjectName("autostart_problem")
        self._autostart_problem.setAccessibleName("Start at login problem")
        for label in (self._error, self._autostart_problem):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.hide()
        self._update_error_colour()
        self.setWindowTitle("Settings — posture-app")
        self.setObjectName("settings_window")

        self._sections = QListWidget()
        self._sections.setObjectName("sections")
        self._sections.setAccessibleName("Settings sections")
        self._sections.setAccessibleDescription("Choose which group of settings to show.")
        self._pages = QStackedWidget()
        metrics = self._sections.fontMetrics()
        for title, page in (
            ("Reminders", self._reminders_page()),
            ("Schedule", self._schedule_page()),
            ("Water", self._water_page()),
            ("Stiffness", self._stiffness_page()),
            ("Behaviour", self._behaviour_page()),
            ("Data", self._data_page(data_location, notes)),
        ):
            page.setObjectName(f"page_{title.lower()}")
            page.setAccessibleName(title)
            item = QListWidgetItem(title)
            item.setSizeHint(
                QSize(
                    metrics.horizontalAdvance(title) + 2 * _ROW_SPACING,
                    metrics.height() + _ROW_SPACING,
                )
            )
            self._sections.addItem(item)
            self._pages.addWidget(page)
        self._sections.currentRowChanged.connect(self._pages.setCurrentIndex)
        self._sections.setCurrentRow(0)
        self._sections.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self._sections.setFixedWidth(
            self._sections.sizeHintForColumn(0) + 2 * self._sections.frameWidth() + _MARGIN
        )

        buttons = QDialogButtonBox()
        self._save_button = self._button(
            buttons, "Save", QDialogButtonBox.ButtonRole.AcceptRole, "Save the settings and close."
        )
        self._cancel_button = self._button(
            buttons,
            "Cancel",
            QDialogButtonBox.ButtonRole.RejectRole,
            "Close without saving (Esc).",
        )
        self._reset_button = self._button(
            buttons,
            "Reset to defaults",
            QDialogButtonBox.ButtonRole.ResetRole,
            "Fill the form with the default settings; nothing is saved until you press Save.",
        )
        self._save_button.setDefault(True)
        self._save_button.clicked.connect(self.save)
        self._cancel_button.clicked.connect(self.cancel)
        self._reset_button.clicked.connect(self.reset_to_defaults)

        body = QHBoxLayout()
        body.setSpacing(_MARGIN)
        body.addWidget(self._sections)
        body.addWidget(self._pages, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(_MARGIN, _MARGIN, _MARGIN, _MARGIN)
        layout.setSpacing(_SPACING)
        layout.addLayout(body, 1)
        layout.addWidget(self._error)
        layout.addWidget(buttons)

        self._clear_error_on_edit()
        self.set_settings(settings)
        self.resize(WINDOW_SIZE)

    # --- public API -------------------------------------------------------------------------

    def set_settings(self, settings: Settings) -> None:
        """Show `settings` in the form and make them what Cancel returns to."""
        self._original = settings
        self._fill(settings)

    def values(self) -> dict[str, object]:
        """Every Settings field as the form shows it now, by field name.

        Raises SettingsError when the working hours are not valid (a start not before its end).
        """
        result: dict[str, object] = {}
        for name, box in self._bools.items():
            result[name] = box.isChecked()
        for name, spin in self._ints.items():
            result[name] = spin.value()
        result["working_hours"] = self._working_hours()
        result["stiffness_evening_time"] = _from_qtime(self._evening_time.time())
        result["insistence"] = next(
            kind for kind, radio in self._insistence.items() if radio.isChecked()
        )
        return result

    def current_settings(self) -> Settings:
        """The Settings that Save would emit now; raises SettingsError when the form is invalid."""
        return self._base.with_changes(**self.values())

    def save(self) -> None:
        """Validate the form and emit `saved`, then close; on a problem show it and stay open.

        A `saved` receiver that cannot store the settings (disk full, ...) calls show_error():
        the window then stays open with the user's edits and the message.
        """
        try:
            settings = self.current_settings()
        except SettingsError as error:
            self.show_error(_in_plain_words(str(error)))
            self._focus_problem()
            return
        self._clear_error()
        previous = self._original
        self._original = settings
        self._base = settings
        self.saved.emit(settings)
        if self.error_text():
            self._original = previous
            self._base = previous
            return
        logger.info("settings saved from the settings window")
        self.close()

    def cancel(self) -> None:
        """Close without saving."""
        self.close()

    def reset_to_defaults(self) -> None:
        """Fill the form with the default settings; nothing is emitted until Save."""
        self._fill(Settings())

    def show_error(self, message: str) -> None:
        """Show one line in red above the buttons (also for the caller, e.g. a failed save)."""
        self._error.setText(message)
        self._error.setAccessibleDescription(message)
        self._error.show()
        QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(self._error, message))

    def error_text(self) -> str:
        """The problem shown above the buttons, or "" when there is none."""
        return "" if self._error.isHidden() else self._error.text()

    # --- Qt overrides -----------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc cancels; Enter saves (keys that a focused widget did not use arrive here)."""
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.cancel()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            self.save()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Put the form back to the last given or saved settings, then say it closed."""
        self._fill(self._original)
        super().closeEvent(event)
        # A `saved` receiver may close the window before save() does: say "closed" once.
        if not self._close_reported:
            self._close_reported = True
            self.closed.emit()

    def showEvent(self, event: QShowEvent) -> None:
        """A shown window will report its next close."""
        self._close_reported = False
        super().showEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        """Follow light/dark palette switches with the error colour."""
        if event.type() in (
            QEvent.Type.PaletteChange,
            QEvent.Type.ApplicationPaletteChange,
            QEvent.Type.StyleChange,
        ):
            self._update_error_colour()
        super().changeEvent(event)

    # --- pages ------------------------------------------------------------------------------

    def _reminders_page(self) -> QWidget:
        group = QGroupBox("Remind me")
        grid = QGridLayout(group)
        self._space(grid)
        grid.setColumnStretch(5, 1)
        for row, reminder in enumerate(_REMINDERS):
            check = self._bool(reminder.enabled, reminder.label, f"{reminder.label} reminders")
            every = self._int(
                reminder.every, " min", f"{reminder.label}: minutes between reminders"
            )
            grid.addWidget(check, row, 0)
            grid.addWidget(self._label("every", every), row, 1, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(every, row, 2)
            spins = [every]
            if reminder.length is not None:
                length = self._int(
                    reminder.length,
                    reminder.length_suffix,
                    f"{reminder.label}: length in {reminder.length_name}",
                )
                grid.addWidget(self._label("for", length), row, 3, Qt.AlignmentFlag.AlignRight)
                grid.addWidget(length, row, 4)
                spins.append(length)
            for spin in spins:
                check.toggled.connect(spin.setEnabled)
        return self._page(group, self._hint(_SITTING_HINT))

    def _schedule_page(self) -> QWidget:
        timing = QGroupBox("Timing")
        form = QGridLayout(timing)
        self._space(form)
        form.setColumnStretch(2, 1)
        natural = self._int("natural_break_minutes", " min", "Natural break length in minutes")
        snooze = self._int("snooze_minutes", " min", "Snooze length in minutes")
        form.addWidget(self._label("Away this long is a natural break:", natural), 0, 0)
        form.addWidget(natural, 0, 1)
        form.addWidget(self._label("Snooze a reminder for:", snooze), 1, 0)
        form.addWidget(snooze, 1, 1)

        hours = QGroupBox("Working hours")
        column = QVBoxLayout(hours)
        column.setSpacing(_ROW_SPACING)
        self._limit_hours = self._check(
            "working_hours",
            "Only remind me during working hours",
            "Only remind me during working hours",
            _help("working_hours"),
        )
        column.addWidget(self._limit_hours)
        table = QWidget()
        table.setObjectName("working_hours.days")
        grid = QGridLayout(table)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(_SPACING)
        grid.setVerticalSpacing(_ROW_SPACING // 2)
        grid.setColumnStretch(5, 1)
        for row, key in enumerate(WEEKDAY_KEYS):
            self._days.append(self._day_row(grid, row, key))
        column.addWidget(table)
        self._limit_hours.toggled.connect(table.setEnabled)
        return self._page(timing, hours)

    def _day_row(self, grid: QGridLayout, row: int, key: str) -> _DayRow:
        name = _DAY_NAMES[key]
        enabled = self._check(f"working_hours.{key}", name, f"{name} is a working day", _DAY_HELP)
        start = self._time(f"working_hours.{key}.start", f"{name} start", _START_HELP)
        end = self._time(f"working_hours.{key}.end", f"{name} end", _END_HELP)
        end.setSpecialValueText(_END_OF_DAY_TEXT)
        # Stepping up past 23:00 reaches 24:00, the usual way to say "until midnight".
        end.setWrapping(True)
        grid.addWidget(enabled, row, 0)
        grid.addWidget(self._label("from", start), row, 1, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(start, row, 2)
        grid.addWidget(self._label("to", end), row, 3, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(end, row, 4)
        enabled.toggled.connect(start.setEnabled)
        enabled.toggled.connect(end.setEnabled)
        return _DayRow(key, enabled, start, end)

    def _water_page(self) -> QWidget:
        group = QGroupBox("Water")
        grid = QGridLayout(group)
        self._space(grid)
        grid.setColumnStretch(2, 1)
        goal = self._int("water_goal_ml", " ml", "Daily water goal in millilitres")
        goal.setSingleStep(_GOAL_STEP_ML)
        glass = self._int("glass_ml", " ml", "Glass size in millilitres")
        glass.setSingleStep(_GLASS_STEP_ML)
        grid.addWidget(self._label("Daily goal:", goal), 0, 0)
        grid.addWidget(goal, 0, 1)
        grid.addWidget(self._label("One glass holds:", glass), 1, 0)
        grid.addWidget(glass, 1, 1)
        return self._page(group)

    def _stiffness_page(self) -> QWidget:
        group = QGroupBox("Ask how stiff my back is")
        grid = QGridLayout(group)
        self._space(grid)
        grid.setColumnStretch(3, 1)
        morning = self._bool(
            "stiffness_morning", "In the morning, at my first activity", "Ask in the morning"
        )
        evening = self._bool(
            "stiffness_evening", "At the end of the day", "Ask at the end of the day"
        )
        self._evening_time = self._time(
            "stiffness_evening_time",
            "End-of-day question time",
            _help("stiffness_evening_time"),
        )
        low, high = _bounds("stiffness_evening_time")
        self._evening_time.setTimeRange(_to_qtime(low), _to_qtime(high))
        evening.toggled.connect(self._evening_time.setEnabled)
        grid.addWidget(morning, 0, 0, 1, 4)
        grid.addWidget(evening, 1, 0)
        grid.addWidget(self._label("at", self._evening_time), 1, 1, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self._evening_time, 1, 2)
        return self._page(group)

    def _behaviour_page(self) -> QWidget:
        insist = QGroupBox("How insistent prompts are")
        insist.setToolTip(_help("insistence"))
        column = QVBoxLayout(insist)
        column.setSpacing(_ROW_SPACING // 2)
        self._insistence_group = QButtonGroup(self)
        for kind, (title, explanation) in _INSISTENCE_HELP.items():
            radio = QRadioButton(title)
            radio.setObjectName(f"insistence.{kind.value}")
            radio.setAccessibleName(f"{title} prompts")
            radio.setAccessibleDescription(explanation)
            radio.setToolTip(explanation)
            note = self._hint(explanation)
            note.setBuddy(radio)
            # Line the explanation up with the radio button's text, not its circle.
            style = radio.style()
            note.setIndent(
                style.pixelMetric(QStyle.PixelMetric.PM_ExclusiveIndicatorWidth, None, radio)
                + style.pixelMetric(QStyle.PixelMetric.PM_RadioButtonLabelSpacing, None, radio)
            )
            self._insistence_group.addButton(radio)
            self._insistence[kind] = radio
            column.addWidget(radio)
            column.addWidget(note)

        other = QGroupBox("Sound, tray, window and login")
        rows = QVBoxLayout(other)
        rows.setSpacing(_ROW_SPACING)
        rows.addWidget(self._bool("sound", "Play a gentle sound with each prompt", "Gentle sound"))
        rows.addWidget(
            self._bool(
                "icon_minutes",
                "Show the minutes until the next prompt in the tray icon",
                "Minutes in the tray icon",
            )
        )
        ready = self._bool(
            "window_ready",
            "Keep the app window ready, so it opens faster",
            "Keep the window ready",
        )
        cost = self._hint(_READY_COST)
        cost.setObjectName("window_ready_cost")
        style = ready.style()  # lined up with the box's text, as the insistence notes are
        cost.setIndent(
            style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, ready)
            + style.pixelMetric(QStyle.PixelMetric.PM_CheckBoxLabelSpacing, None, ready)
        )
        pair = QVBoxLayout()
        pair.setSpacing(_ROW_SPACING // 2)
        pair.addWidget(ready)
        pair.addWidget(cost)
        rows.addLayout(pair)
        if not FORKS_WINDOWS:  # see posture_app/ui/forkserver.py
            ready.hide()
            cost.hide()
        self._autostart_box = StartAtLoginBox("Start at login", self._autostart)
        self._describe_check(self._autostart_box, "autostart", "Start at login", _AUTOSTART_HELP)
        self._autostart_box.failed.connect(self._autostart_failed)
        self._autostart_box.switched.connect(self._autostart_switched)
        rows.addWidget(self._autostart_box)
        rows.addWidget(self._autostart_problem)
        return self._page(insist, other)

    def _data_page(self, data_location: str, notes: tuple[str, ...]) -> QWidget:
        data = QGroupBox("Your data")
        column = QVBoxLayout(data)
        column.setSpacing(_ROW_SPACING)
        location = self._text(data_location, "Data location")
        location.setObjectName("data_location")
        column.addWidget(location)
        open_button = QPushButton("Open folder")
        open_button.setObjectName("open_data_folder")
        open_button.setAccessibleName("Open data folder")
        open_button.setAccessibleDescription("Show the folder with your data in the file manager.")
        open_button.setToolTip("Show the folder with your data in the file manager.")
        open_button.setAutoDefault(True)
        open_button.clicked.connect(self.open_data_folder)
        row = QHBoxLayout()
        row.addWidget(open_button)
        row.addStretch(1)
        column.addLayout(row)

        here = QGroupBox("What works on this computer")
        lines = QVBoxLayout(here)
        lines.setSpacing(_ROW_SPACING // 2)
        for index, note in enumerate(notes or ("Nothing to report.",)):
            label = self._text(note, "Note about this computer")
            label.setObjectName(f"note.{index}")
            lines.addWidget(label)
        return self._page(data, here)

    # --- building blocks --------------------------------------------------------------------

    def _page(self, *parts: QWidget) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(_SPACING)
        for part in parts:
            column.addWidget(part)
        column.addStretch(1)
        return page

    @staticmethod
    def _space(grid: QGridLayout) -> None:
        grid.setHorizontalSpacing(_SPACING)
        grid.setVerticalSpacing(_ROW_SPACING)

    @classmethod
    def _check(cls, name: str, text: str, accessible: str, help_text: str) -> QCheckBox:
        box = QCheckBox(text)
        cls._describe_check(box, name, accessible, help_text)
        return box

    @staticmethod
    def _describe_check(box: QCheckBox, name: str, accessible: str, help_text: str) -> None:
        box.setObjectName(name)
        box.setAccessibleName(accessible)
        box.setAccessibleDescription(help_text)
        box.setToolTip(help_text)

    def _bool(self, name: str, text: str, accessible: str) -> QCheckBox:
        box = self._check(name, text, accessible, _help(name))
        self._bools[name] = box
        return box

    def _int(self, name: str, suffix: str, accessible: str) -> QSpinBox:
        low, high = _bounds(name)
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setRange(low, high)
        spin.setSuffix(suffix)
        spin.setAccelerated(True)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        spin.setAccessibleName(accessible)
        spin.setAccessibleDescription(_help(name))
        spin.setToolTip(_help(name))
        self._ints[name] = spin
        return spin

    @staticmethod
    def _time(name: str, accessible: str, help_text: str) -> QTimeEdit:
        edit = QTimeEdit()
        edit.setObjectName(name)
        edit.setDisplayFormat(_TIME_FORMAT)
        edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        edit.setAccessibleName(accessible)
        edit.setAccessibleDescription(help_text)
        edit.setToolTip(help_text)
        return edit

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    @staticmethod
    def _hint(text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        return label

    @staticmethod
    def _text(text: str, accessible: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setAccessibleName(accessible)
        label.setAccessibleDescription(text)
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        return label

    @staticmethod
    def _button(
        box: QDialogButtonBox, text: str, role: QDialogButtonBox.ButtonRole, help_text: str
    ) -> QPushButton:
        button = box.addButton(text, role)
        button.setObjectName(text.split()[0].lower())
        button.setAccessibleName(text)
        button.setAccessibleDescription(help_text)
        button.setToolTip(help_text)
        # Enter on a focused button presses that button, as in a dialog.
        button.setAutoDefault(True)
        return button

    # --- form state -------------------------------------------------------------------------

    def _fill(self, settings: Settings) -> None:
        """Show every field of `settings`; the widgets' enabled states follow."""
        self._base = settings
        self._clear_error()
        for name, box in self._bools.items():
            box.setChecked(getattr(settings, name))
        for name, spin in self._ints.items():
            spin.setValue(getattr(settings, name))
        hours = settings.working_hours
        self._limit_hours.setChecked(hours is not None)
        for index, row in enumerate(self._days):
            window = None if hours is None else hours.days[index]
            start, end = window if window is not None else _SUGGESTED_WINDOW
            row.enabled.setChecked(window is not None if hours is not None else index < 5)
            row.start.setTime(_to_qtime(start))
            row.end.setTime(_to_qtime(end))
        self._evening_time.setTime(_to_qtime(settings.stiffness_evening_time))
        self._insistence[settings.insistence].setChecked(True)
        self._sync_enabled()

    def _sync_enabled(self) -> None:
        """Enable each dependent widget from its switch (toggled does not fire on no change)."""
        for reminder in _REMINDERS:
            on = self._bools[reminder.enabled].isChecked()
            self._ints[reminder.every].setEnabled(on)
            if reminder.length is not None:
                self._ints[reminder.length].setEnabled(on)
        table = self._days[0].enabled.parentWidget()
        if table is not None:
            table.setEnabled(self._limit_hours.isChecked())
        for row in self._days:
            row.start.setEnabled(row.enabled.isChecked())
            row.end.setEnabled(row.enabled.isChecked())
        self._evening_time.setEnabled(self._bools["stiffness_evening"].isChecked())

    def _working_hours(self) -> WorkingHours | None:
        if not self._limit_hours.isChecked():
            return None
        return WorkingHours(days=tuple(row.window() for row in self._days))

    def _focus_problem(self) -> None:
        """Show the page of a bad working-hours row and put the cursor in its start time."""
        if not self._limit_hours.isChecked():
            return
        for row in self._days:
            window = row.window()
            if window is not None and window[0] >= window[1]:
                self._sections.setCurrentRow(self._pages.indexOf(self._page_of(row.start)))
                row.start.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    def _page_of(self, widget: QWidget) -> QWidget:
        current: QWidget | None = widget
        while current is not None and current.parentWidget() is not self._pages:
            current = current.parentWidget()
        return current if current is not None else widget

    def _clear_error_on_edit(self) -> None:
        """A shown problem goes away as soon as the user changes anything in the form."""
        for box in self.findChildren(QCheckBox):
            if box is not self._autostart_box:
                box.toggled.connect(self._clear_error)
        for radio in self._insistence.values():
            radio.toggled.connect(self._clear_error)
        for spin in self._ints.values():
            spin.valueChanged.connect(self._clear_error)
        for edit in self.findChildren(QTimeEdit):
            edit.timeChanged.connect(self._clear_error)

    def _clear_error(self) -> None:
        self._error.clear()
        self._error.hide()

    def _update_error_colour(self) -> None:
        """Paint the problem lines in a red that reads well on the current window colour."""
        dark = look.is_dark(self.palette())
        for label in (self._error, self._autostart_problem):
            palette = label.palette()
            palette.setColor(
                QPalette.ColorRole.WindowText, _ERROR_ON_DARK if dark else _ERROR_ON_LIGHT
            )
            label.setPalette(palette)

    # --- start at login ---------------------------------------------------------------------

    def _autostart_failed(self, why: str) -> None:
        """Say why starting at login could not be changed (the box shows the real state)."""
        self._autostart_problem.setText(why)
        self._autostart_problem.setAccessibleDescription(why)
        self._autostart_problem.show()
        QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(self._autostart_problem, why))

    def _autostart_switched(self) -> None:
        """The tick was written: a problem shown before is gone."""
        self._autostart_problem.clear()
        self._autostart_problem.hide()


def _in_plain_words(message: str) -> str:
    """A core error message with a leading working_hours.<day> said as the day's name."""
    for key, name in _DAY_NAMES.items():
        prefix = f"working_hours.{key}"
        if message.startswith(prefix):
            return f"Working hours on {name}{message.removeprefix(prefix)}"
    return message


__all__ = ["WINDOW_SIZE", "SettingsWindow"]
