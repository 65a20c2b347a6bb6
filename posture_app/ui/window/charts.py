"""Charts: small library-neutral chart specs, their table view, a chart widget and a painter.

This is the one module that imports QtCharts (see docs/charts.md). The views describe what to
draw with the frozen specs below and never touch the charting library, so swapping it means
rewriting this module alone. Everything here is drawn without animations, with the legend at
the bottom, in the Okabe–Ito colours (light and dark variants). Each line's points have a shape
of their own (a ring, then a square, a diamond, a triangle), shown in the legend too, so points
that meet both show and nothing depends on colour alone. A line chart's value axis reaches a
little past its end ticks, so points there are drawn whole.
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
    QLegend,
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
    QFontMetrics,
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

from posture_app.core.text import minutes_text
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
#: The points of the first line are rings: a disc this wide with a hole this wide cut out of it,
#: in pixels (two discs: QtCharts centres a marker by its outline too, which would shift it).
#: The points of later lines are filled shapes that fit the hole, so where a second line meets
#: the first both points show: a square inside a ring.
_RING_SIZE = 12.0
_RING_HOLE = 7.0
_POINT_SHAPES = (
    (QScatterSeries.MarkerShape.MarkerShapeRectangle, 7.0),
    (QScatterSeries.MarkerShape.MarkerShapeRotatedRectangle, 9.0),
    (QScatterSeries.MarkerShape.MarkerShapeTriangle, 9.0),
)
#: A line chart's value axis reaches this share of a tick step past its lowest and highest
#: ticks, so a point on either is drawn whole, not cut in half by the plot's edge.
_LINE_PAD_STEPS = 0.25
#: QtCharts cuts category labels to "…" when the plot's width per category is less than the
#: widest label plus about this many pixels (measured with Qt 6.11: padding and text margins);
#: then the labels stand upright instead.
_LABEL_GAP = 14.0
#: The grid mixes this much of the text colour into the background.
_GRID_SHARE = 0.18
#: Space around a chart's plot, in pixels.
_CHART_MARGIN = 4
#: What a legend entry takes beside its text (its marker, margins and gap), and what the legend
#: keeps clear besides, in pixels: measured with Qt 6.11 as the narrowest chart whose legend
#: is not cut, rounded up.
_LEGEND_ENTRY_EXTRA = 24.0
_LEGEND_ENDS = 40.0
#: A drawn chart's legend may shrink to this share of the font, in steps of _LEGEND_STEP, for
#: its entries to fit whole (QtCharts would cut the longest to "Natural bre…").
_LEGEND_MIN_SHARE = 0.75
_LEGEND_STEP = 0.05
#: A chart widget is at least this tall, so its axes and legend stay readable (four charts and
#: the headline row fit the window's default size without scrolling).
_MIN_CHART_HEIGHT = 200


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


class Format(Enum):
    """How the table and the description say a chart's values."""

    #: Whole numbers bare, others to one decimal: "412", "3.5".
    NUMBER = auto()
    #: Always one decimal: "3.0" (averages of whole-number ratings).
    DECIMAL = auto()
    #: Values in hours, said as a duration: "6 h 44 min" (the axis counts hours).
    HOURS = auto()


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
    number_format: Format = Format.NUMBER
    #: Fitting the values, the axis still reaches this high: quiet weeks are drawn at the scale
    #: of the others, and flipping through weeks moves the bars, not the axis.
    y_at_least: float = 0.0

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
    number_format: Format = Format.NUMBER

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


def value_text(chart: Chart, value: float | None, missing: str = NO_VALUE) -> str:
    """One of the chart's values as its table shows it: "412", "3.0", "6 h 44 min"."""
    if value is None:
        return missing
    if chart.number_format is Format.HOURS:
        return minutes_text(value * 60)
    if chart.number_format is Format.DECIMAL:
        return f"{value:.1f}"
    return format_value(value)


def _says_unit(chart: Chart) -> bool:
    """Whether the unit goes after the values (a duration names its own units)."""
    return bool(chart.unit) and chart.number_format is not Format.HOURS


def table(chart: Chart) -> tuple[list[str], list[list[str]]]:
    """The chart as a data table: headers, then one row per category (for tests and readers)."""
    series = _series_of(chart)
    unit = f" ({chart.unit})" if _says_unit(chart) else ""
    headers = [chart.x_label, *(f"{s.name}{unit}" for s in series)]
    if chart.goal is not None:
        headers.append(f"{chart.goal.label}{unit}")
    rows = []
    for i, category in enumerate(chart.categories):
        row = [category, *(value_text(chart, s.values[i], s.missing) for s in series)]
        if chart.goal is not None:
            row.append(value_text(chart, chart.goal.value))
        rows.append(row)
    return headers, rows


def describe(chart: Chart) -> str:
    """The chart's values in words, e.g. "Sitting: Mon 6 h 52 min, Tue 6 h 20 min, …"."""
    unit = f" {chart.unit}" if _says_unit(chart) else ""
    parts = []
    for s in _series_of(chart):
        values = ", ".join(
            f"{c} {s.missing}" if v is None else f"{c} {value_text(chart, v)}{unit}"
            for c, v in zip(chart.categories, s.values, strict=True)
        )
        parts.append(f"{s.name}: {values}.")
    if chart.goal is not None:
        parts.append(f"{chart.goal.label}: {value_text(chart, chart.goal.value)}{unit}.")
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
            # The base colour (white in light palettes, as paper is): the series' contrast is
            # chosen against it. The window colour around it is greyer, and fainter hues fall
            # under 3:1 there.
            background = palette.color(QPalette.ColorRole.Base)
            text = palette.color(QPalette.ColorRole.Text)
            muted = _mix(text, background, look.MUTED_TEXT_SHARE)
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


@dataclass(frozen=True)
class _Axis:
    """A value axis: its range, where its ticks start and how far apart they are."""

    low: float
    high: float
    anchor: float
    step: float
    decimals: int


def _legend_names(spec: Chart) -> list[str]:
    """The legend's entries: one per series, and the goal."""
    names = [s.name for s in _series_of(spec)]
    return [*names, spec.goal.label] if spec.goal is not None else names


def _legend_width(spec: Chart, font: QFont) -> float:
    """The width the legend's entries take side by side, whole, in pixels."""
    metrics = QFontMetrics(font)
    names = _legend_names(spec)
    return sum(metrics.boundingRect(n).width() for n in names) + _LEGEND_ENTRY_EXTRA * len(names)


def legend_share(spec: Chart, font: QFont, width: float) -> float:
    """The share of `font`'s size at which a chart `width` pixels wide shows its legend whole.

    1 when it fits as it is; never below _LEGEND_MIN_SHARE (then QtCharts cuts what is left).
    """
    room = width - 2 * _CHART_MARGIN - _LEGEND_ENDS
    smaller = QFont(font)
    share = 1.0
    while _legend_width(spec, smaller) > room and share > _LEGEND_MIN_SHARE + 1e-9:
        share = round(share - _LEGEND_STEP, 2)
        smaller.setPointSizeF(font.pointSizeF() * share)
    return share


def _value_axis(spec: Chart) -> _Axis:
    """The value axis a spec is drawn on: round ticks, and room for whole points on a line."""
    tops: list[float] = [v for s in _series_of(spec) for v in s.values if v is not None]
    if isinstance(spec, BarChart):
        n = len(spec.categories)
        tops += [sum(s.values[i] or 0.0 for s in spec.stacks) for i in range(n)]
        low, pad = 0.0, 0.0  # bars stand on the axis
    else:
        low, pad = spec.y_min, _LINE_PAD_STEPS
    if spec.goal is not None:
        tops.append(spec.goal.value)
    if isinstance(spec, BarChart):
        tops.append(spec.y_at_least)
    top = spec.y_max if spec.y_max is not None else max(tops, default=low) * _HEADROOM
    high, ticks, decimals = _nice_axis(low, top)
    step = (high - low) / (ticks - 1)
    return _Axis(low - pad * step, high + pad * step, low, step, decimals)


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
        # The background reaches the chart's edges, in line with its title above it.
        self.chart.layout().setContentsMargins(0, 0, 0, 0)
        self.chart.setFont(font)
        self.chart.setTitleFont(look.title_font(font))
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart.legend().setFont(font)
        self.x_axis = QBarCategoryAxis()
        self.y_axis = QValueAxis()
        self.y_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        for axis in (self.x_axis, self.y_axis):
            axis.setLabelsFont(font)
            axis.setTitleFont(font)
        self.chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        self.bars: QStackedBarSeries | None = None
        self.sets: list[QBarSet] = []
        self.marks: list[QScatterSeries] = []
        self.lines: list[list[QLineSeries]] = []
        #: Each line's points, drawn over all the lines; the holes of the first line's rings.
        self.points: list[QScatterSeries] = []
        self.holes: QScatterSeries | None = None
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
                self.lines.append(segments)
            for i, _ in enumerate(spec.lines):
                points = QScatterSeries()
                self._add(points)
                if i == 0:
                    points.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeCircle)
                    points.setMarkerSize(_RING_SIZE)
                    self.holes = QScatterSeries()
                    self._add(self.holes)
                    self.holes.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeCircle)
                    self.holes.setMarkerSize(_RING_HOLE)
                else:
                    shape, size = _POINT_SHAPES[(i - 1) % len(_POINT_SHAPES)]
                    points.setMarkerShape(shape)
                    points.setMarkerSize(size)
                self.points.append(points)
        if spec.goal is not None:
            self.goal = QLineSeries()
            self._add(self.goal)
        legend = self.chart.legend()
        hidden: list[QAbstractSeries] = [seg for segments in self.lines for seg in segments]
        if self.holes is not None:
            hidden.append(self.holes)
        for series in hidden:  # a line's points stand for it in the legend
            for marker in legend.markers(series):
                marker.setVisible(False)
        # Points and marks show their shape in the legend, the goal a stroke; bars keep squares.
        shaped: list[QAbstractSeries] = [*self.marks, *self.points]
        if self.goal is not None:
            shaped.append(self.goal)
        for series in shaped:
            for marker in legend.markers(series):
                marker.setShape(QLegend.MarkerShape.MarkerShapeFromSeries)
        self._label_width = 0.0
        self.chart.plotAreaChanged.connect(self._fit_labels)
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
            metrics = QFontMetrics(self.x_axis.labelsFont())
            self._label_width = max(metrics.boundingRect(c).width() for c in spec.categories)
            self._fit_labels()
        self.y_axis.setTitleText(f"{spec.y_label} ({spec.unit})" if spec.unit else spec.y_label)
        if isinstance(spec, BarChart):
            for bar_set, series in zip(self.sets, spec.stacks, strict=True):
                bar_set.setLabel(series.name)
                for i, v in enumerate(series.values):
                    if bar_set.at(i) != (v or 0.0):
                        bar_set.replace(i, v or 0.0)
            for scatter, series in zip(self.marks, spec.marks, strict=True):
                scatter.setName(series.name)
                scatter.replace([p for run in _runs(series.values) for p in run])
        else:
            for segments, points, series in zip(self.lines, self.points, spec.lines, strict=True):
                runs = _runs(series.values)
                segments[0].setName(series.name)
                points.setName(series.name)
                for k, segment in enumerate(segments):
                    segment.replace(runs[k] if k < len(runs) else [])
                points.replace([p for run in runs for p in run])
                if points is self.points[0] and self.holes is not None:
                    self.holes.replace(points.points())
        if spec.goal is not None and self.goal is not None:
            self.goal.setName(spec.goal.label)
            self.goal.replace([QPointF(-0.5, spec.goal.value), QPointF(n - 0.5, spec.goal.value)])
        axis = _value_axis(spec)
        # Each change lays the chart out again, so only what changed is set.
        if (self.y_axis.min(), self.y_axis.max()) != (axis.low, axis.high):
            self.y_axis.setRange(axis.low, axis.high)
        if self.y_axis.tickAnchor() != axis.anchor:
            self.y_axis.setTickAnchor(axis.anchor)
        if self.y_axis.tickInterval() != axis.step:
            self.y_axis.setTickInterval(axis.step)
        if self.y_axis.labelFormat() != f"%.{axis.decimals}f":
            self.y_axis.setLabelFormat(f"%.{axis.decimals}f")

    def fit_legend(self, width: float) -> None:
        """Make the legend's font smaller, within limits, until its entries fit `width`."""
        base = self.chart.font()
        font = QFont(base)
        font.setPointSizeF(base.pointSizeF() * legend_share(self.spec, base, width))
        if self.chart.legend().font() != font:
            self.chart.legend().setFont(font)

    def _fit_labels(self) -> None:
        """Stand the category labels upright when they do not fit side by side (many weeks)."""
        room = self.chart.plotArea().width() / max(len(self.spec.categories), 1)
        angle = 0 if room <= 0 or self._label_width + _LABEL_GAP <= room else -90
        if self.x_axis.labelsAngle() != angle:
            self.x_axis.setLabelsAngle(angle)

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
            lines = zip(self.lines, self.points, spec.lines, strict=True)
            for i, (segments, points, series) in enumerate(lines):
                color = color_of(series)
                for segment in segments:
                    segment.setPen(QPen(color, _LINE_WIDTH))
                    segment.setColor(color)
                points.setColor(color)
                points.setPen(QPen(Qt.PenStyle.NoPen))
                if i == 0 and self.holes is not None:  # a ring, in the legend too
                    self.holes.setColor(theme.background)
                    self.holes.setPen(QPen(Qt.PenStyle.NoPen))
                    ring = (_RING_SIZE - _RING_HOLE) / 2
                    for marker in self.chart.legend().markers(points):
                        marker.setShape(QLegend.MarkerShape.MarkerShapeCircle)
                        marker.setBrush(QBrush(theme.background))
                        marker.setPen(QPen(color, ring))
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
    drawing.fit_legend(rect.width())
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
    The table (`model`, `table_view`) is made when first asked for, and filled only when it is
    shown or read: most people never open it, so the window no longer makes four tables at
    start and refills them at every week switch. The chart's accessible description carries
    the same numbers for screen readers.
    """

    def __init__(self, spec: Chart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setFont(look.title_font(self.font()))
        self.toggle = QPushButton("Show as table")
        self.toggle.setCheckable(True)
        self.toggle.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.toggle.toggled.connect(self._show_table)
        self._model: QStandardItemModel | None = None
        self._table_view: QTableView | None = None
        self._table_spec: Chart | None = None  # the spec the model holds
        self._drawing = _Drawing(spec, self._theme(), self.font(), titled=False)
        self.chart_view = QChartView(self._drawing.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # readers reach the description
        self.chart_view.setMinimumHeight(_MIN_CHART_HEIGHT)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.chart_view)
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

    @property
    def model(self) -> QStandardItemModel:
        """The chart's numbers as a read-only table (made and brought up to date on demand)."""
        if self._model is None:
            self._model = QStandardItemModel(self)
        if self._table_spec is not self.spec:
            self._fill_table(self._model, self.spec)
        return self._model

    @property
    def table_view(self) -> QTableView:
        """The table shown instead of the chart (made when first asked for)."""
        if self._table_view is None:
            view = QTableView()
            view.setModel(self.model)
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            view.verticalHeader().hide()
            view.setAccessibleName(f"{self.spec.title}: table")
            self.stack.addWidget(view)
            self._table_view = view
        return self._table_view

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
        self._name_toggle()
        if self._table_view is not None:
            self._table_view.setAccessibleName(f"{spec.title}: table")
        if self._model is not None and self.showing_table():
            self._fill_table(self._model, spec)  # else when next shown or read

    def plotted(self) -> dict[str, tuple[float | None, ...]]:
        """The values the chart draws now, read back from the chart library, by series name."""
        return self._drawing.plotted()

    def labels_upright(self) -> bool:
        """Whether the category labels stand upright (too many to fit side by side)."""
        return self._drawing.x_axis.labelsAngle() != 0

    def showing_table(self) -> bool:
        """Whether the table is shown instead of the chart."""
        return self._table_view is not None and self.stack.currentWidget() is self._table_view

    def _show_table(self, on: bool) -> None:
        self.stack.setCurrentWidget(self.table_view if on else self.chart_view)
        if on:
            _ = self.model  # brings the table up to date with the chart
            self.table_view.resizeColumnsToContents()
        self._name_toggle()

    def _name_toggle(self) -> None:
        """The button says what pressing it shows."""
        shown = "chart" if self.showing_table() else "table"
        self.toggle.setText(f"Show as {shown}")
        self.toggle.setAccessibleName(f"Show “{self.spec.title}” as a {shown}")

    def _fill_table(self, model: QStandardItemModel, spec: Chart) -> None:
        # Items are reused and columns sized only while shown.
        headers, rows = table(spec)
        if (model.rowCount(), model.columnCount()) != (len(rows), len(headers)):
            model.clear()
            model.setRowCount(len(rows))
            model.setColumnCount(len(headers))
        model.setHorizontalHeaderLabels(headers)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = model.item(r, c)
                if item is None:
                    item = QStandardItem()
                    item.setEditable(False)
                    model.setItem(r, c, item)
                if item.text() != text:
                    item.setText(text)
        self._table_spec = spec
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
