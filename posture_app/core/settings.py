"""User settings: the validated Settings value, its versioned JSON file, and safe load/save.

The file is JSON with a "version" number. Older versions are upgraded by the ordered
MIGRATIONS before validation; a newer version is refused and left untouched. Each field is
validated on its own: a bad field falls back to its default with a warning and the rest of the
file is kept. A file that is not JSON at all is moved aside (never deleted). Saving is atomic
(temp file in the same directory, fsync, rename) and the file is readable by the user only.
See docs/settings.md for the user-facing description.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum, auto
from pathlib import Path
from typing import Any, Protocol, cast

from posture_app.core.errors import KnownError
from posture_app.core.files import move_aside, write_private
from posture_app.core.log import get_logger
from posture_app.core.model import Kind

logger = get_logger(__name__)

#: The settings file version this code writes and reads up to.
SETTINGS_VERSION = 1

#: MIGRATIONS[n] turns the data of a version-n file into a version-(n+1) file. They run in order
#: before validation. A migration must accept any dict (the file may be hand-edited) and must not
#: fail on odd values: leave those for field validation. The "version" key is set by the caller.
MIGRATIONS: dict[int, Callable[[dict[str, object]], dict[str, object]]] = {}

#: Weekday keys of the working_hours object, Monday first (date.weekday() order).
WEEKDAY_KEYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

#: Stands for "24:00" (end of day) as the end of a working-hours window.
END_OF_DAY = time.max

_SHOW_LIMIT = 60
_TIME_RE = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_EVENING_EARLIEST = time(12, 0)
_EVENING_LATEST = time(23, 59)


class SettingsError(KnownError, ValueError):
    """A settings file or value that cannot be used; the message is one line naming the problem."""


class SettingsTooNew(SettingsError):  # noqa: N818 - names what happened; the public API name
    """The settings file was written by a newer version of the app; it is left untouched."""

    def __init__(self, message: str, version: int) -> None:
        """Keep the file's version next to the message."""
        super().__init__(message)
        self.version = version


def _show(value: object) -> str:
    """A short one-line rendering of a (JSON) value for an error message."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    text = text.replace("\n", "\\n")
    if len(text) > _SHOW_LIMIT:
        text = text[: _SHOW_LIMIT - 3] + "..."
    return text


def _format_time(value: time) -> str:
    """A time as "HH:MM"; END_OF_DAY as "24:00"."""
    if value == END_OF_DAY:
        return "24:00"
    return f"{value.hour:02d}:{value.minute:02d}"


def _parse_time(text: object, *, allow_end_of_day: bool = False) -> time | None:
    """Parse "HH:MM" (hour may be one digit); None when it is not a valid time."""
    if not isinstance(text, str):
        return None
    match = _TIME_RE.fullmatch(text)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if allow_end_of_day and hour == 24 and minute == 0:
        return END_OF_DAY
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _is_whole_minute(value: time) -> bool:
    """True for a naive time with no seconds (what "HH:MM" can say)."""
    return value.tzinfo is None and value.second == 0 and value.microsecond == 0


# --- working hours ----------------------------------------------------------------------------

Window = tuple[time, time]


@dataclass(frozen=True)
class WorkingHours:
    """The prompting window of each weekday, Monday first; None marks a day off.

    A window is (start, end) with start inclusive, end exclusive and start < end, both whole
    minutes. An end of END_OF_DAY (time.max, "24:00" in JSON) means up to midnight. Windows do
    not cross midnight.
    """

    days: tuple[Window | None, ...]

    def __post_init__(self) -> None:
        """Check there are seven days and every window is a proper start < end pair."""
        if not isinstance(self.days, tuple) or len(self.days) != len(WEEKDAY_KEYS):
            raise SettingsError(
                f"working_hours must have {len(WEEKDAY_KEYS)} days, Monday first "
                f"(got {_show(self.days)})"
            )
        for key, window in zip(WEEKDAY_KEYS, self.days, strict=True):
            if window is None:
                continue
            if not (isinstance(window, tuple) and len(window) == 2):
                raise SettingsError(
                    f"working_hours.{key} must be None or a (start, end) pair (got {_show(window)})"
                )
            start, end = window
            if not (isinstance(start, time) and isinstance(end, time)):
                raise SettingsError(f"working_hours.{key} must hold two times (got {window!r})")
            if not _is_whole_minute(start):
                raise SettingsError(
                    f"working_hours.{key} start must be a whole minute of the day (got {start})"
                )
            if end != END_OF_DAY and not _is_whole_minute(end):
                raise SettingsError(
                    f"working_hours.{key} end must be a whole minute or END_OF_DAY (got {end})"
                )
            if start >= end:
                raise SettingsError(
                    f"working_hours.{key}: start {_format_time(start)} must be before "
                    f"end {_format_time(end)}"
                )

    @classmethod
    def weekdays(cls, start: time, end: time) -> WorkingHours:
        """The same window Monday to Friday, weekends off."""
        return cls(days=((start, end),) * 5 + (None, None))

    def window(self, day: date) -> Window | None:
        """The (start, end) window of that day's weekday, or None on a day off."""
        return self.days[day.weekday()]

    def contains(self, at: datetime) -> bool:
        """True when `at` falls in its weekday's window, using `at`'s own (local) date and time.

        The caller passes local time; nothing here converts time zones.
        """
        window = self.window(at)
        if window is None:
            return False
        start, end = window
        moment = at.time()
        return start <= moment and (end == END_OF_DAY or moment < end)

    @classmethod
    def from_json(cls, obj: object) -> WorkingHours:
        """Build from {"mon": ["HH:MM", "HH:MM"] | null, ...}; a missing day is a day off."""
        if not isinstance(obj, dict):
            raise SettingsError(
                'working_hours must be null or an object like {"mon": ["09:00", "17:00"]} '
                f"(got {_show(obj)})"
            )
        for key in obj:
            if key not in WEEKDAY_KEYS:
                raise SettingsError(
                    f"working_hours has an unknown day {_show(key)} "
                    f"(days are {', '.join(WEEKDAY_KEYS)})"
                )
        days: list[Window | None] = []
        for key in WEEKDAY_KEYS:
            value = obj.get(key)
            if value is None:
                days.append(None)
                continue
            shape = f'working_hours.{key} must be null or ["HH:MM", "HH:MM"] (got {_show(value)})'
            if not (isinstance(value, list) and len(value) == 2):
                raise SettingsError(shape)
            start = _parse_time(value[0])
            end = _parse_time(value[1], allow_end_of_day=True)
            if start is None or end is None:
                raise SettingsError(
                    f'working_hours.{key} times must be "HH:MM" from 00:00 to 23:59 '
                    f'(an end may be "24:00") (got {_show(value)})'
                )
            if start >= end:
                raise SettingsError(
                    f"working_hours.{key}: start {value[0]} must be before end {value[1]}"
                )
            days.append((start, end))
        return cls(days=tuple(days))

    def to_json(self) -> dict[str, object]:
        """All seven days as {"mon": ["HH:MM", "HH:MM"] | null, ...}."""
        result: dict[str, object] = {}
        for key, window in zip(WEEKDAY_KEYS, self.days, strict=True):
            if window is None:
                result[key] = None
            else:
                result[key] = [_format_time(window[0]), _format_time(window[1])]
        return result


# --- field specifications ---------------------------------------------------------------------


class _Spec(Protocol):
    """How one field is checked and converted to and from JSON."""

    def check(self, name: str, value: object) -> None:
        """Raise SettingsError when a Python value is not allowed."""

    def from_json(self, name: str, value: object) -> object:
        """The Python value of a JSON value, or raise SettingsError naming the field."""

    def to_json(self, value: object) -> object:
        """The JSON value of a (valid) Python value."""


@dataclass(frozen=True)
class _Bool:
    """A true/false switch; JSON must say true or false (not 1 or 0)."""

    def check(self, name: str, value: object) -> None:
        if not isinstance(value, bool):
            raise SettingsError(f"{name} must be true or false (got {_show(value)})")

    def from_json(self, name: str, value: object) -> object:
        self.check(name, value)
        return value

    def to_json(self, value: object) -> object:
        return value


@dataclass(frozen=True)
class _IntRange:
    """A whole number within [low, high]; a JSON float with no fraction (20.0) counts as 20."""

    low: int
    high: int

    def _problem(self, name: str, value: object) -> SettingsError:
        return SettingsError(
            f"{name} must be a whole number from {self.low} to {self.high} (got {_show(value)})"
        )

    def check(self, name: str, value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._problem(name, value)
        if not self.low <= value <= self.high:
            raise self._problem(name, value)

    def from_json(self, name: str, value: object) -> object:
        number: object = value
        if isinstance(value, float) and value.is_integer():
            number = int(value)
        self.check(name, number)
        return number

    def to_json(self, value: object) -> object:
        return value


@dataclass(frozen=True)
class _TimeRange:
    """A time of day "HH:MM" within [low, high]."""

    low: time
    high: time

    def _problem(self, name: str, value: object) -> SettingsError:
        return SettingsError(
            f'{name} must be a time "HH:MM" from {_format_time(self.low)} '
            f"to {_format_time(self.high)} (got {_show(value)})"
        )

    def check(self, name: str, value: object) -> None:
        if not (isinstance(value, time) and _is_whole_minute(value)):
            raise self._problem(name, value)
        if not self.low <= value <= self.high:
            raise self._problem(name, _format_time(value))

    def from_json(self, name: str, value: object) -> object:
        parsed = _parse_time(value)
        if parsed is None:
            raise self._problem(name, value)
        self.check(name, parsed)
        return parsed

    def to_json(self, value: object) -> object:
        return _format_time(cast(time, value))


@dataclass(frozen=True)
class _Choice:
    """One of a fixed set of words (a StrEnum)."""

    kind: type[StrEnum]

    def _problem(self, name: str, value: object) -> SettingsError:
        words = ", ".join(v.value for v in self.kind)
        return SettingsError(f"{name} must be one of {words} (got {_show(value)})")

    def check(self, name: str, value: object) -> None:
        if not isinstance(value, self.kind):
            raise self._problem(name, value)

    def from_json(self, name: str, value: object) -> object:
        if isinstance(value, str) and value in {v.value for v in self.kind}:
            return self.kind(value)
        raise self._problem(name, value)

    def to_json(self, value: object) -> object:
        return cast(StrEnum, value).value


class Insistence(StrEnum):
    """How hard prompts try to be seen."""

    GENTLE = auto()  # notifications only; they go away by themselves
    NORMAL = auto()  # a small note for quick checks, a window for stretches and breaks
    FIRM = auto()  # windows for everything, kept on top until answered


@dataclass(frozen=True)
class _OptionalWorkingHours:
    """None (prompt any time) or a WorkingHours."""

    def check(self, name: str, value: object) -> None:
        if value is not None and not isinstance(value, WorkingHours):
            raise SettingsError(f"{name} must be None or WorkingHours (got {value!r})")

    def from_json(self, name: str, value: object) -> object:
        if value is None:
            return None
        return WorkingHours.from_json(value)

    def to_json(self, value: object) -> object:
        return None if value is None else cast(WorkingHours, value).to_json()


def _spec(spec: _Spec) -> dict[str, _Spec]:
    """Field metadata carrying the field's validation spec."""
    return {"spec": spec}


def _spec_of(f: dataclasses.Field[Any]) -> _Spec:
    return cast(_Spec, f.metadata["spec"])


# --- settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """Every user choice, validated on construction; JSON names equal the field names."""

    posture_enabled: bool = field(default=True, metadata=_spec(_Bool()))
    posture_minutes: int = field(default=20, metadata=_spec(_IntRange(1, 240)))
    stretch_enabled: bool = field(default=True, metadata=_spec(_Bool()))
    stretch_minutes: int = field(default=30, metadata=_spec(_IntRange(1, 240)))
    stretch_seconds: int = field(default=60, metadata=_spec(_IntRange(10, 600)))
    break_enabled: bool = field(default=True, metadata=_spec(_Bool()))
    break_minutes: int = field(default=60, metadata=_spec(_IntRange(5, 480)))
    break_duration_minutes: int = field(default=5, metadata=_spec(_IntRange(1, 60)))
    eyes_enabled: bool = field(default=False, metadata=_spec(_Bool()))
    eyes_minutes: int = field(default=20, metadata=_spec(_IntRange(1, 240)))
    eyes_seconds: int = field(default=20, metadata=_spec(_IntRange(5, 300)))
    hydration_enabled: bool = field(default=True, metadata=_spec(_Bool()))
    hydration_minutes: int = field(default=60, metadata=_spec(_IntRange(5, 480)))
    natural_break_minutes: int = field(default=5, metadata=_spec(_IntRange(1, 60)))
    snooze_minutes: int = field(default=5, metadata=_spec(_IntRange(1, 60)))
    working_hours: WorkingHours | None = field(
        default=None, metadata=_spec(_OptionalWorkingHours())
    )
    water_goal_ml: int = field(default=2000, metadata=_spec(_IntRange(250, 6000)))
    glass_ml: int = field(default=250, metadata=_spec(_IntRange(50, 1000)))
    stiffness_morning: bool = field(default=True, metadata=_spec(_Bool()))
    stiffness_evening: bool = field(default=True, metadata=_spec(_Bool()))
    stiffness_evening_time: time = field(
        default=time(17, 0), metadata=_spec(_TimeRange(_EVENING_EARLIEST, _EVENING_LATEST))
    )
    insistence: Insistence = field(default=Insistence.NORMAL, metadata=_spec(_Choice(Insistence)))
    sound: bool = field(default=False, metadata=_spec(_Bool()))
    icon_minutes: bool = field(default=False, metadata=_spec(_Bool()))
    window_ready: bool = field(default=False, metadata=_spec(_Bool()))

    def __post_init__(self) -> None:
        """Raise SettingsError naming the first field whose value is not allowed."""
        for f in dataclasses.fields(self):
            _spec_of(f).check(f.name, getattr(self, f.name))

    def with_changes(self, **changes: Any) -> Settings:
        """A copy with some fields changed, validated like a new Settings."""
        return dataclasses.replace(self, **changes)

    def interval(self, kind: Kind) -> timedelta | None:
        """The reminder interval of an interval kind, or None when it is off (always for STIFFNESS).

        Posture, stretch, break and eyes count sitting time; hydration counts present time.
        """
        match kind:
            case Kind.POSTURE:
                enabled, minutes = self.posture_enabled, self.posture_minutes
            case Kind.STRETCH:
                enabled, minutes = self.stretch_enabled, self.stretch_minutes
            case Kind.BREAK:
                enabled, minutes = self.break_enabled, self.break_minutes
            case Kind.EYES:
                enabled, minutes = self.eyes_enabled, self.eyes_minutes
            case Kind.HYDRATION:
                enabled, minutes = self.hydration_enabled, self.hydration_minutes
            case _:
                return None
        return timedelta(minutes=minutes) if enabled else None

    @property
    def natural_break(self) -> timedelta:
        """The shortest away span that counts as a natural break."""
        return timedelta(minutes=self.natural_break_minutes)

    @property
    def snooze(self) -> timedelta:
        """How much present time a snoozed prompt waits before it comes back."""
        return timedelta(minutes=self.snooze_minutes)

    def in_working_hours(self, at: datetime) -> bool:
        """True when prompting is allowed at local time `at` (always when no working hours)."""
        return self.working_hours is None or self.working_hours.contains(at)


_FIELDS: dict[str, dataclasses.Field[Any]] = {f.name: f for f in dataclasses.fields(Settings)}


def field_bounds(name: str) -> tuple[int, int] | tuple[time, time]:
    """The allowed range of a number or time setting (for spin boxes and time edits)."""
    spec = _spec_of(_FIELDS[name])
    if isinstance(spec, _IntRange | _TimeRange):
        return (spec.low, spec.high)  # type: ignore[return-value]
    raise KeyError(f"{name} has no range")


# --- JSON -------------------------------------------------------------------------------------


def _upgrade(obj: object, source: str) -> dict[str, object]:
    """Check the top level and version, then run migrations up to SETTINGS_VERSION."""
    if not isinstance(obj, dict):
        raise SettingsError(f"{source}: the top level must be a JSON object (got {_show(obj)})")
    data: dict[str, object] = dict(obj)
    version = data.pop("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise SettingsError(
            f"{source}: version must be a whole number from 1 (got {_show(version)})"
        )
    if version > SETTINGS_VERSION:
        raise SettingsTooNew(
            f"{source} was written by a newer version of posture-app (version {version}; "
            f"this one reads up to {SETTINGS_VERSION}); it was left as it is",
            version,
        )
    while version < SETTINGS_VERSION:
        migrate = MIGRATIONS.get(version)
        if migrate is None:  # a bug: every older version needs its migration
            raise RuntimeError(f"no settings migration from version {version}")
        logger.info("%s: migrating settings from version %d to %d", source, version, version + 1)
        data = dict(migrate({**data, "version": version}))
        version += 1
        data.pop("version", None)
    return data


def settings_from_json(
    obj: object, *, strict: bool = False, source: str = "settings"
) -> tuple[Settings, list[str]]:
    """Validate decoded settings JSON field by field; returns the Settings and the warnings.

    Lenient (default): a bad field takes its default and an unknown key is ignored, each with a
    warning (also logged). strict: the first bad field or unknown key raises SettingsError.
    Either way a top level that is not an object or a bad version raises SettingsError, and a
    version newer than SETTINGS_VERSION raises SettingsTooNew. `source` starts every message.
    """
    data = _upgrade(obj, source)
    values: dict[str, Any] = {}
    warnings: list[str] = []
    for key, value in data.items():
        f = _FIELDS.get(key)
        if f is None:
            if strict:
                raise SettingsError(f"{source}: unknown setting {_show_key(key)}")
            warnings.append(f"{source}: unknown setting {_show_key(key)} ignored")
            continue
        spec = _spec_of(f)
        try:
            values[key] = spec.from_json(key, value)
        except SettingsError as error:
            if strict:
                raise SettingsError(f"{source}: {error}") from None
            warnings.append(
                f"{source}: {error}; using the default ({_show(spec.to_json(f.default))})"
            )
    for warning in warnings:
        logger.warning("%s", warning)
    return Settings(**values), warnings


def _show_key(key: str) -> str:
    """A key as 'name' for messages, shortened and on one line."""
    text = repr(key)
    return text if len(text) <= _SHOW_LIMIT else text[: _SHOW_LIMIT - 4] + "...'"


def settings_to_json(settings: Settings) -> dict[str, object]:
    """The JSON object of a Settings: "version" first, then every field (times as "HH:MM")."""
    result: dict[str, object] = {"version": SETTINGS_VERSION}
    for f in dataclasses.fields(settings):
        result[f.name] = _spec_of(f).to_json(getattr(settings, f.name))
    return result


# --- files ------------------------------------------------------------------------------------


def _decode(raw: bytes) -> object:
    """Decode file bytes as UTF-8 JSON (a leading BOM is allowed); raise ValueError if not."""
    return json.loads(raw.decode("utf-8-sig"))


def _describe_decode_error(error: Exception) -> str:
    """Say in a few words why the bytes are not JSON."""
    if isinstance(error, json.JSONDecodeError):
        return f"not valid JSON (line {error.lineno} column {error.colno}: {error.msg})"
    if isinstance(error, UnicodeDecodeError):
        return f"not UTF-8 text (bad byte at position {error.start})"
    return f"not valid JSON ({type(error).__name__})"


def _move_aside(path: Path, now: datetime, reason: str) -> str:
    """Rename an unusable file out of the way and return the warning to show the user."""
    try:
        target = move_aside(path, now)
    except OSError as error:
        raise SettingsError(
            f"{path}: {reason}, and it could not be moved aside ({error.strerror})"
        ) from error
    warning = f"{path}: {reason}; it was moved to {target} and the default settings are used"
    logger.warning("%s", warning)
    return warning


def load_settings(
    path: Path, *, now: datetime | None = None, read_only: bool = False
) -> tuple[Settings, list[str]]:
    """Read the settings file leniently; returns the Settings and the warnings for the user.

    A missing file gives the defaults. A file that is not JSON, has no object at the top or has
    a bad version is moved aside to <name>.corrupt-YYYYMMDD-HHMMSS (time from `now`) and the
    defaults are used. A newer version raises SettingsTooNew and an unreadable file (permissions)
    raises SettingsError; the file is left untouched in both cases. With `read_only` (a reader
    such as the app window, while the tray app owns the file) nothing is ever moved.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        logger.info("%s does not exist; using the default settings", path)
        return Settings(), []
    except OSError as error:
        raise SettingsError(f"{path}: cannot be read ({error.strerror})") from error
    when = now if now is not None else datetime.now()
    try:
        obj = _decode(raw)
    except (ValueError, RecursionError) as error:
        reason = _describe_decode_error(error)
    else:
        try:
            return settings_from_json(obj, source=str(path))
        except SettingsTooNew:
            raise
        except SettingsError as error:
            reason = str(error).removeprefix(f"{path}: ")
    if read_only:
        return Settings(), [f"{path} could not be read ({reason}); using the default settings"]
    return Settings(), [_move_aside(path, when, reason)]


def read_settings_file(path: Path) -> Settings:
    """Read a settings file strictly (for --settings FILE); any problem raises SettingsError.

    The message is one line naming the file. The file is never changed or moved.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError as error:
        raise SettingsError(f"{path}: no such file") from error
    except OSError as error:
        raise SettingsError(f"{path}: cannot be read ({error.strerror})") from error
    try:
        obj = _decode(raw)
    except (ValueError, RecursionError) as error:
        raise SettingsError(f"{path}: {_describe_decode_error(error)}") from None
    settings, _ = settings_from_json(obj, strict=True, source=str(path))
    return settings


def save_settings(settings: Settings, path: Path) -> None:
    """Write the settings atomically (temp file, fsync, rename) as a user-only (0o600) file.

    On failure the old file is left as it was, the temp file is removed, and SettingsError
    names the file and the OS error.
    """
    payload = (json.dumps(settings_to_json(settings), indent=2) + "\n").encode("utf-8")
    try:
        write_private(path, payload)
    except OSError as error:
        raise SettingsError(
            f"{path}: could not save the settings ({error.strerror or error})"
        ) from error
    logger.info("settings saved to %s", path)


__all__ = [
    "END_OF_DAY",
    "MIGRATIONS",
    "SETTINGS_VERSION",
    "WEEKDAY_KEYS",
    "Settings",
    "SettingsError",
    "SettingsTooNew",
    "WorkingHours",
    "load_settings",
    "read_settings_file",
    "save_settings",
    "settings_from_json",
    "settings_to_json",
]
