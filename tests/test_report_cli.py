"""`report --png FILE` and `report --pdf FILE`: files written, bad paths refused, --json stays Qt-free."""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fakes import DESIGN_SAMPLE, FakeClock
from tests.test_cli import snapshot

ROOT = Path(__file__).resolve().parents[1]
PAGE_RE = re.compile(rb"/Type\s*/Page\b(?!s)")
#: Ratings logged through the command line: (when, score, area, note).
RATINGS = (
    ("2026-11-03T07:30", "5", "lower-back", "stiff after the drive"),
    ("2026-11-12T19:00", "3", "neck", ""),
    ("2026-11-23T07:45", "6", "lower-back", "woke up stiff"),
    ("2026-11-24T18:30", "2", "hips", "better after a walk"),
)


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def clock() -> FakeClock:
    """Monday 30 November 2026, for `posture` (tests/conftest.py)."""
    return FakeClock.at("2026-11-30T09:00")


@pytest.fixture
def logged(posture, tmp_path) -> None:
    """A simulated Monday and a few ratings, all through the command line."""
    trace = tmp_path / "day.jsonl"
    trace.write_text(DESIGN_SAMPLE)
    assert posture("simulate", str(trace))[0] == 0
    for at, score, area, note in RATINGS:
        status, _out, err = posture(
            "log", "stiffness", score, "--at", at, "--area", area, "--note", note
        )
        assert status == 0, err


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


# --- writing ----------------------------------------------------------------------------------


def test_report_png_saves_the_weeks_charts(qapp, posture, logged, out_dir):
    target = out_dir / "week.png"
    status, out, err = posture("report", "--week", "2026-W48", "--png", str(target))
    assert (status, err) == (0, "")
    assert one_line(out) == f"Saved the charts of week 2026-W48 to {target}."
    assert png_size(target.read_bytes()) == (1600, 1200)


def test_report_pdf_saves_four_weeks_for_the_doctor(qapp, posture, logged, out_dir):
    target = out_dir / "for the physio.pdf"
    status, out, err = posture("report", "--pdf", str(target))  # default: this week, W49
    assert (status, err) == (0, "")
    assert one_line(out) == f"Saved a printable report of 2026-W46 to 2026-W49 to {target}."
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    assert len(PAGE_RE.findall(data)) >= 1


def test_report_pdf_lists_the_ratings_logged(qapp, posture, logged, base):
    from posture_app.core.settings import Settings
    from posture_app.core.stats import IsoWeek
    from posture_app.core.store import Store
    from posture_app.ui.window.report import PrintedReport, report_content

    store = Store.open(base / "data" / "posture.sqlite3")
    try:
        content = report_content(store, Settings(), IsoWeek(2026, 48))
    finally:
        store.close()
    text = PrintedReport(content).text()
    assert "Every stiffness rating (5)" in text  # four logged, one from the simulated day
    for _at, _score, _area, note in RATINGS:
        assert note in text


def test_a_failed_write_keeps_the_old_file_and_says_so(qapp, posture, logged, out_dir, monkeypatch):
    target = out_dir / "report.pdf"
    target.write_bytes(b"last month's report")

    def full_disk(_src: object, _dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("posture_app.core.files.os.replace", full_disk)
    status, out, err = posture("report", "--pdf", str(target))
    assert (status, out) == (2, "")
    assert one_line(err) == f"posture-app: {target}: cannot write it (No space left on device)"
    assert target.read_bytes() == b"last month's report"
    assert sorted(p.name for p in out_dir.iterdir()) == ["report.pdf"]


# --- bad input --------------------------------------------------------------------------------

CONFLICTS = [
    (["--json", "--png", "{out}/a.png"], "not allowed with argument --json"),
    (["--png", "{out}/a.png", "--pdf", "{out}/a.pdf"], "not allowed with argument --png"),
    (["--pdf", "{out}/a.pdf", "--json"], "not allowed with argument --pdf"),
    (["--pdf"], "expected one argument"),
]
BAD_PATHS = [
    ("--png", "{out}/missing/week.png", "no such folder"),
    ("--pdf", "{out}/missing/report.pdf", "no such folder"),
    ("--pdf", "{out}/a-file/report.pdf", "no such folder"),
    ("--png", "{out}", "is a folder"),
]


@pytest.mark.parametrize(("args", "says"), CONFLICTS, ids=[" ".join(a) for a, _ in CONFLICTS])
def test_conflicting_options_exit_2_with_one_line(posture, logged, base, out_dir, args, says):
    before = snapshot(base), snapshot(out_dir)
    status, out, err = posture("report", *(a.replace("{out}", str(out_dir)) for a in args))
    assert (status, out) == (2, "")
    assert says in one_line(err)
    assert err.startswith("posture-app report:")
    assert (snapshot(base), snapshot(out_dir)) == before


@pytest.mark.parametrize(("option", "where", "says"), BAD_PATHS)
def test_a_path_that_cannot_be_written_exits_2_and_writes_nothing(
    posture, logged, base, out_dir, option, where, says
):
    (out_dir / "a-file").write_text("not a folder")
    before = snapshot(base), snapshot(out_dir)
    status, out, err = posture("report", option, where.replace("{out}", str(out_dir)))
    assert (status, out) == (2, "")
    assert says in one_line(err)
    assert (snapshot(base), snapshot(out_dir)) == before


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write anywhere"
)
def test_a_folder_without_write_permission_is_refused(posture, logged, base, out_dir):
    locked = out_dir / "locked"
    locked.mkdir(mode=0o500)
    try:
        status, out, err = posture("report", "--pdf", str(locked / "report.pdf"))
    finally:
        locked.chmod(0o700)
    assert (status, out) == (2, "")
    assert "permission denied" in one_line(err)
    assert list(locked.iterdir()) == []


def test_bad_path_fails_before_the_database_is_made(posture, base, out_dir):
    status, _out, err = posture("report", "--pdf", str(out_dir / "missing" / "r.pdf"))
    assert status == 2
    assert "no such folder" in one_line(err)
    assert not base.exists()


# --- the real program -------------------------------------------------------------------------


def run_program(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_report_pdf_works_headless_without_a_display(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    base = str(tmp_path / "base")
    for at, score, area, note in RATINGS:
        logged = run_program(
            "log", "stiffness", score, "--at", at, "--area", area, "--note", note,
            "--basedir", base, env=env,
        )  # fmt: skip
        assert logged.returncode == 0, logged.stderr
    target = tmp_path / "report.pdf"
    started = time.monotonic()
    done = run_program(
        "report", "--week", "2026-W48", "--pdf", str(target), "--basedir", base, env=env
    )
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no Qt chatter
    assert one_line(done.stdout).endswith(f"to {target}.")
    assert target.read_bytes().startswith(b"%PDF-")
    assert seconds < 30  # generous: a report takes well under a second here


def test_report_json_still_loads_no_qt(tmp_path):
    base = str(tmp_path / "base")
    env = dict(os.environ)
    assert run_program("log", "water", "--basedir", base, env=env).returncode == 0
    probe = (
        "import sys; import posture_app.app as a;"
        "code = a.main(['report', '--json', '--basedir', sys.argv[1]]);"
        "loaded = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))];"
        "assert not loaded, loaded; sys.exit(code)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, base],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
