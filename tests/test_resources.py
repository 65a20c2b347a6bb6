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


# --- packaging: an installed app carries resources/ -------------------------------------------


def _setuptools_config() -> dict:
    import tomllib

    root = RESOURCES.parent
    return tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_package_is_in_the_wheel():
    root = RESOURCES.parent
    listed = set(_setuptools_config()["packages"])
    found = {
        ".".join(init.parent.relative_to(root).parts)
        for init in (root / "posture_app").rglob("__init__.py")
    }
    assert found <= listed, f"add to pyproject.toml's packages: {sorted(found - listed)}"


def test_every_resource_file_is_package_data():
    from fnmatch import fnmatch

    config = _setuptools_config()
    folders = {Path(d): pkg for pkg, d in config["package-dir"].items()}
    root = RESOURCES.parent
    missing = []
    for path in RESOURCES.rglob("*"):
        if path.is_dir() or path.suffix == ".py" or "__pycache__" in path.parts:
            continue  # the scripts that drew them are not needed at run time
        package = folders.get(path.parent.relative_to(root))
        globs = config["package-data"].get(package, []) if package else []
        if not any(fnmatch(path.name, g) for g in globs):
            missing.append(str(path.relative_to(root)))
    assert missing == []


def test_resources_are_found_in_an_install_and_in_a_checkout(tmp_path):
    from posture_app.paths import resources_dir

    assert resources_dir() == RESOURCES  # this checkout
    package = tmp_path / "site-packages" / "posture_app"
    (package / "resources").mkdir(parents=True)
    assert resources_dir(package) == package / "resources"  # a wheel's install
    assert resources_dir(tmp_path / "repo" / "posture_app") == tmp_path / "repo" / "resources"
