"""The command line: every command of the contract, and every kind of bad input."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from posture_app import __version__, cli
from posture_app.core.settings import SETTINGS_VERSION
from tests.fakes import DESIGN_SAMPLE, FakeClock

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = DESIGN_SAMPLE


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock.at("2026-11-23T18:00")


@pytest.fixture
def with_day(posture, tmp_path) -> Path:
    trace = tmp_path / "day.jsonl"
    trace.write_text(SAMPLE)
    status, _out, err = posture("simulate", str(trace))
    assert status == 0, err
    status, _out, err = posture(
        "log", "stiffness", "6", "--at", "2026-11-23T07:45", "--note", "=SUM(A1)"
    )
    assert status == 0, err
    return trace


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` and a hash of its bytes."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def report(posture, week: str = "2026-W48") -> dict:
    status, out, err = posture("report", "--week", week, "--json")
    assert status == 0, err
    return json.loads(out)


# --- the commands ------------------------------------------------------------------------------------


def test_simulate_prints_one_json_event_per_line_and_stores_it(posture, tmp_path):
    trace = tmp_path / "day.jsonl"
    trace.write_text(SAMPLE)
    status, out, err = posture("simulate", str(trace))
    assert (status, err) == (0, "")
    events = [json.loads(line) for line in out.splitlines()]
    assert all({"at", "event"} <= e.keys() for e in events)
    ends = [(e["at"], e["minutes"]) for e in events if e["event"] == "session_end"]
    assert ends == [
        ("2026-11-23T10:10:00+01:00", 75.0),
        ("2026-11-23T12:00:00+01:00", 95.0),
        ("2026-11-23T17:30:00+01:00", 260.0),
    ]
    monday = report(posture)["days"][0]
    assert monday["sitting_minutes"] == 75 + 95 + 260
    assert monday["sessions"] == 3
    assert monday["longest_session_minutes"] == 260
    assert monday["natural_breaks"] == 2
    assert monday["stiffness_evening"] == 4
    shown = sum(1 for e in events if e["event"] == "prompt")
    assert sum(k["due"] for k in monday["prompts"].values()) == shown


@pytest.mark.parametrize(
    ("respond", "outcome"), [("snooze", "snoozed"), ("skip", "skipped"), ("ignore", "ignored")]
)
def test_simulate_respond_answers_every_prompt_but_stiffness(posture, tmp_path, respond, outcome):
    trace = tmp_path / "day.jsonl"
    trace.write_text(SAMPLE)
    status, out, _ = posture("simulate", str(trace), "--respond", respond)
    assert status == 0
    answers = {
        (e["kind"], e["outcome"])
        for e in map(json.loads, out.splitlines())
        if e["event"] == "outcome"
    }
    assert {o for k, o in answers if k != "stiffness"} == {outcome}
    assert ("stiffness", "ignored") in answers  # the 08:55 morning prompt got no rating


def test_simulate_with_a_settings_file(posture, tmp_path):
    trace = tmp_path / "day.jsonl"
    trace.write_text(SAMPLE)
    settings = tmp_path / "s.json"
    settings.write_text(
        json.dumps({"version": SETTINGS_VERSION, "posture_enabled": False, "eyes_enabled": True})
    )
    status, out, _ = posture("simulate", str(trace), "--settings", str(settings))
    kinds = {e.get("kind") for e in map(json.loads, out.splitlines()) if e["event"] == "prompt"}
    assert status == 0
    assert "posture" not in kinds
    assert "eyes" in kinds


def test_report_json_has_seven_days_and_is_deterministic(posture, with_day):
    first = report(posture)
    assert list(first) == ["week", "days", "totals"]
    assert first["week"] == "2026-W48"
    assert [d["date"] for d in first["days"]] == [f"2026-11-{d}" for d in range(23, 30)]
    for d in first["days"]:
        assert {"date", "sitting_minutes", "sessions", "longest_session_minutes", "natural_breaks",
                "prompts", "water_ml", "stiffness_morning", "stiffness_evening"} <= d.keys()  # fmt: skip
        for counts in d["prompts"].values():
            assert counts["due"] == sum(
                counts[o] for o in ("done", "snoozed", "skipped", "ignored")
            )
    assert first["days"][0]["stiffness_morning"] == 6
    assert first["days"][1]["stiffness_morning"] is None
    assert first["days"][0]["water_ml"] == 250 * 7  # six done hydration prompts + the 16:30 glass
    assert report(posture) == first


def test_report_defaults_to_this_week(posture, with_day):
    assert report(posture, week="2026-W48") == json.loads(posture("report", "--json")[1])


def test_text_report_reads_as_a_table(posture, with_day):
    status, out, _ = posture("report", "--week", "2026-W48")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("Week 2026-W48")
    monday = next(line for line in lines if line.startswith("Mon 23"))
    assert "7h10" in monday
    assert "4h20" in monday
    assert "6 / 4" in monday
    # The columns a reader could mix up are named under the table.
    assert "Breaks: the times you got up on your own." in out
    assert "Prompts done: reminders you did, of those shown." in out


def test_text_report_of_an_empty_week_explains_itself(posture):
    status, out, _ = posture("report", "--week", "2026-W10")
    assert status == 0
    assert "Nothing recorded this week yet" in out
    assert "log stiffness" in out


def test_log_stiffness_and_water(posture):
    assert (
        posture("log", "stiffness", "3", "--area", "lower-back", "--note", "after gardening")[0]
        == 0
    )
    status, out, _ = posture("log", "water")
    assert status == 0
    assert "250 ml" in out
    assert "Today: 250 ml of your 2000 ml goal" in out
    posture("log", "water", "400")
    monday = report(posture)["days"][0]
    assert monday["water_ml"] == 650
    assert monday["stiffness_evening"] == 3  # 18:00 is the evening slot


def test_export_json_then_import_into_a_new_basedir_is_lossless_and_idempotent(
    posture, with_day, tmp_path, clock, capsys
):
    exported = tmp_path / "export.json"
    assert posture("export", "--format", "json", "--output", str(exported))[0] == 0
    other = tmp_path / "other"
    assert cli.main(["import", str(exported), "--basedir", str(other)], clock=clock) == 0
    assert "Imported" in capsys.readouterr().out
    again = cli.main(["import", str(exported), "--basedir", str(other)], clock=clock)
    assert again == 0
    assert "Imported 0 new records" in capsys.readouterr().out
    assert cli.main(["export", "--basedir", str(other)], clock=clock) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(exported.read_text())


def test_csv_export_is_spreadsheet_safe_and_keeps_unicode(posture, tmp_path):
    posture("log", "stiffness", "5", "--note", "Rücken – 😣")
    posture("log", "stiffness", "5", "--note", '=HYPERLINK("http://x")')
    posture("log", "stiffness", "5", "--note", "+1 after stairs")
    out_file = tmp_path / "out.csv"
    assert posture("export", "--format", "csv", "--output", str(out_file))[0] == 0
    raw = out_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so spreadsheets read UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    notes = sorted(r["note"] for r in rows if r["record"] == "stiffness")
    assert notes == ["'+1 after stairs", '\'=HYPERLINK("http://x")', "Rücken – 😣"]


def test_basedir_from_the_environment(base, clock, capsys, monkeypatch):
    monkeypatch.setenv("POSTURE_APP_BASEDIR", str(base))
    assert cli.main(["log", "water", "300"], clock=clock) == 0
    assert (base / "data" / "posture.sqlite3").exists()
    assert oct((base / "data" / "posture.sqlite3").stat().st_mode & 0o777) == "0o600"


def test_a_corrupt_database_is_moved_aside_and_the_user_told(posture, base):
    posture("log", "water")
    db = base / "data" / "posture.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    status, _out, err = posture("log", "water")
    assert status == 0
    assert "moved to" in err
    moved = list(db.parent.glob("posture.sqlite3.corrupt-*"))
    assert len(moved) == 1
    assert moved[0].read_bytes() == b"this is not a database" * 100


# --- bad input: exit 2, one line naming it, nothing changed -------------------------------------


def bad_settings(base: Path) -> None:
    (base / "config").mkdir(parents=True, exist_ok=True)


BAD = [
    (["frobnicate"], "invalid choice"),
    (["log"], "required"),
    (["log", "stiffness", "11"], "from 0 to 10"),
    (["log", "stiffness", "-1"], "from 0 to 10"),
    (["log", "stiffness", "3.5"], "from 0 to 10"),
    (["log", "stiffness", "soft"], "from 0 to 10"),
    (["log", "stiffness", "3", "--area", "elbow"], "invalid choice"),
    (["log", "stiffness", "3", "--at", "yesterday"], "ISO 8601"),
    (["log", "stiffness", "3", "--at", "2027-01-01T09:00"], "future"),
    (["log", "stiffness", "3", "--note", "x" * 2001], "longer than"),
    (["log", "water", "0"], "from 1 to 5000"),
    (["log", "water", "a glass"], "from 1 to 5000"),
    (["log", "water", "99999"], "from 1 to 5000"),
    (["report", "--week", "2026-48"], "2026-W48"),
    (["report", "--week", "2026-W54"], "no week 54"),
    (["report", "--json", "--week"], "expected one argument"),
    (["export", "--format", "xml"], "invalid choice"),
    (["export", "--output", "{tmp}/no/such/folder/out.json"], "no such folder"),
    (["export", "--output", "{tmp}"], "is a folder"),
    (["import", "{tmp}/missing.json"], "no such file"),
    (["import", "{file:not json}"], "not valid JSON"),
    (["import", "{file:[1, 2]}"], "not a posture-app export"),
    (["import", '{file:{"format": "posture-app", "version": 9}}'], "newer version"),
    (["import", '{file:{"format": "posture-app", "version": 1, "stiffness": [{"uuid": "0e3f3c2e-5a4c-4c55-9f57-1b2d3c4d5e6f", "at": "2026-11-23T09:00:00+01:00", "score": 12}]}}'], "stiffness[0]: score"),
    (["simulate", "{tmp}/missing.jsonl"], "no such file"),
    (["simulate", '{file:{"at": "2026-11-23T09:00:00+01:00", "state": "active"}\n{"at": "2026-11-23T08:00:00+01:00", "state": "idle"}}'], "line 2: out of time order"),
    (["simulate", '{file:{"at": "2026-11-23T09:00:00+01:00", "state": "dancing"}}'], "line 1: state must be one of"),
    (["simulate", '{file:{"at": "2026-11-23T09:00:00", "state": "active"}}'], "line 1: 'at' needs a UTC offset"),
    (["simulate", "{file:\n\n{oops}}"], "line 3: not valid JSON"),
    (["simulate", "{file:}"], "the trace is empty"),
    (["simulate", '{file:{"at": "2026-11-23T09:00:00+01:00", "state": "active"}}', "--respond", "maybe"], "invalid choice"),
    (["simulate", '{file:{"at": "2026-11-23T09:00:00+01:00", "state": "active"}}', "--settings", "{file:{nope}}"], "not valid JSON"),
    (["simulate", '{file:{"at": "2026-11-23T09:00:00+01:00", "state": "active"}}', "--settings", '{file:{"posture_minutes": 0}}'], "posture_minutes"),
]  # fmt: skip


def _materialise(args: list[str], tmp: Path) -> list[str]:
    out = []
    for i, arg in enumerate(args):
        if arg.startswith("{file:"):
            f = tmp / f"input-{i}.txt"
            f.write_text(arg[len("{file:") : -1])
            arg = str(f)
        out.append(arg.replace("{tmp}", str(tmp)))
    return out


@pytest.mark.parametrize(("args", "says"), BAD, ids=[" ".join(a)[:40] for a, _ in BAD])
def test_bad_input_exits_2_with_one_line_and_changes_nothing(
    posture, with_day, base, tmp_path, args, says
):
    before = snapshot(base)
    status, out, err = posture(*_materialise(args, tmp_path))
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("posture-app")
    assert says in err
    assert snapshot(base) == before


def test_a_database_from_a_newer_version_is_refused_untouched(posture, with_day, base):
    import sqlite3

    db = base / "data" / "posture.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = snapshot(base)
    for args in (["log", "water"], ["report"], ["export"]):
        status, _out, err = posture(*args)
        assert status == 2
        assert "newer version" in err
        assert len(err.strip().splitlines()) == 1
    assert snapshot(base) == before


def test_settings_from_a_newer_version_are_refused_untouched(posture, base):
    settings = base / "config" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"version": SETTINGS_VERSION + 1}))
    before = snapshot(base)
    status, _out, err = posture("log", "water")
    assert status == 2
    assert "newer version" in err
    assert snapshot(base) == before


# --- the real program --------------------------------------------------------------------------------


def run_program(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_version_and_help():
    assert run_program("--version").stdout.strip() == f"posture-app {__version__}"
    helped = run_program("--help")
    assert helped.returncode == 0
    for command in ("log", "report", "export", "import", "simulate", "--basedir"):
        assert command in helped.stdout


def test_bad_input_through_the_real_entry_point(tmp_path):
    done = run_program("log", "stiffness", "12", "--basedir", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert not (tmp_path / "data").exists()


def test_headless_commands_never_load_qt(tmp_path):
    probe = (
        "import sys, runpy; sys.argv = ['posture-app', 'report', '--json', '--basedir', sys.argv[1]];"
        "import posture_app.app as a; code = a.main(sys.argv[1:]);"
        "assert not any(m.startswith(('PySide6', 'shiboken6', 'plyer')) for m in sys.modules), "
        "[m for m in sys.modules if m.startswith('PySide6')]; sys.exit(code)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_report_loads_only_what_it_needs(tmp_path):
    # Start-up time is most of a report's cost (bench/RESULTS.md): keep heavy modules out.
    assert run_program("log", "water", "--basedir", str(tmp_path)).returncode == 0  # a database
    probe = (
        "import sys; import posture_app.app as a;"
        "code = a.main(['report', '--json', '--basedir', sys.argv[1]]);"
        "heavy = ['logging', 'posture_app.core.settings', 'posture_app.core.scheduler',"
        " 'posture_app.core.exchange', 'platformdirs', 'uuid'];"
        "loaded = [m for m in heavy if m in sys.modules];"
        "assert not loaded, loaded; sys.exit(code)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_core_is_standard_library_only():
    import ast

    allowed_prefix = "posture_app.core"
    stdlib = sys.stdlib_module_names
    for path in (ROOT / "posture_app" / "core").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert top in stdlib or name.startswith(allowed_prefix) or top == "__future__", (
                    path.name,
                    name,
                )
    probe = "import sys, pkgutil, importlib, posture_app.core as c\n" \
            "for m in pkgutil.iter_modules(c.__path__): importlib.import_module('posture_app.core.' + m.name)\n" \
            "assert 'PySide6' not in sys.modules and 'platformdirs' not in sys.modules"  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
