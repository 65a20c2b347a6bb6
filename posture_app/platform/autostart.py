"""Start at login: an XDG autostart entry, a Windows Run value, or a macOS LaunchAgent.

Each adapter is given the command to start as an argv list (the app passes its interpreter and
`main.py`, or the installed `posture-app`). The command-line building is in pure functions.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from posture_app.core.files import write_private
from posture_app.platform.base import PlatformUnavailable

log = logging.getLogger(__name__)

APP_ID = "posture-app"
APP_NAME = "posture-app"
APP_COMMENT = "Times your sitting and reminds you to check posture, stretch, move and drink water"
LAUNCH_AGENT_LABEL = "org.posture-app"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"

# Desktop Entry spec, "The Exec key": an argument with one of these must be quoted.
_EXEC_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")
# Inside double quotes these four are escaped with a backslash.
_EXEC_QUOTED_ESCAPES = frozenset('"`$\\')
# Desktop Entry spec, "Possible value types": escapes of string values, applied last.
_STRING_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


# ---- pure parts (unit-tested) ----


def _exec_quote(arg: str) -> str:
    """One argument as the Exec quoting rules want it (before string-value escaping)."""
    if "\0" in arg:
        raise ValueError("a command-line argument cannot contain NUL")
    if arg and not any(ch in _EXEC_RESERVED for ch in arg):
        return arg
    return '"' + "".join("\\" + ch if ch in _EXEC_QUOTED_ESCAPES else ch for ch in arg) + '"'


def desktop_exec(argv: Sequence[str]) -> str:
    """The value of `Exec=` that runs `argv`: quoted, `%` doubled, then string-escaped."""
    if not argv:
        raise ValueError("the command to start is empty")
    line = " ".join(_exec_quote(arg) for arg in argv).replace("%", "%%")
    return "".join(_STRING_ESCAPES.get(ch, ch) for ch in line)


def _string_value(text: str) -> str:
    """A one-line string value for a desktop entry."""
    return "".join(_STRING_ESCAPES.get(ch, ch) for ch in text)


def desktop_entry(argv: Sequence[str], name: str = APP_NAME, comment: str = APP_COMMENT) -> str:
    """The text of our autostart `.desktop` file."""
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        f"Name={_string_value(name)}\n"
        f"Comment={_string_value(comment)}\n"
        f"Exec={desktop_exec(argv)}\n"
        f"Icon={APP_ID}\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def entry_enabled(text: str) -> bool:
    """Whether a desktop entry is switched on (not Hidden, not disabled by GNOME's setting)."""
    in_main_group = False
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("["):
            in_main_group = line == "[Desktop Entry]"
            continue
        key, sep, value = line.partition("=")
        if not in_main_group or not sep:
            continue
        key, value = key.strip(), value.strip()
        if (key, value) in (("Hidden", "true"), ("X-GNOME-Autostart-enabled", "false")):
            return False
    return True


def windows_command_line(argv: Sequence[str]) -> str:
    """The Run value: argv quoted the way the C runtime splits it again."""
    if not argv:
        raise ValueError("the command to start is empty")
    import subprocess  # Windows only; the tray app does not load it at start elsewhere

    return subprocess.list2cmdline(list(argv))


def launch_agent(argv: Sequence[str], label: str = LAUNCH_AGENT_LABEL) -> dict[str, object]:
    """The LaunchAgent property list that starts `argv` at login."""
    if not argv:
        raise ValueError("the command to start is empty")
    return {
        "Label": label,
        "ProgramArguments": list(argv),
        "RunAtLoad": True,
        "ProcessType": "Interactive",
        "LimitLoadToSessionType": "Aqua",
    }


def xdg_config_home(environ: Mapping[str, str]) -> Path:
    """$XDG_CONFIG_HOME if set to an absolute path (the spec ignores others), else ~/.config."""
    value = environ.get("XDG_CONFIG_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    home = environ.get("HOME")
    return (Path(home) if home else Path.home()) / ".config"


# ---- adapters ----


class XdgAutostart:
    """Our `$XDG_CONFIG_HOME/autostart/posture-app.desktop` (Linux and other XDG desktops)."""

    def __init__(self, argv: Sequence[str], *, environ: Mapping[str, str] | None = None) -> None:
        self._argv = list(argv)
        desktop_exec(self._argv)  # refuse a command that cannot be written, now
        base = xdg_config_home(os.environ if environ is None else environ)
        self.path = base / "autostart" / f"{APP_ID}.desktop"
        self.name = f"XDG autostart ({self.path})"

    def is_enabled(self) -> bool:
        """Whether our entry exists and is not switched off."""
        try:
            return entry_enabled(self.path.read_text(encoding="utf-8", errors="replace"))
        except FileNotFoundError:
            return False

    def set_enabled(self, enabled: bool) -> None:
        """Write our entry, or remove it (and nothing else)."""
        if enabled:
            write_private(self.path, desktop_entry(self._argv).encode("utf-8"))
            log.info("start at login: wrote %s", self.path)
        else:
            self.path.unlink(missing_ok=True)
            log.info("start at login: removed %s", self.path)


class WindowsAutostart:
    """The `posture-app` value under HKCU\\...\\CurrentVersion\\Run."""

    name = "Windows Run key (current user)"
    value_name = APP_ID

    def __init__(self, argv: Sequence[str]) -> None:
        if sys.platform != "win32":
            raise PlatformUnavailable("the Run key exists only on Windows")
        self._command = windows_command_line(argv)

    def is_enabled(self) -> bool:
        """Whether our Run value exists."""
        if sys.platform != "win32":
            return False
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                winreg.QueryValueEx(key, self.value_name)
        except FileNotFoundError:
            return False
        return True

    def set_enabled(self, enabled: bool) -> None:
        """Set or delete our Run value; OSError if the registry refuses."""
        if sys.platform != "win32":
            raise OSError("the Run key exists only on Windows")
        import winreg

        with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
            if enabled:
                winreg.SetValueEx(key, self.value_name, 0, winreg.REG_SZ, self._command)
            else:
                with contextlib.suppress(FileNotFoundError):
                    winreg.DeleteValue(key, self.value_name)


class MacAutostart:
    """Our LaunchAgent `~/Library/LaunchAgents/org.posture-app.plist`."""

    def __init__(self, argv: Sequence[str], *, home: Path | None = None) -> None:
        self._plist = launch_agent(argv)
        base = Path.home() if home is None else home
        self.path = base / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"
        self.name = f"macOS LaunchAgent ({self.path})"

    def is_enabled(self) -> bool:
        """Whether our LaunchAgent exists."""
        return self.path.exists()

    def set_enabled(self, enabled: bool) -> None:
        """Write or remove our LaunchAgent (launchd reads it at the next login)."""
        if enabled:
            import plistlib  # macOS only: its XML parser is not loaded elsewhere

            write_private(self.path, plistlib.dumps(self._plist))
        else:
            self.path.unlink(missing_ok=True)
