"""Benchmarks for posture-app: a year of `simulate`, and `report` against a bare Python start.

Run from the repository root (never from pytest; it takes one to two minutes):

    .venv/bin/python bench/run.py          # or: make bench
    .venv/bin/python bench/run.py --profile --output /tmp/RESULTS.md

In one run it
  a. generates 250 workdays with bench/make_trace.py into a temp dir;
  b. times `main.py simulate TRACE --basedir TMP` as a subprocess (stdout to /dev/null, a fresh
     basedir each time; best and median of 3), then once more keeping the output, to count and
     audit the events;
  c. on that year of data, times `main.py report --json --week W` and the text report,
     `main.py --version`, `python -c 'import sqlite3'` and `python -c pass`, interleaved, ~15
     times each, in two set-ups: the environment as it is, and with bytecode cached (a
     PYTHONPYCACHEPREFIX in the temp dir, as an installed app has its .pyc files);
  d. times the core in-process (perf_counter): the scheduler alone over the parsed trace, with
     JSON output, with the SQLite store, the whole command; and `week_summary` on the year;
  e. checks the stored year against what the trace implies (bench/sanity.py), profiles where a
     target fails or passes by less than 20%, prints a Markdown report and writes it to
     bench/RESULTS.md.

Wall times come from time.perf_counter around subprocess.run, with this interpreter
(sys.executable, the venv's python) running main.py from the repository root.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TextIO

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the package is run from source (main.py), not installed

import make_trace  # noqa: E402
import sanity  # noqa: E402

from posture_app import cli  # noqa: E402
from posture_app.core.model import Outcome  # noqa: E402
from posture_app.core.recorder import record  # noqa: E402
from posture_app.core.settings import Settings  # noqa: E402
from posture_app.core.simulate import answer_all, event_json, simulate  # noqa: E402
from posture_app.core.stats import IsoWeek, week_summary  # noqa: E402
from posture_app.core.store import Store  # noqa: E402
from posture_app.core.trace import TraceLine, parse_trace  # noqa: E402

PY = sys.executable
SIM_TARGET_S = 5.0
RATIO_TARGET = 4.0
#: Profile a target that passes by less than this margin too (the machine's noise is ~20%).
MARGIN = 0.8
DEFAULT_OUTPUT = REPO / "bench" / "RESULTS.md"


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Timing:
    """Wall-time samples of one thing, in seconds."""

    name: str
    samples: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system seconds of a child process
    runs: list[Run] = field(default_factory=list)

    @property
    def median(self) -> float:
        """Median of the samples."""
        return statistics.median(self.samples)

    @property
    def best(self) -> float:
        """Fastest sample."""
        return min(self.samples)

    @property
    def cpu_median(self) -> float:
        """Median CPU time (0 when not measured)."""
        return statistics.median(self.cpu) if self.cpu else 0.0

    def add(self, run: Run) -> None:
        """Record one subprocess run."""
        self.samples.append(run.wall)
        self.cpu.append(run.cpu)
        self.runs.append(run)


@dataclass(frozen=True)
class Run:
    """One subprocess run: wall seconds (perf_counter), CPU use, and what it printed."""

    wall: float
    cpu: float  # user + system seconds
    out: str
    sys: float = 0.0  # system (kernel) seconds
    minflt: int = 0  # minor page faults


def _children() -> tuple[float, float, int]:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime, usage.ru_stime, usage.ru_minflt


def run_timed(
    args: Sequence[str], env: dict[str, str], *, stdout: int | TextIO = subprocess.PIPE
) -> Run:
    """Run `python ARGS` from the repo root, timed with perf_counter around subprocess.run."""
    cpu0, sys0, flt0 = _children()
    t0 = time.perf_counter()
    proc = subprocess.run(
        [PY, *args], cwd=REPO, env=env, stdout=stdout, stderr=subprocess.PIPE, text=True
    )
    elapsed = time.perf_counter() - t0
    cpu1, sys1, flt1 = _children()
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    if proc.stderr.strip():
        print(f"bench: note, {' '.join(args[:2])} wrote to stderr: {proc.stderr.strip()}")
    return Run(elapsed, cpu1 - cpu0, proc.stdout or "", sys1 - sys0, flt1 - flt0)


def time_in_process(fn: Callable[[], object], repeat: int) -> Timing:
    """perf_counter around `fn()`, `repeat` times."""
    t = Timing(getattr(fn, "__name__", "fn"))
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        t.samples.append(time.perf_counter() - t0)
    return t


def calibrate() -> float:
    """Seconds for a fixed pure-Python workload (best of 3): how fast the machine is right now."""
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        total = 0
        for i in range(2_000_000):
            total += i % 7
        best = min(best, time.perf_counter() - t0)
    return best


def ms(seconds: float) -> str:
    """Seconds as milliseconds for a table."""
    return f"{seconds * 1000:.1f}"


def verdict(ok: bool) -> str:
    """PASS or FAIL, bold."""
    return "**PASS**" if ok else "**FAIL**"


# --- environment ------------------------------------------------------------------------------


def machine_info() -> list[tuple[str, str]]:
    """What the figures were measured on."""
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    except OSError:
        nproc = str(os.cpu_count())
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    git = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    pyc = os.environ.get("PYTHONDONTWRITEBYTECODE")
    return [
        ("Date", datetime.now().astimezone().isoformat(timespec="seconds")),
        ("nproc", nproc),
        ("CPU", cpu),
        ("Python", f"{platform.python_version()} ({PY})"),
        ("OS", platform.platform()),
        ("Commit", git or "unknown"),
        ("Load average at start", load),
        ("PYTHONDONTWRITEBYTECODE", f"`{pyc}`" if pyc else "not set"),
    ]


def environments(tmp: Path) -> dict[str, dict[str, str]]:
    """`as is`: this shell's environment; `pyc cached`: bytecode kept in a temp prefix."""
    base = {k: v for k, v in os.environ.items() if k != "POSTURE_APP_BASEDIR"}
    cached = {k: v for k, v in base.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    return {"as is": base, "pyc cached": cached}


# --- the steps --------------------------------------------------------------------------------


@dataclass
class Results:
    """Everything measured and checked, for the report."""

    info: list[tuple[str, str]]
    days: int
    seed: int
    trace_lines: int = 0
    trace_span: str = ""
    gen_s: float = 0.0
    sim: Timing = field(default_factory=lambda: Timing("simulate"))
    sim_capture: Run = Run(0.0, 0.0, "")
    events: Counter[str] = field(default_factory=Counter)
    breakdown: list[tuple[str, Timing]] = field(default_factory=list)
    split: tuple[float, float, float] = (0.0, 0.0, 0.0)  # scheduler, store, JSON (seconds)
    week: str = ""
    cmds: dict[tuple[str, str], Timing] = field(default_factory=dict)
    in_process_report: list[tuple[str, Timing]] = field(default_factory=list)
    db_bytes: int = 0
    checks: list[sanity.Check] = field(default_factory=list)
    day_sample: dict[str, object] = field(default_factory=dict)
    audit: sanity.Audit = field(default_factory=sanity.Audit)
    year_mismatches: list[str] = field(default_factory=list)
    profile: list[str] = field(default_factory=list)


def generate(tmp: Path, res: Results) -> tuple[Path, list[TraceLine]]:
    """Step a: the trace, written and parsed."""
    trace = tmp / "year.jsonl"
    t0 = time.perf_counter()
    with trace.open("w", encoding="utf-8") as f:
        res.trace_lines = make_trace.write_trace(f, res.days, res.seed)
    res.gen_s = time.perf_counter() - t0
    with trace.open(encoding="utf-8") as f:
        lines = parse_trace(f, name=str(trace))
    res.trace_span = f"{lines[0].at:%a %Y-%m-%d %H:%M%z} to {lines[-1].at:%a %Y-%m-%d %H:%M%z}"
    bad = [ln for ln in lines if ln.at.utcoffset() != ln.at.astimezone(make_trace.ZONE).utcoffset()]
    offsets = sorted({str(ln.at.utcoffset()) for ln in lines})
    res.checks.append(
        sanity.Check(
            "trace `at` offsets are Europe/Berlin's (DST)",
            not bad,
            f"{len(bad)} wrong of {len(lines)}; offsets seen: {', '.join(offsets)}",
        )
    )
    return trace, lines


def time_simulate(
    trace: Path, tmp: Path, env: dict[str, str], runs: int, res: Results
) -> tuple[Path, Path]:
    """Step b: `main.py simulate` as a user runs it; then once more, keeping the output."""
    for i in range(runs):
        base = tmp / f"sim-{i}"
        run = run_timed(
            ["main.py", "simulate", str(trace), "--basedir", str(base)],
            env,
            stdout=subprocess.DEVNULL,
        )
        res.sim.add(run)
        print(f"  simulate run {i + 1}: {run.wall:.2f} s (CPU {run.cpu:.2f} s)")
    year = tmp / "year"
    events = tmp / "events.jsonl"
    with events.open("w", encoding="utf-8") as out:
        res.sim_capture = run_timed(
            ["main.py", "simulate", str(trace), "--basedir", str(year)], env, stdout=out
        )
    with events.open(encoding="utf-8") as f:
        res.events = Counter(json.loads(line)["event"] for line in f)
    return year, events


class _Null(io.TextIOBase):
    """A text sink, like /dev/null."""

    def write(self, s: str) -> int:
        return len(s)


def breakdown(lines: list[TraceLine], trace: Path, tmp: Path, runs: int, res: Results) -> None:
    """Step d (simulate): the core in-process, to split scheduler from store and I/O cost.

    The pipeline run does what `cli._simulate` does (scheduler, `record()` into SQLite in one
    transaction, a JSON line per event) and times the store and output calls inside it, so
    the split comes from one run rather than from runs that a busy machine slows differently.
    """
    settings = Settings()
    respond = answer_all(Outcome.DONE)
    counter = iter(range(1000))
    split: list[tuple[float, float, float]] = []  # (total, in record(), in JSON output)

    def scheduler_only() -> None:
        for _ in simulate(lines, settings, respond):
            pass

    def pipeline() -> None:
        t_start = time.perf_counter()
        in_store = in_json = 0.0
        null = _Null()
        store = Store.open(tmp / f"inproc-{next(counter)}" / "posture.sqlite3")
        try:
            with store.transaction():
                for event in simulate(lines, settings, respond, has_rating=store.has_rating):
                    t0 = time.perf_counter()
                    record(store, event)
                    t1 = time.perf_counter()
                    null.write(json.dumps(event_json(event), ensure_ascii=False) + "\n")
                    t2 = time.perf_counter()
                    in_store += t1 - t0
                    in_json += t2 - t1
        finally:
            store.close()
        split.append((time.perf_counter() - t_start, in_store, in_json))

    def whole_command() -> None:
        base = tmp / f"inproc-cli-{next(counter)}"
        out = io.StringIO()
        status = cli.main(["simulate", str(trace), "--basedir", str(base)], out=out)
        assert status == 0

    def parse() -> None:
        with trace.open(encoding="utf-8") as f:
            parse_trace(f)

    only = time_in_process(scheduler_only, runs)
    piped = time_in_process(pipeline, runs)
    total, in_store, in_json = min(split)
    res.split = (total - in_store - in_json, in_store, in_json)
    res.breakdown = [
        ("parse the trace (read + parse_trace)", time_in_process(parse, 3)),
        ("scheduler only: `simulate()`, no store, no output", only),
        ("scheduler + `record()` into SQLite + a JSON line per event (to a null sink)", piped),
        (
            "whole command in-process: `cli.main(['simulate', ...])`",
            time_in_process(whole_command, 2),
        ),
    ]
    for name, t in res.breakdown:
        print(f"  {name}: {t.median:.2f} s")


REPORT_JSON = "main.py report --json --week W"
REPORT_TEXT = "main.py report --week W (text)"
VERSION = "main.py --version"
SQLITE = "python -c 'import sqlite3'"
BARE = "python -c pass"


def command_args(name: str, week: str, base: Path) -> list[str]:
    """What follows `python` for one of the timed commands."""
    report = ["main.py", "report", "--week", week, "--basedir", str(base)]
    return {
        REPORT_JSON: [*report, "--json"],
        REPORT_TEXT: report,
        VERSION: ["main.py", "--version"],
        SQLITE: ["-c", "import sqlite3"],
        BARE: ["-c", "pass"],
    }[name]


#: Which commands run in which set-up (the bare starts do not import the app).
PLAN: list[tuple[str, str]] = [
    (REPORT_JSON, "as is"),
    (REPORT_JSON, "pyc cached"),
    (REPORT_TEXT, "as is"),
    (REPORT_TEXT, "pyc cached"),
    (VERSION, "as is"),
    (VERSION, "pyc cached"),
    (SQLITE, "as is"),
    (SQLITE, "pyc cached"),
    (BARE, "as is"),
]


def time_reports(
    year: Path, envs: dict[str, dict[str, str]], reps: int, res: Results
) -> dict[str, object]:
    """Step c: report against bare starts, interleaved (rotating order), `reps` times each."""
    outputs: set[str] = set()
    for name, env_name in PLAN:  # warm-up: page cache, and the bytecode prefix
        run_timed(command_args(name, res.week, year), envs[env_name])
    res.cmds = {key: Timing(key[0]) for key in PLAN}
    for rep in range(reps):
        order = PLAN[rep % len(PLAN) :] + PLAN[: rep % len(PLAN)]
        for name, env_name in order:
            run = run_timed(command_args(name, res.week, year), envs[env_name])
            res.cmds[(name, env_name)].add(run)
            if name == REPORT_JSON:
                outputs.add(run.out)
    res.checks.append(
        sanity.Check(
            "`report --json` is deterministic",
            len(outputs) == 1,
            f"{2 * reps} runs gave {len(outputs)} distinct output(s)",
        )
    )
    report: dict[str, object] = json.loads(next(iter(outputs)))
    return report


def in_process_report(year: Path, res: Results) -> None:
    """Step d (report): week_summary, opening the store, and the whole command in-process."""
    week = IsoWeek.parse(res.week)
    db = year / "data" / "posture.sqlite3"
    res.db_bytes = db.stat().st_size
    store = Store.open(db)
    try:
        summary = time_in_process(lambda: week_summary(store, week), 30)
        as_json = time_in_process(lambda: json.dumps(week_summary(store, week).to_json()), 30)
    finally:
        store.close()

    def quick_check() -> None:
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA quick_check(1)").fetchone()
        conn.close()

    def command() -> None:
        out = io.StringIO()
        argv = ["report", "--json", "--week", res.week, "--basedir", str(year)]
        assert cli.main(argv, out=out) == 0

    res.in_process_report = [
        ("`week_summary(store, week)` (store already open)", summary),
        ("`week_summary` + `to_json` + `json.dumps`", as_json),
        ("`Store.open(db)` + `close()`", time_in_process(lambda: Store.open(db).close(), 30)),
        (
            "of which `PRAGMA quick_check(1)` (connect, check, close)",
            time_in_process(quick_check, 30),
        ),
        (
            "whole command in-process: `cli.main(['report', '--json', ...])`",
            time_in_process(command, 30),
        ),
    ]


# --- checks -----------------------------------------------------------------------------------


def check_week(report: dict[str, object], lines: list[TraceLine], res: Results) -> None:
    """Step 4: does the mid-year week look like an office week, and match the trace?"""
    days = report["days"]
    totals = report["totals"]
    assert isinstance(days, list)
    assert isinstance(totals, dict)
    weekdays = [d for d in days if date.fromisoformat(d["date"]).weekday() < 5]
    weekend = [d for d in days if date.fromisoformat(d["date"]).weekday() >= 5]
    sitting = [d["sitting_minutes"] for d in weekdays]
    breaks = [d["natural_breaks"] for d in weekdays]
    res.checks.append(
        sanity.Check(
            "5 days with data (Mon-Fri), weekend empty",
            totals["days_with_data"] == 5 and not any(d["sessions"] for d in weekend),
            f"days_with_data = {totals['days_with_data']}",
        )
    )
    mean_h = statistics.mean(sitting) / 60
    res.checks.append(
        sanity.Check(
            "sitting 5-8 h a day (week mean; each day 4-9.5 h)",
            5 <= mean_h <= 8 and all(240 <= m <= 570 for m in sitting),
            f"mean {mean_h:.1f} h; days: " + ", ".join(f"{m // 60}h{m % 60:02d}" for m in sitting),
        )
    )
    res.checks.append(
        sanity.Check(
            "several natural breaks a day (>= 2)",
            all(b >= 2 for b in breaks),
            "per day: " + ", ".join(str(b) for b in breaks),
        )
    )
    interval_kinds = ("posture", "stretch", "break", "hydration")
    shown = all(all(d["prompts"][k]["due"] > 0 for k in interval_kinds) for d in weekdays)
    outcomes = all(
        c["due"] == c["done"] + c["snoozed"] + c["skipped"] + c["ignored"]
        for d in days
        for c in d["prompts"].values()
    )
    stiff = [d["prompts"]["stiffness"] for d in weekdays]
    res.checks.append(
        sanity.Check(
            "prompts shown every workday, each with one outcome",
            shown and outcomes and all(s["due"] >= 1 for s in stiff),
            "stiffness done/due per day: " + ", ".join(f"{s['done']}/{s['due']}" for s in stiff),
        )
    )
    expected = sanity.expected_days(lines)
    problems = sanity.compare_week(report, expected, res.audit.hydration_done)
    res.checks.append(
        sanity.Check(
            f"{res.week} matches the trace (sitting, sessions, breaks, water, ratings)",
            not problems,
            "; ".join(problems[:5]) or "all 7 days match",
        )
    )
    wednesday = weekdays[2] if len(weekdays) > 2 else days[0]
    res.day_sample = wednesday


def check_year(year: Path, lines: list[TraceLine], res: Results) -> None:
    """Every week of the year against the trace, in-process (covers both DST changes)."""
    expected = sanity.expected_days(lines)
    first = IsoWeek.of(lines[0].at.date())
    last = IsoWeek.of(lines[-1].at.date())
    store = Store.open(year / "data" / "posture.sqlite3")
    weeks = 0
    try:
        week = first
        while week <= last:
            report = week_summary(store, week).to_json()
            res.year_mismatches += sanity.compare_week(report, expected, res.audit.hydration_done)
            weeks += 1
            week = week.shifted(1)
    finally:
        store.close()
    res.checks.append(
        sanity.Check(
            f"every week {first}..{last} matches the trace ({weeks} weeks, both DST changes)",
            not res.year_mismatches,
            f"{len(res.year_mismatches)} differences"
            + (f", first: {res.year_mismatches[0]}" if res.year_mismatches else ""),
        )
    )
    odd = res.audit.odd
    res.checks.append(
        sanity.Check(
            "no prompts while away, locked, asleep or presenting",
            not any(k.startswith("prompt ") for k in odd),
            ", ".join(f"{k}: {len(v)}" for k, v in odd.items() if k.startswith("prompt "))
            or "none",
        )
    )
    res.checks.append(
        sanity.Check(
            "every printed time carries Europe/Berlin's offset of its moment",
            sanity.BAD_OFFSET not in odd,
            f"{len(odd.get(sanity.BAD_OFFSET, []))} wrong",
        )
    )


# --- profiles ---------------------------------------------------------------------------------


def _where(key: tuple[str, int, str]) -> str:
    file, line, func = key
    if file == "~":
        return func
    path = Path(file)
    try:
        shown = str(path.relative_to(REPO))
    except ValueError:
        shown = path.name
    return f"{shown}:{line}({func})"


def profile_simulate(trace: Path, tmp: Path) -> list[str]:
    """cProfile of the whole simulate command in-process: top functions by own time."""
    prof = cProfile.Profile()
    out = io.StringIO()
    prof.enable()
    cli.main(["simulate", str(trace), "--basedir", str(tmp / "profile")], out=out)
    prof.disable()
    st = pstats.Stats(prof)
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, object]]
    raw = st.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in raw.values())
    rows = sorted(raw.items(), key=lambda kv: kv[1][2], reverse=True)[:18]
    lines = [
        f"cProfile of `cli.main(['simulate', ...])` in-process (total own time {total:.2f} s "
        "under the profiler, which roughly doubles it). Top functions by own time:",
        "",
        "| own s | share | cumulative s | calls | function |",
        "|---:|---:|---:|---:|---|",
    ]
    for key, (_cc, nc, tt, ct, _callers) in rows:
        lines.append(f"| {tt:.2f} | {tt / total:.0%} | {ct:.2f} | {nc} | `{_where(key)}` |")
    return lines


@dataclass(frozen=True)
class Imported:
    """One line of `-X importtime`: a module, its own and cumulative microseconds, who pulled it."""

    name: str
    self_us: int
    cum_us: int
    parent: str | None


def kernel_time(trace: Path, tmp: Path, env: dict[str, str], res: Results) -> list[str]:
    """Why the simulate child spends time in the kernel: heap trimming around SQLite writes.

    Runs simulate once more with glibc's trim threshold raised (so freed memory stays mapped),
    and looks for temporary tables in the plan of a prompts insert (`CHECK (x IN (...))`
    lists are evaluated through one on every write).
    """
    tuned = {**env, "GLIBC_TUNABLES": "glibc.malloc.trim_threshold=67108864"}
    run = run_timed(
        ["main.py", "simulate", str(trace), "--basedir", str(tmp / "sim-tuned")],
        tuned,
        stdout=subprocess.DEVNULL,
    )
    conn = sqlite3.connect(tmp / "year" / "data" / "posture.sqlite3")
    try:
        plan = conn.execute("EXPLAIN INSERT INTO prompts VALUES (?, ?, ?, ?, ?, ?, ?)", [None] * 7)
        ephemeral = sum(1 for row in plan if row[1] == "OpenEphemeral")
        checks = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'prompts'").fetchone()
    finally:
        conn.close()
    in_lists = " IN (" in (checks[0] if checks else "")
    why = " (the `CHECK (kind IN (...))` / `outcome IN (...)` lists)" if in_lists else ""
    median_sys = statistics.median(r.sys for r in res.sim.runs)
    median_flt = statistics.median(r.minflt for r in res.sim.runs)
    return [
        f"Kernel time: the simulate child spends a median {median_sys:.2f} s in the kernel on "
        f"{median_flt:.0f} minor page faults ({median_flt / max(1, sum(res.events.values())):.1f} "
        "per event printed). The same run with "
        "`GLIBC_TUNABLES=glibc.malloc.trim_threshold=67108864` (freed heap stays mapped) took "
        f"{run.wall:.2f} s wall, {run.sys:.2f} s kernel, {run.minflt} faults. "
        f"`EXPLAIN INSERT INTO prompts ...` on the year's database opens {ephemeral} temporary "
        f"table(s){why}: "
        "SQLite builds them, with a page cache, on every prompt write (a prompt is written when "
        "shown and again with its outcome), and glibc gives the freed memory back and maps it "
        "again each time.",
    ]


def _importtime(args: list[str], env: dict[str, str]) -> dict[str, Imported]:
    proc = subprocess.run(
        [PY, "-X", "importtime", *args], cwd=REPO, env=env, capture_output=True, text=True
    )
    rows: list[tuple[int, str, int, int]] = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "[us]" in line:
            continue
        self_us, cum_us, field_ = line.removeprefix("import time:").split("|")
        depth = (len(field_) - len(field_.lstrip()) - 1) // 2
        rows.append((depth, field_.strip(), int(self_us), int(cum_us)))
    parents: dict[int, int] = {}
    pending: dict[int, list[int]] = {}
    for i, (depth, *_rest) in enumerate(rows):  # children are printed before their parent
        for child in pending.pop(depth + 1, []):
            parents[child] = i
        pending.setdefault(depth, []).append(i)
    return {
        name: Imported(name, s, c, rows[parents[i]][1] if i in parents else None)
        for i, (_d, name, s, c) in enumerate(rows)
    }


def profile_report(year: Path, week: str, env: dict[str, str]) -> list[str]:
    """Where a report's start goes: `-X importtime`, against `python -c 'import sqlite3'`."""
    args = ["main.py", "report", "--json", "--week", week, "--basedir", str(year)]
    runs = [_importtime(args, env) for _ in range(5)]
    base = _importtime(["-c", "import sqlite3"], env)
    first = runs[0]

    def med(name: str, cum: bool = False) -> float:
        return statistics.median(
            (r[name].cum_us if cum else r[name].self_us) for r in runs if name in r
        )

    extra = [m for m in first if m not in base]
    groups: Counter[str] = Counter()
    for m in extra:
        top = m.split(".")[0]
        if top == "posture_app":
            groups["posture_app (own code)"] += int(med(m))
        elif top in sys.stdlib_module_names:
            groups["standard library"] += int(med(m))
        else:
            groups[f"third party ({top})"] += int(med(m))
    pulled = [
        m
        for m in extra
        if not m.startswith("posture_app") and (first[m].parent or "").startswith("posture_app")
    ]
    lines = [
        "`python -X importtime main.py report --json ...` with bytecode cached (median of 5; "
        f"importtime inflates times a little). The report imports {len(extra)} modules that "
        "`import sqlite3` does not; importing `posture_app.app` takes "
        f"{med('posture_app.app', cum=True) / 1000:.0f} ms cumulative. Own import time of "
        "those extra modules:",
        "",
        "| group | ms |",
        "|---|---:|",
    ]
    lines += [f"| {g} | {t / 1000:.1f} |" for g, t in groups.most_common() if t >= 500]
    lines += [
        "",
        "Slowest modules by own import time (a posture_app module's own time is mostly "
        "building its classes: dataclasses, enums):",
        "",
        "| module | own ms |",
        "|---|---:|",
    ]
    for m in sorted(extra, key=med, reverse=True)[:12]:
        lines.append(f"| `{m}` | {med(m) / 1000:.1f} |")
    lines += [
        "",
        "Library modules the app pulls in first (cumulative, with what they drag along):",
        "",
        "| module | first imported by | cumulative ms |",
        "|---|---|---:|",
    ]
    for m in sorted(pulled, key=lambda m: med(m, cum=True), reverse=True)[:12]:
        lines.append(f"| `{m}` | `{first[m].parent}` | {med(m, cum=True) / 1000:.1f} |")
    return lines


# --- the report -------------------------------------------------------------------------------


def render(res: Results) -> str:
    """RESULTS.md."""
    sim_ok = res.sim.best < SIM_TARGET_S
    setups = ("as is", "pyc cached")
    sqlite = {e: res.cmds[(SQLITE, e)].median for e in setups}
    report = {e: res.cmds[(REPORT_JSON, e)].median for e in setups}
    ratio = {e: report[e] / sqlite[e] for e in setups}
    out: list[str] = [
        "# Benchmark results",
        "",
        "Written by `bench/run.py` (`make bench`); measured on this machine from this code. "
        "Re-run to refresh; do not edit by hand.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in res.info],
        "",
        "## Targets",
        "",
        "| Target | Measured | Limit | Result |",
        "|---|---|---|---|",
        f"| A year ({res.days} workdays) simulates in under {SIM_TARGET_S:.0f} s "
        f"(`main.py simulate`, wall, best of {len(res.sim.samples)}) | best "
        f"{res.sim.best:.2f} s, median {res.sim.median:.2f} s | {SIM_TARGET_S:.0f} s | "
        f"{verdict(sim_ok)} |",
    ]
    for e in setups:
        out.append(
            f"| `report --json` costs under {RATIO_TARGET:.0f}x a bare `python -c 'import sqlite3'`"
            f" ({e}) | {ratio[e]:.1f}x ({ms(report[e])} ms / {ms(sqlite[e])} ms, medians) | "
            f"{RATIO_TARGET:.0f}x | {verdict(ratio[e] < RATIO_TARGET)} |"
        )
    as_is = (
        "PYTHONDONTWRITEBYTECODE is set, so posture_app is compiled from source at every start"
        if os.environ.get("PYTHONDONTWRITEBYTECODE")
        else "PYTHONDONTWRITEBYTECODE is not set"
    )
    out += [
        "",
        f"*as is* is this shell's environment ({as_is}); *pyc cached* keeps bytecode in a temp "
        "PYTHONPYCACHEPREFIX, as an installed app has its .pyc files. Wall time is what the "
        "targets are about; CPU time (user + system of the child) is shown because it moves "
        "less when other processes compete for the CPUs (see the load averages above).",
        "",
        "## simulate: a year of workdays",
        "",
        f"Trace: `bench/make_trace.py --days {res.days} --seed {res.seed}`: "
        f"{res.trace_lines} lines, {res.trace_span}; generated in {res.gen_s:.2f} s. "
        f"Events printed: {sum(res.events.values())} ("
        + ", ".join(f"{k} {v}" for k, v in res.events.most_common())
        + ").",
        "",
        "| Run | best s | median s | all s | CPU s | of which kernel s | minor page faults |",
        "|---|---:|---:|---|---:|---:|---:|",
        f"| `main.py simulate TRACE --basedir FRESH > /dev/null` | {res.sim.best:.2f} | "
        f"{res.sim.median:.2f} | {', '.join(f'{s:.2f}' for s in res.sim.samples)} | "
        f"{res.sim.cpu_median:.2f} | {statistics.median(r.sys for r in res.sim.runs):.2f} | "
        f"{statistics.median(r.minflt for r in res.sim.runs):.0f} |",
        f"| same, stdout to a file (the run whose data the reports use) | "
        f"{res.sim_capture.wall:.2f} | | | {res.sim_capture.cpu:.2f} | "
        f"{res.sim_capture.sys:.2f} | {res.sim_capture.minflt} |",
        "",
        "CPU, kernel time and page faults are the median over the runs (getrusage of the child).",
        "",
        "In-process (time.perf_counter), to separate the scheduler from store and I/O:",
        "",
        "| What | best s | median s | n |",
        "|---|---:|---:|---:|",
    ]
    for name, t in res.breakdown:
        out.append(f"| {name} | {t.best:.2f} | {t.median:.2f} | {len(t.samples)} |")
    parse, _only, piped, whole = (t.best for _name, t in res.breakdown)
    sched, in_store, in_json = res.split
    start = res.cmds[(VERSION, "as is")].best
    out += [
        "",
        f"Inside the fastest pipeline run ({piped:.2f} s): scheduler {sched:.2f} s "
        f"({sched / piped:.0%}), `record()` into SQLite {in_store:.2f} s "
        f"({in_store / piped:.0%}), `event_json` + `json.dumps` {in_json:.2f} s "
        f"({in_json / piped:.0%}). Outside it: parsing the trace {parse:.2f} s, interpreter "
        f"start and imports about {start:.2f} s (best `main.py --version`, as is). The whole "
        f"command in-process took {whole:.2f} s at best; the subprocess adds the start, and "
        "the rest of any gap is run-to-run noise.",
        "",
        f"## report vs a bare Python start (week {res.week}, {len(res.cmds[PLAN[0]].samples)} "
        "interleaved runs each)",
        "",
        "| Command | set-up | median ms | min ms | median / `import sqlite3` | CPU ms (median) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for (name, e), t in res.cmds.items():
        out.append(
            f"| `{name}` | {e} | {ms(t.median)} | {ms(t.best)} | {t.median / sqlite[e]:.1f}x | "
            f"{ms(t.cpu_median)} |"
        )
    out += [
        "",
        f"In-process on the year's database ({res.db_bytes / 1e6:.1f} MB; 30 runs each):",
        "",
    ]
    out += ["| What | median ms | min ms |", "|---|---:|---:|"]
    for name, t in res.in_process_report:
        out.append(f"| {name} | {ms(t.median)} | {ms(t.best)} |")
    bare = res.cmds[(BARE, "as is")].median
    version = res.cmds[(VERSION, "pyc cached")].median
    summary, _as_json, opening, check, command = (t.median for _n, t in res.in_process_report)
    out += [
        "",
        f"Budget of one `report --json` with bytecode cached ({ms(report['pyc cached'])} ms, "
        f"medians): a bare interpreter start {ms(bare)} ms; importing the app and parsing "
        f"arguments (`--version` minus bare start) about {ms(version - bare)} ms; the command "
        f"itself about {ms(command)} ms, of which opening the store {ms(opening)} ms "
        f"(`PRAGMA quick_check` {ms(check)} ms, which reads the whole file and so grows with "
        f"the data) and the week's numbers {ms(summary)} ms.",
    ]
    out += [
        "",
        "## Sanity check of the simulated year",
        "",
        "| Check | Result | Detail |",
        "|---|---|---|",
    ]
    for c in res.checks:
        out.append(f"| {c.name} | {'ok' if c.ok else '**CHECK**'} | {c.detail} |")
    d = res.day_sample
    if d:
        prompts = d["prompts"]
        assert isinstance(prompts, dict)
        out += [
            "",
            f"One day from `report --json --week {res.week}` ({d['date']}, a Wednesday):",
            "",
            f"- sitting {d['sitting_minutes']} min in {d['sessions']} sessions, longest "
            f"{d['longest_session_minutes']} min, {d['natural_breaks']} natural breaks",
            f"- water {d['water_ml']} ml; stiffness morning {d['stiffness_morning']}, "
            f"evening {d['stiffness_evening']}",
            "- prompts (due: done/snoozed/skipped/ignored): "
            + "; ".join(
                f"{k} {c['due']}: {c['done']}/{c['snoozed']}/{c['skipped']}/{c['ignored']}"
                for k, c in prompts.items()
            ),
        ]
    a = res.audit
    out += [
        "",
        "## What the simulate output looks like",
        "",
        "- prompts by kind: " + ", ".join(f"{k} {v}" for k, v in a.prompts.most_common()),
        "- outcomes: " + ", ".join(f"{k}/{o} {v}" for (k, o), v in sorted(a.outcomes.items())),
        "- stiffness prompts by slot and hour: "
        + ", ".join(f"{s} {h} {v}" for (s, h), v in sorted(a.stiffness_slots.items())),
        "- prompts by local hour: "
        + ", ".join(f"{h:02d}h {v}" for h, v in sorted(a.prompt_hours.items())),
        "- " + sanity.summarize_sessions(a.session_minutes),
    ]
    sizes = Counter(len(kinds) for kinds in a.at_once.elements())
    together = [(k, v) for k, v in a.at_once.most_common() if len(k) > 1][:4]
    grace = sum(a.idle_grace.values())
    out += [
        "- prompts shown at the same instant: "
        + ", ".join(f"{n} at once {v} times" for n, v in sorted(sizes.items()))
        + "; most common: "
        + ", ".join(f"{'+'.join(k)} {v}" for k, v in together),
        f"- prompts shown while the trace is idle but within the scheduler's 60 s before "
        f"counting the user away: {grace} of {sum(a.prompts.values())} ("
        + ", ".join(f"{k} {v}" for k, v in a.idle_grace.most_common())
        + ")",
        f"- prompts shown at the instant a presentation ended (deferred): {a.after_presenting}",
    ]
    if a.odd:
        out += ["", "Things that look odd (count, first example):", ""]
        for what, examples in a.odd.items():
            out.append(f"- {what}: {len(examples)}; e.g. `{examples[0]}`")
    else:
        out += ["", "Nothing odd found by the audit (see bench/sanity.py for what it looks for)."]
    if res.year_mismatches:
        out += ["", "Differences between the stored year and the trace (first 10):", ""]
        out += [f"- {m}" for m in res.year_mismatches[:10]]
    if res.profile:
        out += ["", "## Where the time goes", "", *res.profile]
    return "\n".join(out) + "\n"


# --- main -------------------------------------------------------------------------------------


def mid_week(lines: list[TraceLine]) -> str:
    """The ISO week in the middle of the trace."""
    first, last = lines[0].at.date(), lines[-1].at.date()
    middle = first + timedelta(days=(last - first).days // 2)
    return str(IsoWeek.of(middle))


def main(argv: list[str] | None = None) -> int:
    """Run every benchmark, print the Markdown report and write it."""
    p = argparse.ArgumentParser(description="posture-app benchmarks (see the module docstring)")
    p.add_argument("--days", type=int, default=250, help="workdays to simulate (default 250)")
    p.add_argument("--seed", type=int, default=1, help="trace seed (default 1)")
    p.add_argument("--sim-runs", type=int, default=3, help="timed simulate runs (default 3)")
    p.add_argument("--reps", type=int, default=15, help="runs of each report command (15)")
    p.add_argument("--profile", action="store_true", help="profile even when targets pass")
    p.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write")
    args = p.parse_args(argv)

    started = time.perf_counter()
    res = Results(info=machine_info(), days=args.days, seed=args.seed)
    speed_before = calibrate()
    with tempfile.TemporaryDirectory(prefix="posture-bench-") as tmp_name:
        tmp = Path(tmp_name)
        envs = environments(tmp)
        print(f"bench: generating {args.days} workdays")
        trace, lines = generate(tmp, res)
        res.week = mid_week(lines)
        print("bench: timing main.py simulate")
        year, events = time_simulate(trace, tmp, envs["as is"], args.sim_runs, res)
        with events.open(encoding="utf-8") as f:
            res.audit = sanity.audit(f, lines)
        print("bench: in-process breakdown")
        breakdown(lines, trace, tmp, args.sim_runs, res)
        print(f"bench: timing report for {res.week} against bare starts")
        report = time_reports(year, envs, args.reps, res)
        in_process_report(year, res)
        print("bench: sanity checks")
        check_week(report, lines, res)
        check_year(year, lines, res)
        sim_close = res.sim.best >= MARGIN * SIM_TARGET_S  # failing, or near enough to matter
        sqlite = res.cmds[(SQLITE, "pyc cached")].median
        rep = res.cmds[(REPORT_JSON, "pyc cached")].median
        rep_as_is = res.cmds[(REPORT_JSON, "as is")].median
        sqlite_as_is = res.cmds[(SQLITE, "as is")].median
        report_fail = rep / sqlite >= RATIO_TARGET or rep_as_is / sqlite_as_is >= RATIO_TARGET
        if sim_close or args.profile:
            print("bench: profiling simulate")
            res.profile += ["### simulate", "", *profile_simulate(trace, tmp), ""]
            res.profile += [*kernel_time(trace, tmp, envs["as is"], res), ""]
        if report_fail or args.profile:
            print("bench: profiling report start-up")
            res.profile += ["### report", "", *profile_report(year, res.week, envs["pyc cached"])]
    res.info.append(("Load average at end", ", ".join(f"{x:.2f}" for x in os.getloadavg())))
    res.info.append(
        (
            "Calibration loop (2M additions, best of 3) at start / end",
            f"{ms(speed_before)} ms / {ms(calibrate())} ms (a drift shows a busier machine)",
        )
    )
    text = render(res) + _tray_section(args.output)
    print()
    print(text)
    args.output.write_text(text, encoding="utf-8")
    print(f"bench: wrote {args.output} ({time.perf_counter() - started:.0f} s in all)")
    return 0


def _tray_section(output: Path) -> str:
    """Keep the tray benchmark's section (bench/tray.py writes it) when this file is rewritten."""
    if not output.exists():
        return ""
    old = output.read_text(encoding="utf-8")
    start = old.find("\n## Tray app (bench/tray.py)")
    return "" if start < 0 else old[start:]


if __name__ == "__main__":
    sys.exit(main())
