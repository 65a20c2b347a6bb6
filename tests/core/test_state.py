"""The app's own state file."""

from __future__ import annotations

import json

from posture_app.core.state import STATE_VERSION, AppState, load_state, save_state
from tests.fakes import local

NOW = local("2026-11-23T09:00")


def test_missing_gives_a_fresh_state(tmp_path):
    assert load_state(tmp_path / "state.json") == AppState()


def test_round_trip_and_user_only(tmp_path):
    path = tmp_path / "config" / "state.json"
    save_state(AppState(welcomed=True, last_exercise="chin-tuck"), path)
    assert load_state(path) == AppState(welcomed=True, last_exercise="chin-tuck")
    assert json.loads(path.read_text())["version"] == STATE_VERSION
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_damaged_file_is_moved_aside_not_deleted(tmp_path):
    path = tmp_path / "state.json"
    path.write_text("{not json")
    assert load_state(path, now=NOW) == AppState()
    (aside,) = tmp_path.glob("state.json.corrupt-*")
    assert aside.read_text() == "{not json"
    assert not path.exists()


def test_bad_fields_fall_back(tmp_path):
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"version": 1, "welcomed": "yes", "last_exercise": 3}))
    assert load_state(path) == AppState()


def test_a_newer_file_is_left_alone(tmp_path):
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"version": STATE_VERSION + 1, "welcomed": True}))
    assert load_state(path) == AppState()
    assert json.loads(path.read_text())["version"] == STATE_VERSION + 1
