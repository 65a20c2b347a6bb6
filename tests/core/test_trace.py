"""Tests for posture_app.core.trace: reading activity traces, and naming the line of each error."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from posture_app.core.model import Area
from posture_app.core.trace import (
    State,
    StateLine,
    StiffnessLine,
    TraceError,
    WaterLine,
    parse_trace,
)
from tests.fakes import DESIGN_SAMPLE

AT = "2026-11-23T09:00:00+01:00"
START = json.dumps({"at": "2026-11-23T08:00:00+01:00", "state": "active"})
END = json.dumps({"at": "2026-11-23T18:00:00+01:00", "state": "end"})


def t(text: str) -> datetime:
    return datetime.fromisoformat(text)


def line(**fields: object) -> str:
    """One trace line; `at` defaults to 09:00 (between START and END)."""
    return json.dumps({"at": AT, **fields}, ensure_ascii=False)


def bad_second_line(text: str) -> list[str]:
    """A trace whose line 2 is `text`."""
    return [START, text, END]


def error_of(lines: list[str], name: str = "trace") -> str:
    with pytest.raises(TraceError) as caught:
        parse_trace(lines, name=name)
    message = str(caught.value)
    assert "\n" not in message
    return message


# --- good traces ------------------------------------------------------------------------------


def test_the_design_sample_parses_to_the_right_lines() -> None:
    got = parse_trace(DESIGN_SAMPLE.splitlines(keepends=True))
    assert got == [
        StateLine(t("2026-11-23T08:55:00+01:00"), State.ACTIVE),
        StateLine(t("2026-11-23T10:10:00+01:00"), State.IDLE),
        StateLine(t("2026-11-23T10:25:00+01:00"), State.ACTIVE),
        StateLine(t("2026-11-23T12:00:00+01:00"), State.LOCKED),
        StateLine(t("2026-11-23T12:40:00+01:00"), State.ASLEEP),
        StateLine(t("2026-11-23T13:10:00+01:00"), State.ACTIVE),
        StateLine(t("2026-11-23T15:00:00+01:00"), State.PRESENTING),
        StateLine(t("2026-11-23T15:45:00+01:00"), State.ACTIVE),
        StiffnessLine(t("2026-11-23T16:00:00+01:00"), 4, None, ""),
        WaterLine(t("2026-11-23T16:30:00+01:00"), 250),
        StateLine(t("2026-11-23T17:30:00+01:00"), State.END),
    ]
    assert [type(x) for x in got].count(StateLine) == 9
    assert all(isinstance(x.at, datetime) and x.at.utcoffset() is not None for x in got)
    assert isinstance(got[0].state, State)
    assert isinstance(got[8].score, int)
    assert isinstance(got[9].ml, int)


def test_a_stiffness_line_with_area_and_note() -> None:
    got = parse_trace([line(stiffness=7, area="lower-back", note="Rücken – 😣")])
    assert got == [StiffnessLine(t(AT), 7, Area.LOWER_BACK, "Rücken – 😣")]
    assert got[0].area is Area.LOWER_BACK


@pytest.mark.parametrize("area", [a.value for a in Area])
def test_every_area_is_accepted(area: str) -> None:
    (got,) = parse_trace([line(stiffness=2, area=area)])
    assert isinstance(got, StiffnessLine)
    assert got.area == Area(area)


@pytest.mark.parametrize(("score", "ml"), [(0, 1), (10, 5000)])
def test_range_ends_are_accepted(score: int, ml: int) -> None:
    got = parse_trace([line(stiffness=score), line(water_ml=ml)])
    assert got == [StiffnessLine(t(AT), score), WaterLine(t(AT), ml)]


def test_equal_times_are_allowed() -> None:
    got = parse_trace(
        [line(state="active"), line(water_ml=250), line(stiffness=3), line(state="end")]
    )
    assert [x.at for x in got] == [t(AT)] * 4


def test_time_order_is_by_instant_not_by_wall_clock() -> None:
    # 09:30 in London is 10:30 in Berlin: later, though its wall clock reads earlier.
    got = parse_trace(
        [
            json.dumps({"at": "2026-11-23T10:00:00+01:00", "state": "active"}),
            json.dumps({"at": "2026-11-23T09:30:00+00:00", "state": "end"}),
        ]
    )
    assert [x.at.isoformat() for x in got] == [
        "2026-11-23T10:00:00+01:00",
        "2026-11-23T09:30:00+00:00",
    ]


def test_blank_lines_are_skipped() -> None:
    got = parse_trace(["\n", START + "\n", "   \n", "\t\n", END + "\n", "\n"])
    assert [x.state for x in got if isinstance(x, StateLine)] == [State.ACTIVE, State.END]


# --- errors name the line ---------------------------------------------------------------------


BAD_LINES = [
    ('{"at": "2026-11-23T09:00:00+01:00", "state": "active"', "not valid JSON"),
    ("at=09:00 state=active", "not valid JSON"),
    ("[1, 2]", "expected a JSON object"),
    ('"active"', "expected a JSON object"),
    ("null", "expected a JSON object"),
    ("42", "expected a JSON object"),
    ('{"state": "active"}', "needs 'at', an ISO 8601 time with a UTC offset"),
    ('{"at": 1795420500, "state": "active"}', "needs 'at'"),
    ('{"at": null, "state": "active"}', "needs 'at'"),
    (line(at="2026-11-23T09:00:00", state="active"), "'at' needs a UTC offset, like +01:00"),
    (line(at="2026-11-23", state="active"), "'at' needs a UTC offset"),
    (line(at="tomorrow", state="active"), "'at' is not an ISO 8601 time: 'tomorrow'"),
    (
        line(state="sleeping"),
        "state must be one of active, idle, locked, asleep, presenting, end",
    ),
    (line(state="ACTIVE"), "state must be one of"),
    (line(state=3), "state must be one of"),
    (line(state=None), "state must be one of"),
    (line(state=["active"]), "state must be one of"),
    (
        line(state="active", water_ml=250),
        "needs exactly one of 'state', 'stiffness' or 'water_ml'",
    ),
    (line(state="active", stiffness=3), "needs exactly one of"),
    (line(stiffness=3, water_ml=250), "needs exactly one of"),
    (line(), "needs exactly one of"),
    (line(water=250), "needs exactly one of"),
    (line(state="active", mood="good"), "unknown field 'mood'"),
    (line(stiffness=3, zone="neck"), "unknown field 'zone'"),
    (line(water_ml=250, drink="tea"), "unknown field 'drink'"),
    (line(stiffness=11), "stiffness must be a whole number from 0 to 10"),
    (line(stiffness=-1), "stiffness must be a whole number from 0 to 10"),
    (line(stiffness=True), "stiffness must be a whole number from 0 to 10"),
    (line(stiffness=False), "stiffness must be a whole number from 0 to 10"),
    (line(stiffness=4.0), "stiffness must be a whole number from 0 to 10"),
    (line(stiffness="4"), "stiffness must be a whole number from 0 to 10"),
    (line(stiffness=None), "stiffness must be a whole number from 0 to 10"),
    (line(water_ml=0), "water_ml must be a whole number from 1 to 5000"),
    (line(water_ml=5001), "water_ml must be a whole number from 1 to 5000"),
    (line(water_ml=-250), "water_ml must be a whole number from 1 to 5000"),
    (line(water_ml=True), "water_ml must be a whole number from 1 to 5000"),
    (line(water_ml=250.5), "water_ml must be a whole number from 1 to 5000"),
    (line(water_ml="250"), "water_ml must be a whole number from 1 to 5000"),
    (line(stiffness=3, area="elbow"), "area must be one of neck, shoulders, upper-back"),
    (line(stiffness=3, area="Neck"), "area must be one of"),
    (line(stiffness=3, area="lower_back"), "area must be one of"),
    (line(stiffness=3, note=5), "note must be text"),
    (line(stiffness=3, note=None), "note must be text"),
]


def _short(text: str) -> str:
    """A readable test id: the line without the usual 'at'."""
    return text.replace(f'"at": "{AT}", ', "").replace(f'"at": "{AT}"', "") or "empty"


@pytest.mark.parametrize(
    ("text", "message"), [pytest.param(t, m, id=_short(t)) for t, m in BAD_LINES]
)
def test_a_bad_line_is_named_by_its_number(text: str, message: str) -> None:
    got = error_of(bad_second_line(text))
    assert got.startswith("trace line 2: "), got
    assert message in got


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(line(state="active", area="elbow"), id="state-with-area"),
        pytest.param(line(state="active", note="hello"), id="state-with-note"),
        pytest.param(line(water_ml=250, note="tea"), id="water-with-note"),
    ],
)
def test_stiffness_fields_on_other_lines_are_unknown(text: str) -> None:
    """`area` and `note` belong to stiffness lines; elsewhere they are unknown fields."""
    got = error_of(bad_second_line(text))
    assert got.startswith("trace line 2: unknown field"), got


def test_out_of_time_order_names_the_line_and_both_times() -> None:
    lines = [
        json.dumps({"at": "2026-11-23T09:00:00+01:00", "state": "active"}),
        json.dumps({"at": "2026-11-23T10:00:00+01:00", "state": "idle"}),
        json.dumps({"at": "2026-11-23T09:59:59+01:00", "state": "active"}),
    ]
    assert error_of(lines) == (
        "trace line 3: out of time order "
        "(2026-11-23T09:59:59+01:00 is before 2026-11-23T10:00:00+01:00)"
    )


def test_out_of_time_order_across_offsets() -> None:
    # 10:00 +02:00 is 09:00 +01:00: an hour before the line above it.
    lines = [
        json.dumps({"at": "2026-11-23T09:30:00+01:00", "state": "active"}),
        json.dumps({"at": "2026-11-23T10:00:00+02:00", "water_ml": 250}),
    ]
    assert error_of(lines).startswith("trace line 2: out of time order")


def test_a_log_line_out_of_order_is_caught_too() -> None:
    lines = [
        START,
        line(water_ml=250),
        json.dumps({"at": "2026-11-23T08:59:00+01:00", "stiffness": 2}),
    ]
    assert error_of(lines).startswith("trace line 3: out of time order")


def test_lines_after_end_are_refused() -> None:
    lines = [START, END, json.dumps({"at": "2026-11-23T18:30:00+01:00", "state": "active"})]
    assert error_of(lines) == "trace line 3: nothing may follow the 'end' state"


def test_anything_after_end_is_refused_even_a_bad_line() -> None:
    assert error_of([START, END, "", "not json"]).startswith("trace line 4: nothing may follow")


def test_blank_lines_still_count_in_line_numbers() -> None:
    lines = ["\n", START + "\n", "  \n", "\n", line(state="dozing") + "\n"]
    assert error_of(lines).startswith("trace line 5: state must be one of")


def test_the_first_bad_line_is_the_one_named() -> None:
    lines = [START, line(water_ml=0), line(stiffness=99)]
    assert error_of(lines).startswith("trace line 2: ")


def test_errors_use_the_given_name() -> None:
    assert error_of([START, "{"], name="monday.jsonl").startswith(
        "monday.jsonl line 2: not valid JSON"
    )


@pytest.mark.parametrize("lines", [[], [""], ["\n", "   \n", "\t"]])
def test_an_empty_trace_is_refused(lines: list[str]) -> None:
    assert error_of(lines, name="empty.jsonl") == "empty.jsonl: the trace is empty"
