"""The trends view: the four measures week by week, oldest first, and the empty state."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from posture_app.core.model import Kind, Session, StiffnessRating, WaterLog
from posture_app.core.settings import Settings
from posture_app.core.stats import (
    DaySummary,
    IsoWeek,
    PromptCounts,
    WeekSummary,
    totals_of,
    weekly_series,
)
from posture_app.core.store import Store
from posture_app.ui.window.trends_view import MIN_CHART_WIDTH, TrendsView
from posture_app.ui.window.week_view import WeekGoals
from tests.fakes import local

LAST = IsoWeek(2026, 48)
WEEKS = [LAST.shifted(i - 11) for i in range(12)]  # W37 .. W48


def week(w: IsoWeek, n: int) -> WeekSummary:
    """A week whose numbers grow with n; week n = 0 has no data at all."""
    days = []
    for i, day in enumerate(w.days):
        if n == 0 or i >= 2:
            days.append(DaySummary(day))
            continue
        days.append(
            DaySummary(
                day,
                sitting_minutes=300 + 10 * n + 20 * i,  # two days: 310 + 10n on average
                sessions=3,
                longest_session_minutes=60 + n + 30 * i,  # the week's longest: 90 + n
                natural_breaks=n,
                prompts={
                    Kind.BREAK: PromptCounts(done=n, snoozed=1, ignored=i),
                    Kind.POSTURE: PromptCounts(skipped=n % 2),
                    Kind.HYDRATION: PromptCounts(done=5, skipped=5),
                },
                water_ml=1000 + 100 * n,
                stiffness_morning=min(n, 10) if i == 0 else None,
                stiffness_evening=None if n == 3 else 5,
            )
        )
    return WeekSummary(w, tuple(days), totals_of(days), None)


def view_of(qtbot, series: list[WeekSummary], goals: WeekGoals | None = None) -> TrendsView:
    view = TrendsView()
    qtbot.addWidget(view)
    view.resize(1000, 900)
    view.show()
    view.show_weeks(series, goals)
    return view


def test_weeks_are_labelled_and_in_order(qtbot) -> None:
    view = view_of(qtbot, [week(w, n) for n, w in enumerate(WEEKS)])
    model = view.charts[0].table_view.model()
    labels = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert labels == [f"W{n}" for n in range(37, 49)]
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Week"
    assert view.heading.text() == "The last 12 weeks: week 37 to 48"


def test_each_measure_is_the_weeks_total_or_average(qtbot) -> None:
    series = [week(w, n) for n, w in enumerate(WEEKS)]
    view = view_of(qtbot, series, WeekGoals.from_settings(Settings(water_goal_ml=2200)))
    sitting, breaks, water, stiffness = (c.plotted() for c in view.charts)
    # Week 0 has no data: a gap, not a zero. Sitting is in hours.
    assert sitting["Sitting per day"] == (
        None,
        *((310 + 10 * n) / 60 for n in range(1, 12)),
    )
    assert sitting["Longest session"] == (None, *((90 + n) / 60 for n in range(1, 12)))
    assert set(sitting["Break interval"]) == {1.0}  # the movement-break interval, in hours
    # Prompts by how they ended, hydration left out (as This week stacks them); an empty week
    # has no bars and no natural-breaks point.
    assert breaks["Done"] == (0, *(2 * n for n in range(1, 12)))
    assert breaks["Snoozed"] == (0, *(2,) * 11)
    assert breaks["Skipped"] == (0, *(2 * (n % 2) for n in range(1, 12)))
    assert breaks["Ignored"] == (0, *(1,) * 11)
    assert breaks["Natural breaks"] == (None, *(2 * n for n in range(1, 12)))
    assert water["Water per day (average)"] == (None, *(1000 + 100 * n for n in range(1, 12)))
    assert set(water["Daily goal"]) == {2200}
    assert stiffness["Mornings (average)"] == (None, *range(1, 11), 10)
    assert stiffness["Evenings (average)"] == (None, 5, 5, None, *(5,) * 8)
    # And they are the core's own numbers.
    assert sitting["Sitting per day"][5] == series[5].totals.sitting_minutes / 2 / 60
    assert stiffness["Mornings (average)"][7] == series[7].totals.stiffness_morning_avg
    assert breaks["Done"][4] == series[4].totals.breaks_done


def test_the_table_says_not_rated_where_no_rating(qtbot) -> None:
    view = view_of(qtbot, [week(w, n) for n, w in enumerate(WEEKS)])
    model = view.charts[3].model
    assert model.index(3, 2).data() == "not rated"  # W40 evenings
    assert model.index(3, 1).data() == "3.0"  # an average: always one decimal
    assert "W40 not rated" in view.charts[3].chart_view.accessibleDescription()


def test_tables_say_sitting_in_hours_and_minutes_and_water_in_whole_ml(qtbot) -> None:
    view = view_of(qtbot, [week(w, n) for n, w in enumerate(WEEKS)])
    sitting, water = view.charts[0].model, view.charts[2].model
    assert sitting.headerData(1, Qt.Orientation.Horizontal) == "Sitting per day"
    assert [sitting.index(r, 1).data() for r in (0, 1, 11)] == ["–", "5 h 20 min", "7 h 00 min"]
    assert water.headerData(1, Qt.Orientation.Horizontal) == "Water per day (average) (ml)"
    assert water.index(1, 1).data() == "1100"


def test_water_per_day_is_whole_ml(qtbot) -> None:
    w = WEEKS[-1]
    days = [DaySummary(d, sitting_minutes=60, water_ml=1000 + i) for i, d in enumerate(w.days[:2])]
    days += [DaySummary(d) for d in w.days[2:]]
    view = view_of(qtbot, [WeekSummary(w, tuple(days), totals_of(days), None)])
    # 1000.5 ml a day, rounded as the week's headline rounds it.
    assert view.charts[2].plotted()["Water per day (average)"] == (1000,)


def test_the_charts_sit_two_by_two_with_upright_week_labels_when_crowded(qtbot) -> None:
    view = view_of(qtbot, [week(w, n) for n, w in enumerate(WEEKS)])
    view.resize(1000, 700)
    qtbot.waitUntil(lambda: view.pages.columns == 2, timeout=1000)
    assert view.pages.columns_for(view.pages.width()) == 2
    # Two rows of two (once laid out).
    qtbot.waitUntil(lambda: len({(c.x(), c.y()) for c in view.charts}) == 4, timeout=1000)
    assert len({c.y() for c in view.charts}) == 2
    # Twelve labels side by side need more room than half the window gives: they stand up.
    qtbot.waitUntil(lambda: all(c.labels_upright() for c in view.charts), timeout=1000)


def test_a_narrow_window_puts_one_chart_a_row_with_labels_flat(qtbot) -> None:
    view = view_of(qtbot, [week(w, n) for n, w in enumerate(WEEKS)])
    view.resize(2 * MIN_CHART_WIDTH - 40, 700)
    qtbot.waitUntil(lambda: view.pages.columns == 1, timeout=1000)
    qtbot.waitUntil(lambda: len({c.y() for c in view.charts}) == 4, timeout=1000)
    assert len({c.x() for c in view.charts}) == 1
    qtbot.waitUntil(lambda: not any(c.labels_upright() for c in view.charts), timeout=1000)
    view.resize(1000, 700)
    qtbot.waitUntil(lambda: view.pages.columns == 2, timeout=1000)


def test_no_data_in_any_week_explains_instead(qtbot) -> None:
    view = view_of(qtbot, [week(w, 0) for w in WEEKS])
    assert view.pages.showing_empty()
    assert view.charts == []
    assert "Nothing recorded in the last 12 weeks yet." in view.pages.empty.text()
    assert "posture-app log stiffness 3" in view.pages.empty.text()
    view.show_weeks([], None)
    assert view.pages.showing_empty()


def test_new_weeks_update_the_same_charts(qtbot) -> None:
    view = view_of(qtbot, [week(w, n) for n, w in enumerate(WEEKS)])
    first = view.charts[0]
    view.show_weeks([week(w, 1) for w in WEEKS])
    assert view.charts[0] is first
    assert first.plotted()["Sitting per day"] == (320 / 60,) * 12
    assert "Daily goal" not in view.charts[2].plotted()


def test_weeks_from_the_store(qtbot) -> None:
    store = Store.in_memory()
    start = local("2026-11-16T09:00")  # Monday of W47
    store.save_session(
        Session(
            "s1", start, start + timedelta(hours=2), ((start, start + timedelta(hours=2)),), 7200.0
        )
    )
    store.add_water(WaterLog("w1", local("2026-11-24T10:00"), 750))  # W48
    store.add_stiffness(StiffnessRating("r1", local("2026-11-24T19:00"), 6))
    view = view_of(qtbot, weekly_series(store, LAST, 12))
    sitting, _breaks, water, stiffness = (c.plotted() for c in view.charts)
    assert sitting["Sitting per day"] == (*(None,) * 10, 2, 0)
    assert water["Water per day (average)"] == (*(None,) * 10, 0, 750)
    assert stiffness["Evenings (average)"] == (*(None,) * 11, 6)
