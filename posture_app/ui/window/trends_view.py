"""The trends view: the week view's four measures, week by week (usually the last 12 weeks)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from posture_app.core.model import STIFFNESS_MAX
from posture_app.core.stats import Totals, WeekSummary
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
)
from posture_app.ui.window.week_view import (
    NOT_RATED,
    ChartPages,
    WeekGoals,
    breaks_counts,
    hours,
)

#: Trend charts side by side are at least this wide, in pixels: room for twelve week labels
#: standing upright (about 28 px each) beside the value axis.
MIN_CHART_WIDTH = 420


def week_label(summary: WeekSummary) -> str:
    """A week's short axis label, e.g. "W37"."""
    return f"W{summary.week.week:02d}"


def _sitting_per_day(t: Totals) -> float | None:
    """Hours sat a day, on the days with data."""
    return hours(t.sitting_minutes / t.days_with_data) if t.days_with_data else None


def _water_per_day(t: Totals) -> float | None:
    """Whole ml drunk a day, on the days with data (as the week's headline says it)."""
    return round(t.water_ml / t.days_with_data) if t.days_with_data else None


def trend_charts(
    series: list[WeekSummary], goals: WeekGoals | None = None
) -> tuple[Chart, Chart, Chart, Chart]:
    """Four charts, one point or bar per week: sitting, breaks, water and stiffness.

    The same measures as This week's charts: sitting a day with the week's longest unbroken
    session against the break interval; prompts by how they ended, with natural breaks apart;
    water a day against the goal; morning and evening stiffness.
    """
    weeks = tuple(week_label(s) for s in series)
    totals = [s.totals for s in series]
    counts = [breaks_counts(t.prompts) for t in totals]
    break_goal = None if goals is None else goals.break_every_minutes

    sitting = LineChart(
        "How long did I sit?",
        weeks,
        (
            Series(
                "Sitting per day",
                tuple(_sitting_per_day(t) for t in totals),
                Hue.BLUE,
            ),
            Series(
                "Longest session",
                tuple(
                    hours(t.longest_session_minutes) if t.days_with_data else None for t in totals
                ),
                Hue.ORANGE,
            ),
        ),
        "Sitting",
        unit="h",
        goal=None if break_goal is None else Goal(hours(break_goal), "Break interval"),
        x_label="Week",
        number_format=Format.HOURS,
    )
    breaks = BarChart(
        "Did I take my breaks?",
        weeks,
        (
            Series("Done", tuple(c.done for c in counts), Hue.BLUISH_GREEN),
            Series("Snoozed", tuple(c.snoozed for c in counts), Hue.SKY_BLUE),
            Series("Skipped", tuple(c.skipped for c in counts), Hue.ORANGE),
            Series("Ignored", tuple(c.ignored for c in counts), Hue.GREY),
        ),
        "Prompts and breaks",
        marks=(
            Series(
                "Natural breaks",
                tuple(t.natural_breaks if t.days_with_data else None for t in totals),
                Hue.REDDISH_PURPLE,
            ),
        ),
        x_label="Week",
    )
    water = LineChart(
        "Did I drink?",
        weeks,
        (
            Series(
                "Water per day (average)",
                tuple(_water_per_day(t) for t in totals),
                Hue.BLUE,
            ),
        ),
        "Water",
        unit="ml",
        goal=None if goals is None else Goal(goals.water_ml, "Daily goal"),
        x_label="Week",
    )
    stiffness = LineChart(
        "How stiff was I?",
        weeks,
        (
            Series(
                "Mornings (average)",
                tuple(t.stiffness_morning_avg for t in totals),
                Hue.ORANGE,
                NOT_RATED,
            ),
            Series(
                "Evenings (average)",
                tuple(t.stiffness_evening_avg for t in totals),
                Hue.BLUE,
                NOT_RATED,
            ),
        ),
        "Stiffness, 0 to 10",
        y_max=STIFFNESS_MAX,
        x_label="Week",
        number_format=Format.DECIMAL,  # averages: "3.0", like the headlines
    )
    return sitting, breaks, water, stiffness


class TrendsView(QWidget):
    """Several weeks side by side (oldest first): four trend charts, or an empty note."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setFont(look.title_font(self.font()))
        # Two by two, like This week; the week labels stand upright when crowded, and in a
        # narrow window the charts go one a row, so twelve labels always fit.
        self.pages = ChartPages(min_chart_width=MIN_CHART_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(look.MARGIN_PX, look.MARGIN_PX, look.MARGIN_PX, 0)
        layout.setSpacing(look.SPACING_PX)
        layout.addWidget(self.heading)
        layout.addWidget(self.pages, 1)
        self.setAccessibleName("Your trends")

    @property
    def charts(self) -> list[ChartWidget]:
        """The four chart widgets (empty until weeks with data are shown)."""
        return self.pages.charts

    def show_weeks(self, series: list[WeekSummary], goals: WeekGoals | None = None) -> None:
        """Show these weeks (oldest first), or the empty note when none has data."""
        if not series:
            self.heading.setText("Trends")
            self.pages.show_empty("No weeks to show yet.")
            return
        first, last = series[0].week, series[-1].week
        self.heading.setText(f"The last {len(series)} weeks: week {first.week} to {last.week}")
        if not any(s.totals.days_with_data for s in series):
            self.pages.show_empty(f"Nothing recorded in the last {len(series)} weeks yet.")
            return
        self.pages.show_charts(trend_charts(series, goals))
