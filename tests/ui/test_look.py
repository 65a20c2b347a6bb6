"""Look helpers: GNOME's animations switch, read through the shared gsettings reader."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from posture_app.platform.gsettings import GSettings
from posture_app.ui import look
from tests.fakes import real_gsettings

# Just the one key of GNOME's interface schema that the look reads.
SCHEMA = f"""<?xml version="1.0" encoding="UTF-8"?>
<schemalist>
  <schema id="{look.GNOME_INTERFACE_SCHEMA}" path="/org/gnome/desktop/interface/">
    <key name="{look.GNOME_ANIMATIONS_KEY}" type="b"><default>true</default></key>
  </schema>
</schemalist>
"""


@pytest.fixture
def gsettings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The real gsettings with GNOME's interface schema, storing into a key file."""
    return real_gsettings(tmp_path, monkeypatch, look.GNOME_INTERFACE_SCHEMA, SCHEMA)


def test_gnome_animations_follow_the_setting(gsettings: str) -> None:
    assert look.gnome_animations_disabled(GSettings()) is False
    subprocess.run(
        [gsettings, "set", look.GNOME_INTERFACE_SCHEMA, look.GNOME_ANIMATIONS_KEY, "false"],
        check=True,
    )
    assert look.gnome_animations_disabled(GSettings()) is True


def test_gnome_animations_count_as_on_when_unknown(tmp_path: Path) -> None:
    assert look.gnome_animations_disabled(GSettings([str(tmp_path / "no-gsettings")])) is False
