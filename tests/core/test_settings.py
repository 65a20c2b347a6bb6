"""Tests for posture_app.core.settings: validation, the versioned file, and safe load/save."""

from __future__ import annotations

import ast
import dataclasses
import errno
import json
import logging
import os
import shutil
import stat
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posture_app.core import settings as settings_module
from posture_app.core.model import Kind
from posture_app.core.settings import (
    END_OF_DAY,
    MIGRATIONS,
    SETTINGS_VERSION,
    Insistence,
    Settings,
    SettingsError,
    SettingsTooNew,
    WorkingHours,
    load_settings,
    read_settings_file,
    save_settings,
    settings_from_json,
    settings_to_json,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "settings"
CET = timezone(timedelta(hours=1))
NOW = datetime(2026, 11, 23, 8, 55, 0, tzinfo=CET)  # a Monday
ASIDE_NAME = "settings.json.corrupt-20261123-085500"

#: A valid file where every field differs from its default.
NON_DEFAULT: dict[str, object] = {
    "posture_enabled": False,
    "posture_minutes": 25,
    "stretch_enabled": False,
    "stretch_minutes": 45,
    "stretch_seconds": 90,
    "break_enabled": False,
    "break_minutes": 50,
    "break_duration_minutes": 10,
    "eyes_enabled": True,
    "eyes_minutes": 15,
    "eyes_seconds": 30,
    "hydration_enabled": False,
    "hydration_minutes": 45,
    "natural_break_minutes": 7,
    "snooze_minutes": 10,
    "working_hours": {"mon": ["09:00", "17:00"], "sat": ["10:00", "24:00"]},
    "water_goal_ml": 2500,
    "glass_ml": 300,
    "stiffness_morning": False,
    "stiffness_evening": False,
    "stiffness_evening_time": "18:30",
    "insistence": "gentle",
    "sound": True,
    "icon_minutes": True,
    "window_ready": True,
}

BOOL_FIELDS = [
    "posture_enabled",
    "stretch_enabled",
    "break_enabled",
    "eyes_enabled",
    "hydration_enabled",
    "stiffness_morning",
    "sound",
    "icon_minutes",
    "window_ready",
    "stiffness_evening",
]

INT_RANGES = {
    "posture_minutes": (1, 240),
    "stretch_minutes": (1, 240),
    "stretch_seconds": (10, 600),
    "break_minutes": (5, 480),
    "break_duration_minutes": (1, 60),
    "eyes_minutes": (1, 240),
    "eyes_seconds": (5, 300),
    "hydration_minutes": (5, 480),
    "natural_break_minutes": (1, 60),
    "snooze_minutes": (1, 60),
    "water_goal_ml": (250, 6000),
    "glass_ml": (50, 1000),
}


def _bad_values() -> Iterator[tuple[str, object]]:
    bad: object
    for name in BOOL_FIELDS:
        for bad in (1, 0, "true", None, [], 1.0):
            yield name, bad
    for name, (low, high) in INT_RANGES.items():
        for bad in (low - 1, high + 1, True, False, str(low), float(low) + 0.5, None, [low]):
            yield name, bad
    for bad in ("11:59", "00:00", "24:00", "17", "5pm", "17:60", "17:00:00", "١٧:٠٠", 1700, None):
        yield "stiffness_evening_time", bad
    for bad in (
        "09:00-17:00",
        [],
        ["09:00", "17:00"],
        True,
        {"monday": ["09:00", "17:00"]},
        {"mon": ["09:00", "17:00"], "xyz": None},
        {"mon": ["17:00", "09:00"]},
        {"mon": ["09:00", "09:00"]},
        {"mon": ["9", "17"]},
        {"mon": ["09:00"]},
        {"mon": ["09:00", "17:00", "18:00"]},
        {"mon": "09:00-17:00"},
        {"mon": ["24:00", "24:00"]},
        {"mon": ["25:00", "26:00"]},
        {"mon": ["09:00", "24:30"]},
        {"mon": [900, 1700]},
    ):
        yield "working_hours", bad


BAD_VALUES = list(_bad_values())


def _write(path: Path, obj: object) -> Path:
    path.write_text(json.dumps(obj), encoding="utf-8")
    return path


def _expected_non_default() -> Settings:
    return Settings(
        posture_enabled=False,
        posture_minutes=25,
        stretch_enabled=False,
        stretch_minutes=45,
        stretch_seconds=90,
        break_enabled=False,
        break_minutes=50,
        break_duration_minutes=10,
        eyes_enabled=True,
        eyes_minutes=15,
        eyes_seconds=30,
        hydration_enabled=False,
        hydration_minutes=45,
        natural_break_minutes=7,
        snooze_minutes=10,
        working_hours=WorkingHours(
            days=((time(9), time(17)), None, None, None, None, (time(10), END_OF_DAY), None)
        ),
        water_goal_ml=2500,
        glass_ml=300,
        stiffness_morning=False,
        stiffness_evening=False,
        stiffness_evening_time=time(18, 30),
        insistence=Insistence.GENTLE,
        sound=True,
        icon_minutes=True,
        window_ready=True,
    )


# --- defaults and the Settings value ----------------------------------------------------------


def test_defaults() -> None:
    s = Settings()
    assert (s.posture_enabled, s.posture_minutes) == (True, 20)
    assert (s.stretch_enabled, s.stretch_minutes, s.stretch_seconds) == (True, 30, 60)
    assert (s.break_enabled, s.break_minutes, s.break_duration_minutes) == (True, 60, 5)
    assert (s.eyes_enabled, s.eyes_minutes, s.eyes_seconds) == (False, 20, 20)
    assert (s.hydration_enabled, s.hydration_minutes) == (True, 60)
    assert (s.natural_break_minutes, s.snooze_minutes) == (5, 5)
    assert s.working_hours is None
    assert (s.water_goal_ml, s.glass_ml) == (2000, 250)
    assert (s.stiffness_morning, s.stiffness_evening) == (True, True)
    assert s.stiffness_evening_time == time(17, 0)
    assert s.natural_break == timedelta(minutes=5)
    assert s.snooze == timedelta(minutes=5)


def test_non_default_fixture_covers_every_field() -> None:
    names = {f.name for f in dataclasses.fields(Settings)}
    assert set(NON_DEFAULT) == names
    assert (
        set(BOOL_FIELDS)
        | set(INT_RANGES)
        | {"working_hours", "stiffness_evening_time", "insistence"}
        == names
    )
    expected = _expected_non_default()
    for name in names:
        assert getattr(expected, name) != getattr(Settings(), name), name


def test_empty_object_gives_defaults_silently(caplog: pytest.LogCaptureFixture) -> None:
    assert settings_from_json({}) == (Settings(), [])
    assert settings_from_json({"version": 1}) == (Settings(), [])
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_valid_file_is_read_exactly() -> None:
    assert settings_from_json(NON_DEFAULT) == (_expected_non_default(), [])


@pytest.mark.parametrize(("name", "bounds"), INT_RANGES.items())
def test_int_bounds_are_inclusive(name: str, bounds: tuple[int, int]) -> None:
    for value in bounds:
        s, warnings = settings_from_json({name: value}, strict=True)
        assert getattr(s, name) == value
        assert warnings == []


def test_whole_float_counts_as_int() -> None:
    s, warnings = settings_from_json({"posture_minutes": 30.0})
    assert s.posture_minutes == 30
    assert type(s.posture_minutes) is int
    assert warnings == []


@pytest.mark.parametrize("text", ["12:00", "23:59", "18:30"])
def test_evening_time_bounds(text: str) -> None:
    s, _ = settings_from_json({"stiffness_evening_time": text}, strict=True)
    assert settings_to_json(s)["stiffness_evening_time"] == text


def test_one_digit_hour_is_accepted() -> None:
    s, _ = settings_from_json(
        {"working_hours": {"mon": ["9:00", "17:00"]}, "stiffness_evening_time": "18:05"},
        strict=True,
    )
    assert s.working_hours is not None
    assert s.working_hours.days[0] == (time(9), time(17))


@pytest.mark.parametrize(("name", "bad"), BAD_VALUES)
def test_bad_field_falls_back_and_keeps_the_rest(
    name: str, bad: object, caplog: pytest.LogCaptureFixture
) -> None:
    obj = {**NON_DEFAULT, name: bad}
    with caplog.at_level(logging.WARNING, logger=settings_module.__name__):
        s, warnings = settings_from_json(obj)
    expected = dataclasses.replace(_expected_non_default(), **{name: getattr(Settings(), name)})
    assert s == expected
    assert len(warnings) == 1
    assert name in warnings[0]
    assert "using the default" in warnings[0]
    assert "\n" not in warnings[0]
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == warnings


@pytest.mark.parametrize(("name", "bad"), BAD_VALUES)
def test_strict_mode_raises_naming_the_field(name: str, bad: object) -> None:
    with pytest.raises(SettingsError) as caught:
        settings_from_json({**NON_DEFAULT, name: bad}, strict=True)
    message = str(caught.value)
    assert message.startswith(f"settings: {name}")
    assert "\n" not in message


def test_strict_message_wording() -> None:
    with pytest.raises(
        SettingsError,
        match=r"^settings: posture_minutes must be a whole number "
        r"from 1 to 240 \(got 0\)$",
    ):
        settings_from_json({"posture_minutes": 0}, strict=True)


def test_strict_raises_on_the_first_bad_field_in_file_order() -> None:
    with pytest.raises(SettingsError, match="glass_ml"):
        settings_from_json({"glass_ml": 1, "posture_minutes": 0}, strict=True)


def test_unknown_key_is_warned_and_ignored(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger=settings_module.__name__):
        s, warnings = settings_from_json({"foo": 1, "posture_minutes": 30})
    assert s == Settings(posture_minutes=30)
    assert warnings == ["settings: unknown setting 'foo' ignored"]
    assert "unknown setting 'foo' ignored" in caplog.text


def test_unknown_key_in_strict_mode_raises() -> None:
    with pytest.raises(SettingsError, match="unknown setting 'foo'"):
        settings_from_json({"foo": 1}, strict=True)


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("top", [[], [1, 2], "settings", 3, None, True])
def test_top_level_not_an_object_raises(top: object, strict: bool) -> None:
    with pytest.raises(SettingsError, match="top level"):
        settings_from_json(top, strict=strict)


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("version", [0, -1, "1", 1.5, True, None, [1]])
def test_bad_version_raises(version: object, strict: bool) -> None:
    with pytest.raises(SettingsError, match="version") as caught:
        settings_from_json({"version": version}, strict=strict)
    assert not isinstance(caught.value, SettingsTooNew)


@pytest.mark.parametrize("strict", [False, True])
def test_too_new_version_raises(strict: bool) -> None:
    with pytest.raises(SettingsTooNew) as caught:
        settings_from_json({"version": SETTINGS_VERSION + 2}, strict=strict)
    assert caught.value.version == SETTINGS_VERSION + 2
    assert (
        f"newer version of posture-app (version {SETTINGS_VERSION + 2}; "
        f"this one reads up to {SETTINGS_VERSION})" in str(caught.value)
    )


def test_python_construction_is_validated() -> None:
    with pytest.raises(SettingsError, match="posture_minutes"):
        Settings(posture_minutes=0)
    with pytest.raises(SettingsError, match="eyes_enabled"):
        Settings(eyes_enabled=1)  # type: ignore[arg-type]
    with pytest.raises(SettingsError, match="glass_ml"):
        Settings(glass_ml=True)
    with pytest.raises(SettingsError, match="stiffness_evening_time"):
        Settings(stiffness_evening_time=time(11, 0))
    with pytest.raises(SettingsError, match="stiffness_evening_time"):
        Settings(stiffness_evening_time=time(18, 0, 30))
    with pytest.raises(SettingsError, match="working_hours"):
        Settings(working_hours={"mon": None})  # type: ignore[arg-type]


def test_with_changes_validates() -> None:
    s = Settings()
    assert s.with_changes(posture_minutes=45).posture_minutes == 45
    assert s.posture_minutes == 20
    with pytest.raises(SettingsError, match="posture_minutes"):
        s.with_changes(posture_minutes=241)


# --- intervals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "minutes"),
    [
        (Kind.POSTURE, 20),
        (Kind.STRETCH, 30),
        (Kind.BREAK, 60),
        (Kind.EYES, None),  # off by default
        (Kind.HYDRATION, 60),
        (Kind.STIFFNESS, None),
    ],
)
def test_interval_defaults(kind: Kind, minutes: int | None) -> None:
    expected = None if minutes is None else timedelta(minutes=minutes)
    assert Settings().interval(kind) == expected


@pytest.mark.parametrize(
    ("kind", "enabled_field", "minutes_field"),
    [
        (Kind.POSTURE, "posture_enabled", "posture_minutes"),
        (Kind.STRETCH, "stretch_enabled", "stretch_minutes"),
        (Kind.BREAK, "break_enabled", "break_minutes"),
        (Kind.EYES, "eyes_enabled", "eyes_minutes"),
        (Kind.HYDRATION, "hydration_enabled", "hydration_minutes"),
    ],
)
def test_interval_follows_its_own_fields(
    kind: Kind, enabled_field: str, minutes_field: str
) -> None:
    on = Settings().with_changes(**{enabled_field: True, minutes_field: 37})
    assert on.interval(kind) == timedelta(minutes=37)
    off = on.with_changes(**{enabled_field: False})
    assert off.interval(kind) is None
    others = [k for k in Kind if k not in (kind, Kind.STIFFNESS)]
    for other in others:
        assert on.interval(other) == off.interval(other)


def test_interval_of_stiffness_is_always_none() -> None:
    assert Settings(stiffness_morning=True, stiffness_evening=True).interval(Kind.STIFFNESS) is None


# --- working hours ------------------------------------------------------------------------------

MON_9_TO_17_SAT_TO_MIDNIGHT = WorkingHours(
    days=((time(9), time(17)), None, None, None, None, (time(10), END_OF_DAY), None)
)


@pytest.mark.parametrize(
    ("at", "inside"),
    [
        (datetime(2026, 11, 23, 9, 0), True),  # Monday start: inclusive
        (datetime(2026, 11, 23, 8, 59, 59, 999999), False),
        (datetime(2026, 11, 23, 16, 59, 59, 999999), True),
        (datetime(2026, 11, 23, 17, 0), False),  # end: exclusive
        (datetime(2026, 11, 23, 0, 0), False),
        (datetime(2026, 11, 24, 12, 0), False),  # Tuesday: day off
        (datetime(2026, 11, 28, 9, 59), False),  # Saturday before start
        (datetime(2026, 11, 28, 10, 0), True),
        (datetime(2026, 11, 28, 23, 59, 59, 999999), True),  # "24:00" reaches midnight
        (datetime(2026, 11, 29, 0, 0), False),  # Sunday: day off
        (datetime(2026, 11, 30, 9, 30, tzinfo=CET), True),  # aware: its own local fields
    ],
)
def test_working_hours_contains(at: datetime, inside: bool) -> None:
    assert MON_9_TO_17_SAT_TO_MIDNIGHT.contains(at) is inside


def test_contains_uses_the_local_weekday_of_an_aware_time() -> None:
    # Tuesday 00:30 at +01:00 is still Monday 23:30 in UTC; Tuesday is the day that counts.
    hours = WorkingHours(days=((time(9), END_OF_DAY), None, None, None, None, None, None))
    at = datetime(2026, 11, 24, 0, 30, tzinfo=CET)
    assert not hours.contains(at)
    assert hours.contains(at.astimezone(UTC))


def test_window() -> None:
    assert MON_9_TO_17_SAT_TO_MIDNIGHT.window(date(2026, 11, 23)) == (time(9), time(17))
    assert MON_9_TO_17_SAT_TO_MIDNIGHT.window(date(2026, 11, 24)) is None
    assert MON_9_TO_17_SAT_TO_MIDNIGHT.window(date(2026, 11, 28)) == (time(10), END_OF_DAY)


def test_weekdays_constructor() -> None:
    hours = WorkingHours.weekdays(time(8), time(16))
    assert hours.days[:5] == ((time(8), time(16)),) * 5
    assert hours.days[5:] == (None, None)


def test_no_working_hours_means_always() -> None:
    s = Settings()
    for hour in range(24):
        assert s.in_working_hours(datetime(2026, 11, 29, hour, 30))
    limited = s.with_changes(working_hours=MON_9_TO_17_SAT_TO_MIDNIGHT)
    assert limited.in_working_hours(datetime(2026, 11, 23, 9, 0))
    assert not limited.in_working_hours(datetime(2026, 11, 29, 9, 0))


def test_working_hours_json_round_trip() -> None:
    obj = MON_9_TO_17_SAT_TO_MIDNIGHT.to_json()
    assert obj == {
        "mon": ["09:00", "17:00"],
        "tue": None,
        "wed": None,
        "thu": None,
        "fri": None,
        "sat": ["10:00", "24:00"],
        "sun": None,
    }
    assert WorkingHours.from_json(obj) == MON_9_TO_17_SAT_TO_MIDNIGHT


def test_missing_day_is_a_day_off() -> None:
    hours = WorkingHours.from_json({"wed": ["09:00", "12:00"]})
    assert [d is not None for d in hours.days] == [False, False, True, False, False, False, False]


@pytest.mark.parametrize(
    "days",
    [
        (None,) * 6,
        (None,) * 8,
        ((time(17), time(9)),) + (None,) * 6,
        ((time(9), time(9)),) + (None,) * 6,
        ((END_OF_DAY, END_OF_DAY),) + (None,) * 6,
        ((time(9, 0, 30), time(17)),) + (None,) * 6,
        ((time(9), time(17), time(18)),) + (None,) * 6,
        ((time(9, tzinfo=CET), time(17)),) + (None,) * 6,
    ],
)
def test_working_hours_construction_is_validated(days: tuple[object, ...]) -> None:
    with pytest.raises(SettingsError, match="working_hours"):
        WorkingHours(days=days)  # type: ignore[arg-type]


# --- JSON form ---------------------------------------------------------------------------------


def test_to_json_has_version_and_every_field() -> None:
    obj = settings_to_json(_expected_non_default())
    assert next(iter(obj)) == "version"
    assert obj["version"] == SETTINGS_VERSION
    assert {k: v for k, v in obj.items() if k != "version"} == {
        **NON_DEFAULT,
        "working_hours": MON_9_TO_17_SAT_TO_MIDNIGHT.to_json(),
    }
    json.dumps(obj)  # plain JSON types only


@given(
    st.fixed_dictionaries(
        {name: st.integers(low, high) for name, (low, high) in INT_RANGES.items()}
        | {name: st.booleans() for name in BOOL_FIELDS}
        | {
            "stiffness_evening_time": st.times(time(12), time(23, 59)).map(
                lambda t: t.replace(second=0, microsecond=0)
            )
        }
    )
)
def test_json_round_trip(values: dict[str, object]) -> None:
    s = Settings(**values)  # type: ignore[arg-type]
    obj = json.loads(json.dumps(settings_to_json(s)))
    assert settings_from_json(obj, strict=True) == (s, [])


# --- migrations ---------------------------------------------------------------------------------


def test_every_older_version_has_a_migration() -> None:
    assert set(MIGRATIONS) == set(range(1, SETTINGS_VERSION))


def test_migrations_run_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, dict[str, object]]] = []

    def one_to_two(data: dict[str, object]) -> dict[str, object]:
        calls.append((1, dict(data)))
        data = dict(data)
        data["posture_minutes"] = data.pop("posture_interval")
        return data

    def two_to_three(data: dict[str, object]) -> dict[str, object]:
        calls.append((2, dict(data)))
        data = dict(data)
        data["glass_ml"] = data.pop("glass_size")
        return data

    monkeypatch.setattr(settings_module, "SETTINGS_VERSION", 3)
    monkeypatch.setitem(MIGRATIONS, 1, one_to_two)
    monkeypatch.setitem(MIGRATIONS, 2, two_to_three)

    old = {"posture_interval": 33, "glass_size": 400}
    s, warnings = settings_from_json(old, strict=True)
    assert (s.posture_minutes, s.glass_ml) == (33, 400)
    assert warnings == []
    assert [step for step, _ in calls] == [1, 2]
    assert calls[0][1] == {"version": 1, "posture_interval": 33, "glass_size": 400}
    assert calls[1][1] == {"version": 2, "posture_minutes": 33, "glass_size": 400}
    assert old == {"posture_interval": 33, "glass_size": 400}  # the input is not changed

    calls.clear()
    s, _ = settings_from_json({"version": 2, "posture_minutes": 33, "glass_size": 400})
    assert [step for step, _ in calls] == [2]
    assert s.glass_ml == 400

    calls.clear()
    assert settings_from_json({"version": 3, "glass_ml": 400})[0].glass_ml == 400
    assert calls == []
    assert settings_to_json(s)["version"] == 3


def test_migrated_file_loads_from_disk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def rename(data: dict[str, object]) -> dict[str, object]:
        data["posture_minutes"] = data.pop("posture_interval")
        return data

    monkeypatch.setattr(settings_module, "SETTINGS_VERSION", 2)
    monkeypatch.setitem(MIGRATIONS, 1, rename)
    path = _write(tmp_path / "settings.json", {"version": 1, "posture_interval": 44})
    before = path.read_bytes()
    assert load_settings(path, now=NOW) == (Settings(posture_minutes=44), [])
    assert path.read_bytes() == before  # loading does not rewrite the file


def test_missing_migration_is_a_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings_module, "SETTINGS_VERSION", 2)
    with pytest.raises(RuntimeError, match="no settings migration from version 1"):
        settings_from_json({})


def test_version_1_fixture() -> None:
    path = FIXTURES / "v1.json"
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == 1
    s = read_settings_file(path)
    assert s == Settings(
        posture_enabled=True,
        posture_minutes=25,
        stretch_enabled=False,
        stretch_minutes=45,
        stretch_seconds=90,
        break_enabled=True,
        break_minutes=50,
        break_duration_minutes=10,
        eyes_enabled=True,
        eyes_minutes=15,
        eyes_seconds=30,
        hydration_enabled=True,
        hydration_minutes=45,
        natural_break_minutes=7,
        snooze_minutes=10,
        working_hours=WorkingHours(
            days=(
                (time(8, 30), time(17, 30)),
                (time(8, 30), time(17, 30)),
                (time(9), time(13)),
                (time(8, 30), time(17, 30)),
                (time(8), END_OF_DAY),
                None,
                None,
            )
        ),
        water_goal_ml=2500,
        glass_ml=300,
        stiffness_morning=True,
        stiffness_evening=False,
        stiffness_evening_time=time(18, 30),
        insistence=Insistence.FIRM,
        sound=True,
        icon_minutes=True,
    )
    assert s.interval(Kind.STRETCH) is None
    assert s.interval(Kind.EYES) == timedelta(minutes=15)


def test_version_1_fixture_loads_leniently_without_warnings(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    shutil.copyfile(FIXTURES / "v1.json", path)
    s, warnings = load_settings(path, now=NOW)
    assert warnings == []
    assert s == read_settings_file(FIXTURES / "v1.json")


# --- load_settings -------------------------------------------------------------------------------


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.json"
    assert load_settings(path, now=NOW) == (Settings(), [])
    assert not path.parent.exists()


def test_round_trip_through_the_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save_settings(_expected_non_default(), path)
    assert load_settings(path, now=NOW) == (_expected_non_default(), [])
    assert read_settings_file(path) == _expected_non_default()
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    assert json.loads(text)["version"] == SETTINGS_VERSION


def test_bad_fields_in_a_file_are_warned_and_the_rest_kept(tmp_path: Path) -> None:
    path = _write(tmp_path / "settings.json", {**NON_DEFAULT, "posture_minutes": 0, "foo": 1})
    before = path.read_bytes()
    s, warnings = load_settings(path, now=NOW)
    assert s == _expected_non_default().with_changes(posture_minutes=20)
    assert len(warnings) == 2
    assert warnings[0].startswith(f"{path}: posture_minutes")
    assert "unknown setting 'foo' ignored" in warnings[1]
    assert path.read_bytes() == before  # a lenient load never rewrites the file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b'\xef\xbb\xbf{"posture_minutes": 30}')
    assert load_settings(path, now=NOW) == (Settings(posture_minutes=30), [])


CORRUPT_CONTENTS = [
    pytest.param(b'{"posture_minutes": 30,', id="syntax-error"),
    pytest.param(b"", id="empty"),
    pytest.param(b'{"glass_ml": "\xff\xfe"}', id="not-utf8"),
    pytest.param(b"[1, 2, 3]", id="array"),
    pytest.param(b'"settings"', id="string"),
    pytest.param(b"null", id="null"),
    pytest.param(b'{"version": "1", "posture_minutes": 30}', id="bad-version"),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, id="too-deep"),
]


@pytest.mark.parametrize("content", CORRUPT_CONTENTS)
def test_corrupt_file_is_moved_aside(
    content: bytes, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger=settings_module.__name__):
        s, warnings = load_settings(path, now=NOW)
    aside = tmp_path / ASIDE_NAME
    assert s == Settings()
    assert not path.exists()
    assert aside.read_bytes() == content
    assert len(warnings) == 1
    assert str(aside) in warnings[0]
    assert "\n" not in warnings[0]
    assert str(aside) in caplog.text


def test_second_corruption_gets_a_distinct_name(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    contents = [b"{oops", b"{oops again", b"[]"]
    for content in contents:
        path.write_bytes(content)
        load_settings(path, now=NOW)
    assert (tmp_path / ASIDE_NAME).read_bytes() == contents[0]
    assert (tmp_path / f"{ASIDE_NAME}-1").read_bytes() == contents[1]
    assert (tmp_path / f"{ASIDE_NAME}-2").read_bytes() == contents[2]
    assert not path.exists()


def test_corrupt_file_without_now_uses_the_current_time(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b"{")
    load_settings(path)
    (aside,) = tmp_path.iterdir()
    assert aside.read_bytes() == b"{"
    stamp = aside.name.removeprefix("settings.json.corrupt-")
    datetime.strptime(stamp, "%Y%m%d-%H%M%S")  # raises when the name is not stamped


def test_too_new_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b'{"version": 3, "posture_minutes": 999, "new_thing": true}\n')
    before = path.read_bytes()
    with pytest.raises(SettingsTooNew) as caught:
        load_settings(path, now=NOW)
    assert str(caught.value) == (
        f"{path} was written by a newer version of posture-app "
        f"(version 3; this one reads up to {SETTINGS_VERSION}); it was left as it is"
    )
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]
    with pytest.raises(SettingsTooNew):
        read_settings_file(path)
    assert path.read_bytes() == before


def test_unreadable_path_raises_and_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.mkdir()
    with pytest.raises(SettingsError, match="cannot be read"):
        load_settings(path, now=NOW)
    assert path.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]


# --- read_settings_file --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "no such file"),
        (b"{", "not valid JSON (line 1 column 2"),
        (b"\xff", "not UTF-8"),
        (b"[]", "top level must be a JSON object"),
        (b'{"posture_minutes": 0}', "posture_minutes must be a whole number from 1 to 240 (got 0)"),
        (b'{"working_hours": {"mon": ["17:00", "09:00"]}}', "working_hours.mon"),
        (b'{"foo": 1}', "unknown setting 'foo'"),
        (b'{"version": 0}', "version"),
    ],
)
def test_read_settings_file_is_strict(content: bytes | None, problem: str, tmp_path: Path) -> None:
    path = tmp_path / "my-settings.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(SettingsError) as caught:
        read_settings_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert problem in message
    assert "\n" not in message
    if content is not None:
        assert path.read_bytes() == content
    assert len(list(tmp_path.iterdir())) == (0 if content is None else 1)


# --- save_settings -------------------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_saved_file_is_user_only(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{}", encoding="utf-8")
    path.chmod(0o644)
    save_settings(Settings(), path)
    assert _mode(path) == 0o600


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077, 0o277], ids=oct)
def test_file_mode_does_not_depend_on_the_umask(umask: int, tmp_path: Path) -> None:
    old = os.umask(umask)
    try:
        save_settings(Settings(), tmp_path / "settings.json")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "settings.json") == 0o600


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize("umask", [0o022, 0o277], ids=oct)
def test_missing_directories_are_created_user_only(umask: int, tmp_path: Path) -> None:
    path = tmp_path / "base" / "config" / "settings.json"
    old = os.umask(umask)
    try:
        save_settings(Settings(), path)
    finally:
        os.umask(old)
    assert _mode(tmp_path / "base") == 0o700
    assert _mode(tmp_path / "base" / "config") == 0o700
    assert _mode(path) == 0o600


def _fail_with(error: BaseException) -> Callable[..., object]:
    def fail(*args: object, **kwargs: object) -> object:
        raise error

    return fail


@pytest.mark.parametrize(
    ("target", "error", "raised"),
    [
        ("replace", OSError(errno.EXDEV, "Invalid cross-device link"), SettingsError),
        ("fsync", OSError(errno.EIO, "Input/output error"), SettingsError),
        ("replace", KeyboardInterrupt(), KeyboardInterrupt),
    ],
)
def test_failed_save_keeps_the_old_file_and_no_temp_files(
    target: str,
    error: BaseException,
    raised: type[BaseException],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "settings.json"
    save_settings(Settings(posture_minutes=30), path)
    before = path.read_bytes()
    monkeypatch.setattr(os, target, _fail_with(error))
    with pytest.raises(raised) as caught:
        save_settings(Settings(posture_minutes=45), path)
    monkeypatch.undo()
    if raised is SettingsError:
        assert str(path) in str(caught.value)
        assert "\n" not in str(caught.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]
    assert read_settings_file(path).posture_minutes == 30


def test_failed_serialisation_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "settings.json"
    save_settings(Settings(posture_minutes=30), path)
    before = path.read_bytes()
    monkeypatch.setattr(json, "dumps", _fail_with(ValueError("boom")))
    with pytest.raises(ValueError, match="boom"):
        save_settings(Settings(posture_minutes=45), path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]


def test_save_goes_through_a_temp_file_in_the_same_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        seen.append((os.fspath(src), os.fspath(dst)))
        assert Path(dst).read_bytes() == b"old"  # the target is untouched until the rename
        real_replace(src, dst)

    path = tmp_path / "settings.json"
    path.write_bytes(b"old")
    monkeypatch.setattr(os, "replace", spy)
    save_settings(Settings(), path)
    ((src, dst),) = seen
    assert Path(src).parent == tmp_path
    assert Path(src).name != "settings.json"
    assert dst == os.fspath(path)
    assert not Path(src).exists()


# --- layering -----------------------------------------------------------------------------------


def test_settings_imports_the_standard_library_only() -> None:
    tree = ast.parse(Path(settings_module.__file__).read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.partition(".")[0])
    assert roots - sys.stdlib_module_names == {"posture_app"}


def test_ui_choices_have_defaults_and_round_trip(tmp_path):
    from posture_app.core.settings import Insistence

    assert (Settings().insistence, Settings().sound, Settings().icon_minutes) == (
        Insistence.NORMAL,
        False,
        False,
    )
    chosen = Settings(insistence=Insistence.FIRM, sound=True, icon_minutes=True)
    save_settings(chosen, tmp_path / "s.json")
    assert json.loads((tmp_path / "s.json").read_text())["insistence"] == "firm"
    assert load_settings(tmp_path / "s.json")[0] == chosen


@pytest.mark.parametrize("bad", ["loud", 3, None, "FIRM"])
def test_an_unknown_insistence_falls_back_with_a_warning(bad):
    settings, warnings = settings_from_json({"insistence": bad, "sound": True})
    assert settings.insistence == "normal"
    assert settings.sound is True
    assert any("insistence must be one of gentle, normal, firm" in w for w in warnings)


@pytest.mark.parametrize("content", CORRUPT_CONTENTS)
def test_a_reader_leaves_a_corrupt_file_where_it_is(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    s, warnings = load_settings(path, now=NOW, read_only=True)
    assert s == Settings()
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]
    assert len(warnings) == 1
    assert "\n" not in warnings[0]
    assert "using the default settings" in warnings[0]
