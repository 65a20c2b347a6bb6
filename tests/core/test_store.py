"""Tests for posture_app.core.store: the SQLite file, its schema, every write and read."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import random
import sqlite3
import stat
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from posture_app.core import store as store_module
from posture_app.core.model import (
    Area,
    Kind,
    NaturalBreak,
    Outcome,
    Prompt,
    Session,
    Slot,
    StiffnessRating,
    WaterLog,
)
from posture_app.core.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Records,
    Store,
    StoreError,
    StoreTooNew,
)
from tests.fakes import aware as t
from tests.fakes import local, plain, uid

FIXTURE_V1 = Path(__file__).resolve().parent.parent / "fixtures" / "store_v1.sql"
CET = timezone(timedelta(hours=1))
NOW = datetime(2026, 11, 23, 8, 55, 0, tzinfo=CET)
ASIDE_NAME = "posture.sqlite3.corrupt-20261123-085500"
TABLES = {"sessions", "natural_breaks", "prompts", "water", "stiffness"}


# --- helpers ----------------------------------------------------------------------------------


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def raw_rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    """Read the file with a separate plain connection."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def water(n: int, at: str, ml: int = 250) -> WaterLog:
    return WaterLog(uid(n), t(at), ml)


def rating(
    n: int, at: str, score: int = 3, area: Area | None = None, note: str = ""
) -> StiffnessRating:
    return StiffnessRating(uid(n), t(at), score, area, note)


def prompt(
    n: int, kind: Kind, shown: str, outcome: Outcome | None = None, at: str | None = None
) -> Prompt:
    return Prompt(uid(n), kind, t(shown), outcome, t(at) if at else None)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "posture.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    s = Store.open(db_path, now=NOW)
    yield s
    s.close()


def make_real_db(path: Path, ratings: int = 300) -> bytes:
    """A genuine posture-app database with enough rows to span many pages; its bytes."""
    s = Store.open(path, now=NOW)
    with s.transaction():
        for i in range(ratings):
            s.add_stiffness(rating(i, "2026-11-23T08:00:00+01:00", i % 11, Area.NECK, "x" * 300))
    s.close()
    return path.read_bytes()


# --- the file ---------------------------------------------------------------------------------


def test_new_database_file_and_data_dir_are_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "home" / "data"
    path = data_dir / "posture.sqlite3"
    old_umask = os.umask(0)  # the modes must not depend on a friendly umask
    try:
        s = Store.open(path, now=NOW)
    finally:
        os.umask(old_umask)
    try:
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        # SQLite's side files hold the same data; they must be private too.
        for side in ("posture.sqlite3-wal", "posture.sqlite3-shm"):
            assert stat.S_IMODE((data_dir / side).stat().st_mode) == 0o600, side
    finally:
        s.close()


def test_new_database_is_in_wal_mode_with_a_busy_timeout(store: Store, db_path: Path) -> None:
    assert raw_rows(db_path, "PRAGMA journal_mode") == [("wal",)]
    # White-box: the busy timeout is per connection, so ask the store's own connection.
    assert store._conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_new_database_has_the_current_schema(store: Store, db_path: Path) -> None:
    assert store.schema_version == SCHEMA_VERSION
    assert raw_rows(db_path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    tables = {r[0] for r in raw_rows(db_path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables >= TABLES
    assert store.moved_aside is None
    assert store.records() == Records([], [], [], [], [])


def test_reopening_keeps_the_data_and_moves_nothing(db_path: Path) -> None:
    s = Store.open(db_path, now=NOW)
    s.add_water(water(1, "2026-11-23T10:00:00+01:00", 300))
    s.close()
    again = Store.open(db_path, now=NOW)
    try:
        assert again.moved_aside is None
        assert again.schema_version == SCHEMA_VERSION
        assert plain(again.records().water) == [
            {"uuid": uid(1), "at": "2026-11-23T10:00:00+01:00", "ml": 300}
        ]
    finally:
        again.close()
    assert listing(db_path.parent) == ["posture.sqlite3"]


def test_data_version_moves_only_when_another_connection_commits(store, db_path) -> None:
    before = store.data_version()
    store.add_water(water(1, "2026-11-23T10:00:00+01:00", 300))  # its own write
    assert store.data_version() == before
    other = Store.open(db_path, now=NOW)  # as the tray app, in another process
    try:
        other.add_water(water(2, "2026-11-23T11:00:00+01:00", 250))
    finally:
        other.close()
    assert store.data_version() != before


def test_in_memory_store_works() -> None:
    s = Store.in_memory()
    try:
        assert s.schema_version == SCHEMA_VERSION
        s.add_water(water(1, "2026-11-23T10:00:00+01:00"))
        assert len(s.records().water) == 1
    finally:
        s.close()


def test_naive_times_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        store.add_water(WaterLog(uid(1), datetime(2026, 11, 23, 10, 0), 250))
    assert store.records().water == []


# --- sessions ---------------------------------------------------------------------------------


def test_save_session_updates_the_open_session_in_place(store: Store, db_path: Path) -> None:
    opened = Session(
        uid(1),
        t("2026-11-23T08:55:00+01:00"),
        None,
        ((t("2026-11-23T08:55:00+01:00"), t("2026-11-23T09:25:00+01:00")),),
        1800.0,
    )
    store.save_session(opened)
    assert plain(store.records().sessions) == [
        {
            "uuid": uid(1),
            "start": "2026-11-23T08:55:00+01:00",
            "end": None,
            "spans": [["2026-11-23T08:55:00+01:00", "2026-11-23T09:25:00+01:00"]],
            "sitting_seconds": 1800.0,
        }
    ]
    closed = dataclasses.replace(
        opened,
        end=t("2026-11-23T11:00:00+01:00"),
        spans=(
            (t("2026-11-23T08:55:00+01:00"), t("2026-11-23T09:30:00+01:00")),
            (t("2026-11-23T09:40:00+01:00"), t("2026-11-23T11:00:00+01:00")),
        ),
        sitting_seconds=6900.0,
    )
    store.save_session(closed)
    assert plain(store.records().sessions) == [
        {
            "uuid": uid(1),
            "start": "2026-11-23T08:55:00+01:00",
            "end": "2026-11-23T11:00:00+01:00",
            "spans": [
                ["2026-11-23T08:55:00+01:00", "2026-11-23T09:30:00+01:00"],
                ["2026-11-23T09:40:00+01:00", "2026-11-23T11:00:00+01:00"],
            ],
            "sitting_seconds": 6900.0,
        }
    ]
    assert raw_rows(db_path, "SELECT count(*) FROM sessions") == [(1,)]


def test_times_keep_their_offset_and_milliseconds(store: Store) -> None:
    at = t("2026-11-23T22:15:30.250-05:00")
    store.add_water(WaterLog(uid(1), at, 250))
    (got,) = store.records().water
    assert got.at == at
    assert got.at.utcoffset() == timedelta(hours=-5)
    assert got.at.isoformat() == "2026-11-23T22:15:30.250000-05:00"


def test_zoneinfo_times_are_stored_with_the_offset_of_their_moment(store: Store) -> None:
    summer = local("2026-07-01T09:00")
    winter = local("2026-12-01T09:00")
    store.add_water(WaterLog(uid(1), summer, 250))
    store.add_water(WaterLog(uid(2), winter, 250))
    assert [w.at.isoformat() for w in store.records().water] == [
        "2026-07-01T09:00:00+02:00",
        "2026-12-01T09:00:00+01:00",
    ]


# --- prompts ----------------------------------------------------------------------------------


def test_save_prompt_inserts_open_then_records_the_outcome(store: Store) -> None:
    store.save_prompt(prompt(1, Kind.POSTURE, "2026-11-23T09:40:00+01:00"))
    assert plain(store.records().prompts) == [
        {
            "uuid": uid(1),
            "kind": "posture",
            "shown_at": "2026-11-23T09:40:00+01:00",
            "outcome": None,
            "outcome_at": None,
        }
    ]
    store.save_prompt(
        prompt(
            1, Kind.POSTURE, "2026-11-23T09:40:00+01:00", Outcome.DONE, "2026-11-23T09:41:30+01:00"
        )
    )
    assert plain(store.records().prompts) == [
        {
            "uuid": uid(1),
            "kind": "posture",
            "shown_at": "2026-11-23T09:40:00+01:00",
            "outcome": "done",
            "outcome_at": "2026-11-23T09:41:30+01:00",
        }
    ]


@pytest.mark.parametrize(
    ("outcome", "at"),
    [
        (Outcome.SKIPPED, "2026-11-23T09:50:00+01:00"),  # a different outcome
        (None, None),  # the open prompt saved again (e.g. replayed)
    ],
)
def test_a_recorded_outcome_is_never_overwritten(
    store: Store, outcome: Outcome | None, at: str | None
) -> None:
    shown = "2026-11-23T09:40:00+01:00"
    store.save_prompt(prompt(1, Kind.BREAK, shown))
    store.save_prompt(prompt(1, Kind.BREAK, shown, Outcome.DONE, "2026-11-23T09:41:00+01:00"))
    store.save_prompt(prompt(1, Kind.BREAK, shown, outcome, at))
    (got,) = store.records().prompts
    assert got.outcome is Outcome.DONE
    assert got.outcome_at is not None
    assert got.outcome_at.isoformat() == "2026-11-23T09:41:00+01:00"


def test_end_open_prompts_marks_only_open_ones_ignored(store: Store) -> None:
    store.save_prompt(prompt(1, Kind.POSTURE, "2026-11-23T09:00:00+01:00"))
    store.save_prompt(
        prompt(
            2,
            Kind.STRETCH,
            "2026-11-23T09:10:00+01:00",
            Outcome.SNOOZED,
            "2026-11-23T09:11:00+01:00",
        )
    )
    store.save_prompt(prompt(3, Kind.HYDRATION, "2026-11-23T09:20:00+01:00"))

    assert store.end_open_prompts(t("2026-11-23T18:00:00+01:00")) == 2

    assert [(p.uuid, p.outcome, p.outcome_at.isoformat()) for p in store.records().prompts] == [
        (uid(1), Outcome.IGNORED, "2026-11-23T18:00:00+01:00"),
        (uid(2), Outcome.SNOOZED, "2026-11-23T09:11:00+01:00"),
        (uid(3), Outcome.IGNORED, "2026-11-23T18:00:00+01:00"),
    ]
    assert store.end_open_prompts(t("2026-11-23T19:00:00+01:00")) == 0


# --- idempotent adds --------------------------------------------------------------------------


def test_add_water_is_idempotent_by_uuid(store: Store) -> None:
    store.add_water(water(1, "2026-11-23T10:00:00+01:00", 250))
    store.add_water(water(1, "2026-11-23T11:00:00+01:00", 500))
    assert plain(store.records().water) == [
        {"uuid": uid(1), "at": "2026-11-23T10:00:00+01:00", "ml": 250}
    ]


def test_add_stiffness_is_idempotent_by_uuid(store: Store) -> None:
    store.add_stiffness(rating(1, "2026-11-23T08:00:00+01:00", 4, Area.NECK, "steif"))
    store.add_stiffness(rating(1, "2026-11-23T08:00:00+01:00", 9, None, "other"))
    assert [(r.score, r.area, r.note) for r in store.records().stiffness] == [
        (4, Area.NECK, "steif")
    ]


def test_add_natural_break_is_idempotent_by_uuid(store: Store) -> None:
    b = NaturalBreak(uid(1), t("2026-11-23T12:00:00+01:00"), t("2026-11-23T12:40:00+01:00"))
    store.add_natural_break(b)
    store.add_natural_break(dataclasses.replace(b, end=t("2026-11-23T13:00:00+01:00")))
    assert plain(store.records().natural_breaks) == [
        {"uuid": uid(1), "start": "2026-11-23T12:00:00+01:00", "end": "2026-11-23T12:40:00+01:00"}
    ]


# --- reading ranges ---------------------------------------------------------------------------


def _one_of_each(store: Store, n: int, at: str) -> None:
    """A record of every kind at the instant `at` (uuids n*10 + 0..4)."""
    when = t(at)
    later = when + timedelta(minutes=5)
    store.save_session(Session(uid(n * 10), when, later, ((when, later),), 300.0))
    store.add_natural_break(NaturalBreak(uid(n * 10 + 1), when, later))
    store.save_prompt(Prompt(uid(n * 10 + 2), Kind.EYES, when, Outcome.DONE, later))
    store.add_water(WaterLog(uid(n * 10 + 3), when, 100 + n))
    store.add_stiffness(StiffnessRating(uid(n * 10 + 4), when, n, None, ""))


def test_records_range_is_by_utc_instant_start_inclusive_end_exclusive(store: Store) -> None:
    # Range: 2026-11-23 00:00 UTC (inclusive) to 2026-11-24 00:00 UTC (exclusive).
    _one_of_each(store, 1, "2026-11-23T00:30:00+01:00")  # 2026-11-22 23:30 UTC: before
    _one_of_each(store, 2, "2026-11-23T01:00:00+01:00")  # exactly 00:00 UTC: inside
    _one_of_each(store, 3, "2026-11-22T23:30:00-05:00")  # 2026-11-23 04:30 UTC: inside
    _one_of_each(store, 4, "2026-11-23T23:59:00+00:00")  # inside
    _one_of_each(store, 5, "2026-11-24T00:30:00+01:00")  # 2026-11-23 23:30 UTC: inside
    _one_of_each(store, 6, "2026-11-23T19:00:00-05:00")  # exactly 2026-11-24 00:00 UTC: after

    got = store.records(t("2026-11-23T01:00:00+01:00"), t("2026-11-24T00:00:00+00:00"))

    expected_times = [  # in UTC order
        "2026-11-23T01:00:00+01:00",  # 00:00 UTC
        "2026-11-22T23:30:00-05:00",  # 04:30 UTC
        "2026-11-24T00:30:00+01:00",  # 23:30 UTC
        "2026-11-23T23:59:00+00:00",  # 23:59 UTC
    ]
    assert [s.start.isoformat() for s in got.sessions] == expected_times
    assert [b.start.isoformat() for b in got.natural_breaks] == expected_times
    assert [p.shown_at.isoformat() for p in got.prompts] == expected_times
    assert [w.at.isoformat() for w in got.water] == expected_times
    assert [r.at.isoformat() for r in got.stiffness] == expected_times
    assert [r.score for r in got.stiffness] == [2, 3, 5, 4]


def test_records_without_bounds_returns_everything_in_time_order(store: Store) -> None:
    store.add_water(water(1, "2026-11-23T12:00:00+01:00", 100))
    store.add_water(water(2, "2026-11-23T06:00:00-05:00", 200))  # 12:00 Berlin: later
    store.add_water(water(3, "2026-11-23T11:00:00+01:00", 300))
    assert [w.ml for w in store.records().water] == [300, 100, 200]
    assert [w.ml for w in store.records(start=t("2026-11-23T12:00:00+01:00")).water] == [100, 200]
    assert [w.ml for w in store.records(end=t("2026-11-23T12:00:00+01:00")).water] == [300]


def test_records_are_aware_with_their_original_offsets(store: Store) -> None:
    store.add_stiffness(rating(1, "2026-07-01T08:00:00+02:00"))
    store.add_stiffness(rating(2, "2026-11-23T08:00:00+01:00"))
    store.add_stiffness(rating(3, "2026-11-24T08:00:00+05:30"))
    offsets = [r.at.utcoffset() for r in store.records().stiffness]
    assert offsets == [timedelta(hours=2), timedelta(hours=1), timedelta(hours=5, minutes=30)]


# --- rating slots -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "day", "morning", "evening"),
    [
        ("2026-11-23T00:00:00+01:00", date(2026, 11, 23), True, False),
        ("2026-11-23T11:59:00+01:00", date(2026, 11, 23), True, False),
        ("2026-11-23T11:59:59.999+01:00", date(2026, 11, 23), True, False),
        ("2026-11-23T12:00:00+01:00", date(2026, 11, 23), False, True),
        ("2026-11-23T23:59:00+01:00", date(2026, 11, 23), False, True),
        # 11:30 on a trip (-05:00) is 17:30 in Berlin, but it is the local morning that counts.
        ("2026-11-23T11:30:00-05:00", date(2026, 11, 23), True, False),
        # 23:30 -05:00 is already 2026-11-24 in UTC and Berlin; locally it is the 23rd's evening.
        ("2026-11-23T23:30:00-05:00", date(2026, 11, 23), False, True),
        # 00:30 +01:00 is still 2026-11-23 in UTC; locally it is the 24th's morning.
        ("2026-11-24T00:30:00+01:00", date(2026, 11, 24), True, False),
    ],
)
def test_has_rating_splits_the_local_day_at_noon(
    store: Store, at: str, day: date, morning: bool, evening: bool
) -> None:
    store.add_stiffness(rating(1, at))
    assert store.has_rating(day, Slot.MORNING) is morning
    assert store.has_rating(day, Slot.EVENING) is evening
    for other in (day - timedelta(days=1), day + timedelta(days=1)):
        assert store.has_rating(other, Slot.MORNING) is False
        assert store.has_rating(other, Slot.EVENING) is False


def test_has_rating_is_false_on_an_empty_store(store: Store) -> None:
    assert store.has_rating(date(2026, 11, 23), Slot.MORNING) is False
    assert store.has_rating(date(2026, 11, 23), Slot.EVENING) is False


# --- import -----------------------------------------------------------------------------------


def _batch() -> Records:
    a = t("2026-11-23T09:00:00+01:00")
    b = t("2026-11-23T10:00:00+01:00")
    return Records(
        sessions=[Session(uid(1), a, b, ((a, b),), 3600.0)],
        natural_breaks=[NaturalBreak(uid(2), b, t("2026-11-23T10:30:00+01:00"))],
        prompts=[Prompt(uid(3), Kind.STRETCH, a, Outcome.SKIPPED, b), Prompt(uid(4), Kind.EYES, b)],
        water=[
            water(5, "2026-11-23T09:30:00+01:00", 250),
            water(6, "2026-11-23T09:45:00+01:00", 330),
        ],
        stiffness=[rating(7, "2026-11-23T08:00:00+01:00", 5, Area.HIPS, "Hüfte")],
    )


def test_import_counts_only_new_records_and_is_idempotent(store: Store) -> None:
    store.add_water(water(5, "2026-11-23T09:30:00+01:00", 250))  # already known
    batch = _batch()

    assert store.import_records(batch) == {
        "sessions": 1,
        "natural_breaks": 1,
        "prompts": 2,
        "water": 1,
        "stiffness": 1,
    }
    assert store.import_records(batch) == {
        "sessions": 0,
        "natural_breaks": 0,
        "prompts": 0,
        "water": 0,
        "stiffness": 0,
    }
    assert plain(store.records()) == plain(batch)


def test_import_does_not_change_records_already_stored(store: Store) -> None:
    shown = "2026-11-23T09:00:00+01:00"
    store.save_prompt(prompt(1, Kind.POSTURE, shown, Outcome.DONE, "2026-11-23T09:01:00+01:00"))
    added = store.import_records(Records(prompts=[prompt(1, Kind.POSTURE, shown)]))
    assert added["prompts"] == 0
    (got,) = store.records().prompts
    assert got.outcome is Outcome.DONE


def test_import_is_all_or_nothing(store: Store) -> None:
    good = _batch()
    naive = StiffnessRating(uid(99), datetime(2026, 11, 24, 8, 0), 3)  # fails after the rest
    with pytest.raises(ValueError, match="timezone-aware"):
        store.import_records(dataclasses.replace(good, stiffness=[*good.stiffness, naive]))
    assert store.records().counts() == dict.fromkeys(TABLES, 0)


def _negative_session(store: Store) -> None:
    a = t("2026-11-23T09:00:00+01:00")
    store.import_records(Records(sessions=[Session(uid(1), a, a, (), -1.0)]))


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda s: s.add_water(water(1, "2026-11-23T09:00:00+01:00", 0)), id="water-0"),
        pytest.param(
            lambda s: s.add_stiffness(rating(1, "2026-11-23T09:00:00+01:00", 11)), id="score-11"
        ),
        pytest.param(_negative_session, id="import-negative-seconds"),
    ],
)
def test_records_breaking_the_schema_are_refused_not_silently_dropped(store: Store, write) -> None:
    """INSERT OR IGNORE (meant for duplicate uuids) must not also swallow CHECK failures."""
    with pytest.raises((sqlite3.IntegrityError, ValueError)):
        write(store)
    assert store.records().counts() == dict.fromkeys(TABLES, 0)


# --- transactions and concurrency -------------------------------------------------------------


class BoomError(Exception):
    pass


def _write_one_of_each_then_fail(store: Store) -> None:
    a = t("2026-11-23T09:00:00+01:00")
    with store.transaction():
        store.save_session(Session(uid(2), a, None, ((a, a),), 0.0))
        store.add_natural_break(NaturalBreak(uid(3), a, a))
        store.save_prompt(Prompt(uid(4), Kind.BREAK, a))
        store.add_water(water(5, "2026-11-23T09:00:00+01:00", 200))
        store.add_stiffness(rating(6, "2026-11-23T09:00:00+01:00"))
        raise BoomError


def test_transaction_rolls_back_every_write_on_an_exception(store: Store) -> None:
    store.add_water(water(1, "2026-11-23T08:00:00+01:00", 100))
    with pytest.raises(BoomError):
        _write_one_of_each_then_fail(store)
    got = store.records()
    assert got.counts() == {
        "sessions": 0,
        "natural_breaks": 0,
        "prompts": 0,
        "water": 1,
        "stiffness": 0,
    }
    assert [w.ml for w in got.water] == [100]
    # The store is still usable afterwards.
    store.add_water(water(7, "2026-11-23T10:00:00+01:00", 300))
    assert [w.ml for w in store.records().water] == [100, 300]


def test_transaction_commits_on_success(store: Store, db_path: Path) -> None:
    with store.transaction():
        store.add_water(water(1, "2026-11-23T08:00:00+01:00", 100))
        store.add_water(water(2, "2026-11-23T09:00:00+01:00", 200))
    assert raw_rows(db_path, "SELECT ml FROM water ORDER BY at_ts") == [(100,), (200,)]


def test_two_stores_on_one_file_both_write(db_path: Path) -> None:
    tray = Store.open(db_path, now=NOW)
    cli = Store.open(db_path, now=NOW)
    try:
        tray.add_water(water(1, "2026-11-23T09:00:00+01:00", 250))
        cli.add_stiffness(rating(2, "2026-11-23T09:05:00+01:00", 6))
        tray.save_prompt(prompt(3, Kind.POSTURE, "2026-11-23T09:10:00+01:00"))
        cli.add_water(water(4, "2026-11-23T09:15:00+01:00", 330))

        # While one writes inside a transaction, the other can still read (WAL) ...
        with tray.transaction():
            tray.add_water(water(5, "2026-11-23T09:20:00+01:00", 500))
            assert [w.ml for w in cli.records().water] == [250, 330]
        # ... and sees the write once it is committed.
        for s in (tray, cli):
            got = s.records()
            assert [w.ml for w in got.water] == [250, 330, 500]
            assert [r.score for r in got.stiffness] == [6]
            assert [p.uuid for p in got.prompts] == [uid(3)]
    finally:
        tray.close()
        cli.close()


# --- newer, corrupt and foreign files ---------------------------------------------------------


def test_a_newer_database_is_refused_untouched(db_path: Path) -> None:
    s = Store.open(db_path, now=NOW)
    s.add_water(water(1, "2026-11-23T09:00:00+01:00"))
    s.close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    digest, before = sha256(db_path), listing(db_path.parent)

    with pytest.raises(StoreTooNew) as caught:
        Store.open(db_path, now=NOW)

    assert isinstance(caught.value, StoreError)
    message = str(caught.value)
    assert str(db_path) in message
    assert "newer" in message
    assert "\n" not in message
    assert sha256(db_path) == digest
    assert listing(db_path.parent) == before


def _random_bytes(_real: bytes) -> bytes:
    return random.Random(48).randbytes(12_000)


def _header_then_garbage(real: bytes) -> bytes:
    return real[:100] + random.Random(49).randbytes(3 * 4096 - 100)


def _truncated(real: bytes) -> bytes:
    return real[: len(real) // 2]


def _truncated_mid_page(real: bytes) -> bytes:
    return real[: len(real) * 2 // 3 + 123]


@pytest.mark.parametrize(
    "damage", [_random_bytes, _header_then_garbage, _truncated, _truncated_mid_page]
)
def test_a_corrupt_database_is_moved_aside_and_replaced(
    tmp_path: Path, db_path: Path, damage
) -> None:
    real = make_real_db(tmp_path / "real" / "posture.sqlite3")
    bad = damage(real)
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(bad)

    s = Store.open(db_path, now=NOW)
    try:
        aside = db_path.with_name(ASIDE_NAME)
        assert s.moved_aside == aside
        assert aside.read_bytes() == bad
        # A fresh, working database took its place.
        assert s.schema_version == SCHEMA_VERSION
        assert s.records().counts() == dict.fromkeys(TABLES, 0)
        s.add_water(water(1, "2026-11-23T09:00:00+01:00", 250))
        assert [w.ml for w in s.records().water] == [250]
    finally:
        s.close()
    assert db_path.read_bytes() != bad
    assert raw_rows(db_path, "SELECT ml FROM water") == [(250,)]


def test_a_second_corruption_at_the_same_second_gets_its_own_name(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    first, second = b"not a database, first" * 300, b"not a database, second" * 300

    db_path.write_bytes(first)
    Store.open(db_path, now=NOW).close()
    db_path.unlink()
    for side in ("-wal", "-shm"):
        db_path.with_name(db_path.name + side).unlink(missing_ok=True)
    db_path.write_bytes(second)
    s = Store.open(db_path, now=NOW)
    s.close()

    assert s.moved_aside is not None
    assert s.moved_aside != db_path.with_name(ASIDE_NAME)
    assert s.moved_aside.name.startswith(ASIDE_NAME)
    assert db_path.with_name(ASIDE_NAME).read_bytes() == first
    assert s.moved_aside.read_bytes() == second


def test_stale_side_files_of_a_corrupt_database_move_with_it(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(random.Random(7).randbytes(8192))
    wal = db_path.with_name("posture.sqlite3-wal")
    wal.write_bytes(b"old write-ahead log")

    s = Store.open(db_path, now=NOW)
    s.close()

    assert s.moved_aside == db_path.with_name(ASIDE_NAME)
    assert db_path.with_name(ASIDE_NAME + "-wal").read_bytes() == b"old write-ahead log"


def test_an_empty_file_is_not_corrupt(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"")  # e.g. an earlier start that stopped right after creating it
    s = Store.open(db_path, now=NOW)
    try:
        assert s.moved_aside is None
        assert s.schema_version == SCHEMA_VERSION
    finally:
        s.close()
    assert listing(db_path.parent)[:1] == ["posture.sqlite3"]
    assert not any(".corrupt-" in n for n in listing(db_path.parent))


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_another_apps_database_is_moved_aside_unmodified(db_path: Path, journal_mode: str) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA journal_mode = {journal_mode}")
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('someone else''s data')")
    conn.commit()
    conn.close()
    original = db_path.read_bytes()

    s = Store.open(db_path, now=NOW)
    try:
        assert s.moved_aside == db_path.with_name(ASIDE_NAME)
        assert s.records().counts() == dict.fromkeys(TABLES, 0)
    finally:
        s.close()
    aside = db_path.with_name(ASIDE_NAME)
    assert aside.read_bytes() == original
    assert raw_rows(aside, "SELECT body FROM notes") == [("someone else's data",)]
    assert raw_rows(aside, "PRAGMA user_version") == [(0,)]


def _open_fds_to(path: Path) -> list[str]:
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target == str(path):
            found.append(target)
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_a_bad_database_is_closed_before_it_is_moved_aside(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows cannot rename a file that is still open; Linux lets us see the open handle."""
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(random.Random(3).randbytes(8192))
    open_at_rename: list[list[str]] = []
    for name in ("rename", "replace"):  # Path.rename, shutil.move etc. all end up here
        real = getattr(os, name)

        def watch(src, dst, *args, _real=real, **kwargs):
            if Path(src) == db_path:
                open_at_rename.append(_open_fds_to(db_path))
            return _real(src, dst, *args, **kwargs)

        monkeypatch.setattr(os, name, watch)
    Store.open(db_path, now=NOW).close()
    assert open_at_rename == [[]]


def test_a_locked_database_is_not_mistaken_for_a_corrupt_one(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A healthy file that another process holds locked must not be moved aside as corrupt."""
    s = Store.open(db_path, now=NOW)
    s.add_water(water(1, "2026-11-23T09:00:00+01:00"))
    s.close()
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("INSERT INTO water VALUES ('x', 0, '1970-01-01T00:00:00.000+00:00', 1)")
        monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 0)  # give up at once, no waiting
        with pytest.raises(StoreError):
            Store.open(db_path, now=NOW).close()
        assert not any(".corrupt-" in n for n in listing(db_path.parent))
    finally:
        holder.close()


# --- the version 1 fixture --------------------------------------------------------------------


def _schema(conn: sqlite3.Connection) -> dict[str, str]:
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
    return {name: " ".join(sql.split()) for name, sql in rows}


def load_fixture_v1(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    try:
        conn.executescript(FIXTURE_V1.read_text(encoding="utf-8"))
        conn.execute("PRAGMA user_version = 1")
    finally:
        conn.close()


def test_fixture_v1_schema_is_exactly_what_migration_0_to_1_creates(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    load_fixture_v1(path)
    fixture = sqlite3.connect(path)
    migrated = sqlite3.connect(":memory:", isolation_level=None)
    try:
        MIGRATIONS[0](migrated)
        assert _schema(fixture) == _schema(migrated)
    finally:
        fixture.close()
        migrated.close()


FIXTURE_SESSIONS = [
    {
        "uuid": "0b0c6f3e-8d1a-4f2e-9a57-2c1d3e4f5a61",
        "start": "2026-11-23T08:55:00+01:00",
        "end": "2026-11-23T12:00:00+01:00",
        "spans": [["2026-11-23T08:55:00+01:00", "2026-11-23T12:00:00+01:00"]],
        "sitting_seconds": 11100.0,
    },
    {
        "uuid": "5f1e2d3c-4b5a-4697-8877-66554433aa02",
        "start": "2026-11-23T13:10:00+01:00",
        "end": "2026-11-23T17:30:00+01:00",
        "spans": [
            ["2026-11-23T13:10:00+01:00", "2026-11-23T15:10:00+01:00"],
            ["2026-11-23T15:11:00+01:00", "2026-11-23T17:30:00+01:00"],
        ],
        "sitting_seconds": 15540.0,
    },
    {
        "uuid": "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e03",
        "start": "2026-11-24T22:15:00-05:00",
        "end": None,
        "spans": [["2026-11-24T22:15:00-05:00", "2026-11-24T22:40:30.500000-05:00"]],
        "sitting_seconds": 1530.5,
    },
]
FIXTURE_BREAKS = [
    {
        "uuid": "d1e2f3a4-b5c6-47d8-99ea-fb0c1d2e3f05",
        "start": "2026-06-15T12:30:00+02:00",
        "end": "2026-06-15T13:15:00+02:00",
    },
    {
        "uuid": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c04",
        "start": "2026-11-23T12:00:00+01:00",
        "end": "2026-11-23T13:10:00+01:00",
    },
]
FIXTURE_PROMPTS = [
    {
        "uuid": "11111111-2222-4333-8444-555555555506",
        "kind": "stiffness",
        "shown_at": "2026-11-23T08:55:00+01:00",
        "outcome": "done",
        "outcome_at": "2026-11-23T08:56:12.250000+01:00",
    },
    {
        "uuid": "22222222-3333-4444-9555-666666666607",
        "kind": "posture",
        "shown_at": "2026-11-23T09:40:00+01:00",
        "outcome": "done",
        "outcome_at": "2026-11-23T09:41:30+01:00",
    },
    {
        "uuid": "33333333-4444-4555-a666-777777777708",
        "kind": "stretch",
        "shown_at": "2026-11-23T11:25:00+01:00",
        "outcome": "snoozed",
        "outcome_at": "2026-11-23T11:35:00+01:00",
    },
    {
        "uuid": "44444444-5555-4666-b777-888888888809",
        "kind": "break",
        "shown_at": "2026-11-23T14:10:00+01:00",
        "outcome": "skipped",
        "outcome_at": "2026-11-23T14:12:00+01:00",
    },
    {
        "uuid": "55555555-6666-4777-8888-99999999990a",
        "kind": "hydration",
        "shown_at": "2026-11-23T15:45:00+01:00",
        "outcome": "ignored",
        "outcome_at": "2026-11-23T16:00:00+01:00",
    },
    {
        "uuid": "66666666-7777-4888-9999-aaaaaaaaaa0b",
        "kind": "eyes",
        "shown_at": "2026-11-23T17:25:00+01:00",
        "outcome": None,
        "outcome_at": None,
    },
]
FIXTURE_WATER = [
    {"uuid": "88888888-9999-4aaa-bbbb-cccccccccc0d", "at": "2026-06-15T09:00:00+02:00", "ml": 330},
    {"uuid": "77777777-8888-4999-aaaa-bbbbbbbbbb0c", "at": "2026-11-23T16:30:00+01:00", "ml": 250},
    {"uuid": "99999999-aaaa-4bbb-8ccc-dddddddddd0e", "at": "2026-11-24T22:15:00-05:00", "ml": 500},
]
FIXTURE_STIFFNESS = [
    {
        "uuid": "aaaaaaaa-bbbb-4ccc-9ddd-eeeeeeeeee0f",
        "at": "2026-11-23T08:56:12.250000+01:00",
        "score": 4,
        "area": "neck",
        "note": "Nacken steif nach dem Meeting – ärgerlich 😣",
    },
    {
        "uuid": "bbbbbbbb-cccc-4ddd-aeee-ffffffffff10",
        "at": "2026-11-23T17:31:00+01:00",
        "score": 6,
        "area": "lower-back",
        "note": "=SUM(A1:A3) it's not a formula",
    },
    {
        "uuid": "cccccccc-dddd-4eee-bfff-000000000011",
        "at": "2026-11-24T07:45:00+01:00",
        "score": 0,
        "area": None,
        "note": "",
    },
]


def _known_fields(rows: object, expected: list[dict[str, object]]) -> list[dict[str, object]]:
    """Only the fields version 1 knew: later versions may add more without breaking this test."""
    assert isinstance(rows, list)
    return [{k: row[k] for k in exp} for row, exp in zip(rows, expected, strict=True)]


@pytest.fixture
def v1_store(db_path: Path) -> Iterator[Store]:
    load_fixture_v1(db_path)
    s = Store.open(db_path, now=NOW)
    yield s
    s.close()


def test_fixture_v1_opens_at_the_current_version_with_nothing_moved(
    v1_store: Store, db_path: Path
) -> None:
    assert v1_store.moved_aside is None
    assert v1_store.schema_version == SCHEMA_VERSION
    assert not any(".corrupt-" in n for n in listing(db_path.parent))


def test_fixture_v1_every_row_reads_back(v1_store: Store) -> None:
    got = v1_store.records()
    assert got.counts() == {
        "sessions": 3,
        "natural_breaks": 2,
        "prompts": 6,
        "water": 3,
        "stiffness": 3,
    }
    assert _known_fields(plain(got.sessions), FIXTURE_SESSIONS) == FIXTURE_SESSIONS
    assert _known_fields(plain(got.natural_breaks), FIXTURE_BREAKS) == FIXTURE_BREAKS
    assert _known_fields(plain(got.prompts), FIXTURE_PROMPTS) == FIXTURE_PROMPTS
    assert _known_fields(plain(got.water), FIXTURE_WATER) == FIXTURE_WATER
    assert _known_fields(plain(got.stiffness), FIXTURE_STIFFNESS) == FIXTURE_STIFFNESS


def test_fixture_v1_ranges_and_slots_still_work(v1_store: Store) -> None:
    # The UTC columns must still agree with the local ones after migrating.
    day = v1_store.records(t("2026-11-23T00:00:00+01:00"), t("2026-11-24T00:00:00+01:00"))
    assert [w.ml for w in day.water] == [250]
    assert [r.score for r in day.stiffness] == [4, 6]
    assert len(day.prompts) == 6
    trip = v1_store.records(t("2026-11-24T22:00:00-05:00"), t("2026-11-24T23:00:00-05:00"))
    assert [w.ml for w in trip.water] == [500]
    assert [s.end for s in trip.sessions] == [None]
    assert v1_store.has_rating(date(2026, 11, 23), Slot.MORNING) is True
    assert v1_store.has_rating(date(2026, 11, 23), Slot.EVENING) is True
    assert v1_store.has_rating(date(2026, 11, 24), Slot.MORNING) is True
    assert v1_store.has_rating(date(2026, 11, 24), Slot.EVENING) is False


def test_fixture_v1_takes_new_writes_after_migrating(v1_store: Store) -> None:
    assert v1_store.end_open_prompts(t("2026-11-23T18:00:00+01:00")) == 1
    v1_store.add_water(water(1, "2026-11-25T09:00:00+01:00", 200))
    added = v1_store.import_records(
        Records(
            water=[
                water(1, "2026-11-25T09:00:00+01:00", 200),
                water(2, "2026-11-25T10:00:00+01:00"),
            ]
        )
    )
    assert added["water"] == 1
    assert len(v1_store.records().water) == 5


def test_water_on_a_local_day_counts_that_day_only(db_path: Path) -> None:
    s = Store.open(db_path, now=NOW)
    try:
        s.add_water(WaterLog(uid(901), t("2026-11-23T23:30:00+01:00"), 200))
        s.add_water(WaterLog(uid(902), t("2026-11-24T00:10:00+01:00"), 300))
        s.add_water(
            WaterLog(uid(903), t("2026-11-23T20:00:00-05:00"), 400)
        )  # a trip: still the 23rd
        assert s.water_on(date(2026, 11, 23)) == 600
        assert s.water_on(date(2026, 11, 24)) == 300
        assert s.water_on(date(2026, 11, 22)) == 0
    finally:
        s.close()


def test_new_ids_are_random_version_4_uuids():
    import uuid

    from posture_app.core.model import new_id

    ids = [new_id() for _ in range(200)]
    assert len(set(ids)) == len(ids)
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122


@pytest.mark.parametrize("damage", [_random_bytes, _truncated])
def test_a_reader_leaves_a_corrupt_database_where_it_is(tmp_path: Path, db_path: Path, damage):
    bad = damage(make_real_db(tmp_path / "real" / "posture.sqlite3"))
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(bad)
    with pytest.raises(StoreError, match=r"cannot be read .*it was left as it is") as caught:
        Store.open(db_path, now=NOW, check=False, repair=False)
    assert "\n" not in str(caught.value)
    assert db_path.read_bytes() == bad
    assert sorted(p.name for p in db_path.parent.iterdir()) == [db_path.name]
