"""The week view: the core's numbers in the headline row and the four charts, and the empty week."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame

from posture_app.core.model import (
    Kind,
    NaturalBreak,
    Outcome,
    Prompt,
    Session,
    StiffnessRating,
    WaterLog,
)
from posture_app.core.settings import Settings
from posture_app.core.stats import (
    DaySummary,
    IsoWeek,
    PromptCounts,
    WeekSummary,
    totals_of,
    week_summary,
)
from posture_app.core.store import Store
from posture_app.ui import look
from posture_app.ui.window.week_view import (
    WeekGoals,
    WeekView,
    change_text,
    headline_values,
    hours,
    week_charts,
)
from tests.fakes import local
from tests.ui.window.test_charts import dark_palette

WEEK = IsoWeek(2026, 48)  # Monday 23 November 2026
GOALS = WeekGoals.from_settings(Settings(water_goal_ml=2500))


def days_of(week: IsoWeek, **by_index: DaySummary) -> tuple[DaySummary, ...]:
    """Seven days; the ones not given are empty."""
    return tuple(by_index.get(f"d{i}", DaySummary(day)) for i, day in enumerate(week.days))


def this_week() -> tuple[DaySummary, ...]:
    d = WEEK.days
    return days_of(
        WEEK,
        d0=DaySummary(
            d[0],
            sitting_minutes=412,
            sessions=5,
            longest_session_minutes=95,
            natural_breaks=4,
            prompts={
                Kind.POSTURE: PromptCounts(done=3, snoozed=1, ignored=1),
                Kind.BREAK: PromptCounts(done=1, skipped=1),
                Kind.HYDRATION: PromptCounts(done=4),  # not a break: left out of the chart
            },
            water_ml=1800,
            stiffness_morning=3,
            stiffness_evening=5,
        ),
        d1=DaySummary(
            d[1],
            sitting_minutes=380,
            sessions=4,
            longest_session_minutes=70,
            natural_breaks=3,
            prompts={
                Kind.STRETCH: PromptCounts(done=2),
                Kind.EYES: PromptCounts(done=1, snoozed=1),
            },
            water_ml=2100,
            stiffness_evening=6,
        ),
        d3=DaySummary(
            d[3],
            sitting_minutes=200,
            sessions=2,
            longest_session_minutes=40,
            natural_breaks=1,
            water_ml=500,
            stiffness_morning=4,
        ),
    )


def last_week() -> tuple[DaySummary, ...]:
    prev = WEEK.shifted(-1)
    d = prev.days
    return days_of(
        prev,
        d0=DaySummary(d[0], sitting_minutes=356, sessions=3, water_ml=1400, stiffness_morning=4),
        d1=DaySummary(d[1], sitting_minutes=300, prompts={Kind.BREAK: PromptCounts(done=9)}),
        d2=DaySummary(d[2], sitting_minutes=300, water_ml=3000),
    )


def summary(days: tuple[DaySummary, ...], previous: tuple[DaySummary, ...] | None) -> WeekSummary:
    week = IsoWeek.of(days[0].date)
    prev = None if previous is None else totals_of(list(previous))
    return WeekSummary(week, days, totals_of(list(days)), prev)


def empty_week() -> WeekSummary:
    return summary(days_of(WEEK), days_of(WEEK.shifted(-1)))


def view_of(qtbot, week: WeekSummary, goals: WeekGoals = GOALS) -> WeekView:
    view = WeekView()
    qtbot.addWidget(view)
    view.resize(1100, 900)
    view.show()
    view.show_week(week, goals)
    return view


def test_the_headline_shows_the_weeks_numbers_and_the_change(qtbot) -> None:
    view = view_of(qtbot, summary(this_week(), last_week()))
    shown = {k: (h.value.text(), h.change.text()) for k, h in view.headline.items()}
    assert shown == {
        # 992 min over 3 days with data against 956 over 3: 330.7 - 318.7
        "sitting_minutes_per_day": ("5 h 31 min", "+12 min vs last week"),
        # posture 3 + break 1 + stretch 2 + eyes 1 (hydration is not a break) against 9
        "breaks_done": ("7", "−2 vs last week"),
        "water_ml_per_day": ("1467 ml", "same as last week"),
        "stiffness_morning_avg": ("3.5 of 10", "−0.5 vs last week"),
        "stiffness_evening_avg": ("5.5 of 10", "not rated last week"),
    }
    assert view.heading.text() == "Week 48: 23 Nov to 29 Nov 2026"


def test_without_a_week_before_the_headline_says_so(qtbot) -> None:
    view = view_of(qtbot, summary(this_week(), None))
    assert view.headline["sitting_minutes_per_day"].change.text() == "no data last week"
    tile = view.headline["breaks_done"]
    assert tile.accessibleName() == "Breaks done"
    assert tile.accessibleDescription() == "7, no data last week"


def test_the_sitting_chart_marks_the_longest_session_and_the_break_interval(qtbot) -> None:
    view = view_of(qtbot, summary(this_week(), last_week()))
    sitting = view.charts[0].plotted()
    # In hours, like the headline's "5 h 31 min".
    assert sitting["Sitting"] == tuple(m / 60 for m in (412, 380, 0, 200, 0, 0, 0))
    assert sitting["Longest unbroken session"] == (95 / 60, 70 / 60, None, 40 / 60, *(None,) * 3)
    assert set(sitting["Break interval"]) == {1.0}  # the movement-break setting: 60 min
    assert view.charts[0].spec.y_label == "Sitting"
    assert view.charts[0].spec.unit == "h"


def test_the_sitting_table_says_hours_and_minutes(qtbot) -> None:
    view = view_of(qtbot, summary(this_week(), last_week()))
    model = view.charts[0].model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Day", "Sitting", "Longest unbroken session", "Break interval"]
    assert [model.index(0, c).data() for c in range(4)] == [
        "Mon",
        "6 h 52 min",
        "1 h 35 min",
        "1 h 00 min",
    ]
    assert [model.index(2, c).data() for c in range(3)] == ["Wed", "0 min", "–"]


def test_the_breaks_chart_stacks_outcomes_of_break_prompts_only(qtbot) -> None:
    view = view_of(qtbot, summary(this_week(), last_week()))
    breaks = view.charts[1].plotted()
    assert breaks["Done"] == (4, 3, 0, 0, 0, 0, 0)
    assert breaks["Snoozed"] == (1, 1, 0, 0, 0, 0, 0)
    assert breaks["Skipped"] == (1, 0, 0, 0, 0, 0, 0)
    assert breaks["Ignored"] == (1, 0, 0, 0, 0, 0, 0)
    assert breaks["Natural breaks"] == (4, 3, None, 1, None, None, None)


def test_the_water_and_stiffness_charts(qtbot) -> None:
    view = view_of(qtbot, summary(this_week(), last_week()))
    water = view.charts[2].plotted()
    assert water["Water"] == (1800, 2100, 0, 500, 0, 0, 0)
    assert set(water["Daily goal"]) == {2500}
    stiffness = view.charts[3].plotted()
    assert stiffness["Morning"] == (3, None, None, 4, None, None, None)
    assert stiffness["Evening"] == (5, 6, None, None, None, None, None)


def test_days_are_labelled_monday_to_sunday_in_every_table(qtbot) -> None:
    view = view_of(qtbot, summary(this_week(), last_week()))
    for chart in view.charts:
        model = chart.table_view.model()
        assert [model.index(r, 0).data() for r in range(model.rowCount())] == [
            "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
        ]  # fmt: skip
    assert view.charts[3].model.index(1, 1).data() == "not rated"


def test_each_chart_describes_its_values(qtbot) -> None:
    view = view_of(qtbot, summary(this_week(), last_week()))
    descriptions = [c.chart_view.accessibleDescription() for c in view.charts]
    assert "Mon 6 h 52 min, Tue 6 h 20 min" in descriptions[0]
    assert "Done: Mon 4, Tue 3" in descriptions[1]
    assert "Daily goal: 2500 ml" in descriptions[2]
    assert "Morning: Mon 3, Tue not rated" in descriptions[3]
    assert [c.accessibleName() for c in view.charts] == [
        "How long did I sit?",
        "Did I take my breaks?",
        "Did I drink?",
        "How stiff was I?",
    ]


def test_an_empty_week_explains_instead_of_drawing_empty_charts(qtbot) -> None:
    view = view_of(qtbot, empty_week())
    assert view.pages.showing_empty()
    text = view.pages.empty.text()
    assert "Nothing recorded in week 48 yet." in text
    assert "“Log stiffness…” in the tray menu" in text
    assert "posture-app log stiffness 3" in text
    spoken = view.pages.empty.accessibleDescription()  # the words, without the markup
    assert spoken.startswith("Nothing recorded in week 48 yet. The charts fill in")
    assert spoken.endswith("in the tray menu, or run posture-app log stiffness 3")


def test_an_empty_week_builds_the_charts_out_of_sight_once_idle(qtbot) -> None:
    view = view_of(qtbot, empty_week())
    assert view.charts == []  # not before the window has painted
    qtbot.waitUntil(lambda: len(view.charts) == 4)  # the event loop's next turn
    assert view.pages.showing_empty()
    built = list(view.charts)
    view.show_week(summary(this_week(), None), GOALS)  # the week before an empty Monday's
    assert view.charts == built  # updated, not built again
    assert view.charts[0].plotted()["Sitting"][0] == hours(412)


def test_an_empty_week_builds_no_charts_before_it_has_been_painted(qtbot) -> None:
    from PySide6.QtCore import QCoreApplication

    view = WeekView()
    qtbot.addWidget(view)
    before = summary(this_week(), None)
    view.show_week(empty_week(), GOALS, week_before=lambda: before)
    for _ in range(3):  # idle turns: not one of them may build them while nothing is shown
        QCoreApplication.processEvents()
    assert view.charts == []  # a window opening on an empty week paints first
    view.show()
    qtbot.waitUntil(lambda: len(view.charts) == 4)


def test_on_an_empty_monday_the_charts_get_ready_with_the_week_before(qtbot) -> None:
    view = WeekView()
    qtbot.addWidget(view)
    view.show()
    before = summary(this_week(), None)
    view.show_week(empty_week(), GOALS, week_before=lambda: before)
    qtbot.waitUntil(lambda: len(view.charts) == 4)
    assert view.pages.showing_empty()
    assert view.charts[0].plotted()["Sitting"][0] == hours(412)  # last week's, ready


def test_a_week_before_that_cannot_be_read_leaves_the_charts_for_later(qtbot) -> None:
    import sqlite3

    def unreadable() -> WeekSummary:
        raise sqlite3.DatabaseError("disk I/O error")

    view = WeekView()
    qtbot.addWidget(view)
    view.show()
    view.show_week(empty_week(), GOALS, week_before=unreadable)
    qtbot.wait(0)  # the idle turn comes and goes
    assert view.charts == []
    assert view.pages.showing_empty()
    view.show_week(summary(this_week(), None), GOALS)  # built when shown, as before
    assert len(view.charts) == 4


def test_charts_built_before_the_idle_turn_are_not_built_twice(qtbot) -> None:
    view = view_of(qtbot, empty_week())
    view.show_week(summary(this_week(), None), GOALS)
    built = list(view.charts)
    qtbot.wait(0)  # the idle turn comes and goes
    assert view.charts == built


def test_switching_between_an_empty_and_a_full_week(qtbot) -> None:
    view = view_of(qtbot, empty_week())
    view.show_week(summary(this_week(), None), GOALS)
    assert not view.pages.showing_empty()
    assert view.charts[0].plotted()["Sitting"][0] == hours(412)
    view.show_week(empty_week(), GOALS)
    assert view.pages.showing_empty()


def test_a_quiet_week_is_drawn_at_the_scale_of_a_working_week() -> None:
    from posture_app.ui.window.charts import _value_axis

    short_day = DaySummary(
        WEEK.days[0],
        sitting_minutes=45,
        sessions=1,
        longest_session_minutes=45,
        prompts={Kind.POSTURE: PromptCounts(done=1)},
    )  # then a holiday
    quiet = summary(days_of(WEEK, d0=short_day), None)
    sitting, breaks, _water, _stiffness = week_charts(quiet, GOALS)
    assert _value_axis(sitting).high >= 8  # hours
    assert _value_axis(breaks).high >= 10  # prompts


def test_goals_come_from_the_settings(qtbot) -> None:
    assert WeekGoals.from_settings(Settings(break_minutes=45)) == WeekGoals(45, 2000)
    off = WeekGoals.from_settings(Settings(break_enabled=False))
    assert off.break_every_minutes is None
    view = view_of(qtbot, summary(this_week(), None), off)
    assert "Break interval" not in view.charts[0].plotted()


def test_switching_weeks_back_and_forth(qtbot, qapp) -> None:
    a, b = summary(this_week(), last_week()), summary(last_week(), None)
    view = view_of(qtbot, a)
    # How fast is measured in bench/window.py (timed tests fail on busy machines); here: right.
    for i in range(6):
        view.show_week(b if i % 2 == 0 else a, GOALS)
        view.repaint()
        qapp.processEvents()  # QtCharts lays out and paints the new values here
    assert view.charts[0].plotted()["Sitting"][0] == hours(412)


def test_change_text() -> None:
    assert change_text("sitting_minutes_per_day", -12.4, has_value=True) == "−12 min vs last week"
    assert change_text("water_ml_per_day", 150.0, has_value=True) == "+150 ml vs last week"
    assert change_text("breaks_done", 0.0, has_value=True) == "same as last week"
    assert change_text("stiffness_evening_avg", None, has_value=False) == ""


@pytest.mark.parametrize(
    ("key", "change", "text"),
    [
        # Sitting reads like the sitting time itself, not "+109 min".
        ("sitting_minutes_per_day", 109.4, "+1 h 49 min vs last week"),
        # Stiffness always to one decimal, whole changes too.
        ("stiffness_morning_avg", -1.0, "−1.0 vs last week"),
        ("stiffness_evening_avg", 0.7, "+0.7 vs last week"),
        ("stiffness_evening_avg", 0.04, "same as last week"),
    ],
)
def test_changes_read_like_their_values(key: str, change: float, text: str) -> None:
    assert change_text(key, change, has_value=True) == text


def test_stiffness_averages_always_have_one_decimal() -> None:
    days = list(this_week())
    days[1] = DaySummary(days[1].date, sitting_minutes=60, stiffness_morning=4)  # 3 and 4, 5
    values = headline_values(totals_of(days))
    assert values["stiffness_morning_avg"] == "3.7 of 10"
    assert values["stiffness_evening_avg"] == "5.0 of 10"  # not "5 of 10"


def test_the_charts_sit_on_the_window_without_a_frame(qtbot) -> None:
    view = view_of(qtbot, summary(this_week(), last_week()))
    assert view.pages.scroller.frameShape() == QFrame.Shape.NoFrame
    qtbot.waitUntil(lambda: len({(c.x(), c.y()) for c in view.charts}) == 4, timeout=1000)
    assert len({c.x() for c in view.charts}) == len({c.y() for c in view.charts}) == 2
    sizes = {(c.width(), c.height()) for c in view.charts}
    assert len(sizes) == 1  # every chart the same size


def test_a_week_from_the_store(qtbot) -> None:
    store = Store.in_memory()
    mon = local("2026-11-23T09:00")
    store.save_session(
        Session(
            "s1", mon, mon + timedelta(minutes=90), ((mon, mon + timedelta(minutes=90)),), 5400.0
        )
    )
    later = mon + timedelta(minutes=100)
    store.save_session(
        Session(
            "s2",
            later,
            later + timedelta(minutes=30),
            ((later, later + timedelta(minutes=30)),),
            1800.0,
        )
    )
    store.add_natural_break(NaturalBreak("b1", mon + timedelta(minutes=90), later))
    store.save_prompt(
        Prompt(
            "p1",
            Kind.STRETCH,
            mon + timedelta(minutes=30),
            Outcome.DONE,
            mon + timedelta(minutes=31),
        )
    )
    store.save_prompt(
        Prompt(
            "p2",
            Kind.POSTURE,
            mon + timedelta(minutes=60),
            Outcome.SKIPPED,
            mon + timedelta(minutes=61),
        )
    )
    store.add_water(WaterLog("w1", local("2026-11-25T10:00"), 250))
    store.add_stiffness(StiffnessRating("r1", local("2026-11-25T08:00"), 2))
    week = week_summary(store, WEEK)
    view = view_of(qtbot, week)
    assert view.charts[0].plotted()["Sitting"] == (2, 0, 0, 0, 0, 0, 0)
    assert view.charts[0].plotted()["Longest unbroken session"][0] == 1.5
    assert view.charts[1].plotted()["Done"][0] == 1
    assert view.charts[1].plotted()["Skipped"][0] == 1
    assert view.charts[1].plotted()["Natural breaks"][0] == 1
    assert view.charts[2].plotted()["Water"][2] == 250
    assert view.charts[3].plotted()["Morning"][2] == 2
    assert view.headline["sitting_minutes_per_day"].value.text() == "1 h 00 min"  # 120 min / 2 days
    assert view.headline["sitting_minutes_per_day"].change.text() == "no data last week"


def test_secondary_lines_stay_soft_after_a_switch_to_dark(qtbot, qapp) -> None:
    view = view_of(qtbot, summary(this_week(), last_week()))
    change = view.headline["breaks_done"].change
    light = change.palette().color(QPalette.ColorRole.WindowText)
    before = QPalette(qapp.palette())
    try:
        qapp.setPalette(dark_palette())
        qtbot.waitUntil(
            lambda: (
                change.palette().color(QPalette.ColorRole.WindowText)
                == look.muted_color(dark_palette())
            ),
            timeout=2000,
        )
        assert light != look.muted_color(dark_palette())
    finally:
        qapp.setPalette(before)
