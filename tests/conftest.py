"""Test set-up: Qt offscreen, and every app directory redirected into a temp folder."""

from __future__ import annotations

import contextlib
import os

import pytest
from hypothesis import settings

settings.register_profile("default", max_examples=150)
settings.register_profile("thorough", max_examples=3000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Offscreen Qt for every test; keep DISPLAY unset so D-Bus does not auto-launch (FIELD-NOTES).
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.pop("DISPLAY", None)
os.environ.pop("WAYLAND_DISPLAY", None)


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No test touches the real config, data or log folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var, sub in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_CACHE_HOME", ".cache"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.delenv("POSTURE_APP_BASEDIR", raising=False)


@pytest.fixture
def base(tmp_path):
    """The --basedir of a command-line test."""
    return tmp_path / "base"


@pytest.fixture
def posture(base, clock, capsys):
    """Run a command against `base` at the test's `clock`; return (status, out, err)."""
    from posture_app import cli

    def call(*argv: str) -> tuple[int, str, str]:
        status = cli.main([*argv, "--basedir", str(base)], clock=clock)
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return call


def _forked_leftovers(tmp_path) -> list[int]:
    """Fork servers and windows forked by them that a test started: started from scratch by
    the test process (`python -m posture_app.ui.forkserver`), or by an app on its tmp_path."""
    found = []
    for proc in os.scandir("/proc"):
        if not proc.name.isdigit():
            continue
        try:
            with open(f"{proc.path}/comm", encoding="ascii") as comm:
                name = comm.read().strip()
            with open(f"{proc.path}/cmdline", "rb") as cmdline:
                args = cmdline.read()
            with open(f"{proc.path}/stat", encoding="ascii") as stat:
                state = stat.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        ours = b"posture_app.ui.forkserver" in args or str(tmp_path).encode() in args
        if name in ("posture-forks", "posture-window") and ours and state != "Z":
            found.append(int(proc.name))
    return found


@pytest.fixture
def no_forked_leftovers(qtbot, tmp_path):
    """Fail a test that leaves a fork server or a forked window running (they are not killed
    with the test process, as QProcess's children are), and end them."""
    if not os.path.isdir("/proc/self/task"):
        yield
        return
    before = set(_forked_leftovers(tmp_path))  # not this test's
    yield

    def left() -> set[int]:
        return set(_forked_leftovers(tmp_path)) - before

    try:
        qtbot.waitUntil(lambda: not left(), timeout=10_000)
    except qtbot.TimeoutError:
        stayed = left()
        for pid in stayed:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 9)
        pytest.fail(f"left running: {sorted(stayed)}")
