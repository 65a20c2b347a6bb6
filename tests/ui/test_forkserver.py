"""The fork server (posture_app/ui/forkserver.py) with a stand-in target: real processes.

The test process runs Qt, so the servers here are started from scratch (`spawn`), the way the
app does when the setting is turned on while it runs; `start` (a fork before Qt) is run in a
fresh Python. Their children are forked from the server, as the window's are."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from posture_app.ui import FORKS_WINDOWS
from posture_app.ui.forkserver import WINDOW_NAME, ForkedProcess, ForkServer

pytestmark = [
    pytest.mark.skipif(
        not FORKS_WINDOWS or not sys.platform.startswith("linux"),
        reason="window processes are not forked here (or no /proc to look at them)",
    ),
    pytest.mark.usefixtures("no_forked_leftovers"),
]

TARGET = "tests.ui.forkserver_target:run"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server(qtbot) -> Iterator[ForkServer]:
    made = ForkServer.spawn(TARGET)
    assert made is not None
    qtbot.waitUntil(made.is_ready, timeout=20_000)  # it imports first
    yield made
    made.close()


def alive(pid: int) -> bool:
    """Running and not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def launch(
    server: ForkServer, tmp_path: Path, *argv: str, env: dict[str, str] | None = None
) -> tuple[ForkedProcess, Path, Path]:
    """A child running the target with `argv`, as the app launches a window; its output files."""
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    stdin_r, stdin_w = os.pipe()
    status_r, status_w = os.pipe()
    fds = [stdin_r, os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
           os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), status_w]  # fmt: skip
    try:
        pid = server.launch(list(argv), fds, env)
    finally:
        for fd in fds:
            os.close(fd)
    return ForkedProcess(pid, stdin_w, status_r), out, err


def said(path: Path) -> dict[str, str]:
    lines = path.read_text().splitlines() if path.exists() else []
    return dict(line.split(" ", 1) for line in lines if " " in line)


def test_a_child_runs_the_target_with_its_arguments_and_descriptors(qtbot, server, tmp_path):
    env = {**os.environ, "FORKSERVER_TEST": "now"}  # the app's environment as it is now
    process, out, _err = launch(server, tmp_path, "exit", "7", "--with space", env=env)
    with qtbot.waitSignal(process.finished, timeout=20_000) as ended:
        pass
    assert ended.args == [7]
    assert process.code == 7
    text = said(out)
    assert text["argv"] == "exit 7 --with space"
    assert text["name"] == f"{WINDOW_NAME} pid {process.pid}"
    assert text["env"] == "now"  # not the server's environment, which lacks it
    assert text["sockets"] == "0"  # the server's socket stays in the server
    assert process.pid != server.pid
    # Reaped by the kernel, no zombie left (its descriptors close a moment before it is gone).
    qtbot.waitUntil(lambda: not alive(process.pid), timeout=5000)


def test_standard_input_closed_by_the_app_ends_a_waiting_child(qtbot, server, tmp_path):
    process, _out, _err = launch(server, tmp_path, "wait")
    assert not process.waitForFinished(300)  # it waits for its input...
    with qtbot.waitSignal(process.finished, timeout=20_000) as ended:
        process.closeWriteChannel()  # ...which ends as when the app ends
    assert ended.args == [0]


def test_an_error_in_the_child_is_written_where_its_errors_go(qtbot, server, tmp_path):
    process, _out, err = launch(server, tmp_path, "raise")
    with qtbot.waitSignal(process.finished, timeout=20_000) as ended:
        pass
    assert ended.args == [1]
    assert "RuntimeError: the target broke" in err.read_text()


def test_a_child_ended_by_a_signal_reports_no_status(qtbot, server, tmp_path):
    process, out, _err = launch(server, tmp_path, "hang")
    qtbot.waitUntil(lambda: "name" in said(out), timeout=20_000)
    with qtbot.waitSignal(process.finished, timeout=20_000) as ended:
        process.terminate()
    assert ended.args == [-1]
    assert process.errorString()


def test_wait_for_finished_blocks_until_the_end(server, tmp_path):
    process, _out, _err = launch(server, tmp_path, "exit", "3")
    assert process.waitForFinished(20_000)
    assert process.code == 3


def test_children_stay_when_the_server_ends(qtbot, server, tmp_path):
    process, out, _err = launch(server, tmp_path, "wait")
    qtbot.waitUntil(lambda: "name" in said(out), timeout=20_000)
    server.close()
    assert not Path(f"/proc/{server.pid}").exists()  # it ended, and was reaped
    assert alive(process.pid)
    with qtbot.waitSignal(process.finished, timeout=20_000):
        process.closeWriteChannel()


def test_a_server_that_has_gone_cannot_launch(server, tmp_path):
    os.kill(server.pid, 9)
    with pytest.raises(OSError, match="the window launcher has ended"):
        launch(server, tmp_path, "exit", "0")
    with pytest.raises(OSError, match="the window launcher has ended"):  # not asked again
        launch(server, tmp_path, "exit", "0")


def test_a_server_started_from_scratch_is_not_asked_before_it_serves(tmp_path):
    made = ForkServer.spawn(TARGET)
    assert made is not None
    try:
        assert not made.is_ready()  # it is still importing: a Python start takes longer
        with pytest.raises(BlockingIOError):
            launch(made, tmp_path, "exit", "0")
    finally:
        made.close()
    assert not Path(f"/proc/{made.pid}").exists()  # ended at once, not after its imports


def test_a_launch_needs_its_four_descriptors(server):
    with pytest.raises(ValueError, match="4 descriptors"):
        server.launch(["exit", "0"], [0, 1, 2])


def test_no_fork_once_qt_runs(qapp):
    assert ForkServer.start(TARGET) is None  # this process has a QApplication (and threads)


# The server forked before Qt, as the tray app does with the setting on: in a fresh Python.
FORKED_BEFORE_QT = """
import os, sys
from pathlib import Path
from posture_app.ui.forkserver import ForkServer, SERVER_NAME

server = ForkServer.start(sys.argv[1])
assert server is not None, "no server"
while not server.is_ready():  # it says so once it serves (a fork: at once)
    pass
out = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
stdin_r, stdin_w = os.pipe()
status_r, status_w = os.pipe()
pid = server.launch(["exit", "5"], [stdin_r, out, 2, status_w])
for fd in (stdin_r, out, status_w):
    os.close(fd)
assert Path(f"/proc/{server.pid}/comm").read_text().strip() == SERVER_NAME  # named, then served
said = b""
while chunk := os.read(status_r, 64):
    said += chunk
server.close()
print(f"status {said.decode()} server-gone {not Path(f'/proc/{server.pid}').exists()}")
"""


def test_a_server_forked_before_qt_runs_children(tmp_path):
    out = tmp_path / "out.txt"
    done = subprocess.run(
        [sys.executable, "-c", FORKED_BEFORE_QT, TARGET, str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["status", "5", "server-gone", "True"]
    assert said(out)["argv"] == "exit 5"
