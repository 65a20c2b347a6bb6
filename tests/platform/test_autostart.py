"""Start at login: the XDG entry for real, the macOS plist in a temp HOME, the Windows line."""

from __future__ import annotations

import json
import os
import plistlib
import select
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posture_app.platform.autostart import (
    MacAutostart,
    WindowsAutostart,
    XdgAutostart,
    desktop_entry,
    desktop_exec,
    entry_enabled,
    windows_command_line,
)
from posture_app.platform.base import PlatformUnavailable

LAUNCH_TIMEOUT_S = 15.0
TRICKY_ARGS = [
    "/home/ann smith/posture app/main.py",
    "$HOME",
    "50%",
    'say "hi"',
    "back\\slash",
    "`date`",
    "it's",
    "tab\there",
    "new\nline",
    "",
    "~user",
    "a;b|c&d>e<f*?#()",
    "plain-arg=1",
]


# ---- the Exec line ----


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["/usr/bin/posture-app"], "/usr/bin/posture-app"),
        (["/usr/bin/python3", "/opt/posture/main.py"], "/usr/bin/python3 /opt/posture/main.py"),
        (["/usr/bin/python3", "/home/a b/main.py"], '/usr/bin/python3 "/home/a b/main.py"'),
        (["/opt/x$y/app"], '"/opt/x\\\\$y/app"'),  # spec: "\\$" for a literal dollar
        (["/opt/back\\slash"], '"/opt/back\\\\\\\\slash"'),  # spec: four backslashes
        (['say "hi"'], '"say \\\\"hi\\\\""'),
        (["/opt/`x`"], '"/opt/\\\\`x\\\\`"'),
        (["/opt/100%/app"], "/opt/100%%/app"),
        (["/opt/a b/100%"], '"/opt/a b/100%%"'),
        (["it's"], '"it\'s"'),
        ([""], '""'),
        (["new\nline"], '"new\\nline"'),
        (["tab\there"], '"tab\\there"'),
    ],
)
def test_desktop_exec_quoting(argv: list[str], expected: str) -> None:
    assert desktop_exec(argv) == expected


def test_desktop_exec_refuses_what_cannot_be_written() -> None:
    with pytest.raises(ValueError, match="empty"):
        desktop_exec([])
    with pytest.raises(ValueError, match="NUL"):
        desktop_exec(["a\0b"])


def _parse_exec(value: str) -> list[str]:
    """Read an Exec value back the way the spec says (string escapes, %%, then quoting)."""
    unescaped, i = "", 0
    escapes = {"\\": "\\", "n": "\n", "t": "\t", "r": "\r", "s": " "}
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            unescaped += escapes[value[i + 1]]
            i += 2
        else:
            unescaped += value[i]
            i += 1
    assert "%" not in unescaped.replace("%%", ""), "a field code slipped through"
    text = unescaped.replace("%%", "%")
    args: list[str] = []
    current: str | None = None
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == '"':
            current = current or ""
            i += 1
            while text[i] != '"':
                if text[i] == "\\" and text[i + 1] in '"`$\\':
                    i += 1
                current += text[i]
                i += 1
        elif ch == " ":
            if current is not None:
                args.append(current)
            current = None
        else:
            assert ch not in "\t\n\"'\\><~|&;$*?#()`", f"unquoted reserved character {ch!r}"
            current = (current or "") + ch
        i += 1
    if current is not None:
        args.append(current)
    return args


@given(st.lists(st.text(st.characters(exclude_characters="\0")), min_size=1))
def test_exec_reads_back_as_the_same_argv(argv: list[str]) -> None:
    assert _parse_exec(desktop_exec(argv)) == argv


# ---- the XDG adapter ----


def test_entry_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    autostart = XdgAutostart([sys.executable, "/opt/posture app/main.py"])
    autostart.set_enabled(True)
    text = (tmp_path / "cfg" / "autostart" / "posture-app.desktop").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "[Desktop Entry]"
    for line in (
        "Type=Application",
        "Name=posture-app",
        "Icon=posture-app",
        "X-GNOME-Autostart-enabled=true",
        f'Exec={sys.executable} "/opt/posture app/main.py"',
    ):
        assert line in lines
    assert any(line.startswith("Comment=") for line in lines)


def test_enable_disable_round_trip_touches_only_our_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    folder = tmp_path / "autostart"
    folder.mkdir()
    other = folder / "someone-else.desktop"
    other.write_text("[Desktop Entry]\nType=Application\nName=x\nExec=x\n", encoding="utf-8")
    autostart = XdgAutostart(["/usr/bin/posture-app"])
    assert autostart.is_enabled() is False
    autostart.set_enabled(True)
    assert autostart.is_enabled() is True
    autostart.set_enabled(True)  # again: rewritten, still one file of ours
    assert sorted(p.name for p in folder.iterdir()) == [
        "posture-app.desktop",
        "someone-else.desktop",
    ]
    autostart.set_enabled(False)
    assert autostart.is_enabled() is False
    autostart.set_enabled(False)  # already off: fine
    assert [p.name for p in folder.iterdir()] == ["someone-else.desktop"]


def test_entry_is_private_and_written_without_leftovers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    XdgAutostart(["/usr/bin/posture-app"]).set_enabled(True)
    entries = list((tmp_path / "autostart").iterdir())
    assert [p.name for p in entries] == ["posture-app.desktop"]
    assert stat.S_IMODE(entries[0].stat().st_mode) == 0o600


def test_default_place_is_home_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CONFIG_HOME")
    assert (
        XdgAutostart(["x"]).path
        == Path(os.environ["HOME"]) / ".config/autostart/posture-app.desktop"
    )
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/dir")  # the spec says: ignore it
    assert (
        XdgAutostart(["x"]).path
        == Path(os.environ["HOME"]) / ".config/autostart/posture-app.desktop"
    )


def test_switched_off_by_the_desktop_counts_as_disabled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    autostart = XdgAutostart(["/usr/bin/posture-app"])
    autostart.set_enabled(True)
    text = autostart.path.read_text(encoding="utf-8")
    autostart.path.write_text(
        text.replace("X-GNOME-Autostart-enabled=true", "X-GNOME-Autostart-enabled=false"),
        encoding="utf-8",
    )
    assert autostart.is_enabled() is False
    autostart.path.write_text(text + "Hidden=true\n", encoding="utf-8")
    assert autostart.is_enabled() is False


def test_entry_enabled_reads_only_the_main_group() -> None:
    assert entry_enabled("[Desktop Entry]\nHidden=false\n") is True
    assert entry_enabled("[Desktop Entry]\nHidden = true\n") is False
    assert entry_enabled("[Desktop Entry]\nExec=x\n[Desktop Action a]\nHidden=true\n") is True


def test_a_write_that_fails_raises_oserror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "autostart").write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(NotADirectoryError):  # an OSError, as the Protocol promises
        XdgAutostart(["/usr/bin/posture-app"]).set_enabled(True)


def test_entry_with_tricky_arguments_validates(tmp_path: Path) -> None:
    validator = shutil.which("desktop-file-validate")
    assert validator is not None, "desktop-file-validate (Debian desktop-file-utils) is needed"
    path = tmp_path / "posture-app.desktop"
    path.write_text(desktop_entry(["/usr/bin/python3", *TRICKY_ARGS]), encoding="utf-8")
    done = subprocess.run([validator, str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == ""  # no warnings either


def test_glib_launches_the_entry_with_the_exact_argv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gio = shutil.which("gio")
    assert gio is not None, "gio (Debian libglib2.0-bin) is needed"
    fifo = tmp_path / "argv.fifo"
    os.mkfifo(fifo)
    script = tmp_path / "dir with space$" / "record argv.py"
    script.parent.mkdir()
    script.write_text(
        "import json, sys\nwith open(sys.argv[1], 'w') as f:\n    json.dump(sys.argv[2:], f)\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    autostart = XdgAutostart([sys.executable, str(script), str(fifo), *TRICKY_ARGS])
    autostart.set_enabled(True)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    keeper = os.open(fifo, os.O_WRONLY)  # ours, so the reader never sees end-of-file early
    try:
        subprocess.run([gio, "launch", str(autostart.path)], check=True, capture_output=True)
        # Wait for the launched program to write (an event, with a time limit).
        data = b""
        while not data.endswith(b"]"):
            ready, _, _ = select.select([reader], [], [], LAUNCH_TIMEOUT_S)
            assert ready, "the launched command did not report its arguments"
            data += os.read(reader, 65536)
    finally:
        os.close(keeper)
        os.close(reader)
    assert json.loads(data) == TRICKY_ARGS


# ---- macOS and Windows ----


def test_mac_launch_agent(tmp_path: Path) -> None:
    argv = ["/Applications/Posture App.app/Contents/MacOS/posture-app", "--flag"]
    autostart = MacAutostart(argv, home=tmp_path)
    path = tmp_path / "Library" / "LaunchAgents" / "org.posture-app.plist"
    assert autostart.path == path
    assert autostart.is_enabled() is False
    autostart.set_enabled(True)
    assert autostart.is_enabled() is True
    with path.open("rb") as handle:
        plist = plistlib.load(handle)
    assert plist["Label"] == "org.posture-app"
    assert plist["ProgramArguments"] == argv
    assert plist["RunAtLoad"] is True
    autostart.set_enabled(False)
    assert not path.exists()
    assert autostart.is_enabled() is False


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["C:\\Python311\\pythonw.exe", "C:\\posture\\main.py"],
            "C:\\Python311\\pythonw.exe C:\\posture\\main.py",
        ),
        (
            ["C:\\Program Files\\Python\\pythonw.exe", "C:\\Users\\Ann Smith\\main.py"],
            '"C:\\Program Files\\Python\\pythonw.exe" "C:\\Users\\Ann Smith\\main.py"',
        ),
        (["C:\\my dir\\"], '"C:\\my dir\\\\"'),  # a trailing backslash before the closing quote
        (['say "hi"'], '"say \\"hi\\""'),
        ([""], '""'),
    ],
)
def test_windows_command_line(argv: list[str], expected: str) -> None:
    assert windows_command_line(argv) == expected


def test_windows_command_line_refuses_an_empty_command() -> None:
    with pytest.raises(ValueError, match="empty"):
        windows_command_line([])


@pytest.mark.skipif(sys.platform == "win32", reason="on Windows the registry is used")
def test_windows_autostart_is_unavailable_elsewhere() -> None:
    with pytest.raises(PlatformUnavailable, match="only on Windows"):
        WindowsAutostart(["C:\\posture-app.exe"])
