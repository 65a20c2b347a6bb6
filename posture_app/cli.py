"""The headless commands: log, report, export, import, simulate (DESIGN.md, Command line).

Nothing here imports Qt, so every command starts fast. Bad input gets one line on stderr that
names the problem, exit status 2, and nothing is written.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from posture_app import __version__
from posture_app.core.clock import Clock, SystemClock
from posture_app.core.errors import KnownError
from posture_app.core.files import write_private
from posture_app.core.model import (
    MAX_NOTE,
    MAX_WATER_ML,
    STIFFNESS_MAX,
    STIFFNESS_MIN,
    Area,
    Outcome,
    StiffnessRating,
    WaterLog,
    new_id,
)
from posture_app.core.stats import IsoWeek, WeekSummary, week_summary
from posture_app.core.store import Store
from posture_app.paths import Paths, resolve_paths

TYPE_CHECKING = False  # typing.TYPE_CHECKING without loading typing (start-up time)
if TYPE_CHECKING:
    from typing import NoReturn, TextIO

    from posture_app.core.settings import Settings

PROG = "posture-app"
#: Weeks in `report --pdf` (the week given and the ones before it).
REPORT_WEEKS = 4
_RESPONSES = {
    "done": Outcome.DONE,
    "snooze": Outcome.SNOOZED,
    "skip": Outcome.SKIPPED,
    "ignore": Outcome.IGNORED,
}


class UsageError(KnownError):
    """Bad input from the command line; the message is the one line the user sees."""


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, sized without loading shutil (argparse makes one per argument)."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24) -> None:
        try:
            width = int(os.environ.get("COLUMNS", "")) or os.get_terminal_size().columns
        except (ValueError, OSError):
            width = 80
        super().__init__(prog, indent_increment, max_help_position, width=max(40, width - 2))


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line naming it (and exit status 2)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")


@dataclass(frozen=True)
class Env:
    """What a command runs against: clock, paths, and where to print."""

    clock: Clock
    paths: Paths
    out: TextIO
    err: TextIO


COMMANDS = {
    "log": "log stiffness or water",
    "report": "weekly summary",
    "export": "export every record",
    "import": "import a JSON export",
    "simulate": "play an activity trace",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command-line grammar of DESIGN.md.

    With `only`, just that command gets its arguments (the others keep their name and help):
    building every subcommand costs more than a whole report.
    """
    common = _Parser(add_help=False)
    common.add_argument(
        "--basedir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="keep config, data and logs under DIR (also: $POSTURE_APP_BASEDIR)",
    )
    p = _Parser(
        prog=PROG,
        parents=[common],
        description="A tray companion that times sitting and prompts posture checks, "
        "stretches, breaks and water. With no command, it starts the tray app.",
    )
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    # prog given, so argparse need not build a help formatter (which loads shutil) to guess it.
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser, prog=PROG)
    for name, text in COMMANDS.items():
        if only in COMMANDS and name != only:
            continue  # a known command needs only its own parser
        command = sub.add_parser(name, parents=[common], help=text)
        if only is None or only == name:
            _ARGUMENTS[name](command, common)
    return p


def _log_arguments(log_p: argparse.ArgumentParser, common: _Parser) -> None:
    what = log_p.add_subparsers(
        dest="what", metavar="WHAT", required=True, parser_class=_Parser, prog=f"{PROG} log"
    )
    st = what.add_parser("stiffness", parents=[common], help="rate back stiffness 0-10")
    st.add_argument("score", metavar="SCORE", type=_score, help="0 = none, 10 = worst imaginable")
    st.add_argument("--area", choices=[a.value for a in Area], help="where you feel it")
    st.add_argument("--note", default="", help="a short note")
    st.add_argument("--at", metavar="ISO8601", type=_when, help="when (default: now)")
    wa = what.add_parser("water", parents=[common], help="log water you drank")
    wa.add_argument("ml", metavar="ML", nargs="?", type=_ml, help="millilitres (default: a glass)")


def _report_arguments(rep: argparse.ArgumentParser, _common: _Parser) -> None:
    rep.add_argument("--week", metavar="YYYY-Www", type=_week, help="which week (default: this)")
    form = rep.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print one JSON object")
    form.add_argument("--png", metavar="FILE", type=Path, help="save the week's charts as a PNG")
    form.add_argument(
        "--pdf",
        metavar="FILE",
        type=Path,
        help=f"save a printable report of the {REPORT_WEEKS} weeks up to this one "
        "(for a doctor or physiotherapist)",
    )


def _export_arguments(exp: argparse.ArgumentParser, _common: _Parser) -> None:
    exp.add_argument("--format", choices=["csv", "json"], default="json")
    exp.add_argument("--output", metavar="FILE", type=Path, help="write to FILE (default: stdout)")


def _import_arguments(imp: argparse.ArgumentParser, _common: _Parser) -> None:
    imp.add_argument("file", metavar="FILE.json", type=Path)


def _simulate_arguments(sim: argparse.ArgumentParser, _common: _Parser) -> None:
    sim.add_argument("trace", metavar="TRACE.jsonl", type=Path)
    sim.add_argument(
        "--respond",
        choices=list(_RESPONSES),
        default="done",
        help="how every prompt but stiffness is answered (default: done)",
    )
    sim.add_argument("--settings", metavar="FILE", type=Path, help="settings to use")


_ARGUMENTS = {
    "log": _log_arguments,
    "report": _report_arguments,
    "export": _export_arguments,
    "import": _import_arguments,
    "simulate": _simulate_arguments,
}


def _command_in(argv: Sequence[str]) -> str | None:
    """The command word in `argv` (skipping --basedir DIR), if it names one."""
    args = iter(argv)
    for arg in args:
        if arg == "--basedir":
            next(args, None)
        elif arg in COMMANDS:
            return arg
        elif not arg.startswith("-"):
            return None
    return None


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """Parse arguments; raise UsageError with one line on a mistake."""
    return build_parser(only=_command_in(argv) or "").parse_args(list(argv))


def run(
    args: argparse.Namespace,
    *,
    clock: Clock | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    environ: dict[str, str] | None = None,
) -> int:
    """Run a parsed headless command; return the exit status."""
    env = Env(
        clock=clock or SystemClock(),
        paths=resolve_paths(getattr(args, "basedir", None), environ or dict(os.environ)),
        out=out or sys.stdout,
        err=err or sys.stderr,
    )
    commands = {
        "log": _log,
        "report": _report,
        "export": _export,
        "import": _import,
        "simulate": _simulate,
    }
    try:
        commands[args.command](args, env)
    except KnownError as exc:
        print(f"{PROG}: {exc}", file=env.err)
        return 2
    except sqlite3.DatabaseError as exc:
        print(
            f"{PROG}: the database {env.paths.database_file} is damaged ({exc}); start "
            f"{PROG} and it will be set aside (not deleted) and a new one begun",
            file=env.err,
        )
        return 2
    except BrokenPipeError:  # e.g. `posture-app export | head`
        return 0
    return 0


def main(argv: Sequence[str] | None = None, **kw: object) -> int:
    """Entry for headless commands (used by tests and by app.main)."""
    try:
        args = parse(sys.argv[1:] if argv is None else argv)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    return run(args, **kw)  # type: ignore[arg-type]


# --- argument types ---------------------------------------------------------------------------


def _score(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not STIFFNESS_MIN <= value <= STIFFNESS_MAX:
        raise argparse.ArgumentTypeError(
            f"stiffness must be a whole number from {STIFFNESS_MIN} to {STIFFNESS_MAX} "
            f"(got {text!r})"
        )
    return value


def _ml(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_WATER_ML:
        raise argparse.ArgumentTypeError(
            f"water must be a whole number of millilitres from 1 to {MAX_WATER_ML} (got {text!r})"
        )
    return value


def _when(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO 8601 time like 2026-11-23T08:30 (got {text!r})"
        ) from None


def _week(text: str) -> IsoWeek:
    try:
        return IsoWeek.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


# --- commands ---------------------------------------------------------------------------------


def _settings(env: Env) -> Settings:
    from posture_app.core.settings import load_settings  # `report --json` does not need it

    settings, _warnings = load_settings(env.paths.settings_file)  # warnings are logged
    return settings


def _open_store(env: Env) -> Store:
    # No whole-file check here: it would cost more than the command (the tray app does it).
    store = Store.open(env.paths.database_file, now=env.clock.now(), check=False)
    if store.moved_aside is not None:
        print(
            f"{PROG}: the database could not be read; it was moved to {store.moved_aside} "
            "and a new one was started",
            file=env.err,
        )
    return store


def _log(args: argparse.Namespace, env: Env) -> None:
    now = env.clock.now()
    if args.what == "stiffness":
        at: datetime = args.at or now
        if at.tzinfo is None:
            at = at.replace(tzinfo=now.tzinfo)
        if at > now + timedelta(minutes=1):
            raise UsageError("--at is in the future; a rating can only be for now or earlier")
        if len(args.note) > MAX_NOTE:
            raise UsageError(f"--note is longer than {MAX_NOTE} characters")
        area = Area(args.area) if args.area else None
        store = _open_store(env)
        try:
            store.add_stiffness(StiffnessRating(new_id(), at, args.score, area, args.note))
        finally:
            store.close()
        where = f" ({area.value})" if area else ""
        print(f"Logged stiffness {args.score}/10{where} at {_hm(at)}.", file=env.out)
        return
    settings = _settings(env)
    ml = args.ml or settings.glass_ml
    store = _open_store(env)
    try:
        store.add_water(WaterLog(new_id(), now, ml))
        today = store.water_on(now.date())
    finally:
        store.close()
    print(
        f"Logged {ml} ml of water. Today: {today} ml of your {settings.water_goal_ml} ml goal.",
        file=env.out,
    )


def _report(args: argparse.Namespace, env: Env) -> None:
    week = args.week or IsoWeek.of(env.clock.now().date())
    if args.png is not None or args.pdf is not None:
        _report_file(args, env, week)
        return
    store = _open_store(env)
    try:
        summary = week_summary(store, week)
    finally:
        store.close()
    if args.json:
        print(json.dumps(summary.to_json(), ensure_ascii=False), file=env.out)
    else:
        env.out.write(format_week(summary, _settings(env)))


def _report_file(args: argparse.Namespace, env: Env, week: IsoWeek) -> None:
    """`report --png FILE` and `report --pdf FILE`: the only commands that load Qt."""
    option, path = ("--png", args.png) if args.png is not None else ("--pdf", args.pdf)
    path = _check_target(path, option)  # before loading Qt or touching the database
    settings = _settings(env)
    _headless_qt()
    from posture_app.ui.window import report  # Qt: only these two need it

    store = _open_store(env)
    try:
        if option == "--png":
            report.write_png(store, settings, week, path)
            what = f"the charts of week {week}"
        else:
            report.write_pdf(
                store, settings, week, path, weeks=REPORT_WEEKS, generated=env.clock.now().date()
            )
            first = week.shifted(1 - REPORT_WEEKS)
            what = f"a printable report of {first} to {week}"
    finally:
        store.close()
    print(f"Saved {what} to {path}.", file=env.out)


def _check_target(path: Path, option: str) -> Path:
    """The file an option names, or UsageError saying why it cannot be written there."""
    path = path.expanduser()
    if path.is_dir():
        raise UsageError(f"{path} is a folder; name a file for {option}")
    if not path.parent.is_dir():
        raise UsageError(f"{path.parent}: no such folder (for {option})")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise UsageError(f"{path.parent}: cannot write there (permission denied)")
    if path.exists() and not os.access(path, os.W_OK):
        raise UsageError(f"{path}: cannot replace it (permission denied)")
    return path


def _headless_qt() -> None:
    """Draw offscreen where there is no display to connect to (a server, CI, ssh)."""
    if sys.platform in ("win32", "darwin"):
        return  # their platform plugins need no display server
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _export(args: argparse.Namespace, env: Env) -> None:
    from posture_app.core.exchange import export_file, export_text  # only this command needs it

    store = _open_store(env)
    try:
        records = store.records()
    finally:
        store.close()
    if args.output is None:
        env.out.write(export_text(records, args.format))
        return
    _write_output(args.output, export_file(records, args.format))
    n = sum(records.counts().values())
    print(f"Exported {n} records to {args.output}.", file=env.err)


def _import(args: argparse.Namespace, env: Env) -> None:
    from posture_app.core.exchange import ExchangeError, from_json

    path: Path = args.file
    try:
        obj = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read it ({exc})") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    try:
        records = from_json(obj)
    except ExchangeError as exc:
        raise UsageError(f"{path}: {exc}") from None
    store = _open_store(env)
    try:
        added = store.import_records(records)
    finally:
        store.close()
    new = sum(added.values())
    known = sum(records.counts().values()) - new
    print(f"Imported {new} new records ({known} were already there).", file=env.out)


def _simulate(args: argparse.Namespace, env: Env) -> None:
    # Imported here: the other commands need none of the scheduler, and start faster.
    from posture_app.core.recorder import record
    from posture_app.core.simulate import answer_all, event_json, simulate
    from posture_app.core.trace import TraceError, parse_trace

    path: Path = args.trace
    try:
        with path.open(encoding="utf-8") as f:
            lines = parse_trace(f, name=str(path))
    except TraceError as exc:
        raise UsageError(str(exc)) from None
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read it ({exc})") from None
    from posture_app.core.settings import read_settings_file

    settings = read_settings_file(args.settings) if args.settings else _settings(env)
    store = _open_store(env)
    try:
        with store.transaction():
            respond = answer_all(_RESPONSES[args.respond])
            for event in simulate(lines, settings, respond, has_rating=store.has_rating):
                record(store, event)
                env.out.write(json.dumps(event_json(event), ensure_ascii=False) + "\n")
    finally:
        store.close()


# --- output -----------------------------------------------------------------------------------


def format_week(summary: WeekSummary, settings: Settings) -> str:
    """The text report: a table a terminal shows well."""
    days = summary.days
    first, last = days[0].date, days[-1].date
    lines = [f"Week {summary.week}  ({first:%a %d %b} to {last:%a %d %b %Y})", ""]
    t = summary.totals
    if t.days_with_data == 0:
        lines += [
            "Nothing recorded this week yet.",
            "Keep the app running in the tray, or log a rating now:",
            f"  {PROG} log stiffness 3 --area lower-back",
            "",
        ]
        return "\n".join(lines)
    header = f"{'':10}{'Sitting':>9}{'Sessions':>10}{'Longest':>9}{'Breaks':>8}"
    header += f"{'Prompts done':>14}{'Water':>8}{'Stiffness':>12}"
    lines.append(header)
    for d in days:
        shown = sum(c.due for c in d.prompts.values())
        done = sum(c.done for c in d.prompts.values())
        lines.append(
            f"{d.date:%a %d}".ljust(10)
            + f"{_hours(d.sitting_minutes):>9}{d.sessions or '':>10}"
            + f"{_hours(d.longest_session_minutes):>9}{d.natural_breaks or '':>8}"
            + f"{(f'{done}/{shown}' if shown else ''):>14}{_litres(d.water_ml):>8}"
            + f"{_pair(d.stiffness_morning, d.stiffness_evening):>12}"
        )
    shown = sum(c.due for c in t.prompts.values())
    done = sum(c.done for c in t.prompts.values())
    lines.append(
        "Week".ljust(10)
        + f"{_hours(t.sitting_minutes):>9}{t.sessions:>10}{_hours(t.longest_session_minutes):>9}"
        + f"{t.natural_breaks:>8}{(f'{done}/{shown}' if shown else '-'):>14}"
        + f"{_litres(t.water_ml):>8}"
        + f"{_pair(_avg(t.stiffness_morning_avg), _avg(t.stiffness_evening_avg)):>12}"
    )
    lines += [
        "",
        "Breaks: the times you got up on your own. "
        "Prompts done: reminders you did, of those shown.",
        "Stiffness: morning / evening, 0 (none) to 10 (worst).",
    ]
    per_day = round(t.water_ml / t.days_with_data)
    lines.append(f"Water: {per_day} ml a day on average; your goal is {settings.water_goal_ml} ml.")
    change = summary.change()
    sat = change["sitting_minutes_per_day"]
    if sat is not None:
        word = "less" if sat < 0 else "more"
        lines.append(f"Compared with last week: {abs(round(sat))} min {word} sitting a day.")
    lines.append("")
    return "\n".join(lines)


def _hours(minutes: int) -> str:
    return f"{minutes // 60}h{minutes % 60:02d}" if minutes else "-"


def _litres(ml: int) -> str:
    return f"{ml / 1000:.2f} L" if ml else "-"


def _pair(a: int | float | str | None, b: int | float | str | None) -> str:
    if a is None and b is None:
        return "-"
    return f"{'-' if a is None else a} / {'-' if b is None else b}"


def _avg(value: float | None) -> str | None:
    return None if value is None else f"{value:g}"


def _hm(at: datetime) -> str:
    return f"{at:%a %d %b %H:%M}"


def _write_output(path: Path, data: bytes) -> None:
    """Write an export atomically, so a half-written file never appears."""
    path = path.expanduser()
    if path.is_dir():
        raise UsageError(f"{path} is a folder; name a file for --output")
    if not path.parent.is_dir():
        raise UsageError(f"{path.parent}: no such folder")
    try:
        write_private(path, data)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write it ({exc.strerror or exc})") from None
