"""Reports as files: the week's charts as a PNG, and a printable PDF for a doctor or physio.

Both are drawn in memory and written in one atomic step (write_private), so a failure never
leaves half a file behind, and an old file stays as it was. They need a QApplication (the charts
are drawn with graphics-view widgets) but no window: one is created if there is none, and the
offscreen platform will do.

The PDF is one QTextDocument laid out on A4 pages: text and tables are HTML, and each chart is
an inline object (ChartObject) that charts.render paints as vectors wherever the page layout
puts it, so long tables flow onto further pages and a chart is never cut in two.
"""

from __future__ import annotations

import html
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRect, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPalette,
    QPdfWriter,
    QPyTextObject,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextOption,
)
from PySide6.QtWidgets import QApplication

from posture_app import __version__
from posture_app.core.content import SAFETY_NOTE, SafetyNote
from posture_app.core.errors import KnownError
from posture_app.core.files import write_private
from posture_app.core.model import STIFFNESS_MAX, StiffnessRating
from posture_app.core.settings import Settings
from posture_app.core.stats import (
    IsoWeek,
    WeekSummary,
    fetch_range,
    totals_of,
    week_summary,
    weekly_series,
)
from posture_app.core.store import Store
from posture_app.core.text import MONTHS, minutes_text
from posture_app.ui import look
from posture_app.ui.prompts import AREA_LABELS, safety_note_html
from posture_app.ui.window.charts import Chart, render
from posture_app.ui.window.trends_view import trend_charts, week_label
from posture_app.ui.window.week_view import (
    DAY_NAMES,
    HEADLINES,
    NOT_RATED,
    WeekGoals,
    change_text,
    headline_values,
    week_charts,
)

log = logging.getLogger(__name__)

#: Weeks in the printable report unless the caller asks for another number.
REPORT_WEEKS = 4
#: What the report says where a number has no data behind it.
NO_DATA = "–"
#: The heading of the safety note at the end of the printable report.
SAFETY_HEADING = "When to see a doctor"

# --- PNG --------------------------------------------------------------------------------------

#: The PNG's size in pixels (4:3, sharp on a laptop screen and in a message).
PNG_SIZE = (1600, 1200)
#: The PNG is drawn as if this many pixels made an inch (and says so in its header), so point
#: sizes come out about 16-18 px tall: readable when the image is shown scaled down.
PNG_DPI = 160
#: Space around the PNG's content and between its charts, in pixels.
PNG_MARGIN_PX = 48
PNG_GAP_PX = 24
#: Background and text of the PNG: the paper colours charts.render paints on, so the title,
#: the numbers and the charts share one background.
PNG_PAPER = {False: ("#FFFFFF", "#202020"), True: ("#202124", "#E8EAED")}
#: Title and headline fonts, in points (at PNG_DPI).
PNG_TITLE_PT = 20.0
PNG_VALUE_PT = 14.0
PNG_LABEL_PT = 9.0

# --- PDF --------------------------------------------------------------------------------------

#: Dots per inch of the PDF's coordinate system (text and charts are vectors at any size).
PDF_DPI = 300
#: Page margins in millimetres: left, top, right, bottom.
PDF_MARGINS_MM = (18.0, 15.0, 18.0, 12.0)
#: The footer (title and page number) takes this much of each page's bottom, in millimetres.
PDF_FOOTER_MM = 8.0
#: Title, heading, body, table and footer text sizes, in points.
PDF_TITLE_PT = 16.0
PDF_HEADING_PT = 13.0
PDF_BODY_PT = 10.0
PDF_TABLE_PT = 9.0
PDF_FOOTER_PT = 8.0
#: Space above a heading (half of it below), in CSS pixels (the layout scales them to paper).
PDF_HEADING_SPACE_PX = 14.0
#: A chart in the PDF is this many times as tall as it is wide.
PDF_CHART_ASPECT = 0.68
#: Space kept clear around each chart in the PDF, in millimetres (charts sit two to a row).
PDF_CHART_PAD_MM = 2.0
#: Chart text is drawn at this share of its point size: four charts must fit on half a page.
PDF_CHART_TEXT_SHARE = 0.75
#: Footer and secondary text on paper.
PDF_MUTED = "#5F6368"
#: Table headers, and every other row lighter still, so rows stay easy to follow across.
PDF_HEADER_SHADE = "#DDE1E5"
PDF_SHADE = "#F1F3F4"
#: Space inside table cells, in CSS pixels: the summary's columns of figures need more to
#: stay apart than the list of ratings does.
PDF_CELL_PADDING = 3
PDF_SUMMARY_PADDING = 5
MM_PER_INCH = 25.4
#: Where the report's own properties live on a chart object's character format.
_CHART_INDEX = int(QTextFormat.Property.UserProperty.value) + 1
_CHART_WIDTH = _CHART_INDEX + 1
_CHART_HEIGHT = _CHART_INDEX + 2
_CHART_OBJECT = int(QTextFormat.ObjectTypes.UserObject.value) + 1
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}}) ({'|'.join(MONTHS)})\b")
#: Qt's screen resolution when there is no screen to ask.
_DEFAULT_SCREEN_DPI = 96.0
#: Positions in the laid-out document are this close to exact, in device units.
_LAYOUT_SLACK = 1.0
#: A run this long without a space gets a break opportunity (a long web address in a note).
_LONG_WORD = re.compile(r"\S{30}")


class ReportError(KnownError):
    """A report file that cannot be written; the message is one line naming the problem."""


# --- text -------------------------------------------------------------------------------------


def day_month(day: date, *, year: bool = True) -> str:
    """A date as "23 November 2026" (English month names, whatever the system locale)."""
    text = f"{day.day} {MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if year else text


def week_span(first: date, last: date) -> str:
    """A week's days compactly: "23–29 November 2026", "30 November – 6 December 2026"."""
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {MONTHS[last.month - 1]} {last.year}"
    return f"{day_month(first, year=first.year != last.year)} – {day_month(last)}"


def period_text(first: date, last: date) -> str:
    """A report's whole period, the month said once when it is one: "2–29 November 2026",
    "26 October – 22 November 2026" (as the app window writes dates)."""
    return week_span(first, last)


def short_span(first: date, last: date) -> str:
    """A week's days in a table cell: "2–8 Nov", "30 Nov – 6 Dec"."""
    if first.month == last.month:
        return f"{first.day}–{last.day} {MONTHS[last.month - 1][:3]}"
    return f"{first.day} {MONTHS[first.month - 1][:3]} – {last.day} {MONTHS[last.month - 1][:3]}"


def png_title(summary: WeekSummary) -> str:
    """The PNG's title line: "Your week: 23–29 November 2026"."""
    return f"Your week: {week_span(summary.days[0].date, summary.days[-1].date)}"


def pdf_title(first: date, last: date, weeks: int) -> str:
    """The PDF's title: "Back stiffness and sitting: 4 weeks, 2–29 November 2026"."""
    unit = "week" if weeks == 1 else "weeks"
    return f"Back stiffness and sitting: {weeks} {unit}, {period_text(first, last)}"


def headlines(summary: WeekSummary) -> list[tuple[str, str, str]]:
    """The week's headline numbers as (name, value, change against the week before)."""
    values = headline_values(summary.totals)
    changes = summary.change()
    out = []
    for key, name in HEADLINES:
        has_value = values[key] not in (NO_DATA, NOT_RATED)
        out.append((name, values[key], change_text(key, changes[key], has_value=has_value)))
    return out


# --- files ------------------------------------------------------------------------------------


def check_target(path: Path) -> Path:
    """The file to write, or ReportError naming why it cannot be written (nothing is created)."""
    path = path.expanduser()
    if path.is_dir():
        raise ReportError(f"{path} is a folder; name a file to write")
    parent = path.parent
    if not parent.is_dir():
        raise ReportError(f"{parent}: no such folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ReportError(f"{parent}: cannot write there (permission denied)")
    if path.exists() and not os.access(path, os.W_OK):
        raise ReportError(f"{path}: cannot replace it (permission denied)")
    return path


def _save(path: Path, data: bytes) -> None:
    """Write the finished bytes atomically; any failure is a ReportError and leaves no file."""
    try:
        write_private(path, data)
    except OSError as exc:
        raise ReportError(f"{path}: cannot write it ({exc.strerror or exc})") from None


def _application() -> QApplication:
    """The running QApplication, or a new one (charts need widgets, not a window)."""
    app = QApplication.instance()
    if app is None:
        return QApplication([])
    if not isinstance(app, QApplication):
        raise RuntimeError("reports need a QApplication: the charts are drawn with widgets")
    return app


def _chart_scale(device_dpi: float, share: float = 1.0) -> float:
    """How much to scale a chart laid out in screen pixels so its text comes out at `share`
    of its point size on a device of `device_dpi` (whatever the screen's resolution)."""
    screen = QGuiApplication.primaryScreen()
    screen_dpi = screen.logicalDotsPerInchY() if screen is not None else _DEFAULT_SCREEN_DPI
    return device_dpi / screen_dpi * share


def _render_scaled(chart: Chart, painter: QPainter, rect: QRectF, scale: float, dark: bool) -> None:
    """Paint a chart into `rect` with its text and lines `scale` times their screen size."""
    painter.save()
    try:
        painter.translate(rect.topLeft())
        painter.scale(scale, scale)
        render(chart, painter, QRectF(0, 0, rect.width() / scale, rect.height() / scale), dark=dark)
    finally:
        painter.restore()


# --- PNG --------------------------------------------------------------------------------------


def write_png(
    store: Store, settings: Settings, week: IsoWeek, path: Path, *, dark: bool = False
) -> None:
    """Save the week's four charts, its title and headline numbers as a PNG, atomically."""
    path = check_target(path)
    summary = week_summary(store, week)
    _save(path, png_bytes(summary, WeekGoals.from_settings(settings), dark=dark))
    log.info("Saved the charts of week %s to %s", week, path)


def png_bytes(summary: WeekSummary, goals: WeekGoals, *, dark: bool = False) -> bytes:
    """The week's picture, encoded as PNG."""
    image = png_image(summary, goals, dark=dark)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # The stubs ask for bytes, but PySide takes the format as str.
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]
        raise ReportError("could not encode the picture as PNG")
    buffer.close()
    return bytes(data.data())


def png_image(summary: WeekSummary, goals: WeekGoals, *, dark: bool = False) -> QImage:
    """The week on one image: title, headline numbers, and the four charts in a 2x2 grid."""
    _application()
    width, height = PNG_SIZE
    background, text = (QColor(c) for c in PNG_PAPER[dark])
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, background)
    palette.setColor(QPalette.ColorRole.WindowText, text)
    muted = look.muted_color(palette)
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    dots_per_metre = round(PNG_DPI / MM_PER_INCH * 1000)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(background)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        left, inner = PNG_MARGIN_PX, width - 2 * PNG_MARGIN_PX
        y = float(PNG_MARGIN_PX)
        y += _draw_line(painter, png_title(summary), left, y, inner, PNG_TITLE_PT, text, bold=True)
        y += PNG_GAP_PX
        if summary.totals.days_with_data:
            column = inner / len(HEADLINES)
            row_height = 0.0
            for i, (name, value, change) in enumerate(headlines(summary)):
                x = left + i * column
                dy = _draw_line(painter, name, x, y, column, PNG_LABEL_PT, muted)
                dy += _draw_line(painter, value, x, y + dy, column, PNG_VALUE_PT, text, bold=True)
                dy += _draw_line(painter, change, x, y + dy, column, PNG_LABEL_PT, muted)
                row_height = max(row_height, dy)
            y += row_height + PNG_GAP_PX
        else:
            note = f"Nothing recorded in week {summary.week.week}."
            y += _draw_line(painter, note, left, y, inner, PNG_VALUE_PT, muted) + PNG_GAP_PX
        charts = week_charts(summary, goals)
        cell_w = (inner - PNG_GAP_PX) / 2
        cell_h = (height - PNG_MARGIN_PX - y - PNG_GAP_PX) / 2
        scale = _chart_scale(PNG_DPI)
        for i, chart in enumerate(charts):
            x = left + (i % 2) * (cell_w + PNG_GAP_PX)
            top = y + (i // 2) * (cell_h + PNG_GAP_PX)
            _render_scaled(chart, painter, QRectF(x, top, cell_w, cell_h), scale, dark)
    finally:
        painter.end()
    return image


def _draw_line(
    painter: QPainter,
    text: str,
    x: float,
    y: float,
    width: float,
    points: float,
    color: QColor,
    *,
    bold: bool = False,
) -> float:
    """Draw one line of text (elided to fit) at (x, y); return the height it took."""
    font = QFont(QGuiApplication.font())
    font.setPointSizeF(points)
    font.setBold(bold)
    painter.setFont(font)
    painter.setPen(color)
    metrics = painter.fontMetrics()
    shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(width))
    painter.drawText(QRectF(x, y, width, metrics.height()), Qt.AlignmentFlag.AlignLeft, shown)
    return float(metrics.height())


# --- PDF --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportContent:
    """Everything the printable report shows, read from the store once."""

    title: str
    first: date
    last: date
    generated: date
    series: tuple[WeekSummary, ...]
    goals: WeekGoals
    ratings: tuple[StiffnessRating, ...]
    safety: SafetyNote = SAFETY_NOTE

    @property
    def last_week(self) -> WeekSummary:
        """The newest week (shown in detail)."""
        return self.series[-1]

    @property
    def has_data(self) -> bool:
        """Whether anything at all was recorded in the period."""
        return any(s.totals.days_with_data for s in self.series)


def report_content(
    store: Store,
    settings: Settings,
    last_week: IsoWeek,
    *,
    weeks: int = REPORT_WEEKS,
    generated: date | None = None,
) -> ReportContent:
    """Read what the report of `weeks` weeks ending with `last_week` shows."""
    if weeks < 1:
        raise ValueError(f"a report covers at least one week (got {weeks})")
    series = tuple(weekly_series(store, last_week, weeks))
    first, last = series[0].days[0].date, series[-1].days[-1].date
    in_period = (r for r in store.stiffness_between(*fetch_range(first, last)))
    ratings = sorted((r for r in in_period if first <= r.at.date() <= last), key=lambda r: r.at)
    return ReportContent(
        title=pdf_title(first, last, weeks),
        first=first,
        last=last,
        generated=generated or date.today(),
        series=series,
        goals=WeekGoals.from_settings(settings),
        ratings=tuple(ratings),
    )


def write_pdf(
    store: Store,
    settings: Settings,
    last_week: IsoWeek,
    path: Path,
    *,
    weeks: int = REPORT_WEEKS,
    dark: bool = False,
    generated: date | None = None,
) -> None:
    """Save a printable A4 report of `weeks` weeks ending with `last_week`, atomically.

    For a doctor or physiotherapist: a summary per week, trend and week charts, every
    stiffness rating with its note, and the safety note. Paper is always light, so `dark`
    is accepted (like write_png's) and ignored. `generated` is the date printed on it
    (default: today).
    """
    del dark  # print is light
    path = check_target(path)
    content = report_content(store, settings, last_week, weeks=weeks, generated=generated)
    _save(path, PrintedReport(content).pdf())
    log.info("Saved a report of %s weeks ending %s to %s", weeks, last_week, path)


class ChartObject(QPyTextObject):
    """Draws the report's charts where the text layout puts their object characters.

    Owns the list of charts; a chart object's format says which chart, and how large.
    """

    def __init__(self, charts: Sequence[Chart], scale: float, pad: float) -> None:
        super().__init__()
        self.charts = list(charts)
        self.scale = scale
        self.pad = pad

    def intrinsicSize(self, doc: QTextDocument, pos_in_document: int, fmt: QTextFormat) -> QSizeF:
        """The size the chart's format asks for."""
        return QSizeF(fmt.property(_CHART_WIDTH), fmt.property(_CHART_HEIGHT))

    def drawObject(
        self,
        painter: QPainter,
        rect: QRectF | QRect,
        doc: QTextDocument,
        pos_in_document: int,
        fmt: QTextFormat,
    ) -> None:
        """Paint the chart as vectors, inside a little clear space."""
        chart = self.charts[fmt.property(_CHART_INDEX)]
        inner = QRectF(rect).adjusted(self.pad, self.pad, -self.pad, -self.pad)
        _render_scaled(chart, painter, inner, self.scale, False)


class PrintedReport:
    """The report laid out on A4: owns the PDF writer, its in-memory buffer and the document.

    Build it, read `page_count` and `text()`, then call `pdf()` once to paint every page.
    """

    def __init__(self, content: ReportContent) -> None:
        _application()
        self.content = content
        self._data = QByteArray()
        self._buffer = QBuffer(self._data)
        self._buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.writer = QPdfWriter(self._buffer)
        self.writer.setResolution(PDF_DPI)
        left, top, right, bottom = PDF_MARGINS_MM
        self.writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Portrait,
                QMarginsF(left, top, right, bottom),
                QPageLayout.Unit.Millimeter,
            )
        )
        self.writer.setTitle(content.title)
        self.writer.setCreator(f"posture-app {__version__}")
        self.width = float(self.writer.width())
        self.footer = _mm(PDF_FOOTER_MM)
        self.page_height = float(self.writer.height()) - self.footer
        self.font = QFont(QGuiApplication.font())
        self.font.setPointSizeF(PDF_BODY_PT)
        self.doc = QTextDocument()
        self.doc.setDefaultFont(self.font)
        self.doc.documentLayout().setPaintDevice(self.writer)
        self.doc.setDocumentMargin(0)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)  # long words in notes: _breakable
        self.doc.setDefaultTextOption(option)
        self.doc.setPageSize(QSizeF(self.width, self.page_height))
        self._charts = ChartObject(
            [], _chart_scale(PDF_DPI, PDF_CHART_TEXT_SHARE), _mm(PDF_CHART_PAD_MM)
        )
        self.doc.documentLayout().registerHandler(_CHART_OBJECT, self._charts)
        self._build()
        self._done = False

    @property
    def page_count(self) -> int:
        """Pages the report takes."""
        return self.doc.pageCount()

    @property
    def charts(self) -> list[Chart]:
        """The charts in the report, in the order they appear."""
        return list(self._charts.charts)

    def text(self) -> str:
        """The report's text (charts are object characters), for tests and readers."""
        return self.doc.toPlainText()

    def page_of(self, text: str) -> int:
        """The page (from 1) where `text` first appears; 0 if it does not."""
        found = self.doc.find(text)
        if found.isNull():
            return 0
        top = self.doc.documentLayout().blockBoundingRect(found.block()).top()
        # The layout rounds to 1/64 of a unit: a block moved to a new page may start a hair
        # above the page's top edge.
        return int((top + _LAYOUT_SLACK) // self.page_height) + 1

    def footer_text(self, page: int) -> tuple[str, str]:
        """A page's footer: the title on the left, "Page 2 of 3" on the right."""
        return self.content.title, f"Page {page} of {self.page_count}"

    def pdf(self) -> bytes:
        """Paint every page and return the finished PDF (once)."""
        if self._done:
            raise RuntimeError("the report was already painted")
        self._done = True
        painter = QPainter()
        if not painter.begin(self.writer):
            raise ReportError("could not start the PDF")
        try:
            footer_font = QFont(self.font)
            footer_font.setPointSizeF(PDF_FOOTER_PT)
            pages = self.page_count
            for page in range(pages):
                if page and not self.writer.newPage():
                    raise ReportError("could not start a new page of the PDF")
                painter.save()
                try:
                    painter.translate(0, -page * self.page_height)
                    self.doc.drawContents(
                        painter, QRectF(0, page * self.page_height, self.width, self.page_height)
                    )
                finally:
                    painter.restore()
                left, right = self.footer_text(page + 1)
                painter.setFont(footer_font)
                painter.setPen(QColor(PDF_MUTED))
                box = QRectF(0, self.page_height, self.width, self.footer)
                bottom = Qt.AlignmentFlag.AlignBottom
                painter.drawText(box, bottom | Qt.AlignmentFlag.AlignLeft, left)
                painter.drawText(box, bottom | Qt.AlignmentFlag.AlignRight, right)
        finally:
            painter.end()
        self._buffer.close()
        return bytes(self._data.data())

    # --- building the document ----------------------------------------------------------------

    # Each step starts with the cursor in an empty block and leaves it in a new empty one.

    def _build(self) -> None:
        c = self.content
        cursor = QTextCursor(self.doc)
        cursor.insertHtml(
            f"<h1 style='font-size:{PDF_TITLE_PT:g}pt'>{_unbroken_dates(_esc(c.title))}</h1>"
            f"<p style='color:{PDF_MUTED}'>Made with posture-app {__version__} on "
            f"{day_month(c.generated)}. Stiffness is rated from 0 (none) to {STIFFNESS_MAX} "
            "(worst imaginable): <i>mornings</i> are the first rating before noon, "
            "<i>evenings</i> the last from noon on. Sitting is time at the computer as the "
            "app measured it; breaks done are posture checks, stretches, movement breaks and "
            "eye rests marked done.</p>"
        )
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        self._heading(cursor, "Summary by week")
        self._html(cursor, self._summary_table())
        self._paragraph(cursor, self._summary_sentence())
        if c.has_data:
            self._heading(cursor, "Week by week")
            self._chart_grid(cursor, trend_charts(list(c.series), c.goals))
        last = c.last_week
        self._heading(
            cursor,
            f"Week {last.week.week}: {week_span(last.days[0].date, last.days[-1].date)}",
            new_page=c.has_data,  # its charts, on a page of their own with the ratings after
        )
        if last.totals.days_with_data:
            self._html(cursor, self._headline_table(last))
            self._chart_grid(cursor, week_charts(last, c.goals))
        else:
            self._paragraph(cursor, "Nothing was recorded in this week.")
        self._heading(cursor, f"Every stiffness rating ({len(c.ratings)})")
        if c.ratings:
            self._html(cursor, self._ratings_table())
        else:
            self._paragraph(cursor, "No stiffness ratings were logged in these weeks.")
        safety = self._heading(cursor, SAFETY_HEADING)
        self._html(cursor, _safety_html(c.safety))
        cursor.deletePreviousChar()  # the empty block left for a next step that never comes
        self._keep_together(safety)

    def _heading(self, cursor: QTextCursor, text: str, *, new_page: bool = False) -> int:
        """A section heading; returns its block number."""
        block = QTextBlockFormat()
        block.setTopMargin(PDF_HEADING_SPACE_PX)
        block.setBottomMargin(PDF_HEADING_SPACE_PX / 2)
        if new_page:
            block.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        char = QTextCharFormat()
        char.setFontPointSize(PDF_HEADING_PT)
        char.setFontWeight(QFont.Weight.Bold)
        cursor.setBlockFormat(block)
        cursor.setBlockCharFormat(char)
        cursor.insertText(text, char)
        number = cursor.blockNumber()
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        return number

    def _paragraph(self, cursor: QTextCursor, text: str) -> None:
        block = QTextBlockFormat()
        block.setTopMargin(PDF_HEADING_SPACE_PX / 2)
        cursor.setBlockFormat(block)
        cursor.insertText(text, QTextCharFormat())
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())

    def _html(self, cursor: QTextCursor, markup: str) -> None:
        cursor.insertHtml(markup)
        before = QTextCursor(cursor)
        before.movePosition(QTextCursor.MoveOperation.PreviousCharacter)
        table = before.currentTable()
        if table is not None:
            # A table leaves the cursor in an empty block after it; the layout ignores that
            # block's top margin, so the space below the table goes on the table itself.
            fmt = table.format()
            fmt.setBottomMargin(PDF_HEADING_SPACE_PX)
            table.setFormat(fmt)
        elif cursor.block().length() > 1:
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())

    def _chart_grid(self, cursor: QTextCursor, charts: Sequence[Chart]) -> None:
        """Charts two to a row, each an object character the layout keeps whole on a page."""
        # A hair under half the width, so two always share a line.
        width = self.width / 2 - 1
        height = width * PDF_CHART_ASPECT
        for i, chart in enumerate(charts):
            if i and i % 2 == 0:
                cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
            fmt = QTextCharFormat()
            fmt.setObjectType(_CHART_OBJECT)
            fmt.setProperty(_CHART_INDEX, len(self._charts.charts))
            fmt.setProperty(_CHART_WIDTH, width)
            fmt.setProperty(_CHART_HEIGHT, height)
            self._charts.charts.append(chart)
            cursor.insertText("\ufffc", fmt)
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())

    def _keep_together(self, first_block: int) -> None:
        """Start a new page at `first_block` if what follows it would be split, but fits a page."""
        layout = self.doc.documentLayout()
        start = self.doc.findBlockByNumber(first_block)
        top = layout.blockBoundingRect(start).top()
        bottom = layout.blockBoundingRect(self.doc.lastBlock()).bottom()
        split = int(top // self.page_height) != int((bottom - 1) // self.page_height)
        if split and bottom - top <= self.page_height:
            fmt = start.blockFormat()
            fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
            QTextCursor(start).setBlockFormat(fmt)

    def _summary_table(self) -> str:
        c = self.content
        counts = {s.week: 0 for s in c.series}
        for r in c.ratings:
            week = IsoWeek.of(r.at.date())
            counts[week] = counts.get(week, 0) + 1
        header = [
            "Week",
            "Days recorded",
            "Sitting a day",
            "Longest sitting",
            "Breaks done",
            "Water a day",
            "Stiffness, mornings",
            "Stiffness, evenings",
            "Ratings",
        ]
        rows: list[list[object]] = []
        for s in c.series:
            first, last = s.days[0].date, s.days[-1].date
            name = _Html(f"{_esc(week_label(s))}<br>{_unbroken(short_span(first, last))}")
            rows.append([name, *_week_cells(s), counts[s.week]])
        days = [d for s in c.series for d in s.days]
        whole = WeekSummary(c.last_week.week, tuple(days), totals_of(days))
        total = _unbroken(f"All {len(c.series)} weeks")
        rows.append([total, *_week_cells(whole), len(c.ratings)])
        return _table(
            header,
            rows,
            widths=(14, 9, 12, 12, 9, 11, 12, 12, 9),
            total_row=True,
            padding=PDF_SUMMARY_PADDING,
        )

    def _summary_sentence(self) -> str:
        c = self.content
        whole = totals_of([d for s in c.series for d in s.days])
        if whole.days_with_data == 0:
            return "Nothing was recorded in these weeks."
        values = headline_values(whole)
        return (
            f"Over these {len(c.series)} weeks, something was recorded on "
            f"{whole.days_with_data} days. On those days: sitting "
            f"{values['sitting_minutes_per_day']} a day, water "
            f"{values['water_ml_per_day']} a day; stiffness averaged "
            f"{values['stiffness_morning_avg']} in the mornings and "
            f"{values['stiffness_evening_avg']} in the evenings."
        )

    def _headline_table(self, summary: WeekSummary) -> str:
        """Names, values and changes in rows of their own, so a name on two lines does not
        push its value below the others."""
        rows = headlines(summary)
        names = "".join(
            f"<td width='20%' valign='bottom' style='color:{PDF_MUTED}; "
            f"font-size:{PDF_TABLE_PT:g}pt'>{_esc(name)}</td>"
            for name, _value, _change in rows
        )
        values = "".join(f"<td><b>{_unbroken(value)}</b></td>" for _name, value, _change in rows)
        changes = "".join(
            f"<td style='color:{PDF_MUTED}; font-size:8pt'>{_change_html(change)}</td>"
            for _name, _value, change in rows
        )
        return (
            "<table width='100%' cellspacing='0' cellpadding='2'>"
            f"<tr>{names}</tr><tr>{values}</tr><tr>{changes}</tr></table>"
        )

    def _ratings_table(self) -> str:
        header = ["Date", "Time", "Score", "Area", "Note"]
        rows: list[list[object]] = []
        for r in self.content.ratings:
            at = r.at
            rows.append(
                [
                    f"{DAY_NAMES[at.weekday()]} {at.day} {MONTHS[at.month - 1][:3]} {at.year}",
                    f"{at:%H:%M}",
                    f"{r.score} of {STIFFNESS_MAX}",
                    AREA_LABELS[r.area] if r.area else "",
                    _Html(_esc(_breakable(r.note)).replace("\n", "<br>")),
                ]
            )
        return _table(header, rows, widths=(20, 8, 10, 14, 48))


class _Html(str):
    """Text that is already HTML (escaped where needed)."""

    __slots__ = ()


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _unbroken(text: str) -> _Html:
    """Escaped HTML that keeps one line: "6 h 14 min", "3.2 of 10", "1606 ml"."""
    return _Html(_esc(text).replace(" ", "&nbsp;"))


def _change_html(change: str) -> _Html:
    """A change that wraps only before "vs": "+1 h 49 min" and "vs last week" stay whole."""
    amount, vs, rest = change.partition(" vs ")
    if not vs:
        return _Html(_esc(change))
    return _Html(f"{_unbroken(amount)} {_unbroken('vs ' + rest)}")


def _unbroken_dates(text: str) -> str:
    """HTML with no line break between a day and its month ("2 November" stays together)."""
    return _DAY_MONTH.sub("\\1&nbsp;\\2", text)


def _breakable(text: str) -> str:
    """Text with a zero-width space in every long run without spaces, so it wraps in a cell."""
    return _LONG_WORD.sub("\\g<0>\u200b", text)


def _mm(millimetres: float) -> float:
    """Millimetres in the PDF's device units."""
    return millimetres / MM_PER_INCH * PDF_DPI


def _week_cells(s: WeekSummary) -> list[str]:
    """A week's summary row (after its name): days, sitting, longest, breaks, water, stiffness.

    Each value keeps to one line ("6 h 14 min" never wraps after "6 h").
    """
    t = s.totals
    if t.days_with_data == 0:
        cells = ["0", NO_DATA, NO_DATA, NO_DATA, NO_DATA, NOT_RATED, NOT_RATED]
    else:
        values = headline_values(t)
        cells = [
            str(t.days_with_data),
            values["sitting_minutes_per_day"],
            minutes_text(t.longest_session_minutes) if t.sessions else NO_DATA,
            values["breaks_done"],
            values["water_ml_per_day"],
            values["stiffness_morning_avg"],
            values["stiffness_evening_avg"],
        ]
    return [_unbroken(cell) for cell in cells]


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    widths: Sequence[int] = (),
    total_row: bool = False,
    padding: int = PDF_CELL_PADDING,
) -> str:
    """An HTML table whose header repeats on every page, with every other row shaded."""

    def cell(value: object) -> str:
        return str(value) if isinstance(value, _Html) else _esc(str(value))

    head = "".join(
        f"<th align='left'{f' width={widths[i]}%' if widths else ''}>{_esc(h)}</th>"
        for i, h in enumerate(header)
    )
    body = []
    for i, row in enumerate(rows):
        shade = f" bgcolor='{PDF_SHADE}'" if i % 2 else ""
        bold = total_row and i == len(rows) - 1
        cells = "".join(
            f"<td valign='top'>{'<b>' if bold else ''}{cell(v)}{'</b>' if bold else ''}</td>"
            for v in row
        )
        body.append(f"<tr{shade}>{cells}</tr>")
    return (
        f"<table width='100%' border='0' cellspacing='0' cellpadding='{padding}' "
        f"style='font-size:{PDF_TABLE_PT:g}pt'>"
        f"<thead><tr bgcolor='{PDF_HEADER_SHADE}'>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _safety_html(note: SafetyNote) -> str:
    """The safety note as in the app, its source written out for paper."""
    return safety_note_html(
        note,
        source=f"<p style='color:{PDF_MUTED}'>Source: {_esc(note.source.name)}, "
        f"{_esc(note.source.url)}</p>",
    )
