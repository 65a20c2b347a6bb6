"""Tests for the store's history methods: list by range, edit, delete, and undo by adding back."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from posture_app.core.errors import KnownError
from posture_app.core.model import Area, StiffnessRating, WaterLog
from posture_app.core.store import (
    SCHEMA_VERSION,
    InvalidRecord,
    NoSuchRecord,
    Store,
    StoreError,
    check_stiffness,
    check_water,
)
from tests.fakes import aware as t
from tests.fakes import local, plain, uid

NOW = t("2026-11-23T09:00:00+01:00")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "posture.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    s = Store.open(db_path, now=NOW)
    yield s
    s.close()


def rating(
    n: int, at: str, score: int = 3, area: Area | None = None, note: str = ""
) -> StiffnessRating:
    return StiffnessRating(uid(n), t(at), score, area, note)


def water(n: int, at: str, ml: int = 250) -> WaterLog:
    return WaterLog(uid(n), t(at), ml)


def dump(path: Path) -> list[object]:
    """Every stored rating and water row, read with a separate connection."""
    conn = sqlite3.connect(path)
    try:
        return [
            *conn.execute("SELECT * FROM stiffness ORDER BY uuid").fetchall(),
            *conn.execute("SELECT * FROM water ORDER BY uuid").fetchall(),
        ]
    finally:
        conn.close()


@pytest.fixture
def filled(store: Store) -> Store:
    """Two ratings and two water logs over two days, in two offsets (summer and winter)."""
    with store.transaction():
        store.add_stiffness(rating(1, "2026-11-22T08:00:00+01:00", 2, Area.NECK, "stiff"))
        store.add_stiffness(rating(2, "2026-07-01T20:00:00+02:00", 6))
        store.add_water(water(3, "2026-11-22T10:00:00+01:00", 300))
        store.add_water(water(4, "2026-11-23T08:30:00+01:00"))
    return store


# --- reading ----------------------------------------------------------------------------------


def test_between_lists_one_kind_newest_first_start_inclusive_end_exclusive(filled: Store) -> None:
    start, end = t("2026-07-01T20:00:00+02:00"), t("2026-11-23T08:30:00+01:00")
    assert [r.uuid for r in filled.stiffness_between(start, end)] == [uid(1), uid(2)]
    assert [w.uuid for w in filled.water_between(start, end)] == [uid(3)]
    assert filled.stiffness_between(NOW, NOW) == []


def test_get_returns_the_record_with_its_offset_or_none(filled: Store) -> None:
    assert plain(filled.get_stiffness(uid(2))) == plain(rating(2, "2026-07-01T20:00:00+02:00", 6))
    assert plain(filled.get_water(uid(3))) == plain(water(3, "2026-11-22T10:00:00+01:00", 300))
    assert filled.get_stiffness(uid(3)) is None  # a water uuid is not a rating
    assert filled.get_water(uid(99)) is None


# --- edit -------------------------------------------------------------------------------------


def test_update_stiffness_changes_every_field_and_nothing_else(filled: Store) -> None:
    edited = StiffnessRating(uid(1), local("2026-11-21T19:15"), 7, None, "after a long drive")
    filled.update_stiffness(edited)
    assert plain(filled.get_stiffness(uid(1))) == plain(edited)
    assert plain(filled.get_stiffness(uid(2))) == plain(rating(2, "2026-07-01T20:00:00+02:00", 6))
    # The range follows the new instant.
    assert filled.stiffness_between(local("2026-11-21T00:00"), local("2026-11-22T00:00")) == [
        filled.get_stiffness(uid(1))
    ]


def test_update_water_changes_time_and_amount(filled: Store) -> None:
    edited = WaterLog(uid(3), t("2026-11-22T11:00:00+01:00"), 500)
    filled.update_water(edited)
    assert plain(filled.get_water(uid(3))) == plain(edited)
    assert filled.water_on(local("2026-11-22T00:00").date()) == 500


def test_update_of_a_missing_record_raises_and_writes_nothing(filled: Store, db_path: Path) -> None:
    before = dump(db_path)
    with pytest.raises(NoSuchRecord, match="no longer stored"):
        filled.update_stiffness(rating(99, "2026-11-22T08:00:00+01:00"))
    with pytest.raises(NoSuchRecord):
        filled.update_water(water(1, "2026-11-22T08:00:00+01:00"))  # uid(1) is a rating
    assert isinstance(NoSuchRecord("x"), StoreError)
    assert dump(db_path) == before


# --- delete and undo --------------------------------------------------------------------------


def test_delete_and_undo_a_rating_restores_it_exactly(filled: Store, db_path: Path) -> None:
    before = dump(db_path)
    deleted = filled.delete_stiffness(uid(1))
    assert plain(deleted) == plain(rating(1, "2026-11-22T08:00:00+01:00", 2, Area.NECK, "stiff"))
    assert filled.get_stiffness(uid(1)) is None
    assert dump(db_path) != before
    assert deleted is not None
    filled.add_stiffness(deleted)  # undo
    assert dump(db_path) == before  # same uuid, instant, offset text, score, area and note


def test_delete_and_undo_a_water_log_restores_it_exactly(filled: Store, db_path: Path) -> None:
    before = dump(db_path)
    deleted = filled.delete_water(uid(4))
    assert plain(deleted) == plain(water(4, "2026-11-23T08:30:00+01:00"))
    assert filled.water_on(local("2026-11-23T00:00").date()) == 0
    assert deleted is not None
    filled.add_water(deleted)
    assert dump(db_path) == before


def test_deleting_what_is_not_stored_returns_none_and_changes_nothing(
    filled: Store, db_path: Path
) -> None:
    before = dump(db_path)
    assert filled.delete_stiffness(uid(3)) is None  # a water uuid
    assert filled.delete_water(uid(99)) is None
    assert filled.delete_stiffness(uid(1)) is not None
    assert filled.delete_stiffness(uid(1)) is None  # twice
    assert len(dump(db_path)) == len(before) - 1


def _delete_both_then_fail(store: Store) -> None:
    with store.transaction():
        store.delete_stiffness(uid(1))
        store.delete_water(uid(3))
        raise RuntimeError("boom")


def test_a_delete_inside_a_failed_transaction_is_rolled_back(filled: Store, db_path: Path) -> None:
    before = dump(db_path)
    with pytest.raises(RuntimeError):
        _delete_both_then_fail(filled)
    assert dump(db_path) == before


def test_history_writes_land_in_the_file_for_another_connection(
    filled: Store, db_path: Path
) -> None:
    filled.update_stiffness(dataclasses.replace(rating(2, "2026-07-01T20:00:00+02:00"), score=9))
    filled.delete_water(uid(3))
    other = Store.open(db_path, now=NOW)
    try:
        assert other.schema_version == SCHEMA_VERSION
        stored = other.get_stiffness(uid(2))
        assert stored is not None
        assert stored.score == 9
        assert other.get_water(uid(3)) is None
    finally:
        other.close()


# --- validation -------------------------------------------------------------------------------

BAD_RATINGS = [
    pytest.param(
        dataclasses.replace(rating(1, "2026-11-22T08:00:00+01:00"), score=11),
        "from 0 to 10",
        id="score-11",
    ),
    pytest.param(
        dataclasses.replace(rating(1, "2026-11-22T08:00:00+01:00"), score=-1),
        "from 0 to 10",
        id="score-neg",
    ),
    pytest.param(
        dataclasses.replace(rating(1, "2026-11-22T08:00:00+01:00"), score=2.5),
        "whole number",
        id="score-float",
    ),
    pytest.param(
        dataclasses.replace(rating(1, "2026-11-22T08:00:00+01:00"), score=True),
        "whole number",
        id="score-bool",
    ),
    pytest.param(
        dataclasses.replace(rating(1, "2026-11-22T08:00:00+01:00"), area="neck"),
        "body area",
        id="area-str",
    ),
    pytest.param(
        dataclasses.replace(rating(1, "2026-11-22T08:00:00+01:00"), note="x" * 2001),
        "at most 2000",
        id="note",
    ),
    pytest.param(
        StiffnessRating(uid(1), local("2026-11-22T08:00").replace(tzinfo=None), 3),
        "timezone",
        id="naive",
    ),
]

BAD_WATER = [
    pytest.param(water(3, "2026-11-22T10:00:00+01:00", 0), "from 1 to 5000", id="zero"),
    pytest.param(water(3, "2026-11-22T10:00:00+01:00", -250), "from 1 to 5000", id="negative"),
    pytest.param(water(3, "2026-11-22T10:00:00+01:00", 5001), "from 1 to 5000", id="too-much"),
    pytest.param(
        WaterLog(uid(3), t("2026-11-22T10:00:00+01:00"), 250.5), "whole number", id="float"
    ),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("bad", "message"), BAD_RATINGS)
def test_a_bad_rating_edit_is_refused_with_one_line_and_nothing_written(
    filled: Store, db_path: Path, bad: StiffnessRating, message: str
) -> None:
    before = dump(db_path)
    with pytest.raises(InvalidRecord, match=message) as caught:
        filled.update_stiffness(bad)
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, KnownError)
    assert isinstance(caught.value, ValueError)
    assert dump(db_path) == before


@pytest.mark.parametrize(("bad", "message"), BAD_WATER)
def test_a_bad_water_edit_is_refused_with_one_line_and_nothing_written(
    filled: Store, db_path: Path, bad: WaterLog, message: str
) -> None:
    before = dump(db_path)
    with pytest.raises(InvalidRecord, match=message) as caught:
        filled.update_water(bad)
    assert "\n" not in str(caught.value)
    assert dump(db_path) == before


def test_checks_accept_the_limits() -> None:
    for score in (0, 10):
        check_stiffness(rating(1, "2026-11-22T08:00:00+01:00", score, Area.OTHER, "x" * 2000))
    for ml in (1, 5000):
        check_water(water(1, "2026-11-22T08:00:00+01:00", ml))


def test_checks_refuse_a_time_after_now_only_when_now_is_given() -> None:
    later = rating(1, "2026-11-23T09:00:01+01:00")
    check_stiffness(later)
    check_stiffness(rating(1, "2026-11-23T09:00:00+01:00"), now=NOW)
    # Same instant in another offset is not the future.
    check_water(water(1, "2026-11-23T08:00:00+00:00"), now=NOW)
    with pytest.raises(InvalidRecord, match="in the future"):
        check_stiffness(later, now=NOW)
    with pytest.raises(InvalidRecord, match="in the future"):
        check_water(water(1, "2026-11-23T08:00:01+00:00"), now=NOW)
