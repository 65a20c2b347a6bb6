"""Screenshots of the app window and the reports, from a realistic 12-week data set.

Run from the repository root (about 5 s; no display needed, it draws offscreen):

    .venv/bin/python bench/screenshots.py                 # into docs/screenshots/
    .venv/bin/python bench/screenshots.py --out /tmp/shots --basedir /tmp/pa-12w

It builds 12 weeks of data with bench/make_dataset.py (seed 3, ending Friday 27 November 2026
at 21:00 Berlin time; into a temporary folder, or into --basedir if that has no database yet,
else it uses the data there), then, with the clock fixed at that moment:

  - window-<view>-<light|dark>.png: MainWindow at its default size on each tab (week, trends,
    insights, history), grabbed after it has painted. Fusion style; light is Fusion's own
    palette, dark a dark palette with every colour role set, as a dark desktop theme sets it
    (offscreen Qt knows no colour scheme: the app follows the palette, see look.is_dark);
  - window-empty-light.png: the window on an empty store, as a brand-new user first sees it;
  - report-week.png: what `posture-app report --week 2026-W48 --png FILE` writes
    (report.write_png, the function that command calls);
  - report-page-<n>.png: every page of what `report --week 2026-W48 --pdf FILE` writes
    (report.write_pdf, with the "generated" date fixed), drawn by QtPdf's QPdfDocument.

The font is whatever fontconfig gives "sans-serif" (DejaVu Sans on the development machine).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "bench")]

# Before Qt and the app are loaded: draw offscreen, in the data set's time zone.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["TZ"] = "Europe/Berlin"
time.tzset()

import make_dataset  # noqa: E402
from PySide6.QtCore import QSize, Qt  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter, QPalette  # noqa: E402
from PySide6.QtPdf import QPdfDocument  # noqa: E402
from PySide6.QtWidgets import QApplication, QStyleFactory  # noqa: E402

from posture_app.core.clock import ManualClock  # noqa: E402
from posture_app.core.settings import Settings  # noqa: E402
from posture_app.core.stats import IsoWeek  # noqa: E402
from posture_app.core.store import Store  # noqa: E402
from posture_app.paths import resolve_paths  # noqa: E402

ZONE = ZoneInfo("Europe/Berlin")
#: The moment the screenshots show: a Friday evening, the week's work done.
NOW = datetime(2026, 11, 27, 21, 0, tzinfo=ZONE)
WEEKS = 12
#: Seed 3: the week in view has all five workdays rated (a full week shows every chart).
SEED = 3
OUT = REPO / "docs" / "screenshots"
#: Pixels per inch for the PDF pages (A4 is then about 1000 x 1400 pixels).
PDF_DPI = 120

#: The dark palette: a full set of roles, as a dark desktop theme gives (Breeze Dark-like).
DARK = {
    QPalette.ColorRole.Window: "#2b2b2b",
    QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#1f1f1f",
    QPalette.ColorRole.AlternateBase: "#272727",
    QPalette.ColorRole.ToolTipBase: "#3a3a3a",
    QPalette.ColorRole.ToolTipText: "#e6e6e6",
    QPalette.ColorRole.PlaceholderText: "#8c8c8c",
    QPalette.ColorRole.Text: "#e6e6e6",
    QPalette.ColorRole.Button: "#3a3a3a",
    QPalette.ColorRole.ButtonText: "#e6e6e6",
    QPalette.ColorRole.BrightText: "#ff6b6b",
    QPalette.ColorRole.Light: "#4a4a4a",
    QPalette.ColorRole.Midlight: "#404040",
    QPalette.ColorRole.Mid: "#303030",
    QPalette.ColorRole.Dark: "#1a1a1a",
    QPalette.ColorRole.Shadow: "#0d0d0d",
    QPalette.ColorRole.Highlight: "#3d7bd9",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#6cb4ff",
    QPalette.ColorRole.LinkVisited: "#b08cff",
}
DARK_DISABLED = {
    QPalette.ColorRole.WindowText: "#7a7a7a",
    QPalette.ColorRole.Text: "#7a7a7a",
    QPalette.ColorRole.ButtonText: "#7a7a7a",
    QPalette.ColorRole.Highlight: "#404040",
}


def dark_palette() -> QPalette:
    """A dark palette with every role set (disabled text greyed)."""
    palette = QPalette()
    for role, colour in DARK.items():
        palette.setColor(role, QColor(colour))
    for role, colour in DARK_DISABLED.items():
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
    return palette


@contextmanager
def dataset(basedir: Path | None) -> Iterator[Path]:
    """The 12-week data set's folder: made in `basedir` (or a temporary one) if it has none."""
    with contextlib.ExitStack() as stack:
        if basedir is None:
            basedir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="shots-")))
        if not resolve_paths(str(basedir)).database_file.exists():
            built = make_dataset.build(basedir, WEEKS, NOW, SEED)
            print(f"data: {built.counts} in {built.seconds:.1f} s", file=sys.stderr)
        yield basedir


def settle(app: QApplication, rounds: int = 5) -> None:
    """Let layouts, paints and deferred calls run."""
    for _ in range(rounds):
        app.processEvents()


def window_shots(app: QApplication, base: Path, out: Path, mode: str) -> list[Path]:
    """The window on each tab, in the palette now set; the files written."""
    from posture_app.ui.window.main_window import MainWindow, Tab

    paths = resolve_paths(str(base))
    store = Store.open(paths.database_file, now=NOW, check=False)
    saved: list[Path] = []
    try:
        window = MainWindow(store, Settings(), ManualClock(NOW), paths)
        window.show()
        settle(app)
        for tab in Tab:
            window.show_tab(tab)
            settle(app)
            target = out / f"window-{tab.key}-{mode}.png"
            if not window.grab().save(str(target)):
                raise OSError(f"could not write {target}")
            saved.append(target)
        window.close()
        window.deleteLater()
        settle(app)
    finally:
        store.close()
    return saved


def empty_shot(app: QApplication, out: Path, mode: str) -> Path:
    """The window as a brand-new user first sees it (nothing recorded yet); the file written."""
    from posture_app.ui.window.main_window import MainWindow

    store = Store.in_memory()
    try:
        window = MainWindow(store, Settings(), ManualClock(NOW), out)
        window.show()
        settle(app)
        target = out / f"window-empty-{mode}.png"
        if not window.grab().save(str(target)):
            raise OSError(f"could not write {target}")
        window.close()
        window.deleteLater()
        settle(app)
    finally:
        store.close()
    return target


def report_shots(base: Path, out: Path) -> list[Path]:
    """report --png, and each page of report --pdf drawn to a PNG; the files written."""
    from posture_app.ui.window import report

    paths = resolve_paths(str(base))
    week = IsoWeek.of(NOW.date())
    store = Store.open(paths.database_file, now=NOW, check=False)
    saved: list[Path] = []
    try:
        png = out / "report-week.png"
        report.write_png(store, Settings(), week, png)
        saved.append(png)
        with tempfile.TemporaryDirectory(prefix="posture-shots-pdf-") as tmp:
            pdf = Path(tmp) / "report.pdf"
            report.write_pdf(store, Settings(), week, pdf, weeks=4, generated=NOW.date())
            saved += pdf_pages(pdf, out)
    finally:
        store.close()
    return saved


def pdf_pages(pdf: Path, out: Path) -> list[Path]:
    """Every page of the PDF as report-page-<n>.png on white; the files written."""
    for old in out.glob("report-page-*.png"):
        old.unlink()  # a shorter report must not leave pages of a longer one
    doc = QPdfDocument()
    error = doc.load(str(pdf))
    if error != QPdfDocument.Error.None_:
        raise OSError(f"QtPdf cannot read {pdf}: {error}")
    saved = []
    for page in range(doc.pageCount()):
        points = doc.pagePointSize(page)
        size = QSize(round(points.width() * PDF_DPI / 72), round(points.height() * PDF_DPI / 72))
        image = doc.render(page, size)
        paper = QImage(size, QImage.Format.Format_RGB32)
        paper.fill(Qt.GlobalColor.white)  # the page has no background of its own
        painter = QPainter(paper)
        painter.drawImage(0, 0, image)
        painter.end()
        target = out / f"report-page-{page + 1}.png"
        if not paper.save(str(target)):
            raise OSError(f"could not write {target}")
        saved.append(target)
    doc.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=OUT, help=f"folder for the PNGs (default {OUT})")
    p.add_argument(
        "--basedir", type=Path, help="use (or build, if it has no database) the data here"
    )
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication(["posture-app"])
    app.setApplicationName("posture-app")
    style = QStyleFactory.create("Fusion")
    app.setStyle(style)
    light = style.standardPalette()
    saved: list[Path] = []
    with dataset(args.basedir) as base:
        app.setPalette(light)
        saved += report_shots(base, args.out)  # print is light whatever the desktop
        saved += window_shots(app, base, args.out, "light")
        saved.append(empty_shot(app, args.out, "light"))
        app.setPalette(dark_palette())
        saved += window_shots(app, base, args.out, "dark")
    for path in saved:
        path.chmod(0o644)  # docs, not private data (report.write_png writes owner-only files)
        print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
