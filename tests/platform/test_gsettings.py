"""Reading GNOME settings with the real gsettings, on a schema of our own in a key file."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from posture_app.platform.gsettings import GSettings, parse_bool
from tests.fakes import real_gsettings

SCHEMA_ID = "org.posture_test.look"
SCHEMA = f"""<?xml version="1.0" encoding="UTF-8"?>
<schemalist>
  <schema id="{SCHEMA_ID}" path="/org/posture_test/look/">
    <key name="enable-animations" type="b"><default>true</default></key>
    <key name="theme" type="s"><default>'Adwaita'</default></key>
  </schema>
</schemalist>
"""
#: Short, so the test of a hanging gsettings is quick; the child never answers at all.
HANG_TIMEOUT_S = 0.2


@pytest.fixture
def gsettings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """gsettings with our schema, storing into a key file under the temp HOME."""
    return real_gsettings(tmp_path, monkeypatch, SCHEMA_ID, SCHEMA)


@pytest.mark.parametrize(
    ("output", "expected"),
    [("true\n", True), ("false\n", False), ("  false ", False), ("", None), ("'x'", None)],
)
def test_parse_bool(output: str, expected: bool | None) -> None:
    assert parse_bool(output) is expected


def test_reads_a_key_and_follows_changes(gsettings: str) -> None:
    reader = GSettings()
    assert reader.get_bool(SCHEMA_ID, "enable-animations") is True
    assert reader.get(SCHEMA_ID, "theme") == "'Adwaita'"
    subprocess.run([gsettings, "set", SCHEMA_ID, "enable-animations", "false"], check=True)
    assert reader.get_bool(SCHEMA_ID, "enable-animations") is False
    assert reader.problem == ""


def test_a_key_that_is_not_a_boolean_reads_as_none(gsettings: str) -> None:
    reader = GSettings()
    assert reader.get_bool(SCHEMA_ID, "theme") is None
    assert "not a boolean" in reader.problem


def test_a_missing_schema_reads_as_none_and_is_logged_once(
    gsettings: str, caplog: pytest.LogCaptureFixture
) -> None:
    reader = GSettings()
    with caplog.at_level(logging.INFO, logger="posture_app.platform.gsettings"):
        assert reader.get_bool("org.posture_test.absent", "enable-animations") is None
        assert "org.posture_test.absent" in reader.problem
        assert reader.get_bool("org.posture_test.absent", "enable-animations") is None
        assert reader.get_bool(SCHEMA_ID, "no-such-key") is None
        assert "no-such-key" in reader.problem
    assert caplog.text.count("cannot read org.posture_test.absent enable-animations") == 1
    assert caplog.text.count(f"cannot read {SCHEMA_ID} no-such-key") == 1
    assert reader.get_bool(SCHEMA_ID, "enable-animations") is True  # the others still read


def test_no_gsettings_reads_as_none(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    reader = GSettings([str(tmp_path / "no-gsettings")])
    with caplog.at_level(logging.INFO, logger="posture_app.platform.gsettings"):
        assert reader.get(SCHEMA_ID, "theme") is None
        assert reader.get(SCHEMA_ID, "theme") is None
    assert "No such file" in reader.problem
    assert caplog.text.count("cannot read") == 1


def test_a_gsettings_that_never_answers_times_out() -> None:
    # A child that blocks forever: the timeout always fires, however slow the machine is.
    hang = [sys.executable, "-c", "import select; select.select([], [], [])"]
    reader = GSettings(hang, timeout_s=HANG_TIMEOUT_S)
    assert reader.get(SCHEMA_ID, "theme") is None
    assert "timed out" in reader.problem


def test_subprocess_is_loaded_only_when_a_setting_is_read() -> None:
    code = (
        "import sys; import posture_app.platform.gsettings, posture_app.platform.dbus, "
        "posture_app.platform.detect, posture_app.platform.autostart, posture_app.ui.look; "
        "print('subprocess' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
