"""Local storage in SQLite: versioned, migrated forward, and never lost to a bad file.

One database file in the data directory. WAL mode and a busy timeout let the tray app and a
command-line call write at the same time. The schema version lives in `PRAGMA user_version`;
migrations run in order, each in its own transaction. A database from a newer version is
refused untouched; a corrupt one is moved aside (never deleted) and a new one is made.

Instants are stored twice: as UTC seconds (`*_ts`, for ordering and ranges) and as local ISO text
with the offset of the moment (`*_local`, for local days that survive DST and travel).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from posture_app.core.errors import KnownError
from posture_app.core.files import FILE_MODE, make_private_dirs, move_aside
from posture_app.core.log import get_logger
from posture_app.core.model import (
    MAX_NOTE,
    MAX_WATER_ML,
    MIDDAY_HOUR,
    STIFFNESS_MAX,
    STIFFNESS_MIN,
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

log = get_logger(__name__)

SCHEMA_VERSION = 1
#: The widest UTC offset is 14 hours: a local day lies within its UTC day widened by that.
_OFFSET_MARGIN = 14 * 3600
#: How long a writer waits for another process's write to finish.
BUSY_TIMEOUT_MS = 5000


class StoreError(KnownError):
    """A database that cannot be used; the message is one line for the user."""


class StoreTooNew(StoreError):  # noqa: N818 - says what happened
    """The database was written by a newer version of the app."""


class NoSuchRecord(StoreError):  # noqa: N818 - says what happened
    """An edit of a record that is not stored (deleted meanwhile, perhaps by another process)."""


class InvalidRecord(KnownError, ValueError):  # noqa: N818 - says what is wrong
    """A record that breaks a rule (score 0-10, millilitres 1-5000...); nothing was written."""


def check_stiffness(r: StiffnessRating, *, now: datetime | None = None) -> None:
    """Raise InvalidRecord naming what is wrong with a rating (and a time after `now`, if given)."""
    if type(r.score) is not int or not STIFFNESS_MIN <= r.score <= STIFFNESS_MAX:
        raise InvalidRecord(
            f"stiffness must be a whole number from {STIFFNESS_MIN} to {STIFFNESS_MAX}"
            f" (got {r.score!r})"
        )
    if r.area is not None and not isinstance(r.area, Area):
        raise InvalidRecord(f"unknown body area {r.area!r}")
    if len(r.note) > MAX_NOTE:
        raise InvalidRecord(f"the note is {len(r.note)} characters long; at most {MAX_NOTE} fit")
    _check_time(r.at, now)


def check_water(w: WaterLog, *, now: datetime | None = None) -> None:
    """Raise InvalidRecord naming what is wrong with a water log (and a time after `now`)."""
    if type(w.ml) is not int or not 1 <= w.ml <= MAX_WATER_ML:
        raise InvalidRecord(
            f"water must be a whole number of millilitres from 1 to {MAX_WATER_ML} (got {w.ml!r})"
        )
    _check_time(w.at, now)


def _check_time(at: datetime, now: datetime | None) -> None:
    """A stored time must be aware, and not in the future when `now` is given."""
    if at.tzinfo is None:
        raise InvalidRecord("the time has no timezone")
    if now is not None and at > now:
        raise InvalidRecord("that time is in the future; choose a time up to now")


# --- schema -----------------------------------------------------------------------------------


def _migrate_0_to_1(conn: sqlite3.Connection) -> None:
    """The first schema. Frozen: later changes get migrations of their own."""
    # `x = 'a' OR x = 'b'` rather than `x IN ('a', 'b')`: SQLite builds a temporary table
    # for an IN list on every insert, which made writing a year of prompts seconds slower.
    kinds = " OR ".join(f"kind = '{k.value}'" for k in Kind)
    outcomes = " OR ".join(f"outcome = '{o.value}'" for o in Outcome)
    _run_script(
        conn,
        f"""
        CREATE TABLE sessions (
            uuid TEXT PRIMARY KEY,
            start_ts REAL NOT NULL,
            start_local TEXT NOT NULL,
            end_ts REAL,
            end_local TEXT,
            sitting_seconds REAL NOT NULL CHECK (sitting_seconds >= 0),
            spans TEXT NOT NULL
        );
        CREATE INDEX sessions_start ON sessions (start_ts);
        CREATE TABLE natural_breaks (
            uuid TEXT PRIMARY KEY,
            start_ts REAL NOT NULL,
            start_local TEXT NOT NULL,
            end_ts REAL NOT NULL,
            end_local TEXT NOT NULL
        );
        CREATE INDEX natural_breaks_start ON natural_breaks (start_ts);
        CREATE TABLE prompts (
            uuid TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK ({kinds}),
            shown_ts REAL NOT NULL,
            shown_local TEXT NOT NULL,
            outcome TEXT CHECK (outcome IS NULL OR {outcomes}),
            outcome_ts REAL,
            outcome_local TEXT
        );
        CREATE INDEX prompts_shown ON prompts (shown_ts);
        CREATE TABLE water (
            uuid TEXT PRIMARY KEY,
            at_ts REAL NOT NULL,
            at_local TEXT NOT NULL,
            ml INTEGER NOT NULL CHECK (ml > 0)
        );
        CREATE INDEX water_at ON water (at_ts);
        CREATE TABLE stiffness (
            uuid TEXT PRIMARY KEY,
            at_ts REAL NOT NULL,
            at_local TEXT NOT NULL,
            score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
            area TEXT,
            note TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX stiffness_at ON stiffness (at_ts);
        """,
    )


#: MIGRATIONS[n] turns a version-n database into version n+1.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {0: _migrate_0_to_1}


# --- records ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Records:
    """Every kind of record, as export and import see them."""

    sessions: Sequence[Session] = ()
    natural_breaks: Sequence[NaturalBreak] = ()
    prompts: Sequence[Prompt] = ()
    water: Sequence[WaterLog] = ()
    stiffness: Sequence[StiffnessRating] = ()

    def counts(self) -> dict[str, int]:
        """How many records of each kind."""
        return {
            "sessions": len(self.sessions),
            "natural_breaks": len(self.natural_breaks),
            "prompts": len(self.prompts),
            "water": len(self.water),
            "stiffness": len(self.stiffness),
        }


class Store:
    """Owns the database connection; every read and write of user data goes through here."""

    def __init__(self, conn: sqlite3.Connection, path: Path, moved_aside: Path | None) -> None:
        self._conn = conn
        self.path = path
        #: Where a corrupt database was moved when this one was made, to tell the user once.
        self.moved_aside = moved_aside

    # --- opening ------------------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: Path, *, now: datetime | None = None, check: bool = True, repair: bool = True
    ) -> Store:
        """Open (creating or migrating) the database at `path`.

        `check` reads the whole file for damage first (PRAGMA quick_check): the tray app does
        it at start; quick command-line calls skip it, since its cost grows with the data.
        Without `repair`, a damaged file raises StoreError and is left where it is (the app
        window does so: the tray app, which owns the file, moves it aside).
        """
        moved: Path | None = None
        if path.exists():
            moved = _inspect(path, now or datetime.now().astimezone(), check=check, repair=repair)
        else:
            make_private_dirs(path.parent)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
        conn = None
        try:
            conn = _connect(path)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            _migrate(conn)
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            raise StoreError(f"cannot open the database {path}: {exc}") from None
        return cls(conn, path, moved)

    @classmethod
    def in_memory(cls) -> Store:
        """A throwaway database (tests, previews)."""
        conn = sqlite3.connect(":memory:", isolation_level=None)
        _migrate(conn)
        return cls(conn, Path(":memory:"), None)

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes: all of them land, or none (a nested group is a savepoint)."""
        if self._conn.in_transaction:
            self._conn.execute("SAVEPOINT nested")
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK TO nested")
                self._conn.execute("RELEASE nested")
                raise
            self._conn.execute("RELEASE nested")
            return
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    @property
    def schema_version(self) -> int:
        """The schema version of the open database."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def data_version(self) -> int:
        """A number that changes when another connection (another process) commits a change.

        SQLite's `PRAGMA data_version`: this connection's own writes leave it as it is, so a
        reader can cheaply ask "did the tray app record something since I last looked?".
        """
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    # --- writing ------------------------------------------------------------------------------

    def save_session(self, s: Session) -> None:
        """Insert or update a session (an open one is saved again as it grows)."""
        spans = json.dumps([[_iso(a), _iso(b)] for a, b in s.spans])
        end_ts, end_local = _enc(s.end) if s.end else (None, None)
        self._conn.execute(
            "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uuid) DO UPDATE SET"
            " end_ts = excluded.end_ts, end_local = excluded.end_local,"
            " sitting_seconds = excluded.sitting_seconds, spans = excluded.spans",
            (s.uuid, *_enc(s.start), end_ts, end_local, s.sitting_seconds, spans),
        )

    def add_natural_break(self, b: NaturalBreak) -> None:
        """Record a natural break."""
        self._conn.execute(
            "INSERT INTO natural_breaks VALUES (?, ?, ?, ?, ?) ON CONFLICT (uuid) DO NOTHING",
            (b.uuid, *_enc(b.start), *_enc(b.end)),
        )

    def save_prompt(self, p: Prompt) -> None:
        """Insert a shown prompt, or record its outcome."""
        out_ts, out_local = _enc(p.outcome_at) if p.outcome_at else (None, None)
        self._conn.execute(
            "INSERT INTO prompts VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uuid) DO UPDATE SET"
            " outcome = excluded.outcome, outcome_ts = excluded.outcome_ts,"
            " outcome_local = excluded.outcome_local WHERE prompts.outcome IS NULL",
            (
                p.uuid,
                p.kind.value,
                *_enc(p.shown_at),
                p.outcome.value if p.outcome else None,
                out_ts,
                out_local,
            ),
        )

    def add_water(self, w: WaterLog) -> None:
        """Record water drunk."""
        self._conn.execute(
            "INSERT INTO water VALUES (?, ?, ?, ?) ON CONFLICT (uuid) DO NOTHING",
            (w.uuid, *_enc(w.at), w.ml),
        )

    def add_stiffness(self, r: StiffnessRating) -> None:
        """Record a stiffness rating."""
        self._conn.execute(
            "INSERT INTO stiffness VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (uuid) DO NOTHING",
            (r.uuid, *_enc(r.at), r.score, r.area.value if r.area else None, r.note),
        )

    def end_open_prompts(self, at: datetime) -> int:
        """Mark prompts left open (the app stopped while they showed) as ignored."""
        cur = self._conn.execute(
            "UPDATE prompts SET outcome = 'ignored', outcome_ts = ?, outcome_local = ?"
            " WHERE outcome IS NULL",
            _enc(at),
        )
        return cur.rowcount

    def update_stiffness(self, r: StiffnessRating) -> None:
        """Replace the stored rating that has r's uuid by r; NoSuchRecord if there is none."""
        check_stiffness(r)
        with self.transaction():
            cur = self._conn.execute(
                "UPDATE stiffness SET at_ts = ?, at_local = ?, score = ?, area = ?, note = ?"
                " WHERE uuid = ?",
                (*_enc(r.at), r.score, r.area.value if r.area else None, r.note, r.uuid),
            )
            if cur.rowcount == 0:
                raise NoSuchRecord("that rating is no longer stored; it may have been deleted")

    def update_water(self, w: WaterLog) -> None:
        """Replace the stored water log that has w's uuid by w; NoSuchRecord if there is none."""
        check_water(w)
        with self.transaction():
            cur = self._conn.execute(
                "UPDATE water SET at_ts = ?, at_local = ?, ml = ? WHERE uuid = ?",
                (*_enc(w.at), w.ml, w.uuid),
            )
            if cur.rowcount == 0:
                raise NoSuchRecord("that water log is no longer stored; it may have been deleted")

    def delete_stiffness(self, uuid: str) -> StiffnessRating | None:
        """Delete a rating; return it (add_stiffness puts it back as it was), None if not stored."""
        with self.transaction():
            found = self.get_stiffness(uuid)
            if found is not None:
                self._conn.execute("DELETE FROM stiffness WHERE uuid = ?", (uuid,))
        return found

    def delete_water(self, uuid: str) -> WaterLog | None:
        """Delete a water log; return it (add_water puts it back as it was), None if not stored."""
        with self.transaction():
            found = self.get_water(uuid)
            if found is not None:
                self._conn.execute("DELETE FROM water WHERE uuid = ?", (uuid,))
        return found

    def import_records(self, records: Records) -> dict[str, int]:
        """Add records not already stored (by uuid), all in one transaction; count what was new."""
        added: dict[str, int] = {}
        before = self._totals()
        with self.transaction():
            for s in records.sessions:
                self._conn.execute(
                    "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (uuid) DO NOTHING",
                    (
                        s.uuid,
                        *_enc(s.start),
                        *(_enc(s.end) if s.end else (None, None)),
                        s.sitting_seconds,
                        json.dumps([[_iso(a), _iso(b)] for a, b in s.spans]),
                    ),
                )
            for b in records.natural_breaks:
                self.add_natural_break(b)
            for p in records.prompts:
                self._conn.execute(
                    "INSERT INTO prompts VALUES (?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (uuid) DO NOTHING",
                    (
                        p.uuid,
                        p.kind.value,
                        *_enc(p.shown_at),
                        p.outcome.value if p.outcome else None,
                        *(_enc(p.outcome_at) if p.outcome_at else (None, None)),
                    ),
                )
            for w in records.water:
                self.add_water(w)
            for r in records.stiffness:
                self.add_stiffness(r)
        after = self._totals()
        for table in after:
            added[table] = after[table] - before[table]
        return added

    # --- reading ------------------------------------------------------------------------------

    def has_rating(self, day: date, slot: Slot) -> bool:
        """Whether `day` (local) already has a rating in `slot`."""
        morning = f"{MIDDAY_HOUR:02d}"
        op = "<" if slot is Slot.MORNING else ">="
        row = self._conn.execute(
            f"SELECT 1 FROM stiffness WHERE substr(at_local, 1, 10) = ?"
            f" AND substr(at_local, 12, 2) {op} ? LIMIT 1",
            (day.isoformat(), morning),
        ).fetchone()
        return row is not None

    def water_on(self, day: date) -> int:
        """Millilitres logged on local `day`."""
        row = self._conn.execute(
            "SELECT coalesce(sum(ml), 0) FROM water WHERE at_ts >= ? AND at_ts < ?"
            " AND substr(at_local, 1, 10) = ?",
            (*_day_range(day), day.isoformat()),
        ).fetchone()
        return int(row[0])

    def records(self, start: datetime | None = None, end: datetime | None = None) -> Records:
        """Every record whose instant lies in [start, end) (all of them without bounds)."""
        lo = start.timestamp() if start else float("-inf")
        hi = end.timestamp() if end else float("inf")
        q = self._conn.execute
        return Records(
            sessions=[
                _session(r)
                for r in q(
                    "SELECT uuid, start_local, end_local, sitting_seconds, spans FROM sessions"
                    " WHERE start_ts >= ? AND start_ts < ? ORDER BY start_ts",
                    (lo, hi),
                )
            ],
            natural_breaks=[
                NaturalBreak(u, _dec(a), _dec(b))
                for u, a, b in q(
                    "SELECT uuid, start_local, end_local FROM natural_breaks"
                    " WHERE start_ts >= ? AND start_ts < ? ORDER BY start_ts",
                    (lo, hi),
                )
            ],
            prompts=[
                Prompt(
                    u,
                    Kind(k),
                    _dec(shown),
                    Outcome(o) if o else None,
                    _dec(oat) if oat else None,
                )
                for u, k, shown, o, oat in q(
                    "SELECT uuid, kind, shown_local, outcome, outcome_local FROM prompts"
                    " WHERE shown_ts >= ? AND shown_ts < ? ORDER BY shown_ts",
                    (lo, hi),
                )
            ],
            water=[
                WaterLog(u, _dec(a), ml)
                for u, a, ml in q(
                    "SELECT uuid, at_local, ml FROM water"
                    " WHERE at_ts >= ? AND at_ts < ? ORDER BY at_ts",
                    (lo, hi),
                )
            ],
            stiffness=[
                StiffnessRating(u, _dec(a), score, Area(area) if area else None, note)
                for u, a, score, area, note in q(
                    "SELECT uuid, at_local, score, area, note FROM stiffness"
                    " WHERE at_ts >= ? AND at_ts < ? ORDER BY at_ts",
                    (lo, hi),
                )
            ],
        )

    def get_stiffness(self, uuid: str) -> StiffnessRating | None:
        """The rating with this uuid, None if there is none."""
        row = self._conn.execute(f"SELECT {_RATING_COLUMNS} WHERE uuid = ?", (uuid,)).fetchone()
        return _rating(row) if row else None

    def get_water(self, uuid: str) -> WaterLog | None:
        """The water log with this uuid, None if there is none."""
        row = self._conn.execute(f"SELECT {_WATER_COLUMNS} WHERE uuid = ?", (uuid,)).fetchone()
        return _water(row) if row else None

    def stiffness_between(self, start: datetime, end: datetime) -> list[StiffnessRating]:
        """Ratings whose instant lies in [start, end), newest first (only the ratings are read)."""
        return [
            _rating(row)
            for row in self._conn.execute(
                f"SELECT {_RATING_COLUMNS} WHERE at_ts >= ? AND at_ts < ? ORDER BY at_ts DESC",
                (start.timestamp(), end.timestamp()),
            )
        ]

    def water_between(self, start: datetime, end: datetime) -> list[WaterLog]:
        """Water logs whose instant lies in [start, end), newest first."""
        return [
            _water(row)
            for row in self._conn.execute(
                f"SELECT {_WATER_COLUMNS} WHERE at_ts >= ? AND at_ts < ? ORDER BY at_ts DESC",
                (start.timestamp(), end.timestamp()),
            )
        ]

    def _totals(self) -> dict[str, int]:
        tables = ("sessions", "natural_breaks", "prompts", "water", "stiffness")
        return {
            t: int(self._conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables
        }


# --- helpers ----------------------------------------------------------------------------------

_RATING_COLUMNS = "uuid, at_local, score, area, note FROM stiffness"
_WATER_COLUMNS = "uuid, at_local, ml FROM water"


def _rating(row: tuple[str, str, int, str | None, str]) -> StiffnessRating:
    uuid, at, score, area, note = row
    return StiffnessRating(uuid, _dec(at), score, Area(area) if area else None, note)


def _water(row: tuple[str, str, int]) -> WaterLog:
    uuid, at, ml = row
    return WaterLog(uuid, _dec(at), ml)


def _day_range(day: date) -> tuple[float, float]:
    """UTC seconds that surely contain local `day`, whatever its offset (an index range)."""
    start = datetime.combine(day, time(0), tzinfo=UTC).timestamp()
    return start - _OFFSET_MARGIN, start + 86400 + _OFFSET_MARGIN


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)


def _keep(wal: Path) -> Path | None:
    """A second hard link to a WAL file (or a copy where links are not possible), or None."""
    if not wal.exists():
        return None
    kept = wal.with_name(f".{wal.name}.kept")
    kept.unlink(missing_ok=True)
    try:
        os.link(wal, kept)
    except OSError:
        import shutil  # rarely needed (no hard links on this file system)

        shutil.copy2(wal, kept)
    return kept


def _drop(kept: Path | None) -> None:
    if kept is not None:
        kept.unlink(missing_ok=True)


def _inspect(path: Path, now: datetime, *, check: bool, repair: bool = True) -> Path | None:
    """Check an existing database before use: refuse a newer one, move a bad one aside.

    Returns where a bad database was moved, or None if it is sound and not too new.
    """
    # SQLite deletes the -wal file when a connection closes, even beside a corrupt database,
    # and a WAL file may hold the latest data: keep a second link to it while we look.
    kept = _keep(path.with_name(path.name + "-wal"))
    conn = None
    try:
        conn = _connect(path)
        version = _check(conn, thorough=check)
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()  # before the rename: an open file cannot be renamed on Windows
        if getattr(exc, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED"):
            raise StoreError(
                f"{path} is busy (another program holds it locked); try again"
            ) from None
        if not repair:
            raise StoreError(f"{path} cannot be read ({exc}); it was left as it is") from None
        moved = move_aside(path, now, ("-wal", "-shm"))
        moved_wal = moved.with_name(moved.name + "-wal")
        if kept is not None and not moved_wal.exists():
            kept.rename(moved_wal)
        log.warning("database %s was unreadable (%s); moved it to %s", path, exc, moved)
        return moved
    finally:
        _drop(kept)
    conn.close()
    if version > SCHEMA_VERSION:
        raise StoreTooNew(
            f"{path} was written by a newer version of posture-app (schema "
            f"{version}; this one reads up to {SCHEMA_VERSION}); it was left as it is"
        )
    return None


def _check(conn: sqlite3.Connection, *, thorough: bool) -> int:
    """Read the version and check the file is a sound database; raise DatabaseError if not."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if thorough:
        row = conn.execute("PRAGMA quick_check(1)").fetchone()
        if row is None or row[0] != "ok":
            problem = row[0] if row else "no answer"
            raise sqlite3.DatabaseError(f"integrity check failed: {problem}")
    if version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise sqlite3.DatabaseError("not a posture-app database (it has tables but no version)")
    return version


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run `;`-separated statements inside the caller's transaction (executescript would commit)."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _migrate(conn: sqlite3.Connection) -> None:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    while version < SCHEMA_VERSION:
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        log.info("database migrated from schema %d to %d", version, version + 1)
        version += 1


def _enc(at: datetime) -> tuple[float, str]:
    if at.tzinfo is None:
        raise ValueError("stored times must be timezone-aware")
    return at.timestamp(), _iso(at)


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds")


def _dec(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _session(row: tuple[str, str, str | None, float, str]) -> Session:
    uuid, start, end, seconds, spans = row
    return Session(
        uuid=uuid,
        start=_dec(start),
        end=_dec(end) if end else None,
        spans=tuple((_dec(a), _dec(b)) for a, b in json.loads(spans)),
        sitting_seconds=seconds,
    )
