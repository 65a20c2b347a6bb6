"""Charts: small library-neutral chart specs, their table view, a chart widget and a painter.

This is the one module that imports QtCharts (see docs/charts.md). The views describe what to
draw with the frozen specs below and never touch the charting library, so swapping it means
rewriting this module alone. Everything here is drawn without animations, with the legend at
the bottom, in the Okabe–Ito colours (light and dark variants).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum, auto

from PySide6.QtCharts import (
    QAbstractSeries,
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QScatterSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QEvent, QMargins, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QPainter,
    QPalette,
    QPen,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGraphicsScene,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from posture_app.ui import look

#: What the table and the description say where a series has no value.
NO_VALUE = "–"
#: The value axis aims at about this many steps between its ticks.
_AXIS_STEPS = 5
#: A fitted value axis reaches this much above the highest value, so nothing touches the top.
_HEADROOM = 1.08
#: Tick steps are one of these times a power of ten.
_NICE_STEPS = (1.0, 2.0, 5.0)
#: Width of series lines and of the goal line, in pixels.
_LINE_WIDTH = 2.5
#: Diameter of a mark (a point over the bars), in pixels.
_MARK_SIZE = 11.0
#: Radius of a point on a line, in pixels (QtCharts draws line points with the size as radius).
_POINT_SIZE = 5.0
#: The grid mixes this much of the text colour into the background.
_GRID_SHARE = 0.18
#: Space around a chart's plot, in pixels.
_CHART_MARGIN = 4
#: A chart widget is at least this tall, so its axes and legend stay readable.
_MIN_CHART_HEIGHT = 240


class Hue(Enum):
    """The Okabe–Ito colours (safe for the common kinds of colour blindness), plus a grey."""

    BLUE = auto()
    ORANGE = auto()
    BLUISH_GREEN = auto()
    VERMILLION = auto()
    REDDISH_PURPLE = auto()
    SKY_BLUE = auto()
    YELLOW = auto()
    GREY = auto()


# On white, Okabe–Ito's orange, sky blue and yellow are too faint for lines (under 3:1), so the
# light variants darken them; on a dark background the blue is too dim, so it is lightened.
_LIGHT: dict[Hue, str] = {
    Hue.BLUE: "#0072B2",
    Hue.ORANGE: "#C68800",
    Hue.BLUISH_GREEN: "#009E73",
    Hue.VERMILLION: "#D55E00",
    Hue.REDDISH_PURPLE: "#CC79A7",
    Hue.SKY_BLUE: "#3C96CC",
    Hue.YELLOW: "#9A8C00",
    Hue.GREY: "#7F7F7F",
}
_DARK: dict[Hue, str] = {
    Hue.BLUE: "#3D9BE0",
    Hue.ORANGE: "#E69F00",
    Hue.BLUISH_GREEN: "#2BC497",
    Hue.VERMILLION: "#F07A3A",
    Hue.REDDISH_PURPLE: "#E39AC3",
    Hue.SKY_BLUE: "#56B4E9",
    Hue.YELLOW: "#F0E442",
    Hue.GREY: "#A6A6A6",
}
#: Series without a hue of their own take these in turn.
_HUE_ORDER = (
    Hue.BLUE,
    Hue.ORANGE,
    Hue.BLUISH_GREEN,
    Hue.VERMILLION,
    Hue.REDDISH_PURPLE,
    Hue.SKY_BLUE,
    Hue.YELLOW,
)
#: Background and text when no widget palette is at hand (rendering to a file).
_PAPER = {False: ("#FFFFFF", "#202020"), True: ("#202124", "#E8EAED")}


def hue_color(hue: Hue, *, dark: bool) -> QColor:
    """The colour of a hue in the light or the dark variant of the palette."""
    return QColor((_DARK if dark else _LIGHT)[hue])


# --- specs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One named run of values, one per category; None where there is no value."""

    name: str
    values: tuple[float | None, ...]
    hue: Hue | None = None
    #: What the table and the description say for None (e.g. "not rated").
    missing: str = NO_VALUE


@dataclass(frozen=True)
class Goal:
    """A horizontal reference line across the whole chart."""

    value: float
    label: str


@dataclass(frozen=True)
class BarChart:
    """Bars per category stacked from `stacks` (bottom first), with marks and a goal line.

    Marks are points drawn over the bars (for example the longest session of each day).
    """

    title: str
    categories: tuple[str, ...]
    stacks: tuple[Series, ...]
    y_label: str
    unit: str = ""
    goal: Goal | None = None
    marks: tuple[Series, ...] = ()
    #: The top of the value axis (rounded up to a round number); None: fit the values.
    y_max: float | None = None
    x_label: str = "Day"

    def __post_init__(self) -> None:
        """Check every series has one value per category."""
        _check_lengths(self.categories, (*self.stacks, *self.marks))


@dataclass(frozen=True)
class LineChart:
    """Lines over the categories; a None value leaves a gap in its line."""

    title: str
    categories: tuple[str, ...]
    lines: tuple[Series, ...]
    y_label: str
    unit: str = ""
    goal: Goal | None = None
    y_min: float = 0.0
    #: The top of the value axis (rounded up to a round number); None: fit the values.
    y_max: float | None = None
    x_label: str = "Day"

    def __post_init__(self) -> None:
        """Check every series has one value per category."""
        _check_lengths(self.categories, self.lines)


Chart = BarChart | LineChart


def _check_lengths(categories: tuple[str, ...], series: Sequence[Series]) -> None:
    for s in series:
        if len(s.values) != len(categories):
            raise ValueError(
                f"series {s.name!r} has {len(s.values)} values for {len(categories)} categories"
            )


def _series_of(chart: Chart) -> tuple[Series, ...]:
    """Every series of a chart in drawing order."""
    if isinstance(chart, BarChart):
        return (*chart.stacks, *chart.marks)
    return chart.lines


def format_value(value: float | None, missing: str = NO_VALUE) -> str:
    """A number as people write it: whole numbers without decimals, others with one."""
    if value is None:
        return missing
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


def table(chart: Chart) -> tuple[list[str], list[list[str]]]:
    """The chart as a data table: headers, then one row per category (for tests and readers)."""
    series = _series_of(chart)
    unit = f" ({chart.unit})" if chart.unit else ""
    headers = [chart.x_label, *(f"{s.name}{unit}" for s in series)]
    if chart.goal is not None:
        headers.append(f"{chart.goal.label}{unit}")
    rows = []
    for i, category in enumerate(chart.categories):
        row = [category, *(format_value(s.values[i], s.missing) for s in series)]
        if chart.goal is not None:
            row.append(format_value(chart.goal.value))
        rows.append(row)
    return headers, rows


def describe(chart: Chart) -> str:
    """The chart's values in words, e.g. "Sitting: Mon 412 min, Tue 380 min, …"."""
    unit = f" {chart.unit}" if chart.unit else ""
    parts = []
    for s in _series_of(chart):
        values = ", ".join(
            f"{c} {s.missing}" if v is None else f"{c} {format_value(v)}{unit}"
            for c, v in zip(chart.categories, s.values, strict=True)
        )
        parts.append(f"{s.name}: {values}.")
    if chart.goal is not None:
        parts.append(f"{chart.goal.label}: {format_value(chart.goal.value)}{unit}.")
    return " ".join(parts)


# --- drawing with QtCharts --------------------------------------------------------------------


@dataclass(frozen=True)
class _Theme:
    """The colours a chart is drawn in."""

    dark: bool
    background: QColor
    text: QColor
    muted: QColor
    grid: QColor

    @classmethod
    def of(cls, dark: bool, palette: QPalette | None = None) -> _Theme:
        """Colours from a widget palette, or the fixed paper colours when there is none."""
        if palette is not None:
            background = palette.color(QPalette.ColorRole.Window)
            text = palette.color(QPalette.ColorRole.WindowText)
            muted = look.muted_color(palette)
        else:
            background, text = (QColor(c) for c in _PAPER[dark])
            muted = text
        return cls(dark, background, text, muted, _mix(text, background, _GRID_SHARE))

    def hue(self, hue: Hue) -> QColor:
        """A palette colour for this background."""
        return hue_color(hue, dark=self.dark)


def _mix(a: QColor, b: QColor, share: float) -> QColor:
    """`share` of colour a over colour b."""
    return QColor.fromRgbF(
        a.redF() * share + b.redF() * (1 - share),
        a.greenF() * share + b.greenF() * (1 - share),
        a.blueF() * share + b.blueF() * (1 - share),
    )


def _shape(chart: Chart) -> tuple[object, ...]:
    """What must stay the same for a drawn chart to take new values in place."""
    goal = chart.goal is not None
    if isinstance(chart, BarChart):
        return (BarChart, len(chart.categories), len(chart.stacks), len(chart.marks), goal)
    return (LineChart, len(chart.categories), len(chart.lines), goal)


def _runs(values: Sequence[float | None]) -> list[list[QPointF]]:
    """The unbroken runs of a series' points (QtCharts has no gaps, so each run is a line)."""
    runs: list[list[QPointF]] = []
    current: list[QPointF] = []
    for i, v in enumerate(values):
        if v is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(QPointF(i, v))
    if current:
        runs.append(current)
    return runs


def _nice_axis(low: float, high: float) -> tuple[float, int, int]:
    """A rounded top, a tick count and the decimals for a value axis from `low` up to `high`."""
    span = max(high - low, 1.0)
    # Steps of at least 1: every measure here counts whole things (minutes, prompts, ml, points),
    # so a nearly empty week reads 0, 1, 2 rather than 0.0, 0.5, 1.0.
    raw = max(span / _AXIS_STEPS, 1.0)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next((m * power for m in _NICE_STEPS if m * power >= raw), 10 * power)
    steps = math.ceil(span / step - 1e-9)
    decimals = 0 if step.is_integer() else 1
    return low + steps * step, steps + 1, decimals


class _Drawing:
    """A QChart built for one shape of chart spec, taking new values of that shape in place."""

    def __init__(self, spec: Chart, theme: _Theme, font: QFont, *, titled: bool) -> None:
        self.spec = spec
        self.shape = _shape(spec)
        self.titled = titled
        self.chart = QChart()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.setDropShadowEnabled(False)
        self.chart.setBackgroundRoundness(0)
        self.chart.setMargins(QMargins(*(_CHART_MARGIN,) * 4))
        self.chart.setFont(font)
        self.chart.setTitleFont(look.title_font(font))
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart.legend().setFont(font)
        self.x_axis = QBarCategoryAxis()
        self.y_axis = QValueAxis()
        for axis in (self.x_axis, self.y_axis):
            axis.setLabelsFont(font)
            axis.setTitleFont(font)
        self.chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        self.bars: QStackedBarSeries | None = None
        self.sets: list[QBarSet] = []
        self.marks: list[QScatterSeries] = []
        self.lines: list[list[QLineSeries]] = []
        self.goal: QLineSeries | None = None
        n = len(spec.categories)
        if isinstance(spec, BarChart):
            self.bars = QStackedBarSeries()
            self.bars.setBarWidth(0.6)
            for _ in spec.stacks:
                bar_set = QBarSet("")
                bar_set.append([0.0] * n)
                self.bars.append(bar_set)
                self.sets.append(bar_set)
            self._add(self.bars)
            for _ in spec.marks:
                scatter = QScatterSeries()
                self._add(scatter)
                scatter.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeRotatedRectangle)
                scatter.setMarkerSize(_MARK_SIZE)
                self.marks.append(scatter)
        else:
            for _ in spec.lines:
                # Room for the most runs n values can break into: every other one missing.
                segments = [QLineSeries() for _ in range((n + 1) // 2)]
                for segment in segments:
                    self._add(segment)  # first: adding applies the library's theme
                    segment.setPointsVisible(True)
                    segment.setMarkerSize(_POINT_SIZE)
                self.lines.append(segments)
        if spec.goal is not None:
            self.goal = QLineSeries()
            self._add(self.goal)
        for segments in self.lines:
            for extra in segments[1:]:  # one legend entry per line, not per run
                for marker in self.chart.legend().markers(extra):
                    marker.setVisible(False)
        self.update(spec)
        self.apply(theme)

    def _add(self, series: QAbstractSeries) -> None:
        self.chart.addSeries(series)
        series.attachAxis(self.x_axis)
        series.attachAxis(self.y_axis)

    def fits(self, spec: Chart) -> bool:
        """Whether `spec` can be drawn by updating this chart in place."""
        return _shape(spec) == self.shape

    def update(self, spec: Chart) -> None:
        """Take the values, names and titles of a spec of the same shape."""
        self.spec = spec
        n = len(spec.categories)
        self.chart.setTitle(spec.title if self.titled else "")
        if self.x_axis.categories() != list(spec.categories):
            self.x_axis.setCategories(list(spec.categories))
        self.y_axis.setTitleText(f"{spec.y_label} ({spec.unit})" if spec.unit else spec.y_label)
        tops: list[float] = []
        if isinstance(spec, BarChart):
            for bar_set, series in zip(self.sets, spec.stacks, strict=True):
                bar_set.setLabel(series.name)
                for i, v in enumerate(series.values):
                    if bar_set.at(i) != (v or 0.0):
                        bar_set.replace(i, v or 0.0)
            tops += [sum(s.values[i] or 0.0 for s in spec.stacks) for i in range(n)]
            for scatter, series in zip(self.marks, spec.marks, strict=True):
                scatter.setName(series.name)
                scatter.replace([p for run in _runs(series.values) for p in run])
            low = 0.0
        else:
            for segments, series in zip(self.lines, spec.lines, strict=True):
                runs = _runs(series.values)
                segments[0].setName(series.name)
                for k, segment in enumerate(segments):
                    segment.replace(runs[k] if k < len(runs) else [])
            low = spec.y_min
        tops += [v for s in _series_of(spec) for v in s.values if v is not None]
        if spec.goal is not None and self.goal is not None:
            self.goal.setName(spec.goal.label)
            self.goal.replace([QPointF(-0.5, spec.goal.value), QPointF(n - 0.5, spec.goal.value)])
            tops.append(spec.goal.value)
        top = spec.y_max if spec.y_max is not None else max(tops, default=low) * _HEADROOM
        high, ticks, decimals = _nice_axis(low, top)
        # Each change lays the chart out again, so only what changed is set.
        if (self.y_axis.min(), self.y_axis.max()) != (low, high):
            self.y_axis.setRange(low, high)
        if self.y_axis.tickCount() != ticks:
            self.y_axis.setTickCount(ticks)
        if self.y_axis.labelFormat() != f"%.{decimals}f":
            self.y_axis.setLabelFormat(f"%.{decimals}f")

    def apply(self, theme: _Theme) -> None:
        """Colour everything for this theme."""
        self.chart.setBackgroundBrush(QBrush(theme.background))
        self.chart.setBackgroundPen(QPen(Qt.PenStyle.NoPen))
        self.chart.setTitleBrush(QBrush(theme.text))
        self.chart.legend().setLabelColor(theme.text)
        for axis in (self.x_axis, self.y_axis):
            axis.setLabelsColor(theme.text)
            axis.setTitleBrush(QBrush(theme.text))
            axis.setLinePenColor(theme.grid)
            axis.setGridLineColor(theme.grid)
        hues = iter(_HUE_ORDER)
        spec = self.spec

        def color_of(series: Series) -> QColor:
            return theme.hue(series.hue if series.hue is not None else next(hues))

        if isinstance(spec, BarChart):
            for bar_set, series in zip(self.sets, spec.stacks, strict=True):
                bar_set.setColor(color_of(series))
                bar_set.setBorderColor(theme.background)  # a thin gap between stacked parts
            for scatter, series in zip(self.marks, spec.marks, strict=True):
                scatter.setColor(color_of(series))
                scatter.setBorderColor(theme.background)
        else:
            for segments, series in zip(self.lines, spec.lines, strict=True):
                color = color_of(series)
                for segment in segments:
                    segment.setPen(QPen(color, _LINE_WIDTH))
                    segment.setColor(color)
        if self.goal is not None:
            self.goal.setPen(QPen(theme.text, _LINE_WIDTH, Qt.PenStyle.DashLine))

    def plotted(self) -> dict[str, tuple[float | None, ...]]:
        """The values the chart holds now, read back from QtCharts, by series name."""
        n = len(self.spec.categories)
        out: dict[str, tuple[float | None, ...]] = {}
        for bar_set in self.sets:
            out[bar_set.label()] = tuple(bar_set.at(i) for i in range(n))
        xy = [(s.name(), [s]) for s in self.marks] + [(seg[0].name(), seg) for seg in self.lines]
        for name, parts in xy:
            found: list[float | None] = [None] * n
            for part in parts:
                for p in part.points():
                    found[round(p.x())] = p.y()
            out[name] = tuple(found)
        if self.goal is not None:
            out[self.goal.name()] = tuple(p.y() for p in self.goal.points())
        return out


def render(chart: Chart, painter: QPainter, rect: QRectF, *, dark: bool = False) -> None:
    """Paint a chart, title included, into `rect` of any painter (image, PDF, printer).

    It needs a QApplication (QtCharts draws with graphics-view widgets) but no window: it works
    on the offscreen platform.
    """
    theme = _Theme.of(dark)
    drawing = _Drawing(chart, theme, QFont(), titled=True)
    scene = QGraphicsScene()
    scene.addItem(drawing.chart)
    source = QRectF(0, 0, rect.width(), rect.height())
    drawing.chart.setGeometry(source)
    scene.setSceneRect(source)
    painter.save()
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(rect, theme.background)  # the chart leaves a thin margin unpainted
        scene.render(painter, rect, source)
    finally:
        painter.restore()
        scene.removeItem(drawing.chart)


class ChartWidget(QWidget):
    """Shows one chart spec as a chart or, toggled by a button, as a read-only table.

    Owns the chart view, the table view and the drawing behind them; `set_chart` reuses the
    drawing when the new spec has the same shape (switching weeks does not rebuild anything).
    """

    def __init__(self, spec: Chart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setFont(look.title_font(self.font()))
        self.toggle = QPushButton("Show as table")
        self.toggle.setCheckable(True)
        self.toggle.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.toggle.toggled.connect(self._show_table)
        self.model = QStandardItemModel(self)
        self.table_view = QTableView()
        self.table_view.setModel(self.model)
        self.table_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table_view.verticalHeader().hide()
        self._drawing = _Drawing(spec, self._theme(), self.font(), titled=False)
        self.chart_view = QChartView(self._drawing.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # readers reach the description
        self.chart_view.setMinimumHeight(_MIN_CHART_HEIGHT)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.chart_view)
        self.stack.addWidget(self.table_view)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.toggle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.stack, 1)
        self.set_chart(spec)

    @property
    def spec(self) -> Chart:
        """The chart shown now."""
        return self._drawing.spec

    def set_chart(self, spec: Chart) -> None:
        """Show another chart: in place when its shape is the same, else on a new drawing."""
        if self._drawing.fits(spec):
            self._drawing.update(spec)
            self._drawing.apply(self._theme())  # hues follow the series
        else:
            self._drawing = _Drawing(spec, self._theme(), self.font(), titled=False)
            old = self.chart_view.chart()
            self.chart_view.setChart(self._drawing.chart)
            old.deleteLater()  # setChart leaves the old chart to its caller
        self.title.setText(spec.title)
        self.setAccessibleName(spec.title)
        self.chart_view.setAccessibleName(f"{spec.title}: chart")
        self.chart_view.setAccessibleDescription(describe(spec))
        self.table_view.setAccessibleName(f"{spec.title}: table")
        self.toggle.setAccessibleName(f"Show “{spec.title}” as a table")
        self._fill_table(spec)

    def plotted(self) -> dict[str, tuple[float | None, ...]]:
        """The values the chart draws now, read back from the chart library, by series name."""
        return self._drawing.plotted()

    def showing_table(self) -> bool:
        """Whether the table is shown instead of the chart."""
        return self.stack.currentWidget() is self.table_view

    def _show_table(self, on: bool) -> None:
        self.stack.setCurrentWidget(self.table_view if on else self.chart_view)
        if on:
            self.table_view.resizeColumnsToContents()

    def _fill_table(self, spec: Chart) -> None:
        # Items are reused and columns sized only while shown: rebuilding and measuring a
        # hidden table took half the time of switching weeks.
        headers, rows = table(spec)
        if (self.model.rowCount(), self.model.columnCount()) != (len(rows), len(headers)):
            self.model.clear()
            self.model.setRowCount(len(rows))
            self.model.setColumnCount(len(headers))
        self.model.setHorizontalHeaderLabels(headers)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = self.model.item(r, c)
                if item is None:
                    item = QStandardItem()
                    item.setEditable(False)
                    self.model.setItem(r, c, item)
                if item.text() != text:
                    item.setText(text)
        if self.showing_table():
            self.table_view.resizeColumnsToContents()

    def _theme(self) -> _Theme:
        # The palette decides: it is what the chart's background is painted from.
        return _Theme.of(look.is_dark(self.palette()), self.palette())

    def changeEvent(self, event: QEvent) -> None:
        """Recolour the chart when the palette changes (light to dark and back)."""
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._drawing.apply(self._theme())
        super().changeEvent(event)
