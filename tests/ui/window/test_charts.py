"""Charts: the table view of a spec, the chart widget, its toggle, colours and painting."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCharts import QLegend, QLineSeries, QScatterSeries, QValueAxis
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPalette
from PySide6.QtWidgets import QApplication

from posture_app.ui.window.charts import (
    BarChart,
    ChartWidget,
    Format,
    Goal,
    Hue,
    LineChart,
    Series,
    describe,
    hue_color,
    legend_share,
    render,
    table,
)

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PACKAGE = Path(__file__).resolve().parents[3] / "posture_app"

SITTING = BarChart(
    "How long did I sit?",
    DAYS,
    (Series("Sitting", (412, 380, 0, 200, 300, None, 10), Hue.BLUE),),
    "Sitting",
    unit="min",
    goal=Goal(60, "Break interval"),
    marks=(Series("Longest", (95, 70, None, 40, 61, None, 10), Hue.ORANGE),),
)
STIFFNESS = LineChart(
    "How stiff was I?",
    DAYS,
    (
        Series("Morning", (3, None, 4, 5, None, 2, None), Hue.ORANGE, "not rated"),
        Series("Evening", (5, 6, None, None, 3, 3.5, 4), Hue.BLUE, "not rated"),
    ),
    "Stiffness",
    y_max=10,
)


def dark_palette() -> QPalette:
    """A dark palette (offscreen ignores the colour scheme, so dark mode is set by palette)."""
    palette = QPalette()
    for role, color in (
        (QPalette.ColorRole.Window, "#2b2b2b"),
        (QPalette.ColorRole.WindowText, "#e6e6e6"),
        (QPalette.ColorRole.Base, "#1f1f1f"),
        (QPalette.ColorRole.Text, "#e6e6e6"),
        (QPalette.ColorRole.Button, "#3a3a3a"),
        (QPalette.ColorRole.ButtonText, "#e6e6e6"),
    ):
        palette.setColor(role, QColor(color))
    return palette


@pytest.fixture
def dark_app(qapp: QApplication) -> Iterator[QApplication]:
    """The application in a dark palette for one test."""
    before = QPalette(qapp.palette())
    qapp.setPalette(dark_palette())
    yield qapp
    qapp.setPalette(before)


def shown(qtbot, spec: BarChart | LineChart) -> ChartWidget:
    widget = ChartWidget(spec)
    qtbot.addWidget(widget)
    widget.resize(640, 420)
    widget.show()
    return widget


def colours(image: QImage, step: int = 2) -> set[str]:
    """The colours of every `step`-th pixel of an image, as #rrggbb."""
    return {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
    }


def painted(spec: BarChart | LineChart, *, dark: bool) -> QImage:
    image = QImage(480, 320, QImage.Format.Format_ARGB32)
    image.fill(QColor("#ff00ff"))
    painter = QPainter(image)
    render(spec, painter, QRectF(0, 0, 480, 320), dark=dark)
    painter.end()
    return image


# --- the pure parts ---------------------------------------------------------------------------


def test_table_has_a_row_per_day_with_gaps_and_the_goal() -> None:
    headers, rows = table(SITTING)
    assert headers == ["Day", "Sitting (min)", "Longest (min)", "Break interval (min)"]
    assert rows[0] == ["Mon", "412", "95", "60"]
    assert rows[2] == ["Wed", "0", "–", "60"]
    assert rows[5] == ["Sat", "–", "–", "60"]
    assert [r[0] for r in rows] == list(DAYS)


def test_table_of_lines_says_not_rated_and_keeps_decimals() -> None:
    headers, rows = table(STIFFNESS)
    assert headers == ["Day", "Morning", "Evening"]
    assert rows[1] == ["Tue", "not rated", "6"]
    assert rows[5] == ["Sat", "2", "3.5"]


def test_description_states_the_values_in_words() -> None:
    text = describe(SITTING)
    assert text.startswith("Sitting: Mon 412 min, Tue 380 min, Wed 0 min,")
    assert "Longest: Mon 95 min, Tue 70 min, Wed –," in text
    assert text.endswith("Break interval: 60 min.")
    assert "Tue not rated" in describe(STIFFNESS)


def test_a_series_must_have_one_value_per_category() -> None:
    with pytest.raises(ValueError, match="'Sitting' has 2 values for 7 categories"):
        BarChart("t", DAYS, (Series("Sitting", (1, 2)),), "y")


# --- the widget -------------------------------------------------------------------------------


def test_the_chart_draws_the_spec_values(qtbot) -> None:
    widget = shown(qtbot, SITTING)
    drawn = widget.plotted()
    assert drawn["Sitting"] == (412, 380, 0, 200, 300, 0, 10)
    assert drawn["Longest"] == (95, 70, None, 40, 61, None, 10)
    assert set(drawn["Break interval"]) == {60}


def test_lines_break_where_a_value_is_missing(qtbot) -> None:
    widget = shown(qtbot, STIFFNESS)
    assert widget.plotted()["Morning"] == (3, None, 4, 5, None, 2, None)
    assert widget.plotted()["Evening"] == (5, 6, None, None, 3, 3.5, 4)
    # Evening has two runs (Mon-Tue, Fri-Sun): two lines that do not join Tue to Fri.
    runs = [
        [(p.x(), p.y()) for p in s.points()]
        for s in widget.chart_view.chart().series()
        if isinstance(s, QLineSeries)
        and s.points()
        and s.color() == hue_color(Hue.BLUE, dark=False)
    ]
    assert sorted(runs) == [[(0, 5), (1, 6)], [(4, 3), (5, 3.5), (6, 4)]]


def test_the_value_axis_shows_every_value_and_the_goal(qtbot) -> None:
    widget = shown(qtbot, SITTING)
    (axis,) = [a for a in widget.chart_view.chart().axes() if isinstance(a, QValueAxis)]
    assert axis.min() == 0
    assert axis.max() >= 412


def test_the_table_toggle_works_by_keyboard(qtbot) -> None:
    widget = shown(qtbot, SITTING)
    assert widget.toggle.focusPolicy() & Qt.FocusPolicy.TabFocus
    widget.toggle.setFocus()
    assert not widget.showing_table()
    qtbot.keyClick(widget.toggle, Qt.Key.Key_Space)
    assert widget.showing_table()
    assert widget.stack.currentWidget() is widget.table_view
    assert widget.toggle.text() == "Show as chart"  # what pressing it shows now
    assert widget.toggle.accessibleName() == "Show “How long did I sit?” as a chart"
    qtbot.keyClick(widget.toggle, Qt.Key.Key_Space)
    assert not widget.showing_table()
    assert widget.toggle.text() == "Show as table"


def test_the_table_is_made_and_filled_when_shown_and_follows_the_chart(qtbot) -> None:
    widget = shown(qtbot, SITTING)
    assert widget.stack.count() == 1  # no table until someone asks for it
    widget.toggle.click()
    assert widget.showing_table()
    assert [widget.table_view.model().index(0, c).data() for c in range(2)] == ["Mon", "412"]
    widget.set_chart(STIFFNESS)  # while shown: at once
    assert widget.table_view.model().index(1, 1).data() == "not rated"
    widget.toggle.click()
    widget.set_chart(SITTING)  # while hidden: when shown again
    widget.toggle.click()
    assert [widget.table_view.model().index(0, c).data() for c in range(2)] == ["Mon", "412"]


def test_the_table_shows_the_data_table_read_only(qtbot) -> None:
    widget = shown(qtbot, STIFFNESS)
    model = widget.table_view.model()
    headers, rows = table(STIFFNESS)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(headers))] == headers
    cells = [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]
    assert cells == rows
    flags = model.flags(model.index(0, 1))
    assert not flags & Qt.ItemFlag.ItemIsEditable


def test_accessible_names_and_the_description(qtbot) -> None:
    widget = shown(qtbot, SITTING)
    assert widget.accessibleName() == "How long did I sit?"
    assert widget.chart_view.accessibleName() == "How long did I sit?: chart"
    assert "Mon 412 min, Tue 380 min" in widget.chart_view.accessibleDescription()
    assert widget.table_view.accessibleName() == "How long did I sit?: table"
    assert widget.toggle.text() == "Show as table"
    assert "How long did I sit?" in widget.toggle.accessibleName()


def test_set_chart_of_the_same_shape_updates_in_place(qtbot) -> None:
    widget = shown(qtbot, SITTING)
    chart = widget.chart_view.chart()
    other = BarChart(
        "How long did I sit?",
        DAYS,
        (Series("Sitting", (1, 2, 3, 4, 5, 6, 700), Hue.BLUE),),
        "Sitting",
        unit="min",
        goal=Goal(45, "Break interval"),
        marks=(Series("Longest", (1, None, 3, None, 5, None, 90), Hue.ORANGE),),
    )
    widget.set_chart(other)
    assert widget.chart_view.chart() is chart
    assert set(widget.plotted()["Break interval"]) == {45}
    assert widget.plotted()["Sitting"] == (1, 2, 3, 4, 5, 6, 700)
    assert widget.plotted()["Longest"] == (1, None, 3, None, 5, None, 90)
    assert widget.model.index(6, 1).data() == "700"
    assert "Sun 700 min" in widget.chart_view.accessibleDescription()


def test_set_chart_of_another_shape_draws_it_anew(qtbot) -> None:
    widget = shown(qtbot, SITTING)
    widget.set_chart(STIFFNESS)
    assert widget.plotted() == {
        "Morning": (3, None, 4, 5, None, 2, None),
        "Evening": (5, 6, None, None, 3, 3.5, 4),
    }
    assert widget.title.text() == "How stiff was I?"
    model = widget.model
    assert (model.rowCount(), model.columnCount()) == (7, 3)
    assert [model.index(1, c).data() for c in range(3)] == ["Tue", "not rated", "6"]


def test_switching_four_charts_back_and_forth_ends_on_the_right_values(qtbot, qapp) -> None:
    other_bars = BarChart(
        SITTING.title,
        DAYS,
        (Series("Sitting", (9, 8, 7, 6, 5, 4, 3)),),
        "Sitting",
        goal=Goal(45, "Break interval"),
        marks=(Series("Longest", (1, 2, 3, None, 5, 6, 7)),),
    )
    other_lines = LineChart(
        STIFFNESS.title, DAYS, (Series("M", (1,) * 7), Series("E", (2, None) * 3 + (1,))), "S"
    )
    pairs = [(SITTING, other_bars)] * 2 + [(STIFFNESS, other_lines)] * 2
    widgets = [(shown(qtbot, a), a, b) for a, b in pairs]
    # How fast is measured in bench/window.py (timed tests fail on busy machines); here: right.
    for i in range(6):
        for widget, a, b in widgets:
            widget.set_chart(b if i % 2 == 0 else a)
            widget.chart_view.viewport().repaint()
            qapp.processEvents()  # QtCharts lays out and paints the new values here
    assert widgets[0][0].plotted()["Sitting"] == (412, 380, 0, 200, 300, 0, 10)


# --- colours and painting ---------------------------------------------------------------------


def test_dark_variants_differ_from_light() -> None:
    assert all(hue_color(h, dark=True) != hue_color(h, dark=False) for h in (Hue.BLUE, Hue.GREY))


def test_render_paints_the_palette_colours_offscreen(qapp) -> None:
    light = colours(painted(SITTING, dark=False))
    assert "#ffffff" in light  # the paper
    assert "#ff00ff" not in light  # the whole rectangle is painted
    assert hue_color(Hue.BLUE, dark=False).name() in light  # the bars
    assert hue_color(Hue.ORANGE, dark=False).name() in light  # the marks


def test_render_in_dark_uses_the_dark_palette(qapp) -> None:
    dark = colours(painted(STIFFNESS, dark=True))
    assert "#ffffff" not in dark
    assert hue_color(Hue.BLUE, dark=True).name() in dark
    assert hue_color(Hue.ORANGE, dark=True).name() in dark
    assert hue_color(Hue.BLUE, dark=False).name() not in dark


def test_the_widget_follows_a_dark_palette(qtbot, dark_app) -> None:
    widget = shown(qtbot, SITTING)
    seen = colours(widget.chart_view.grab().toImage())
    assert "#2b2b2b" in seen  # the window colour is the background
    assert hue_color(Hue.BLUE, dark=True).name() in seen


def test_the_widget_recolours_when_the_palette_turns_dark(qtbot, qapp) -> None:
    widget = shown(qtbot, SITTING)
    bars = widget.chart_view.chart().series()[0].barSets()[0]
    assert bars.color() == hue_color(Hue.BLUE, dark=False)
    before = QPalette(qapp.palette())
    try:
        qapp.setPalette(dark_palette())
        qtbot.waitUntil(lambda: bars.color() == hue_color(Hue.BLUE, dark=True), timeout=2000)
    finally:
        qapp.setPalette(before)


def contrast(a: QColor, b: QColor) -> float:
    """WCAG's contrast ratio of two colours (1 to 21)."""

    def luminance(c: QColor) -> float:
        channels = [
            x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4
            for x in (c.redF(), c.greenF(), c.blueF())
        ]
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_every_hue_stands_out_3_to_1_from_the_background_it_is_drawn_on(
    qtbot, qapp, dark: bool
) -> None:
    before = QPalette(qapp.palette())
    try:
        if dark:
            qapp.setPalette(dark_palette())
        widget = shown(qtbot, SITTING)
        background = widget.chart_view.chart().backgroundBrush().color()
        # The base colour, as paper is: white in a light palette (the window's grey is not).
        assert background == widget.palette().color(QPalette.ColorRole.Base)
        assert background != widget.palette().color(QPalette.ColorRole.Window)
        for hue in Hue:
            assert contrast(hue_color(hue, dark=dark), background) >= 3.0, hue
        image = widget.chart_view.grab().toImage()
        assert image.pixelColor(2, 2) == background  # drawn up to its edges
    finally:
        qapp.setPalette(before)


# --- where QtCharts may be imported -------------------------------------------------------------


def test_only_charts_py_names_the_chart_library() -> None:
    naming = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "QtCharts" in path.read_text(encoding="utf-8")
    )
    assert naming == ["ui/window/charts.py"]


def test_the_tray_app_never_loads_the_chart_library() -> None:
    code = (
        "import sys; import posture_app.app, posture_app.ui.app; "
        "print('PySide6.QtCharts' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parent,
    )
    assert done.stdout.strip() == "False"


def test_a_bar_chart_axis_reaches_at_least_its_floor():
    from posture_app.ui.window.charts import _value_axis

    quiet = BarChart("Sat", ("Mon", "Tue"), (Series("Sitting", (0.5, 1.0)),), "Sitting")
    assert _value_axis(quiet).high < 8
    floored = BarChart(
        "Sat", ("Mon", "Tue"), (Series("Sitting", (0.5, 1.0)),), "Sitting", y_at_least=8
    )
    assert _value_axis(floored).high >= 8
    busy = BarChart(
        "Sat", ("Mon", "Tue"), (Series("Sitting", (0.5, 12.0)),), "Sitting", y_at_least=8
    )
    assert _value_axis(busy).high >= 12  # a floor, not a ceiling


def test_a_nearly_empty_axis_counts_in_whole_steps():
    from posture_app.ui.window.charts import _nice_axis

    assert _nice_axis(0.0, 1.5) == (2.0, 3, 0)
    top, ticks, decimals = _nice_axis(0.0, 540.0)
    assert top >= 540
    assert decimals == 0
    assert ticks > 2


# --- values as people read them -----------------------------------------------------------------


def test_hours_are_said_as_hours_and_minutes() -> None:
    hours = BarChart(
        "How long did I sit?",
        ("Mon", "Tue"),
        (Series("Sitting", (412 / 60, 0.0)),),
        "Sitting",
        unit="h",
        goal=Goal(1.0, "Break interval"),
        number_format=Format.HOURS,
    )
    headers, rows = table(hours)
    assert headers == ["Day", "Sitting", "Break interval"]  # the cells name their units
    assert rows == [["Mon", "6 h 52 min", "1 h 00 min"], ["Tue", "0 min", "1 h 00 min"]]
    assert describe(hours) == "Sitting: Mon 6 h 52 min, Tue 0 min. Break interval: 1 h 00 min."


def test_averages_keep_one_decimal() -> None:
    averages = LineChart("t", ("W1", "W2"), (Series("Mornings", (3.0, None), None, "x"),), "S")
    assert table(averages)[1] == [["W1", "3"], ["W2", "x"]]
    decimal = LineChart(
        "t", ("W1", "W2"), (Series("M", (3.0, 3.25)),), "S", number_format=Format.DECIMAL
    )
    assert table(decimal)[1] == [["W1", "3.0"], ["W2", "3.2"]]


# --- points on lines ----------------------------------------------------------------------------

MEET = LineChart(
    "How stiff was I?",
    DAYS,
    (
        Series("Morning", (None, 5, None, 0, None, 10, None), Hue.ORANGE),
        Series("Evening", (None, 5, None, 0, None, 10, None), Hue.BLUE),
    ),
    "Stiffness",
    y_max=10,
)


def value_axis(widget: ChartWidget) -> QValueAxis:
    (axis,) = [a for a in widget.chart_view.chart().axes() if isinstance(a, QValueAxis)]
    return axis


def test_a_line_charts_axis_leaves_room_for_whole_points_at_its_ends(qtbot) -> None:
    widget = shown(qtbot, STIFFNESS)
    axis = value_axis(widget)
    assert axis.min() < 0 < 10 < axis.max()  # a point at 0 or 10 is not cut by the edge
    assert (axis.min(), axis.max()) == (-0.5, 10.5)
    # The ticks stay on whole numbers: 0, 2, ..., 10.
    assert axis.tickType() == QValueAxis.TickType.TicksDynamic
    assert (axis.tickAnchor(), axis.tickInterval(), axis.labelFormat()) == (0, 2, "%.0f")


def test_bars_stand_on_the_axis(qtbot) -> None:
    widget = shown(qtbot, SITTING)
    axis = value_axis(widget)
    assert axis.min() == 0
    assert axis.tickAnchor() == 0


def test_each_line_has_points_of_its_own_shape_in_the_legend_too(qtbot) -> None:
    widget = shown(qtbot, STIFFNESS)
    chart = widget.chart_view.chart()
    points = [s for s in chart.series() if isinstance(s, QScatterSeries) and s.name()]
    assert [p.name() for p in points] == ["Morning", "Evening"]
    assert points[0].markerShape() != points[1].markerShape()
    legend = {m.label(): m for m in chart.legend().markers() if m.isVisible() and m.label()}
    assert list(legend) == ["Morning", "Evening"]  # one entry a line, not one a run
    assert legend["Morning"].shape() == QLegend.MarkerShape.MarkerShapeCircle  # a ring
    assert legend["Evening"].shape() == QLegend.MarkerShape.MarkerShapeFromSeries


def test_where_two_lines_meet_both_points_show(qtbot) -> None:
    widget = shown(qtbot, MEET)
    chart = widget.chart_view.chart()
    qtbot.waitUntil(lambda: chart.plotArea().width() > 0, timeout=1000)
    image = widget.chart_view.grab().toImage()
    any_series = chart.series()[0]
    orange = hue_color(Hue.ORANGE, dark=False).name()
    blue = hue_color(Hue.BLUE, dark=False).name()
    for x, y in ((1, 5), (3, 0), (5, 10)):  # in the middle and on both ends of the axis
        centre = widget.chart_view.mapFromScene(chart.mapToPosition(QPointF(x, y), any_series))
        seen = {
            image.pixelColor(centre.x() + dx, centre.y() + dy).name()
            for dx in range(-7, 8)
            for dy in range(-7, 8)
        }
        assert {orange, blue} <= seen, (x, y)


def test_crowded_labels_stand_upright(qtbot) -> None:
    weeks = tuple(f"W{n}" for n in range(37, 49))
    spec = LineChart("t", weeks, (Series("a", (1,) * 12),), "y")
    widget = shown(qtbot, spec)
    widget.resize(1200, 420)
    qtbot.waitUntil(lambda: not widget.labels_upright(), timeout=1000)
    widget.resize(360, 420)
    qtbot.waitUntil(widget.labels_upright, timeout=1000)


# --- legends in drawn charts --------------------------------------------------------------------

BREAKS = BarChart(
    "Did I take my breaks?",
    DAYS,
    tuple(
        Series(name, (1,) * 7, hue)
        for name, hue in (
            ("Done", Hue.BLUISH_GREEN),
            ("Snoozed", Hue.SKY_BLUE),
            ("Skipped", Hue.ORANGE),
            ("Ignored", Hue.GREY),
        )
    ),
    "Prompts and breaks",
    marks=(Series("Natural breaks", (1,) * 7, Hue.REDDISH_PURPLE),),
)


def test_a_crowded_legend_gets_a_smaller_font_rather_than_cut_names(qapp) -> None:
    font = QFont()
    font.setPointSizeF(9)
    assert legend_share(BREAKS, font, 1000) == 1.0
    # The doctor report's charts: about 420 px wide at the screen's scale.
    assert 0.75 <= legend_share(BREAKS, font, 420) < 1.0
    assert legend_share(BREAKS, font, 100) == 0.75  # never smaller than that
