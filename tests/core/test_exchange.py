"""Tests for posture_app.core.exchange: lossless JSON export/import and spreadsheet-safe CSV."""

from __future__ import annotations

import copy
import csv
import io
import json
from collections.abc import Callable, Iterator

import pytest

from posture_app.core.exchange import (
    ExchangeError,
    export_file,
    export_text,
    from_json,
    to_csv,
    to_json,
)
from posture_app.core.model import (
    Area,
    Kind,
    NaturalBreak,
    Outcome,
    Prompt,
    Session,
    StiffnessRating,
    WaterLog,
)
from posture_app.core.store import Records, Store
from tests.fakes import aware as t
from tests.fakes import plain, uid

HEADER = [
    "record",
    "uuid",
    "start",
    "end",
    "minutes",
    "kind",
    "outcome",
    "score",
    "area",
    "note",
    "ml",
]
UNICODE_NOTE = "Rücken schmerzt – 😣"

# --- helpers ----------------------------------------------------------------------------------


def every_kind() -> Records:
    """At least one record of every kind and variant, with several offsets and Unicode notes."""
    return Records(
        sessions=[
            Session(
                uid(1),
                t("2026-11-23T08:55:00+01:00"),
                t("2026-11-23T12:00:00+01:00"),
                (
                    (t("2026-11-23T08:55:00+01:00"), t("2026-11-23T10:40:00+01:00")),
                    (t("2026-11-23T10:43:00+01:00"), t("2026-11-23T12:00:00+01:00")),
                ),
                10920.0,
            ),
            Session(  # still open, on a trip, with milliseconds
                uid(2),
                t("2026-11-24T22:15:00.250-05:00"),
                None,
                ((t("2026-11-24T22:15:00.250-05:00"), t("2026-11-24T22:40:30.500-05:00")),),
                1530.25,
            ),
        ],
        natural_breaks=[
            NaturalBreak(uid(3), t("2026-11-23T12:00:00+01:00"), t("2026-11-23T13:10:00+01:00")),
            NaturalBreak(uid(4), t("2026-06-15T12:30:00+02:00"), t("2026-06-15T13:15:00+02:00")),
        ],
        prompts=[
            Prompt(
                uid(10 + i),
                kind,
                t("2026-11-23T09:00:00+01:00"),
                outcome,
                t("2026-11-23T09:01:30+01:00"),
            )
            for i, (kind, outcome) in enumerate(zip(Kind, [*Outcome, *Outcome], strict=False))
        ]
        + [Prompt(uid(20), Kind.EYES, t("2026-11-23T17:25:00+05:30"))],  # open
        water=[
            WaterLog(uid(30), t("2026-11-23T16:30:00+01:00"), 250),
            WaterLog(uid(31), t("2026-11-24T22:15:00-05:00"), 5000),
            WaterLog(uid(32), t("2026-11-25T07:00:00+00:00"), 1),
        ],
        stiffness=[
            StiffnessRating(
                uid(40), t("2026-11-23T08:56:12.250+01:00"), 4, Area.NECK, UNICODE_NOTE
            ),
            StiffnessRating(uid(41), t("2026-11-23T17:31:00+01:00"), 10, Area.LOWER_BACK, "=1+1"),
            StiffnessRating(uid(42), t("2026-11-24T07:45:00+01:00"), 0, None, ""),
            StiffnessRating(
                uid(43),
                t("2026-11-24T19:00:00+01:00"),
                5,
                Area.UPPER_BACK,
                'Zeile 1\n"Zeile" 2, ok',
            ),
        ]
        + [
            StiffnessRating(uid(50 + i), t("2026-11-25T08:00:00+01:00"), 3, area, "")
            for i, area in enumerate(Area)
        ],
    )


def through_text(obj: object) -> object:
    """What a file on disk would hold and give back."""
    return json.loads(json.dumps(obj, ensure_ascii=False))


def valid_export() -> dict[str, object]:
    """A small hand-written export with one record of each kind (what a user's file looks like)."""
    return {
        "format": "posture-app",
        "version": 1,
        "sessions": [
            {
                "uuid": uid(1),
                "start": "2026-11-23T08:55:00+01:00",
                "end": "2026-11-23T12:00:00+01:00",
                "sitting_seconds": 11100,
                "spans": [["2026-11-23T08:55:00+01:00", "2026-11-23T12:00:00+01:00"]],
            }
        ],
        "natural_breaks": [
            {
                "uuid": uid(2),
                "start": "2026-11-23T12:00:00+01:00",
                "end": "2026-11-23T13:10:00+01:00",
            }
        ],
        "prompts": [
            {
                "uuid": uid(3),
                "kind": "posture",
                "shown_at": "2026-11-23T09:40:00+01:00",
                "outcome": "done",
                "outcome_at": "2026-11-23T09:41:30+01:00",
            }
        ],
        "water": [{"uuid": uid(4), "at": "2026-11-23T16:30:00+01:00", "ml": 250}],
        "stiffness": [
            {
                "uuid": uid(5),
                "at": "2026-11-23T08:56:00+01:00",
                "score": 4,
                "area": "neck",
                "note": "steif",
            }
        ],
    }


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.fixture
def store() -> Iterator[Store]:
    s = Store.in_memory()
    yield s
    s.close()


# --- JSON export ------------------------------------------------------------------------------


def test_json_round_trip_gives_back_the_same_records() -> None:
    original = every_kind()
    back = from_json(through_text(to_json(original)))
    assert back == original
    assert plain(back) == plain(original)  # offsets and milliseconds too, not only instants


def test_an_export_file_is_utf8_and_a_csv_one_starts_with_a_byte_order_mark() -> None:
    records = every_kind()
    as_json = export_file(records, "json")
    assert from_json(json.loads(as_json.decode("utf-8"))) == records
    assert as_json.endswith(b"\n")
    assert not as_json.startswith(b"\xef\xbb\xbf")
    assert export_file(records, "csv") == b"\xef\xbb\xbf" + to_csv(records).encode("utf-8")
    assert export_text(records, "csv") == to_csv(records)
    with pytest.raises(ValueError, match="xml"):
        export_text(records, "xml")


def test_json_export_is_what_the_format_says() -> None:
    a = t("2026-11-23T09:00:00+01:00")
    b = t("2026-11-23T09:30:00.500+01:00")
    records = Records(
        sessions=[Session(uid(1), a, None, ((a, b),), 1800.4567)],
        natural_breaks=[NaturalBreak(uid(2), a, b)],
        prompts=[Prompt(uid(3), Kind.BREAK, a)],
        water=[WaterLog(uid(4), a, 250)],
        stiffness=[StiffnessRating(uid(5), b, 7, None, UNICODE_NOTE)],
    )
    assert to_json(records) == {
        "format": "posture-app",
        "version": 1,
        "sessions": [
            {
                "uuid": uid(1),
                "start": "2026-11-23T09:00:00+01:00",
                "end": None,
                "sitting_seconds": 1800.457,
                "spans": [["2026-11-23T09:00:00+01:00", "2026-11-23T09:30:00.500+01:00"]],
            }
        ],
        "natural_breaks": [
            {
                "uuid": uid(2),
                "start": "2026-11-23T09:00:00+01:00",
                "end": "2026-11-23T09:30:00.500+01:00",
            }
        ],
        "prompts": [
            {
                "uuid": uid(3),
                "kind": "break",
                "shown_at": "2026-11-23T09:00:00+01:00",
                "outcome": None,
                "outcome_at": None,
            }
        ],
        "water": [{"uuid": uid(4), "at": "2026-11-23T09:00:00+01:00", "ml": 250}],
        "stiffness": [
            {
                "uuid": uid(5),
                "at": "2026-11-23T09:30:00.500+01:00",
                "score": 7,
                "area": None,
                "note": UNICODE_NOTE,
            }
        ],
    }


def test_a_hand_written_export_is_read() -> None:
    got = from_json(valid_export())
    assert plain(got) == {
        "sessions": [
            {
                "uuid": uid(1),
                "start": "2026-11-23T08:55:00+01:00",
                "end": "2026-11-23T12:00:00+01:00",
                "spans": [["2026-11-23T08:55:00+01:00", "2026-11-23T12:00:00+01:00"]],
                "sitting_seconds": 11100.0,
            }
        ],
        "natural_breaks": [
            {
                "uuid": uid(2),
                "start": "2026-11-23T12:00:00+01:00",
                "end": "2026-11-23T13:10:00+01:00",
            }
        ],
        "prompts": [
            {
                "uuid": uid(3),
                "kind": "posture",
                "shown_at": "2026-11-23T09:40:00+01:00",
                "outcome": "done",
                "outcome_at": "2026-11-23T09:41:30+01:00",
            }
        ],
        "water": [{"uuid": uid(4), "at": "2026-11-23T16:30:00+01:00", "ml": 250}],
        "stiffness": [
            {
                "uuid": uid(5),
                "at": "2026-11-23T08:56:00+01:00",
                "score": 4,
                "area": "neck",
                "note": "steif",
            }
        ],
    }
    assert isinstance(got.sessions[0].sitting_seconds, float)


def test_missing_lists_are_empty() -> None:
    assert from_json({"format": "posture-app", "version": 1}).counts() == {
        "sessions": 0,
        "natural_breaks": 0,
        "prompts": 0,
        "water": 0,
        "stiffness": 0,
    }


def test_export_then_import_into_another_store_merges_without_duplicates(store: Store) -> None:
    original = every_kind()
    store.import_records(original)
    exported = through_text(to_json(store.records()))

    other = Store.in_memory()
    try:
        other.add_water(WaterLog(uid(30), t("2026-11-23T16:30:00+01:00"), 250))  # already there
        added = other.import_records(from_json(exported))
        assert added == {
            "sessions": 2,
            "natural_breaks": 2,
            "prompts": 7,
            "water": 2,
            "stiffness": 11,
        }
        assert plain(other.records()) == plain(store.records())
        assert sum(other.import_records(from_json(exported)).values()) == 0
    finally:
        other.close()


# --- JSON import errors -----------------------------------------------------------------------

Edit = Callable[[dict], None]


def _set(path: str, value: object) -> Edit:
    """An edit that sets e.g. "stiffness.0.score" in a valid export."""
    *parents, last = path.split(".")

    def edit(doc: dict) -> None:
        node: object = doc
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]  # type: ignore[index]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            assert isinstance(node, dict)
            node[last] = value

    return edit


def _drop(path: str) -> Edit:
    *parents, last = path.split(".")

    def edit(doc: dict) -> None:
        node: object = doc
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]  # type: ignore[index]
        assert isinstance(node, dict)
        del node[last]

    return edit


def _append(key: str, item: object) -> Edit:
    def edit(doc: dict) -> None:
        doc[key].append(item)

    return edit


BAD_IMPORTS = [
    # the file as a whole
    ("format-wrong", _set("format", "posture-ap"), r"^not a posture-app export"),
    ("format-missing", _drop("format"), r"^not a posture-app export"),
    ("version-newer", _set("version", 2), r"newer version of posture-app \(format 2;"),
    ("version-missing", _drop("version"), r'no valid "version"'),
    ("version-text", _set("version", "1"), r'no valid "version"'),
    ("version-bool", _set("version", True), r'no valid "version"'),
    ("version-zero", _set("version", 0), r'no valid "version"'),
    ("list-not-list", _set("water", {"uuid": uid(9)}), r"^water must be a list$"),
    ("record-not-object", _set("water.0", 250), r"^water\[0\]: expected an object$"),
    # uuids
    ("uuid-missing", _drop("water.0.uuid"), r"^water\[0\]: uuid is not a UUID: None$"),
    (
        "uuid-invalid",
        _set("stiffness.0.uuid", "1234"),
        r"^stiffness\[0\]: uuid is not a UUID: '1234'$",
    ),
    ("uuid-number", _set("prompts.0.uuid", 7), r"^prompts\[0\]: uuid is not a UUID: 7$"),
    ("uuid-session", _set("sessions.0.uuid", ""), r"^sessions\[0\]: uuid is not a UUID: ''$"),
    # times
    (
        "naive-at",
        _set("stiffness.0.at", "2026-11-23T08:56:00"),
        r"^stiffness\[0\]: at needs a UTC offset: '2026-11-23T08:56:00'$",
    ),
    (
        "naive-shown",
        _set("prompts.0.shown_at", "2026-11-23T09:40"),
        r"^prompts\[0\]: shown_at needs a UTC offset",
    ),
    (
        "naive-outcome-at",
        _set("prompts.0.outcome_at", "2026-11-23T09:41"),
        r"^prompts\[0\]: outcome_at needs",
    ),
    (
        "naive-break-end",
        _set("natural_breaks.0.end", "2026-11-23T13:10"),
        r"^natural_breaks\[0\]: end needs",
    ),
    (
        "naive-session-start",
        _set("sessions.0.start", "2026-11-23T08:55"),
        r"^sessions\[0\]: start needs",
    ),
    (
        "naive-span",
        _set("sessions.0.spans.0", ["2026-11-23T08:55:00", "2026-11-23T12:00:00+01:00"]),
        r"^sessions\[0\]\.spans\[0\]: start needs a UTC offset",
    ),
    (
        "time-not-iso",
        _set("water.0.at", "yesterday"),
        r"^water\[0\]: at is not an ISO 8601 time: 'yesterday'$",
    ),
    (
        "time-missing",
        _drop("water.0.at"),
        r"^water\[0\]: at must be an ISO 8601 time with a UTC offset$",
    ),
    ("time-number", _set("water.0.at", 1795447800), r"^water\[0\]: at must be an ISO 8601 time"),
    # stiffness
    (
        "score-11",
        _set("stiffness.0.score", 11),
        r"^stiffness\[0\]: score must be a whole number from 0 to 10 \(got 11\)$",
    ),
    (
        "score-negative",
        _set("stiffness.0.score", -1),
        r"^stiffness\[0\]: score must be a whole number from 0 to 10",
    ),
    (
        "score-fraction",
        _set("stiffness.0.score", 4.5),
        r"^stiffness\[0\]: score must be a whole number",
    ),
    (
        "score-bool",
        _set("stiffness.0.score", True),
        r"^stiffness\[0\]: score must be a whole number",
    ),
    (
        "score-text",
        _set("stiffness.0.score", "4"),
        r"^stiffness\[0\]: score must be a whole number",
    ),
    ("score-missing", _drop("stiffness.0.score"), r"^stiffness\[0\]: score must be a whole number"),
    (
        "area-unknown",
        _set("stiffness.0.area", "elbow"),
        r"^stiffness\[0\]: area has an unknown value 'elbow'$",
    ),
    (
        "area-case",
        _set("stiffness.0.area", "Neck"),
        r"^stiffness\[0\]: area has an unknown value 'Neck'$",
    ),
    (
        "note-too-long",
        _set("stiffness.0.note", "x" * 2001),
        r"^stiffness\[0\]: note must be text of at most 2000 characters$",
    ),
    ("note-not-text", _set("stiffness.0.note", 5), r"^stiffness\[0\]: note must be text"),
    ("note-null", _set("stiffness.0.note", None), r"^stiffness\[0\]: note must be text"),
    # prompts
    (
        "kind-unknown",
        _set("prompts.0.kind", "nap"),
        r"^prompts\[0\]: kind has an unknown value 'nap'$",
    ),
    ("kind-missing", _drop("prompts.0.kind"), r"^prompts\[0\]: kind has an unknown value None$"),
    (
        "outcome-unknown",
        _set("prompts.0.outcome", "maybe"),
        r"^prompts\[0\]: outcome has an unknown value 'maybe'$",
    ),
    (
        "outcome-upper",
        _set("prompts.0.outcome", "DONE"),
        r"^prompts\[0\]: outcome has an unknown value 'DONE'$",
    ),
    # sessions
    (
        "seconds-negative",
        _set("sessions.0.sitting_seconds", -1),
        r"^sessions\[0\]: sitting_seconds must be a number of seconds, 0 or more$",
    ),
    (
        "seconds-text",
        _set("sessions.0.sitting_seconds", "60"),
        r"^sessions\[0\]: sitting_seconds must be",
    ),
    (
        "seconds-bool",
        _set("sessions.0.sitting_seconds", True),
        r"^sessions\[0\]: sitting_seconds must be",
    ),
    (
        "seconds-infinite",
        _set("sessions.0.sitting_seconds", float("inf")),
        r"^sessions\[0\]: sitting_seconds",
    ),
    (
        "seconds-nan",
        _set("sessions.0.sitting_seconds", float("nan")),
        r"^sessions\[0\]: sitting_seconds",
    ),
    (
        "span-backwards",
        _set("sessions.0.spans.0", ["2026-11-23T12:00:00+01:00", "2026-11-23T08:55:00+01:00"]),
        r"^sessions\[0\]\.spans\[0\]: ends before it starts$",
    ),
    (
        "span-not-pair",
        _set("sessions.0.spans.0", ["2026-11-23T12:00:00+01:00"]),
        r"^sessions\[0\]: spans must be",
    ),
    (
        "spans-missing",
        _drop("sessions.0.spans"),
        r"^sessions\[0\]: spans must be a list of \[start, end\] pairs$",
    ),
    (
        "session-backwards",
        _set("sessions.0.end", "2026-11-23T08:00:00+01:00"),
        r"^sessions\[0\]: ends before it starts$",
    ),
    (
        "break-backwards",
        _set("natural_breaks.0.end", "2026-11-23T11:00:00+01:00"),
        r"^natural_breaks\[0\]: ends before it starts$",
    ),
    # water
    (
        "water-0",
        _set("water.0.ml", 0),
        r"^water\[0\]: ml must be a whole number from 1 to 5000 \(got 0\)$",
    ),
    (
        "water-too-much",
        _set("water.0.ml", 5001),
        r"^water\[0\]: ml must be a whole number from 1 to 5000 \(got 5001\)$",
    ),
    ("water-fraction", _set("water.0.ml", 250.0), r"^water\[0\]: ml must be a whole number"),
    ("water-missing", _drop("water.0.ml"), r"^water\[0\]: ml must be a whole number"),
    # the place is the record's own index
    (
        "second-record",
        _append("water", {"uuid": uid(6), "at": "2026-11-23T17:00:00+01:00", "ml": -5}),
        r"^water\[1\]: ml must be a whole number",
    ),
]


@pytest.mark.parametrize(("edit", "message"), [pytest.param(e, m, id=i) for i, e, m in BAD_IMPORTS])
def test_a_bad_import_is_refused_naming_the_place(edit: Edit, message: str) -> None:
    doc = valid_export()
    edit(doc)
    with pytest.raises(ExchangeError, match=message) as caught:
        from_json(doc)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("obj", [None, [], "posture-app", 1, {"version": 1}])
def test_something_that_is_not_an_export_is_refused(obj: object) -> None:
    with pytest.raises(ExchangeError, match="not a posture-app export"):
        from_json(obj)


def test_the_longest_allowed_note_and_boundary_values_are_accepted() -> None:
    doc = valid_export()
    _set("stiffness.0.note", "ü" * 2000)(doc)
    _set("stiffness.0.score", 10)(doc)
    _set("water.0.ml", 5000)(doc)
    _set("sessions.0.sitting_seconds", 0)(doc)
    _set("stiffness.0.area", None)(doc)
    _set("prompts.0.outcome", None)(doc)
    _set("prompts.0.outcome_at", None)(doc)
    got = from_json(doc)
    assert len(got.stiffness[0].note) == 2000
    assert (got.stiffness[0].score, got.stiffness[0].area) == (10, None)
    assert got.water[0].ml == 5000
    assert got.sessions[0].sitting_seconds == 0.0
    assert (got.prompts[0].outcome, got.prompts[0].outcome_at) == (None, None)


def test_import_does_not_change_the_input() -> None:
    doc = valid_export()
    before = copy.deepcopy(doc)
    from_json(doc)
    assert doc == before


# --- CSV --------------------------------------------------------------------------------------


def test_csv_has_a_header_and_one_row_per_record() -> None:
    records = every_kind()
    rows = csv_rows(to_csv(records))
    assert rows[0] == HEADER
    assert len(rows) == 1 + sum(records.counts().values())
    assert all(len(r) == len(HEADER) for r in rows)
    kinds = [r[0] for r in rows[1:]]
    assert kinds == (
        ["session"] * 2
        + ["natural_break"] * 2
        + ["prompt"] * 7
        + ["water"] * 3
        + ["stiffness"] * 11
    )


def test_csv_rows_hold_the_right_cells() -> None:
    a = t("2026-11-23T09:00:00+01:00")
    records = Records(
        sessions=[
            Session(uid(1), a, t("2026-11-23T10:15:00+01:00"), ((a, a),), 4500.0),
            Session(uid(2), a, None, (), 90.0),
        ],
        natural_breaks=[NaturalBreak(uid(3), a, t("2026-11-23T09:07:30+01:00"))],
        prompts=[
            Prompt(uid(4), Kind.STRETCH, a, Outcome.SNOOZED, t("2026-11-23T09:02:00+01:00")),
            Prompt(uid(5), Kind.EYES, a),
        ],
        water=[WaterLog(uid(6), a, 330)],
        stiffness=[StiffnessRating(uid(7), a, 6, Area.SHOULDERS, "ok")],
    )
    start = "2026-11-23T09:00:00+01:00"
    assert csv_rows(to_csv(records))[1:] == [
        ["session", uid(1), start, "2026-11-23T10:15:00+01:00", "75.0", "", "", "", "", "", ""],
        ["session", uid(2), start, "", "1.5", "", "", "", "", "", ""],
        [
            "natural_break",
            uid(3),
            start,
            "2026-11-23T09:07:30+01:00",
            "7.5",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            "prompt",
            uid(4),
            start,
            "2026-11-23T09:02:00+01:00",
            "",
            "stretch",
            "snoozed",
            "",
            "",
            "",
            "",
        ],
        ["prompt", uid(5), start, "", "", "eyes", "", "", "", "", ""],
        ["water", uid(6), start, "", "", "", "", "", "", "", "330"],
        ["stiffness", uid(7), start, "", "", "", "", "6", "shoulders", "ok", ""],
    ]


def _note_cell(note: str) -> str:
    records = Records(
        stiffness=[StiffnessRating(uid(1), t("2026-11-23T09:00:00+01:00"), 3, None, note)]
    )
    (row,) = csv_rows(to_csv(records))[1:]
    return row[HEADER.index("note")]


@pytest.mark.parametrize(
    "note",
    [
        "=SUM(A1:A3)",
        '=HYPERLINK("http://example.com","klick")',
        "+49 30 1234",
        "-2 besser als gestern",
        "@SUM(A1)",
        "\tTab first",
        "\rcarriage return first",
    ],
)
def test_csv_notes_that_could_run_as_formulas_start_with_an_apostrophe(note: str) -> None:
    cell = _note_cell(note)
    assert cell == "'" + note
    assert cell[1:] == note


@pytest.mark.parametrize(
    "note",
    [
        UNICODE_NOTE,
        "ganz normal",
        "",
        "1 + 1 = 2",
        'Komma, "Anführungszeichen" und\nZeilenumbruch',
        "'schon mit Apostroph",
    ],
)
def test_csv_other_notes_survive_unchanged(note: str) -> None:
    assert _note_cell(note) == note


def test_csv_is_crlf_lines_and_keeps_unicode() -> None:
    text = to_csv(every_kind())
    assert text.startswith(",".join(HEADER) + "\r\n")
    assert UNICODE_NOTE in text
    assert text.encode("utf-8").decode("utf-8") == text
