"""The week view: a headline row and four charts, one per question, Monday to Sunday."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from posture_app.core.errors import KnownError
from posture_app.core.model import SITTING_KINDS, STIFFNESS_MAX, Kind
from posture_app.core.settings import Settings
from posture_app.core.stats import PromptCounts, Totals, WeekSummary
from posture_app.core.text import minutes_text
from posture_app.ui import look
from posture_app.ui.window.charts import (
    BarChart,
    Chart,
    ChartWidget,
    Format,
    Goal,
    Hue,
    LineChart,
    Series,
    format_value,
)

log = logging.getLogger(__name__)

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
NOT_RATED = "not rated"
MINUS = "−"
MINUTES_PER_HOUR = 60
#: The week's sitting and prompt axes reach at least this high (a working day; a day's
#: prompts), so a quiet week (a holiday, a first day) is drawn at the scale of the others.
SITTING_AXIS_HOURS = 8.0
PROMPTS_AXIS = 10.0
#: The headline numbers, in the order shown, with the key WeekSummary.change() gives each.
HEADLINES = (
    ("sitting_minutes_per_day", "Sitting per day"),
    ("breaks_done", "Breaks done"),
    ("water_ml_per_day", "Water per day"),
    ("stiffness_morning_avg", "Stiffness, mornings"),
    ("stiffness_evening_avg", "Stiffness, evenings"),
)
#: How to add data by hand, for the empty states (rich text).
HOW_TO_LOG = (
    "To rate your back stiffness, choose “Log stiffness…” in the tray menu, "
    "or run <code>posture-app log stiffness 3</code>"
)


@dataclass(frozen=True)
class WeekGoals:
    """The lines the charts are measured against.

    Settings have no goal for total sitting, so the sitting chart measures each day's longest
    unbroken session against the movement-break interval: sitting longer than that in one go
    means a break was missed. None when movement breaks are off.
    """

    break_every_minutes: int | None
    water_ml: int

    @classmethod
    def from_settings(cls, settings: Settings) -> WeekGoals:
        """The goals the user's settings imply."""
        interval = settings.interval(Kind.BREAK)
        minutes = None if interval is None else int(interval.total_seconds() // 60)
        return cls(minutes, settings.water_goal_ml)


def breaks_counts(prompts: Mapping[Kind, PromptCounts]) -> PromptCounts:
    """Posture, stretch, break and eye prompts added up (of a day's or a week's prompts)."""
    total = PromptCounts()
    for kind in SITTING_KINDS:
        total += prompts.get(kind, PromptCounts())
    return total


def hours(minutes: float) -> float:
    """Minutes as hours, the unit the sitting charts count in."""
    return minutes / MINUTES_PER_HOUR


def week_charts(summary: WeekSummary, goals: WeekGoals) -> tuple[Chart, Chart, Chart, Chart]:
    """The week's four charts: sitting, breaks, water and stiffness (also for `report --png`)."""
    days = summary.days
    categories = tuple(DAY_NAMES[d.date.weekday()] for d in days)
    counts = [breaks_counts(d.prompts) for d in days]
    break_goal = goals.break_every_minutes
    sitting = BarChart(
        "How long did I sit?",
        categories,
        (Series("Sitting", tuple(hours(d.sitting_minutes) for d in days), Hue.BLUE),),
        "Sitting",
        unit="h",
        goal=None if break_goal is None else Goal(hours(break_goal), "Break interval"),
        y_at_least=SITTING_AXIS_HOURS,
        marks=(
            Series(
                "Longest unbroken session",
                tuple(hours(d.longest_session_minutes) if d.sessions else None for d in days),
                Hue.ORANGE,
            ),
        ),
        number_format=Format.HOURS,
    )
    breaks = BarChart(
        "Did I take my breaks?",
        categories,
        (
            Series("Done", tuple(c.done for c in counts), Hue.BLUISH_GREEN),
            Series("Snoozed", tuple(c.snoozed for c in counts), Hue.SKY_BLUE),
            Series("Skipped", tuple(c.skipped for c in counts), Hue.ORANGE),
            Series("Ignored", tuple(c.ignored for c in counts), Hue.GREY),
        ),
        "Prompts and breaks",
        y_at_least=PROMPTS_AXIS,
        marks=(
            Series(
                "Natural breaks",
                tuple(d.natural_breaks if d.has_data else None for d in days),
                Hue.REDDISH_PURPLE,
            ),
        ),
    )
    water = BarChart(
        "Did I drink?",
        categories,
        (Series("Water", tuple(d.water_ml for d in days), Hue.BLUE),),
        "Water",
        unit="ml",
        goal=Goal(goals.water_ml, "Daily goal"),
    )
    stiffness = LineChart(
        "How stiff was I?",
        categories,
        (
            Series("Morning", tuple(d.stiffness_morning for d in days), Hue.ORANGE, NOT_RATED),
            Series("Evening", tuple(d.stiffness_evening for d in days), Hue.BLUE, NOT_RATED),
        ),
        "Stiffness, 0 to 10",
        y_max=STIFFNESS_MAX,
    )
    return sitting, breaks, water, stiffness


def rating_text(avg: float | None) -> str:
    """An average rating, always to one decimal: "4.0 of 10"."""
    return NOT_RATED if avg is None else f"{avg:.1f} of {STIFFNESS_MAX}"


def headline_values(totals: Totals) -> dict[str, str]:
    """The headline numbers of a week's totals as short text, by change key."""
    days = totals.days_with_data
    return {
        "sitting_minutes_per_day": minutes_text(totals.sitting_minutes / days) if days else "–",
        "breaks_done": str(totals.breaks_done),
        "water_ml_per_day": f"{round(totals.water_ml / days)} ml" if days else "–",
        "stiffness_morning_avg": rating_text(totals.stiffness_morning_avg),
        "stiffness_evening_avg": rating_text(totals.stiffness_evening_avg),
    }


def change_text(key: str, change: float | None, *, has_value: bool) -> str:
    """A change against last week as short text: "+12 min vs last week", "−0.7 vs last week".

    Sitting reads like the sitting time ("+1 h 49 min"), water in whole ml, stiffness always to
    one decimal (like its averages), counts whole.
    """
    if change is None:
        if not has_value:
            return ""
        return "not rated last week" if key.startswith("stiffness") else "no data last week"
    amount: float
    if key.startswith("stiffness"):
        amount = round(change, 1)
        text = f"{abs(amount):.1f}"
    elif key == "sitting_minutes_per_day":
        amount = round(change)
        text = minutes_text(abs(amount))
    elif key == "water_ml_per_day":
        amount = round(change)
        text = f"{abs(amount)} ml"
    else:
        amount = change
        text = format_value(abs(amount))
    if amount == 0:
        return "same as last week"
    sign = "+" if amount > 0 else MINUS
    return f"{sign}{text} vs last week"


class Headline(QWidget):
    """One headline number: its name, its value and the change against last week."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = QLabel(name)
        self.value = QLabel("–")
        self.value.setFont(look.title_font(self.font()))
        self.change = QLabel()
        self._mute()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for label in (self.name, self.value, self.change):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
        self.setAccessibleName(name)

    def show_value(self, value: str, change: str) -> None:
        """Show a value and its change."""
        self.value.setText(value)
        self.change.setText(change)
        self.setAccessibleDescription(f"{value}, {change}" if change else value)

    def _mute(self) -> None:
        muted = QPalette(self.palette())
        muted.setColor(QPalette.ColorRole.WindowText, look.muted_color(self.palette()))
        for label in (self.name, self.change):
            label.setPalette(muted)

    def changeEvent(self, event: QEvent) -> None:
        """Soften the name and change lines again when the palette changes (light to dark)."""
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._mute()
        super().changeEvent(event)


class EmptyNote(QLabel):
    """A short, friendly note shown instead of empty charts."""

    #: The note has been painted (the window is on the screen, or drawn off it).
    painted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setMargin(look.MARGIN_PX * 2)
        self.setAccessibleName("Nothing recorded yet")

    def show_text(self, first_line: str) -> None:
        """Say what is missing, how the charts fill in, and how to log a rating."""
        fill = (
            "The charts fill in while posture-app runs in the tray: it notes how long you sit, "
            "the breaks you take and the water you log."
        )
        self.setText(
            f"<p style='font-size:large'><b>{escape(first_line)}</b></p>"
            f"<p>{fill}</p><p>{HOW_TO_LOG}</p>"
        )
        # Screen readers get the words without the markup.
        plain = HOW_TO_LOG.replace("<code>", "").replace("</code>", "")
        self.setAccessibleDescription(f"{first_line} {fill} {plain}")

    def paintEvent(self, event: QPaintEvent) -> None:
        """Paint, then say so."""
        super().paintEvent(event)
        self.painted.emit()


class ChartPages(QStackedWidget):
    """Charts in a scrolling grid under a header, or the empty note instead of them.

    The grid has `columns` columns while each chart can be at least `min_chart_width` pixels
    wide, and fewer in a narrower window (one chart a row at the least).
    """

    def __init__(
        self,
        header: QWidget | None = None,
        *,
        columns: int = 2,
        min_chart_width: int = 0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.max_columns = columns
        self.min_chart_width = min_chart_width
        #: The columns the charts are in now.
        self.columns = columns
        self.charts: list[ChartWidget] = []
        self.empty = EmptyNote()
        content = QWidget()
        column = QVBoxLayout(content)
        # The view around it keeps the window's margins; only the bottom needs its own.
        column.setContentsMargins(0, 0, 0, look.MARGIN_PX)
        column.setSpacing(look.SPACING_PX * 2)
        if header is not None:
            column.addWidget(header)
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(look.SPACING_PX * 2)
        self._grid.setVerticalSpacing(look.SPACING_PX * 2)
        column.addLayout(self._grid, 1)
        self.scroller = QScrollArea()
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)  # the charts sit on the window itself
        self.scroller.setWidgetResizable(True)
        self.scroller.setWidget(content)
        self.addWidget(self.scroller)
        self.addWidget(self.empty)
        self._later: Callable[[], tuple[Chart, ...]] | None = None
        self._later_timer = QTimer(self)
        self._later_timer.setSingleShot(True)
        self._later_timer.setInterval(0)
        self._later_timer.timeout.connect(self._build_later)
        self.empty.painted.connect(self._start_later)

    def show_charts(self, specs: tuple[Chart, ...]) -> None:
        """Show these charts, updating the chart widgets in place when there are some."""
        self._later = None
        if not self.charts:
            self._build(specs)
        else:
            for widget, spec in zip(self.charts, specs, strict=True):
                widget.set_chart(spec)
        self.setCurrentWidget(self.scroller)

    def _build(self, specs: tuple[Chart, ...]) -> None:
        self.charts = [ChartWidget(spec) for spec in specs]
        self._arrange()

    def _start_later(self) -> None:
        """The empty note is on the screen: build the charts put off by show_empty at the
        next idle turn. Not sooner: a window opened on an empty week would paint that much
        later (the event loop's first turn comes before the window's first paint)."""
        if self._later is not None and not self._later_timer.isActive():
            self._later_timer.start()

    def _build_later(self) -> None:
        """Build the charts put off by show_empty, unless they were built meanwhile."""
        later, self._later = self._later, None
        if later is None or self.charts:
            return
        try:
            specs = later()
        except (sqlite3.DatabaseError, KnownError) as exc:  # the next week shown will say so
            log.warning("could not get the charts ready: %s", exc)
            return
        self._build(specs)

    def columns_for(self, width: int) -> int:
        """How many columns of charts fit `width` pixels."""
        gap = self._grid.horizontalSpacing()
        n = self.max_columns
        while n > 1 and (width - gap * (n - 1)) / n < self.min_chart_width:
            n -= 1
        return n

    def _arrange(self) -> None:
        """Put the charts in the grid, row by row, every one the same size."""
        for row in range(self._grid.rowCount()):
            self._grid.setRowStretch(row, 0)
        for column in range(self._grid.columnCount()):
            self._grid.setColumnStretch(column, 0)
        for i, widget in enumerate(self.charts):
            row, column = divmod(i, self.columns)
            self._grid.removeWidget(widget)
            self._grid.addWidget(widget, row, column)
            self._grid.setRowStretch(row, 1)
            self._grid.setColumnStretch(column, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Take fewer columns when the charts would be too narrow, more when they fit again."""
        super().resizeEvent(event)
        columns = self.columns_for(event.size().width())
        if columns != self.columns:
            self.columns = columns
            self._arrange()

    def show_empty(
        self, first_line: str, charts: Callable[[], tuple[Chart, ...]] | None = None
    ) -> None:
        """Show the empty note instead of the charts.

        `charts()`, if given and none are built yet, are built out of sight once the note has
        been painted and the event loop is idle: building four charts takes longer than a week
        switch may, and the first week with data (the one before an empty Monday's, say)
        should not wait for it.
        """
        self.empty.show_text(first_line)
        self.setCurrentWidget(self.empty)
        if charts is not None and not self.charts:
            self._later = charts

    def showing_empty(self) -> bool:
        """Whether the empty note is shown."""
        return self.currentWidget() is self.empty


class WeekView(QWidget):
    """One week: a heading, a headline row of numbers and four charts, or an empty note."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setFont(look.title_font(self.font()))
        self.headline: dict[str, Headline] = {}
        header = QWidget()
        row = QHBoxLayout(header)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(look.SPACING_PX * 2)
        for key, name in HEADLINES:
            self.headline[key] = Headline(name)
            row.addWidget(self.headline[key])
        row.addStretch(1)
        self.pages = ChartPages(header)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(look.MARGIN_PX, look.MARGIN_PX, look.MARGIN_PX, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.pages, 1)
        self.setAccessibleName("Your week")
        self.summary: WeekSummary | None = None

    @property
    def charts(self) -> list[ChartWidget]:
        """The four chart widgets (empty until a week with data is shown)."""
        return self.pages.charts

    def show_week(
        self,
        summary: WeekSummary,
        goals: WeekGoals,
        week_before: Callable[[], WeekSummary] | None = None,
    ) -> None:
        """Show a week's numbers and charts, or the empty note when nothing was recorded.

        For an empty week the charts are built out of sight meanwhile, from `week_before()` if
        given (the week a user looks at next on an empty Monday), else from the empty week.
        """
        self.summary = summary
        first, last = summary.days[0].date, summary.days[-1].date
        self.heading.setText(
            f"Week {summary.week.week}: {first.day} {first:%b} to {last.day} {last:%b %Y}"
        )
        if summary.totals.days_with_data == 0:

            def likely_next() -> tuple[Chart, ...]:
                return week_charts(summary if week_before is None else week_before(), goals)

            self.pages.show_empty(f"Nothing recorded in week {summary.week.week} yet.", likely_next)
            return
        values = headline_values(summary.totals)
        changes = summary.change()
        for key, widget in self.headline.items():
            has_value = values[key] not in ("–", NOT_RATED)
            widget.show_value(values[key], change_text(key, changes[key], has_value=has_value))
        self.pages.show_charts(week_charts(summary, goals))
