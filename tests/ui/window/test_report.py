"""Report files: the week's PNG and the printable PDF, their content, and atomic writing."""

from __future__ import annotations

import re
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QColor, QImage, QPainter, QTextCursor, QTextDocument
from PySide6.QtPdf import QPdfDocument

from posture_app.core.content import SAFETY_NOTE
from posture_app.core.model import Area, Outcome, StiffnessRating, new_id
from posture_app.core.recorder import record
from posture_app.core.settings import Settings
from posture_app.core.simulate import answer_all, simulate
from posture_app.core.stats import IsoWeek, week_summary, weekly_series
from posture_app.core.store import Records, Store
from posture_app.ui.window import report
from posture_app.ui.window.charts import Hue, hue_color
from posture_app.ui.window.main_window import date_range_text
from posture_app.ui.window.report import (
    SAFETY_HEADING,
    PrintedReport,
    ReportError,
    period_text,
    report_content,
    week_span,
    write_pdf,
    write_png,
)
from posture_app.ui.window.trends_view import trend_charts
from posture_app.ui.window.week_view import HEADLINES, WeekGoals, headline_values, week_charts
from tests.fakes import day, local

WEEK = IsoWeek(2026, 48)  # Monday 23 November 2026
FIRST = IsoWeek(2026, 45)  # Monday 2 November 2026
SETTINGS = Settings()
GENERATED = date(2026, 11, 30)
PAGE_RE = re.compile(rb"/Type\s*/Page\b(?!s)")
A4_POINTS = (595, 842)


def seed_weekdays(store: Store, last: IsoWeek = WEEK, weeks: int = 4) -> None:
    """Every weekday of `weeks` weeks: sitting, breaks, water and two ratings, as the app records."""
    for w in range(weeks):
        for i, d in enumerate(last.shifted(w - weeks + 1).days[:5]):
            trace = day(
                f"{d.isoformat()}T08:30",
                ("active", 70 + 10 * i),
                ("idle", 10),
                ("active", 90),
                ("water", 0, 250),
                ("locked", 45),
                ("active", 120),
                ("stiffness", 0, 2 + i),
                ("active", 30),
            )
            respond = answer_all(Outcome.DONE if i % 2 else Outcome.SNOOZED)
            with store.transaction():
                for event in simulate(trace, SETTINGS, respond, has_rating=store.has_rating):
                    record(store, event)
            at = local(f"{d.isoformat()}T07:40")
            store.add_stiffness(StiffnessRating(new_id(), at, 3 + i % 4, Area.LOWER_BACK))


def add_ratings(store: Store, n: int, first: date = FIRST.monday, days: int = 28) -> list[str]:
    """`n` morning ratings spread over `days` days, each with its own note; returns the notes."""
    notes = []
    for i in range(n):
        at = local(f"{(first + timedelta(days=i % days)).isoformat()}T09:00") + timedelta(
            minutes=i // days
        )
        note = f"rating number {i}"
        store.add_stiffness(StiffnessRating(new_id(), at, i % 11, list(Area)[i % 7], note))
        notes.append(note)
    return notes


@pytest.fixture
def store() -> Store:
    return Store.in_memory()


@pytest.fixture(scope="module")
def four_weeks() -> Records:
    """Four weeks of weekdays, simulated once for the module."""
    source = Store.in_memory()
    seed_weekdays(source)
    return source.records()


@pytest.fixture
def week_store(store: Store, four_weeks: Records) -> Store:
    store.import_records(four_weeks)
    return store


def printed(store: Store, *, weeks: int = 4) -> PrintedReport:
    content = report_content(store, SETTINGS, WEEK, weeks=weeks, generated=GENERATED)
    return PrintedReport(content)


def pdf_pages(data: bytes) -> int:
    """Pages of a PDF, counted in its bytes (Qt writes one /Type /Page object per page)."""
    return len(PAGE_RE.findall(data))


def load_pdf(data: bytes) -> QPdfDocument:
    """The PDF read back by an independent reader (Qt PDF, which is PDFium)."""
    document = QPdfDocument()
    buffer = QBuffer(document)
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    assert document.status() == QPdfDocument.Status.Ready
    return document


def colours(image: QImage) -> set[str]:
    """Every colour in an image, as #rrggbb (read from its pixel buffer: images here are big)."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB32)  # 0xffRRGGBB words, no row padding
    return {f"#{word & 0xFFFFFF:06x}" for word in set(memoryview(rgb.constBits()).cast("I"))}


def near(color: QColor, seen: set[str], tolerance: int = 3) -> bool:
    """Whether a colour within `tolerance` per channel of `color` is among `seen`."""
    for name in seen:
        other = QColor(name)
        if all(
            abs(a - b) <= tolerance
            for a, b in zip(color.getRgb()[:3], other.getRgb()[:3], strict=True)
        ):
            return True
    return False


def leftovers(folder: Path) -> list[str]:
    """Temporary files a failed atomic write could have left behind."""
    return [p.name for p in folder.iterdir() if ".tmp-" in p.name]


# --- words ------------------------------------------------------------------------------------


def test_dates_read_as_people_write_them() -> None:
    assert week_span(date(2026, 11, 23), date(2026, 11, 29)) == "23–29 November 2026"
    assert week_span(date(2026, 11, 30), date(2026, 12, 6)) == "30 November – 6 December 2026"
    assert week_span(date(2026, 12, 28), date(2027, 1, 3)) == "28 December 2026 – 3 January 2027"
    # The month once when it is one month, as the app window writes the same dates.
    assert period_text(date(2026, 11, 2), date(2026, 11, 29)) == "2–29 November 2026"
    assert period_text(date(2026, 10, 26), date(2026, 11, 22)) == "26 October – 22 November 2026"
    assert period_text(date(2026, 12, 7), date(2027, 1, 3)) == "7 December 2026 – 3 January 2027"
    for first, last in (
        (date(2026, 11, 2), date(2026, 11, 29)),
        (date(2026, 10, 26), date(2026, 11, 22)),
        (date(2026, 12, 7), date(2027, 1, 3)),
    ):
        assert period_text(first, last) == week_span(first, last) == date_range_text(first, last)


# --- PNG --------------------------------------------------------------------------------------


def test_png_holds_the_weeks_charts_in_the_palette(qapp, week_store, tmp_path) -> None:
    target = tmp_path / "week.png"
    write_png(week_store, SETTINGS, WEEK, target)
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    image = QImage.fromData(data, "PNG")
    assert (image.width(), image.height()) == report.PNG_SIZE
    seen = colours(image)
    assert len(seen) > 50  # text, bars, lines: not a blank page
    assert image.pixelColor(2, 2).name() == "#ffffff"
    for hue in (Hue.BLUE, Hue.ORANGE, Hue.BLUISH_GREEN, Hue.SKY_BLUE):
        assert hue_color(hue, dark=False).name() in seen, hue
    assert hue_color(Hue.BLUE, dark=True).name() not in seen


def test_dark_png_is_drawn_in_the_dark_palette(qapp, week_store, tmp_path) -> None:
    light, dark = tmp_path / "light.png", tmp_path / "dark.png"
    write_png(week_store, SETTINGS, WEEK, light)
    write_png(week_store, SETTINGS, WEEK, dark, dark=True)
    assert light.read_bytes() != dark.read_bytes()
    image = QImage(str(dark))
    seen = colours(image)
    assert image.pixelColor(2, 2).name() == "#202124"
    assert hue_color(Hue.BLUE, dark=True).name() in seen
    assert "#ffffff" not in seen


def test_png_title_and_numbers_come_from_the_week(qapp, week_store) -> None:
    summary = week_summary(week_store, WEEK)
    assert report.png_title(summary) == "Your week: 23–29 November 2026"
    rows = report.headlines(summary)
    assert [name for name, _value, _change in rows] == [name for _key, name in HEADLINES]
    assert rows[1][:2] == ("Breaks done", str(summary.totals.breaks_done))


def test_png_of_an_empty_week_is_still_a_picture(qapp, store, tmp_path) -> None:
    target = tmp_path / "empty.png"
    write_png(store, SETTINGS, WEEK, target)
    image = QImage(str(target))
    assert (image.width(), image.height()) == report.PNG_SIZE
    assert len(colours(image)) > 2  # the title and empty chart axes


# --- PDF --------------------------------------------------------------------------------------


def test_pdf_is_a4_with_the_pages_the_layout_made(qapp, week_store, tmp_path) -> None:
    add_ratings(week_store, 30)
    expected = printed(week_store).page_count
    target = tmp_path / "report.pdf"
    write_pdf(week_store, SETTINGS, WEEK, target, generated=GENERATED)
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert pdf_pages(data) == expected >= 2  # the last week starts a page of its own
    document = load_pdf(data)
    assert document.pageCount() == expected
    size = document.pagePointSize(0)
    assert (round(size.width()), round(size.height())) == A4_POINTS


def test_the_sections_start_where_a_reader_expects(qapp, week_store) -> None:
    doc = printed(week_store)
    assert doc.page_of("Summary by week") == 1
    assert doc.page_of("Week by week") == 1
    assert doc.page_of("Week 48: 23–29 November 2026") == 2  # always on a page of its own
    assert doc.page_of("Every stiffness rating") == 2
    assert doc.page_of("not in the report") == 0


def test_many_ratings_flow_onto_more_pages(qapp, store) -> None:
    add_ratings(store, 3)
    few = printed(store)
    more = Store.in_memory()
    notes = add_ratings(more, 150)
    many = printed(more)
    assert many.page_count >= few.page_count + 2
    pages = {many.page_of(note) for note in notes}
    assert len(pages) >= 3  # the table goes on over several pages
    # The safety note is kept whole, after the last rating.
    safety = many.page_of(SAFETY_HEADING)
    assert safety >= max(pages)
    assert many.page_of(SAFETY_NOTE.source.name) == safety == many.page_count
    data = many.pdf()
    assert pdf_pages(data) == many.page_count
    assert many.footer_text(1) == (many.content.title, f"Page 1 of {many.page_count}")
    assert many.footer_text(many.page_count)[1] == f"Page {many.page_count} of {many.page_count}"


def test_nothing_recorded_fits_one_page_with_the_safety_note(qapp, store) -> None:
    empty = printed(store)
    assert empty.page_count == 1
    assert empty.charts == []
    text = empty.text()
    assert "Nothing was recorded in these weeks." in text
    assert "No stiffness ratings were logged in these weeks." in text
    assert SAFETY_NOTE.intro in text
    assert pdf_pages(empty.pdf()) == 1


def test_pdf_title_summary_and_charts(qapp, week_store) -> None:
    doc = printed(week_store)
    text = doc.text()
    title = "Back stiffness and sitting: 4 weeks, 2–29 November 2026"
    assert doc.content.title == title
    assert text.startswith(title)
    assert "on 30 November 2026" in text  # the date it was made
    assert "Last week" not in text  # the week is named by its number, like everywhere else
    for label in ("W45", "W46", "W47", "W48", "All 4 weeks", "Week 48: 23–29 November 2026"):
        assert label in text
    series = weekly_series(week_store, WEEK, 4)
    goals = WeekGoals.from_settings(SETTINGS)
    assert doc.charts == [*trend_charts(series, goals), *week_charts(series[-1], goals)]
    assert text.count("\ufffc") == 8  # each chart is one object in the text flow


def table_cell(doc: PrintedReport, text: str, after: str = "") -> tuple[int, int, float]:
    """Where `text` first appears (after `after`) in a table: (row, column, its cell padding)."""
    start = doc.doc.find(after) if after else QTextCursor(doc.doc)
    found = doc.doc.find(text, start, QTextDocument.FindFlag.FindCaseSensitively)
    assert not found.isNull(), text
    table = found.currentTable()
    assert table is not None, text
    cell = table.cellAt(found)
    return cell.row(), cell.column(), table.format().cellPadding()


def test_the_summary_keeps_each_value_on_one_line_with_room_around_it(qapp, week_store) -> None:
    doc = printed(week_store)
    summary = week_summary(week_store, WEEK)
    sitting = headline_values(summary.totals)["sitting_minutes_per_day"]  # "6 h 44 min"
    # No line break inside "6 h 44 min" (the plain text and find() read non-breaking spaces
    # as spaces; the raw text keeps them).
    assert sitting.replace(" ", "\u00a0") in doc.doc.toRawText()
    row, column, padding = table_cell(doc, sitting, after="W48")
    assert (row, column) == (4, 2)  # W48's row (after the header), "Sitting a day"
    assert padding == report.PDF_SUMMARY_PADDING > report.PDF_CELL_PADDING
    # Every cell of the totals row keeps to one line too.
    table = doc.doc.find("All 4 weeks").currentTable()
    assert table is not None
    last = table.rows() - 1
    for c in range(table.columns()):
        cell = table.cellAt(last, c).firstCursorPosition()
        cell.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        assert cell.selectedText()
        assert " " not in cell.selectedText(), cell.selectedText()


def test_the_weeks_headline_names_values_and_changes_have_rows_of_their_own(
    qapp, week_store
) -> None:
    doc = printed(week_store)
    rows = report.headlines(week_summary(week_store, WEEK))
    heading = "Week 48: 23–29 November 2026"
    assert table_cell(doc, rows[0][0], after=heading)[:2] == (0, 0)
    table = doc.doc.find(rows[0][0], doc.doc.find(heading)).currentTable()
    assert table is not None
    assert (table.rows(), table.columns()) == (3, 5)

    def text(row: int, column: int) -> str:
        cell = table.cellAt(row, column)
        cursor = cell.firstCursorPosition()
        cursor.setPosition(cell.lastCursorPosition().position(), QTextCursor.MoveMode.KeepAnchor)
        return cursor.selectedText().replace("\u00a0", " ")

    # A long name ("Stiffness, mornings") cannot push its value below the others'.
    assert [text(0, c) for c in range(5)] == [name for name, _, _ in rows]
    assert [text(1, c) for c in range(5)] == [value for _, value, _ in rows]
    assert [text(2, c) for c in range(5)] == [change for _, _, change in rows]


def test_a_change_wraps_only_before_vs() -> None:
    # Never inside "+1 h 49 min" nor "vs last week" (a narrow column wrapped "vs last / week").
    html = report._change_html("+1 h 49 min vs last week")
    assert html == "+1&nbsp;h&nbsp;49&nbsp;min vs&nbsp;last&nbsp;week"
    assert report._change_html("no data last week") == "no data last week"
    assert report._change_html("−0.7 vs last week").startswith("−0.7 vs&nbsp;")


def test_one_week_report_says_one_week(qapp, week_store) -> None:
    doc = printed(week_store, weeks=1)
    assert doc.content.title == "Back stiffness and sitting: 1 week, 23–29 November 2026"
    assert "All 1 weeks" in doc.text()


def test_every_rating_of_the_period_is_listed_in_order_before_the_safety_note(qapp, store) -> None:
    notes = add_ratings(store, 12)
    before = StiffnessRating(new_id(), local("2026-11-01T21:00"), 9, None, "the day before")
    after = StiffnessRating(new_id(), local("2026-11-30T07:00"), 9, None, "the day after")
    special = StiffnessRating(
        new_id(), local("2026-11-24T19:05"), 7, Area.NECK, "<b>not bold</b> & two\nlines"
    )
    for r in (before, after, special):
        store.add_stiffness(r)
    doc = printed(store)
    text = doc.text()
    assert "Every stiffness rating (13)" in text
    positions = [text.index(note) for note in notes]
    assert positions == sorted(positions)  # oldest first (they were added in date order)
    assert "the day before" not in text
    assert "the day after" not in text
    assert "<b>not bold</b> & two" in text  # the note's own text, never read as markup
    assert "Tue 24 Nov 2026" in text
    assert "19:05" in text
    assert "7 of 10" in text
    assert "Neck" in text
    end = text.index(SAFETY_HEADING)
    assert end > max(positions)
    for line in (SAFETY_NOTE.intro, *SAFETY_NOTE.urgent, *SAFETY_NOTE.soon, SAFETY_NOTE.closing):
        assert line in text[end:]


def test_a_long_word_in_a_note_wraps_inside_the_page(qapp, store) -> None:
    url = "https://example.org/" + "a" * 400
    store.add_stiffness(StiffnessRating(new_id(), local("2026-11-24T08:00"), 3, None, url))
    doc = printed(store)
    assert doc.doc.size().width() <= doc.width + 1
    assert url in doc.text().replace("\u200b", "")


def test_the_pdf_is_drawn_light_even_when_dark_is_asked(qapp, week_store, tmp_path) -> None:
    target = tmp_path / "report.pdf"
    write_pdf(week_store, SETTINGS, WEEK, target, dark=True, generated=GENERATED)
    rendered = load_pdf(target.read_bytes()).render(0, QSize(*A4_POINTS) * 2)
    page = QImage(rendered.size(), QImage.Format.Format_ARGB32)
    page.fill(QColor("#ff00ff"))  # what the PDF leaves unpainted shows through
    painter = QPainter(page)
    painter.drawImage(0, 0, rendered)
    painter.end()
    seen = colours(page)
    assert "#ffffff" in seen  # the charts' paper
    assert near(hue_color(Hue.BLUE, dark=False), seen)
    assert not near(hue_color(Hue.BLUE, dark=True), seen, tolerance=0)
    assert not near(QColor(report.PNG_PAPER[True][0]), seen, tolerance=0)


# --- writing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("write", [write_png, write_pdf], ids=["png", "pdf"])
def test_a_failed_write_leaves_the_old_file_untouched(
    qapp, week_store, tmp_path, monkeypatch, write
):
    target = tmp_path / "report.out"
    target.write_bytes(b"the old report")

    def full_disk(_src: object, _dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("posture_app.core.files.os.replace", full_disk)
    with pytest.raises(ReportError) as caught:
        write(week_store, SETTINGS, WEEK, target)
    assert str(caught.value) == f"{target}: cannot write it (No space left on device)"
    assert target.read_bytes() == b"the old report"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("write", [write_png, write_pdf], ids=["png", "pdf"])
def test_a_failed_drawing_writes_nothing(qapp, week_store, tmp_path, monkeypatch, write):
    target = tmp_path / "report.out"
    target.write_bytes(b"the old report")

    def broken(*_args: object, **_kw: object) -> None:
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(report, "render", broken)
    with pytest.raises(RuntimeError, match="drawing failed"):
        write(week_store, SETTINGS, WEEK, target)
    assert target.read_bytes() == b"the old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.out"]


@pytest.mark.parametrize(
    ("where", "says"),
    [
        ("missing/report.pdf", "no such folder"),
        ("a-file/report.pdf", "no such folder"),
        (".", "is a folder"),
    ],
)
def test_a_path_that_cannot_be_written_is_refused_before_drawing(
    qapp, store, tmp_path, where, says
):
    (tmp_path / "a-file").write_text("not a folder")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    for write in (write_png, write_pdf):
        with pytest.raises(ReportError, match=says) as caught:
            write(store, SETTINGS, WEEK, tmp_path / where)
        assert "\n" not in str(caught.value)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
