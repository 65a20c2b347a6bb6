"""The app window: four tabs (this week, trends, insights, history) and the week they show.

Only the tab in view is computed. Week summaries are kept until the data changes, so switching
weeks reads only the weeks not read yet: one on "This week" and on Trends (its 12 weeks move by
one). Trends and Insights are computed when their tab is shown, or when the week changes while
they are. A tab's view is not even built, nor its module imported, until it is
first shown. History's edits mark the other tabs stale, so they are read again when next shown.
What the tray app (another process) records meanwhile is read again too: the window asks SQLite
whether another connection wrote (`PRAGMA data_version`) every half minute while shown and each
time it is activated.

Keys: Alt+Left and Alt+Right step a week back and forth (the browser's back and forward), Home
(or Alt+Home) goes to this week, F5 reads everything again; Ctrl+Tab, Ctrl+Shift+Tab,
Ctrl+PgDown and Ctrl+PgUp move between the tabs; Ctrl+P saves the doctor report; Ctrl+W closes.
The week keys are off on History, which has its own date filter (and uses Home in its table).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from enum import Enum, auto
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTabBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from posture_app.core.clock import Clock
from posture_app.core.errors import KnownError
from posture_app.core.files import write_private
from posture_app.core.insights import DEFAULT_WEEKS, insights_for
from posture_app.core.settings import Settings
from posture_app.core.stats import IsoWeek, WeekSummary, weekly_series
from posture_app.core.store import Records, Store
from posture_app.core.text import MONTHS
from posture_app.paths import Paths
from posture_app.ui import look

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QHideEvent, QShowEvent

    from posture_app.ui.prompts import SafetyNoteDialog
    from posture_app.ui.window.history_view import HistoryView
    from posture_app.ui.window.insights_view import InsightsView
    from posture_app.ui.window.trends_view import TrendsView
    from posture_app.ui.window.week_view import WeekGoals, WeekView

log = logging.getLogger(__name__)

APP_TITLE = "posture-app"
#: The window's size when it first opens, in pixels.
DEFAULT_SIZE = (1000, 760)
#: The window can be made this small and still show a chart and the controls.
MINIMUM_SIZE = (640, 480)
#: Trends show this many weeks, ending with the shown week.
TREND_WEEKS = 12
#: Week summaries kept at most (a few KB each): enough for Trends and the weeks around it.
KEPT_SUMMARIES = 4 * TREND_WEEKS
#: The doctor report covers this many weeks, ending with the shown week.
REPORT_WEEKS = 4
#: While the window is shown, it looks this often for what the tray app recorded since (ms).
WATCH_INTERVAL_MS = 30_000
#: A chooser for a file to save: (dialog title, suggested file name) -> the path, None if cancelled.
FileChooser = Callable[[str, str], Path | None]


class Tab(Enum):
    """The window's tabs, in the order shown."""

    WEEK = auto()
    TRENDS = auto()
    INSIGHTS = auto()
    HISTORY = auto()

    @property
    def key(self) -> str:
        """The tab's name on the command line (`--tab week`)."""
        return self.name.lower()

    @classmethod
    def of_key(cls, key: str) -> Tab:
        """The tab named `key` on the command line; ValueError if there is none."""
        for tab in cls:
            if tab.key == key:
                return tab
        raise ValueError(f"no tab called {key!r}")


class ExportFormat(Enum):
    """What "Export" writes: CSV for spreadsheets, JSON for a lossless backup."""

    CSV = auto()
    JSON = auto()

    @property
    def suffix(self) -> str:
        """The file name's ending, dot included."""
        return f".{self.name.lower()}"


# Labels carry mnemonics (Alt+letter). History's own use A, D, E, F, T and U, so these avoid them.
_TAB_LABELS = {
    Tab.WEEK: "This &week",
    Tab.TRENDS: "T&rends",
    Tab.INSIGHTS: "&Insights",
    Tab.HISTORY: "Hi&story",
}
_TAB_DESCRIPTIONS = {
    Tab.WEEK: "The shown week day by day: sitting, breaks, water and stiffness",
    Tab.TRENDS: f"The {TREND_WEEKS} weeks up to the shown week, week by week",
    Tab.INSIGHTS: f"Patterns in your stiffness over the {DEFAULT_WEEKS} weeks up to the shown week",
    Tab.HISTORY: "Your stiffness ratings and water logs, to correct, delete or add to",
}
_FILE_FILTERS = {
    ".csv": "CSV files (*.csv)",
    ".json": "JSON files (*.json)",
    ".pdf": "PDF files (*.pdf)",
}


# --- text -------------------------------------------------------------------------------------


def date_range_text(first: date, last: date, *, to: str | None = None) -> str:
    """Two days as people write them: "23–29 November 2026", "30 November – 6 December 2026".

    With `to` (say "to"), that word joins them instead of a dash: "23 to 29 November 2026".
    """
    start = f"{first.day}"
    if (first.year, first.month) != (last.year, last.month):
        start += f" {MONTHS[first.month - 1]}"
        if first.year != last.year:
            start += f" {first.year}"
        joint = f" {to or '–'} "
    else:
        joint = f" {to} " if to else "–"
    return f"{start}{joint}{last.day} {MONTHS[last.month - 1]} {last.year}"


def week_title(week: IsoWeek) -> str:
    """The navigation title, e.g. "Week 48 · 23–29 November 2026"."""
    days = week.days
    return f"Week {week.week} · {date_range_text(days[0], days[-1])}"


def week_title_spoken(week: IsoWeek) -> str:
    """The title as a screen reader should say it: "Week 48, 23 to 29 November 2026"."""
    days = week.days
    return f"Week {week.week}, {date_range_text(days[0], days[-1], to='to')}"


def export_bytes(records: Records, fmt: ExportFormat) -> bytes:
    """The file `posture-app export --format csv|json --output FILE` writes for these records."""
    from posture_app.core.exchange import export_file  # only exports need it

    return export_file(records, "csv" if fmt is ExportFormat.CSV else "json")


def _one_line(text: str) -> str:
    """A message squeezed onto one line, ending with a full stop."""
    line = " ".join(text.split())
    return line if line.endswith((".", "!", "?")) else line + "."


def _reason(exc: BaseException) -> str:
    """What went wrong, in the words of the error (an OSError's text without its number)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _check_target(path: Path) -> None:
    """Refuse a folder or a file in a folder that does not exist (before anything is read)."""
    if path.is_dir():
        raise KnownError("it is a folder; choose a file name")
    if not path.parent.is_dir():
        raise KnownError(f"there is no folder {path.parent}")


# --- the window -------------------------------------------------------------------------------


class MainWindow(QMainWindow):
    """Owns the tabs and their views, the shown week, and the export and report actions.

    `choose_file(title, suggested_name) -> Path | None` asks where to save (a save dialog);
    `say(line)` tells the user how an action went (the status bar). Replace either attribute to
    drive the window without dialogs.
    """

    #: The user closed the window (it is hidden, not deleted: its process may show it again).
    closed = Signal()

    def __init__(
        self,
        store: Store,
        settings: Settings,
        clock: Clock,
        paths: Paths | Path,
        *,
        week: IsoWeek | None = None,
        tab: Tab = Tab.WEEK,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._settings = settings
        self._clock = clock
        #: Where the data lives, to name it when it cannot be read.
        self.data_dir = paths.data_dir if isinstance(paths, Paths) else paths
        self._week = min(week or self.current_week(), self.current_week())
        #: Whether the week shown was this week when it was chosen.
        self._on_this_week = self._week == self.current_week()
        self._stale: set[Tab] = set(Tab)
        #: Week summaries read since the data last changed (see `summaries`).
        self._summaries: dict[IsoWeek, WeekSummary] = {}
        self._goals: WeekGoals | None = None
        self._last_dir: Path | None = None
        #: Asks where to save a file; None means the user cancelled.
        self.choose_file: FileChooser = self._ask_for_file
        #: Shows one line about how an action went.
        self.say: Callable[[str], None] = self._show_message
        self.week_view: WeekView | None = None
        self.trends_view: TrendsView | None = None
        self.insights_view: InsightsView | None = None
        self.insights_heading: QLabel | None = None
        self.history_view: HistoryView | None = None
        self.safety_dialog: SafetyNoteDialog | None = None

        self.setWindowTitle(APP_TITLE)
        self.setAccessibleName(APP_TITLE)
        self.resize(*DEFAULT_SIZE)
        self.setMinimumSize(*MINIMUM_SIZE)
        self._make_actions()

        self.tab_bar = QTabBar()
        self.tab_bar.setDrawBase(False)
        self.tab_bar.setExpanding(False)
        self.tab_bar.setAccessibleName("Views")
        self.tab_bar.setAccessibleDescription("Ctrl+Tab and Ctrl+Shift+Tab move between them")
        self.pages = QStackedWidget()
        self._holders: dict[Tab, QVBoxLayout] = {}
        for t in Tab:
            index = self.tab_bar.addTab(_TAB_LABELS[t])
            name = _TAB_LABELS[t].replace("&", "")
            self.tab_bar.setAccessibleTabName(index, name)
            self.tab_bar.setTabToolTip(index, _TAB_DESCRIPTIONS[t])
            page = QWidget()
            page.setAccessibleName(name)
            holder = QVBoxLayout(page)
            holder.setContentsMargins(0, 0, 0, 0)
            holder.setSpacing(0)
            self._holders[t] = holder
            self.pages.addWidget(page)

        self.title = QLabel()
        self.title.setFont(look.title_font(self.font()))
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.prev_button = self._tool_button(self.prev_action)
        self.today_button = self._tool_button(self.today_action)
        self.next_button = self._tool_button(self.next_action)
        for button, name in (
            (self.prev_button, "Previous week"),
            (self.today_button, "Go to this week"),
            (self.next_button, "Next week"),
        ):
            button.setAccessibleName(name)
            button.setAccessibleDescription(button.toolTip())
        # A push button with a menu: styles leave room for its arrow beside the text (a tool
        # button's instant-popup arrow is drawn over the text's corner instead).
        self.export_button = QPushButton("Export")
        self.export_button.setAutoDefault(False)
        self.export_button.setAccessibleName("Export")
        self.export_button.setAccessibleDescription("Save all your records as CSV or JSON")
        self.export_button.setToolTip("Save all your records as CSV or JSON")
        self.export_menu = QMenu("Export", self)
        self.export_menu.addAction(self.export_csv_action)
        self.export_menu.addAction(self.export_json_action)
        self.export_button.setMenu(self.export_menu)
        self.report_button = self._tool_button(self.report_action)
        self.safety_button = self._tool_button(self.safety_action)
        for button in (self.report_button, self.safety_button):
            action = button.defaultAction()
            action.setIconText(action.text())  # keep the "…" on the button: a dialog follows
            button.setAccessibleName(button.text().rstrip("…"))
            button.setAccessibleDescription(button.toolTip())

        top = QHBoxLayout()
        top.setSpacing(look.SPACING_PX // 2)
        top.addWidget(self.tab_bar, 0, Qt.AlignmentFlag.AlignBottom)
        top.addStretch(1)
        top.addWidget(self.export_button)
        for button in (self.report_button, self.safety_button):
            top.addWidget(button)
        self.nav = QWidget()
        nav = QHBoxLayout(self.nav)
        nav.setContentsMargins(0, 0, 0, 0)
        nav.setSpacing(look.SPACING_PX // 2)
        nav.addWidget(self.title, 1)
        for button in (self.prev_button, self.today_button, self.next_button):
            nav.addWidget(button)
        header = QVBoxLayout()
        header.setContentsMargins(look.MARGIN_PX, look.MARGIN_PX // 2, look.MARGIN_PX, 0)
        header.setSpacing(look.SPACING_PX)
        header.addLayout(top)
        header.addWidget(self.nav)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addLayout(header)
        column.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.statusBar().setAccessibleName("Messages")

        # The tray app goes on recording while the window is open: the window looks for its
        # changes every WATCH_INTERVAL_MS while shown, and each time the user comes back to it.
        self._seen_version = self._data_version()  # before reading: nothing slips between
        self.watch_timer = QTimer(self)
        self.watch_timer.setInterval(WATCH_INTERVAL_MS)
        self.watch_timer.timeout.connect(self.check_for_changes)

        self._update_nav()
        self.tab_bar.setCurrentIndex(list(Tab).index(tab))
        self.tab_bar.currentChanged.connect(self._tab_changed)
        self._tab_changed(self.tab_bar.currentIndex())

    # --- building -----------------------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        keys: list[QKeySequence] | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if keys:
            action.setShortcuts(keys)
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            shown = keys[0].toString(QKeySequence.SequenceFormat.NativeText)
            tip = f"{tip} ({shown})" if tip else shown
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work without a menu bar
        return action

    def _make_actions(self) -> None:
        alt = Qt.KeyboardModifier.AltModifier
        ctrl = Qt.KeyboardModifier.ControlModifier
        self.prev_action = self._action(
            "‹ Previous",
            self.previous_week,
            [QKeySequence(alt | Qt.Key.Key_Left)],
            "Show the week before",
        )
        self.next_action = self._action(
            "Next ›", self.next_week, [QKeySequence(alt | Qt.Key.Key_Right)], "Show the week after"
        )
        self.today_action = self._action(
            "This week",
            self.this_week,
            [QKeySequence(Qt.Key.Key_Home), QKeySequence(alt | Qt.Key.Key_Home)],
            "Go back to this week",
        )
        self.export_csv_action = self._action(
            "Export CSV…",
            self.export_csv,
            tip="Save every record as a CSV file, for a spreadsheet",
        )
        self.export_json_action = self._action(
            "Export JSON…",
            self.export_json,
            tip="Save every record as a JSON file, which posture-app can import again",
        )
        self.report_action = self._action(
            "Doctor report (PDF)…",
            self.doctor_report,
            [QKeySequence(QKeySequence.StandardKey.Print)],
            f"Save the {REPORT_WEEKS} weeks up to the shown week as a PDF to show a doctor",
        )
        self.safety_action = self._action(
            "When to see a doctor",
            self.show_safety_note,
            tip="Signs that mean you should get your back checked",
        )
        self.refresh_action = self._action(
            "Refresh",
            self.refresh,
            QKeySequence.keyBindings(QKeySequence.StandardKey.Refresh),
            "Read your data again",
        )
        self.next_tab_action = self._action(
            "Next tab",
            lambda: self._step_tab(1),
            [
                *QKeySequence.keyBindings(QKeySequence.StandardKey.NextChild),
                QKeySequence(ctrl | Qt.Key.Key_PageDown),
            ],
        )
        self.previous_tab_action = self._action(
            "Previous tab",
            lambda: self._step_tab(-1),
            [
                *QKeySequence.keyBindings(QKeySequence.StandardKey.PreviousChild),
                QKeySequence(ctrl | Qt.Key.Key_PageUp),
            ],
        )
        self.close_action = self._action(
            "Close",
            self.close,
            [
                *QKeySequence.keyBindings(QKeySequence.StandardKey.Close),
                QKeySequence(QKeySequence.StandardKey.Quit),
            ],
        )

    def _tool_button(self, action: QAction) -> QToolButton:
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return button

    def _build(self, tab: Tab) -> None:
        """Make a tab's view the first time it is shown (and import its module then)."""
        holder = self._holders[tab]
        if tab is Tab.WEEK and self.week_view is None:
            from posture_app.ui.window.week_view import WeekView

            self.week_view = WeekView()
            self.week_view.heading.hide()  # the week's title is above the tabs
            holder.addWidget(self.week_view)
        elif tab is Tab.TRENDS and self.trends_view is None:
            from posture_app.ui.window.trends_view import TrendsView

            self.trends_view = TrendsView()
            holder.addWidget(self.trends_view)
        elif tab is Tab.INSIGHTS and self.insights_view is None:
            from posture_app.ui.window.insights_view import InsightsView

            self.insights_heading = QLabel()
            self.insights_heading.setFont(look.title_font(self.font()))
            self.insights_heading.setContentsMargins(look.MARGIN_PX, look.MARGIN_PX, 0, 0)
            self.insights_view = InsightsView()
            self.insights_view.safety_requested.connect(self.show_safety_note)
            holder.addWidget(self.insights_heading)
            holder.addWidget(self.insights_view, 1)
        elif tab is Tab.HISTORY and self.history_view is None:
            from posture_app.ui.window.history_view import HistoryView

            self.history_view = HistoryView(self._store, self._clock)
            self.history_view.changed.connect(self._history_changed)
            layout = self.history_view.layout()
            if layout is not None:  # line it up with the other tabs
                layout.setContentsMargins(
                    look.MARGIN_PX, look.SPACING_PX, look.MARGIN_PX, look.MARGIN_PX // 2
                )
            holder.addWidget(self.history_view)
            self._stale.discard(Tab.HISTORY)  # it has just read its rows

    def _tab_views(self) -> dict[Tab, QWidget | None]:
        return {
            Tab.WEEK: self.week_view,
            Tab.TRENDS: self.trends_view,
            Tab.INSIGHTS: self.insights_view,
            Tab.HISTORY: self.history_view,
        }

    # --- the shown week and tab ---------------------------------------------------------------

    @property
    def week(self) -> IsoWeek:
        """The week the week-based tabs show."""
        return self._week

    @property
    def tab(self) -> Tab:
        """The tab in view."""
        return list(Tab)[self.tab_bar.currentIndex()]

    def current_week(self) -> IsoWeek:
        """The week today falls in (by the clock, so it moves on while the window is open)."""
        return IsoWeek.of(self._clock.now().date())

    def show_tab(self, tab: Tab) -> None:
        """Bring a tab into view (computing it if it is stale)."""
        self.tab_bar.setCurrentIndex(list(Tab).index(tab))

    def set_week(self, week: IsoWeek) -> None:
        """Show another week (never one after this week) in the week-based tabs."""
        week = min(week, self.current_week())
        self._on_this_week = week == self.current_week()
        if week != self._week:
            log.info("showing week %s", week)
            self._week = week
            # The weeks kept may be out of date if the tray app wrote since the last look (a
            # cheap question): then everything is read again, the new week first.
            if not self.check_for_changes():
                self._stale |= {Tab.WEEK, Tab.TRENDS, Tab.INSIGHTS}
                self._update_shown()
        self._update_nav()

    def previous_week(self) -> None:
        """Show the week before."""
        self.set_week(self._week.shifted(-1))

    def next_week(self) -> None:
        """Show the week after, up to this week."""
        self.set_week(self._week.shifted(1))

    def this_week(self) -> None:
        """Show the week today falls in."""
        self.set_week(self.current_week())

    def start_over(self) -> None:
        """Look as a newly opened window does: this week, on the first tab."""
        self.show_tab(Tab.WEEK)
        self.this_week()

    def keep_up(self) -> None:
        """If the week shown was this week when it was chosen, and a new week has begun since
        (a window got ready on Sunday night, shown on Monday), show the new one."""
        if self._on_this_week:
            self.this_week()

    def set_settings(self, settings: Settings) -> None:
        """Measure against new settings (the goals' lines), if they changed."""
        if settings == self._settings:
            return
        self._settings = settings
        self._goals = None
        self._stale |= {Tab.WEEK, Tab.TRENDS, Tab.INSIGHTS}
        self._update_shown()

    def refresh(self) -> None:
        """Read everything again (after the tray app recorded more), starting with the shown tab."""
        self._seen_version = self._data_version()  # what is read now is seen
        self._stale = set(Tab)
        self._summaries.clear()
        self._update_nav()
        self._update_shown()

    def check_for_changes(self) -> bool:
        """Read everything again if another process (the tray app) changed the data; True if so.

        Not while a dialog of the window's is open (an edit, a question): then at the next look.
        (A native file chooser may not count as one; export and report read after it closes.)
        """
        if QApplication.activeModalWidget() is not None:
            return False
        version = self._data_version()
        if version is None or version == self._seen_version:
            return False
        log.info("the data changed: reading it again")
        self.refresh()
        return True

    def _data_version(self) -> int | None:
        try:
            return self._store.data_version()
        except sqlite3.DatabaseError as exc:
            log.warning("cannot tell whether the data changed: %s", exc)
            return None

    def showEvent(self, event: QShowEvent) -> None:
        """Start looking for the tray app's changes."""
        super().showEvent(event)
        self.watch_timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        """Stop looking: nobody sees the numbers."""
        super().hideEvent(event)
        self.watch_timer.stop()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the window closes its safety note too, and says so."""
        super().closeEvent(event)
        if event.isAccepted():
            if self.safety_dialog is not None:
                self.safety_dialog.close()
            self.closed.emit()

    def changeEvent(self, event: QEvent) -> None:
        """Coming back to the window (after logging water from the tray, say) shows it at once."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.check_for_changes()

    def _step_tab(self, step: int) -> None:
        count = self.tab_bar.count()
        self.tab_bar.setCurrentIndex((self.tab_bar.currentIndex() + step) % count)

    def _tab_changed(self, index: int) -> None:
        tab = list(Tab)[index]
        self._build(tab)
        self.pages.setCurrentIndex(index)
        self.setWindowTitle(f"{_TAB_LABELS[tab].replace('&', '')} – {APP_TITLE}")
        self._update_nav()
        self._update_shown()

    def _history_changed(self) -> None:
        """History wrote to the store: the other tabs' numbers are out of date."""
        self._stale |= {Tab.WEEK, Tab.TRENDS, Tab.INSIGHTS}
        self._summaries.clear()

    def _update_nav(self) -> None:
        on_week_tab = self.tab is not Tab.HISTORY
        current = self.current_week()
        self.nav.setVisible(on_week_tab)
        self.prev_action.setEnabled(on_week_tab)
        self.next_action.setEnabled(on_week_tab and self._week < current)
        self.today_action.setEnabled(on_week_tab and self._week != current)
        self.title.setText(week_title(self._week))
        spoken = week_title_spoken(self._week)
        if self._week == current:
            spoken += ", this week"
        self.title.setAccessibleName(spoken)

    def _update_shown(self) -> None:
        """Compute the tab in view if it is stale; the others wait until they are shown."""
        tab = self.tab
        if tab not in self._stale:
            return
        try:
            self._compute(tab)
        except (sqlite3.DatabaseError, KnownError) as exc:
            log.warning("could not read the data for %s: %s", tab.key, exc)
            self.say(f"Could not read your data in {self.data_dir}: {_reason(exc)}")
            return
        self._stale.discard(tab)

    def _compute(self, tab: Tab) -> None:
        week = self._week
        if tab is Tab.WEEK and self.week_view is not None:
            self.week_view.show_week(
                self.summaries(week, 1)[0],
                self.goals,
                week_before=lambda: self.summaries(week.shifted(-1), 1)[0],
            )
        elif tab is Tab.TRENDS and self.trends_view is not None:
            self.trends_view.show_weeks(self.summaries(week, TREND_WEEKS), self.goals)
        elif tab is Tab.INSIGHTS and self.insights_view is not None:
            last_day = min(week.days[-1], self._clock.now().date())
            findings = insights_for(self._store, last_day)
            assert self.insights_heading is not None
            self.insights_heading.setText(
                f"Patterns over {DEFAULT_WEEKS} weeks: "
                + date_range_text(findings.first_day, findings.last_day)
            )
            self.insights_view.show_insights(findings.items, findings.missing)
        elif tab is Tab.HISTORY and self.history_view is not None:
            self.history_view.refresh()

    def summaries(self, last: IsoWeek, count: int) -> list[WeekSummary]:
        """The summaries of `count` weeks ending with `last`, oldest first.

        Only the weeks not read since the data last changed are read, in one go: a step back on
        Trends reads one week, not twelve. The kept ones are dropped when the data changes (the
        tray app's recording, an edit in History), and thinned out when there are many.
        """
        weeks = [last.shifted(i - count + 1) for i in range(count)]
        missing = [i for i, w in enumerate(weeks) if w not in self._summaries]
        if missing:
            if len(self._summaries) + len(missing) > KEPT_SUMMARIES:
                self._summaries = {w: self._summaries[w] for w in weeks if w in self._summaries}
            span = missing[-1] - missing[0] + 1
            for summary in weekly_series(self._store, weeks[missing[-1]], span):
                self._summaries[summary.week] = summary
        return [self._summaries[w] for w in weeks]

    @property
    def goals(self) -> WeekGoals:
        """The lines the charts are measured against, from the settings."""
        if self._goals is None:
            from posture_app.ui.window.week_view import WeekGoals

            self._goals = WeekGoals.from_settings(self._settings)
        return self._goals

    # --- saving files -------------------------------------------------------------------------

    def export_csv(self) -> Path | None:
        """Ask for a file and save every record in it as CSV; the path, None if not saved."""
        return self.export(ExportFormat.CSV)

    def export_json(self) -> Path | None:
        """Ask for a file and save every record in it as JSON; the path, None if not saved."""
        return self.export(ExportFormat.JSON)

    def export(self, fmt: ExportFormat) -> Path | None:
        """Ask for a file and save every record in it; the path, None if cancelled or failed.

        The file is written whole or not at all (a temp file renamed into place).
        """
        today = self._clock.now().date()
        path = self.choose_file(
            f"Export {fmt.name}", f"posture-app-{today.isoformat()}{fmt.suffix}"
        )
        if path is None:
            return None
        with _busy():
            try:
                _check_target(path)
                records = self._store.records()
                write_private(path, export_bytes(records, fmt))
            except (OSError, KnownError, sqlite3.DatabaseError) as exc:
                log.warning("export to %s failed: %s", path, exc)
                self.say(f"Could not export to {path}: {_reason(exc)}")
                return None
        n = sum(records.counts().values())
        log.info("exported %d records to %s", n, path)
        self.say(f"Exported {n} records to {path}")
        return path

    def doctor_report(self) -> Path | None:
        """Ask for a file and save the doctor report (PDF) of the weeks up to the shown week."""
        last = self._week
        first = last.shifted(1 - REPORT_WEEKS)
        path = self.choose_file(
            "Save a report for your doctor", f"posture-app-report-{first}-to-{last}.pdf"
        )
        if path is None:
            return None
        with _busy():
            try:
                _check_target(path)
                from posture_app.ui.window.report import write_pdf  # only the report needs it

                write_pdf(
                    self._store, self._settings, last, path,
                    weeks=REPORT_WEEKS, generated=self._clock.now().date(),
                )  # fmt: skip
            except (OSError, KnownError, sqlite3.DatabaseError) as exc:
                log.warning("the report to %s failed: %s", path, exc)
                reason = _reason(exc)
                where = "" if str(path) in reason else f" to {path}"  # said once, not twice
                self.say(f"Could not save the report{where}: {reason}")
                return None
        log.info("saved the report for %s to %s to %s", first, last, path)
        self.say(f"Saved the report for weeks {first.week} to {last.week} to {path}")
        return path

    def _ask_for_file(self, title: str, suggested: str) -> Path | None:
        """The save dialog, in the last folder used (Documents at first); it asks to overwrite."""
        from PySide6.QtCore import QStandardPaths
        from PySide6.QtWidgets import QFileDialog  # loaded when first needed: start-up time

        if self._last_dir is None:
            docs = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.DocumentsLocation
            )
            self._last_dir = Path(docs) if docs and Path(docs).is_dir() else Path.home()
        suffix = Path(suggested).suffix
        dialog = QFileDialog(self, title, str(self._last_dir / suggested))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setDefaultSuffix(suffix.lstrip("."))
        if suffix in _FILE_FILTERS:
            dialog.setNameFilter(_FILE_FILTERS[suffix])
        dialog.selectFile(suggested)
        if not dialog.exec() or not dialog.selectedFiles():
            return None
        path = Path(dialog.selectedFiles()[0])
        self._last_dir = path.parent
        return path

    def _show_message(self, text: str) -> None:
        """Show one line in the status bar until the next one, and have screen readers say it."""
        line = _one_line(text)
        self.statusBar().showMessage(line)
        self.statusBar().setAccessibleDescription(line)
        if self.isVisible():
            from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent

            QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(self.statusBar(), line))

    # --- the safety note ----------------------------------------------------------------------

    def show_safety_note(self) -> None:
        """Open the note on when to see a doctor (one window, brought forward if open)."""
        if self.safety_dialog is None:
            from posture_app.core.content import SAFETY_NOTE
            from posture_app.ui.prompts import SafetyNoteDialog

            self.safety_dialog = SafetyNoteDialog(SAFETY_NOTE, parent=self)
        self.safety_dialog.show()
        self.safety_dialog.raise_()
        self.safety_dialog.activateWindow()


@contextmanager
def _busy() -> Iterator[None]:
    """The wait cursor while a file is written."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()
