"""Files shipped in resources/: the desktop entry and the app icon."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

RESOURCES = Path(__file__).resolve().parents[1] / "resources"


def test_the_desktop_entry_is_valid():
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate is not installed (Debian: desktop-file-utils)")
    done = subprocess.run(
        [tool, str(RESOURCES / "posture-app.desktop")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""


def test_the_desktop_entry_names_the_icon_and_command():
    text = (RESOURCES / "posture-app.desktop").read_text()
    assert "\nIcon=posture-app\n" in text
    assert "\nExec=posture-app\n" in text


def test_the_app_icon_is_an_svg_with_a_title():
    root = ET.parse(RESOURCES / "posture-app.svg").getroot()
    assert root.tag.endswith("svg")
    assert root.find("{http://www.w3.org/2000/svg}title").text == "posture-app"


def test_the_png_icon_is_the_svg_drawn(qapp):
    import importlib.util

    from PySide6.QtGui import QImage

    spec = importlib.util.spec_from_file_location("make_icon_png", RESOURCES / "make_icon_png.py")
    assert spec is not None
    assert spec.loader is not None
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    drawn = maker.render(RESOURCES / "posture-app.svg")
    shipped = QImage(str(RESOURCES / "posture-app.png")).convertToFormat(drawn.format())
    assert (shipped.width(), shipped.height()) == (drawn.width(), drawn.height())
    step = 8
    diffs = [
        abs(shipped.pixel(x, y) - drawn.pixel(x, y)) != 0
        for x in range(0, drawn.width(), step)
        for y in range(0, drawn.height(), step)
    ]
    assert sum(diffs) <= len(diffs) // 50, "run resources/make_icon_png.py after changing the SVG"
