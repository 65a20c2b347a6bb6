"""Sanity checks used by `bench/run.py`: is what `simulate` stored what the trace implies?

Not run on its own and never by pytest. `expected_days` works the trace out independently of
the scheduler (sessions are present spans merged across gaps shorter than a natural break);
`compare_week` sets a `report --json` object against that; `audit` looks through the events
`simulate` printed for things that look wrong (prompts into an empty room or during a
presentation, offsets that are not Europe/Berlin's, weekend activity, odd sessions).
"""

from __future__ import annotations

import bisect
import itertools
import json
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from posture_app.core.trace import State, StateLine, StiffnessLine, TraceLine, WaterLine

ZONE = ZoneInfo("Europe/Berlin")
PRESENT = (State.ACTIVE, State.PRESENTING)
BAD_OFFSET = "offset is not Europe/Berlin's"
#: The scheduler's AWAY_AFTER: idle this long and prompts wait for the user to come back.
AWAY_AFTER_S = 60.0


@dataclass
class DayExpect:
    """What one local day of the trace should show in the report."""

    sitting_s: float = 0.0
    sessions: int = 0
    natural_breaks: int = 0
    water_ml: int = 0  # water lines in the trace (hydration prompts answered `done` add a glass)
    morning: int | None = None
    evening: int | None = None
    longest_s: float = 0.0


@dataclass(frozen=True)
class Check:
    """One sanity check and how it came out."""

    name: str
    ok: bool
    detail: str


def _split(a: datetime, b: datetime) -> list[tuple[date, float]]:
    out: list[tuple[date, float]] = []
    cur = a
    while cur.date() < b.date():
        midnight = datetime.combine(cur.date() + timedelta(days=1), time(0), tzinfo=cur.tzinfo)
        out.append((cur.date(), (midnight - cur).total_seconds()))
        cur = midnight
    out.append((cur.date(), (b - cur).total_seconds()))
    return out


def expected_days(lines: list[TraceLine], natural_break_s: float = 300.0) -> dict[date, DayExpect]:
    """Per local day: sitting, sessions, natural breaks, water and ratings the trace implies."""
    days: dict[date, DayExpect] = defaultdict(DayExpect)
    states = [ln for ln in lines if isinstance(ln, StateLine)]
    present: list[tuple[datetime, datetime]] = []
    asleep: list[tuple[datetime, datetime]] = []
    for cur, nxt in itertools.pairwise(states):
        span = (cur.at, nxt.at.astimezone(cur.at.tzinfo))
        if cur.state in PRESENT:
            if present and present[-1][1] == span[0]:
                present[-1] = (present[-1][0], span[1])
            else:
                present.append(span)
        elif cur.state is State.ASLEEP:
            asleep.append(span)

    sessions: list[tuple[datetime, datetime]] = []
    for a, b in present:
        if sessions and (a - sessions[-1][1]).total_seconds() < natural_break_s:
            sessions[-1] = (sessions[-1][0], b)
            continue
        if sessions:
            prev_end = sessions[-1][1]
            if prev_end.date() == a.astimezone(prev_end.tzinfo).date():
                days[prev_end.date()].natural_breaks += 1
        sessions.append((a, b))
    for a, b in sessions:
        slept = sum((min(b, z) - max(a, y)).total_seconds() for y, z in asleep if y < b and z > a)
        total = (b - a).total_seconds() - slept
        d = days[a.date()]
        d.sessions += 1
        d.longest_s = max(d.longest_s, total)
        for day, seconds in _split(a, b):
            days[day].sitting_s += seconds
        days[a.date()].sitting_s -= slept  # no short sleeps cross midnight in these traces

    for ln in lines:
        if isinstance(ln, WaterLine):
            days[ln.at.date()].water_ml += ln.ml
        elif isinstance(ln, StiffnessLine):
            d = days[ln.at.date()]
            if ln.at.hour < 12:
                if d.morning is None:
                    d.morning = ln.score
            else:
                d.evening = ln.score
    return dict(days)


def compare_week(
    report: dict[str, object], expected: dict[date, DayExpect], hydration_done: Counter[date]
) -> list[str]:
    """Differences between one `report --json` object and the trace's days (empty: all match)."""
    problems: list[str] = []
    days = report["days"]
    assert isinstance(days, list)
    for d in days:
        day = date.fromisoformat(d["date"])
        e = expected.get(day, DayExpect())
        water = e.water_ml + 250 * hydration_done[day]
        pairs: list[tuple[str, object, object]] = [
            ("sitting_minutes", d["sitting_minutes"], round(e.sitting_s / 60)),
            ("sessions", d["sessions"], e.sessions),
            ("longest_session_minutes", d["longest_session_minutes"], round(e.longest_s / 60)),
            ("natural_breaks", d["natural_breaks"], e.natural_breaks),
            ("water_ml", d["water_ml"], water),
            ("stiffness_morning", d["stiffness_morning"], e.morning),
            ("stiffness_evening", d["stiffness_evening"], e.evening),
        ]
        for name, got, want in pairs:
            close = (
                isinstance(got, int) and isinstance(want, int) and abs(got - want) <= 1
                if name.endswith("minutes")
                else got == want
            )
            if not close:
                problems.append(f"{day} {name}: report {got}, trace implies {want}")
        for kind, c in d["prompts"].items():
            if c["due"] != c["done"] + c["snoozed"] + c["skipped"] + c["ignored"]:
                problems.append(f"{day} prompts.{kind}: due {c['due']} is not the sum of outcomes")
    return problems


@dataclass
class Audit:
    """What the simulate output looks like, and anything that looks wrong in it."""

    events: Counter[str] = field(default_factory=Counter)
    prompts: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)
    stiffness_slots: Counter[tuple[str, str]] = field(default_factory=Counter)
    prompt_hours: Counter[int] = field(default_factory=Counter)
    hydration_done: Counter[date] = field(default_factory=Counter)
    session_minutes: list[float] = field(default_factory=list)
    at_once: Counter[tuple[str, ...]] = field(default_factory=Counter)  # kinds shown together
    idle_grace: Counter[str] = field(default_factory=Counter)  # shown < 60 s into an idle span
    after_presenting: int = 0  # shown at the instant a presentation ended (deferred)
    odd: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def flag(self, what: str, example: str) -> None:
        """Count one odd thing (the first few examples are kept)."""
        self.odd[what].append(example)


def _state_at(
    instants: list[float], states: list[StateLine], ts: float
) -> tuple[StateLine | None, int]:
    i = bisect.bisect_right(instants, ts) - 1
    return (states[i], i) if i >= 0 else (None, -1)


def audit(output: Iterable[str], lines: list[TraceLine]) -> Audit:
    """Read simulate's JSON lines and look for events that do not fit the trace."""
    states = [ln for ln in lines if isinstance(ln, StateLine)]
    instants = [s.at.timestamp() for s in states]
    a = Audit()
    open_kind: dict[str, str] = {}
    shown_at: dict[str, list[str]] = defaultdict(list)
    for raw in output:
        ev: dict[str, object] = json.loads(raw)
        kind_of_event = str(ev["event"])
        a.events[kind_of_event] += 1
        at = datetime.fromisoformat(str(ev["at"]))
        for key in ("at", "start", "until"):
            if key in ev:
                t = datetime.fromisoformat(str(ev[key]))
                if t.utcoffset() != t.astimezone(ZONE).utcoffset():
                    a.flag(BAD_OFFSET, f"{kind_of_event} {key}={ev[key]}")
        if at.weekday() >= 5:
            a.flag("event on a weekend", json.dumps(ev))
        if kind_of_event == "prompt":
            kind = str(ev["kind"])
            a.prompts[kind] += 1
            a.prompt_hours[at.hour] += 1
            if kind == "stiffness":
                slot = str(ev.get("slot"))
                a.stiffness_slots[(slot, f"{at.hour:02d}h")] += 1
            state, i = _state_at(instants, states, at.timestamp())
            if state is None or state.state is State.ASLEEP or state.state is State.LOCKED:
                a.flag("prompt while locked or asleep", json.dumps(ev))
            elif state.state is State.PRESENTING:
                a.flag("prompt while presenting", json.dumps(ev))
            elif state.state is State.IDLE:
                away = at.timestamp() - instants[i]
                if away >= AWAY_AFTER_S:
                    a.flag("prompt into an empty room (idle >= 60 s)", f"{ev} idle {away:.0f} s")
                a.idle_grace[kind] += 1
            if i > 0 and instants[i] == at.timestamp() and states[i - 1].state is State.PRESENTING:
                a.after_presenting += 1
            shown_at[str(ev["at"])].append(kind)
            if not 7 <= at.hour < 20:
                a.flag("prompt outside 07:00-20:00", json.dumps(ev))
            open_kind[kind] = str(ev["at"])
        elif kind_of_event == "outcome":
            kind, outcome = str(ev["kind"]), str(ev["outcome"])
            a.outcomes[(kind, outcome)] += 1
            if kind == "hydration" and outcome == "done":
                a.hydration_done[at.date()] += 1
            if kind not in open_kind:
                a.flag("outcome without a prompt", json.dumps(ev))
            open_kind.pop(kind, None)
        elif kind_of_event == "session_end":
            minutes = float(ev["minutes"])  # type: ignore[arg-type]
            a.session_minutes.append(minutes)
            start = datetime.fromisoformat(str(ev["start"]))
            if minutes <= 0.0:
                a.flag("session of 0 minutes", json.dumps(ev))
            if start.date() != at.date():
                a.flag("session across midnight", json.dumps(ev))
        elif kind_of_event == "natural_break":
            minutes = float(ev["minutes"])  # type: ignore[arg-type]
            if minutes < 5:
                a.flag("natural break shorter than 5 min", json.dumps(ev))
            if minutes > 180:
                a.flag("natural break over 3 h", json.dumps(ev))
    a.at_once = Counter(tuple(sorted(kinds)) for kinds in shown_at.values())
    return a


def summarize_sessions(minutes: list[float]) -> str:
    """A one-line summary of session lengths."""
    if not minutes:
        return "no sessions"
    q = statistics.quantiles(minutes, n=10)
    return (
        f"{len(minutes)} sessions; minutes: min {min(minutes):.1f}, p10 {q[0]:.0f}, "
        f"median {statistics.median(minutes):.0f}, p90 {q[-1]:.0f}, max {max(minutes):.0f}"
    )
