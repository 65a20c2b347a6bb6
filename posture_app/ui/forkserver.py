"""Window processes forked from a copy of the tray app made before Qt started (POSIX).

A click on the tray icon with no window process running used to start one from scratch:
Python, PySide6 and the app's modules, about two thirds of the time to the window's first
paint. So the tray app, once its modules are imported and before it makes its QApplication
(while it has one thread and no display connection, when forking is safe), forks a small
server. The server waits on a socket; asked for a window, it forks again, and that child runs
the window (`posture_app.ui.window.__main__.main`) with everything already imported.

The server costs little memory: it shares the tray's pages as they were at the fork, and
touches almost nothing while it waits (no wake-ups either). It goes when the tray app goes
(its socket closes). Where it cannot run, the window's process is started the usual way.

Each request carries the window's arguments and four file descriptors: its standard input (a
pipe the tray holds open, as with `--with-tray`), output, error output, and a "status" pipe on
which the child writes its exit status as it ends. The tray learns the end from that pipe
closing, so the server never has to report back; its children are reaped by the kernel.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import select
import signal
import socket
import struct
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSocketNotifier, Signal

from posture_app.ui import FORKS_WINDOWS

if TYPE_CHECKING:
    import subprocess

log = logging.getLogger(__name__)

#: What a forked child runs: "module:function", called with the arguments; returns the exit
#: status. Imported in the child, so the window's own modules are not kept in the server.
WINDOW_TARGET = "posture_app.ui.window.__main__:main"
#: The names `top` and `ps -o comm` show (at most 15 bytes, Linux).
SERVER_NAME = "posture-forks"
WINDOW_NAME = "posture-window"
#: How long the tray waits for the server to say it forked (it answers in a millisecond).
REPLY_TIMEOUT_S = 2.0
#: Descriptors a request carries: standard input, output, error output, status.
FDS = 4
#: The folder holding the package, for a server started from scratch (`-m` finds it there).
PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_LENGTH = struct.Struct("!I")
_PID = struct.Struct("!i")


class ForkServer:
    """The tray's end of the server: `launch` a window process, `close` to end the server."""

    def __init__(self, sock: socket.socket, pid: int) -> None:
        self._sock = sock
        self.pid = pid
        self._child: subprocess.Popen[bytes] | None = None  # one started from scratch

    @classmethod
    def start(cls, target: str = WINDOW_TARGET) -> ForkServer | None:
        """Fork the server; None where that is not safe or not possible (then windows start
        the usual way). Call it before anything starts a thread or opens a display."""
        why = _cannot_fork()
        if why:
            log.info("window processes start from scratch: %s", why)
            return None
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        # What was made so far stays out of the tray's collections, so the collector does not
        # write to those pages and the server keeps sharing them (Instagram's gc.freeze use).
        gc.freeze()
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError as exc:
            ours.close()
            theirs.close()
            log.warning("window processes start from scratch: cannot fork: %s", exc)
            return None
        if pid == 0:  # the server
            code = 0
            try:
                ours.close()
                _serve(theirs, target)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        theirs.close()
        ours.settimeout(REPLY_TIMEOUT_S)
        return cls(ours, pid)

    @classmethod
    def spawn(cls, target: str = WINDOW_TARGET) -> ForkServer | None:
        """Start a server from scratch, for a process where Qt runs already: a new Python
        (`python -m posture_app.ui.forkserver FD`) that imports what a window needs, then
        serves. It holds more memory than a forked one (it shares none); None if it cannot
        start."""
        if not FORKS_WINDOWS or not hasattr(socket, "send_fds"):
            return None
        import subprocess

        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            child = subprocess.Popen(
                [sys.executable, "-m", __name__, str(theirs.fileno()), target],
                pass_fds=[theirs.fileno()], cwd=PACKAGE_ROOT, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )  # fmt: skip
        except OSError as exc:
            ours.close()
            log.warning("cannot start the window launcher: %s", exc)
            return None
        finally:
            theirs.close()
        ours.settimeout(REPLY_TIMEOUT_S)
        server = cls(ours, child.pid)
        server._child = child
        return server

    def launch(self, argv: Sequence[str], fds: Sequence[int]) -> int:
        """Fork a window process with these arguments and descriptors (standard input, output,
        error output, status; the caller closes its copies); return its pid. OSError if the
        server has gone or did not answer: it is then closed, and will not be asked again."""
        if len(fds) != FDS:
            raise ValueError(f"a launch takes {FDS} descriptors, not {len(fds)}")
        if self._sock.fileno() < 0:
            raise OSError("the window launcher has ended")
        payload = json.dumps(list(argv)).encode()
        try:
            socket.send_fds(self._sock, [_LENGTH.pack(len(payload)) + payload], list(fds))
            reply = _read_exactly(self._sock, _PID.size)
        except OSError as exc:
            self.close()
            raise OSError(f"the window launcher has ended ({exc})") from exc
        pid = int(_PID.unpack(reply)[0])
        if pid <= 0:
            raise OSError("the window launcher could not fork")
        return pid

    def close(self) -> None:
        """End the server (it sees its socket close and exits); window processes it forked
        stay. Waits a moment for it, so that it is not left a zombie."""
        self._sock.close()
        if self._child is not None:
            import subprocess

            with contextlib.suppress(subprocess.TimeoutExpired):
                self._child.wait(REPLY_TIMEOUT_S)
            return
        deadline = time.monotonic() + REPLY_TIMEOUT_S
        while True:
            try:
                pid, _status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                return  # reaped already
            if pid or time.monotonic() > deadline:
                return
            time.sleep(0.001)


def _cannot_fork() -> str:
    """Why forking this process now is not safe ("" if it is)."""
    if not FORKS_WINDOWS or not hasattr(socket, "send_fds"):
        return f"not on this system ({sys.platform})"
    import threading

    if threading.active_count() > 1:
        return "threads are running"
    try:  # threads Python does not know about (Linux)
        if len(os.listdir("/proc/self/task")) > 1:
            return "threads are running"
    except OSError:
        pass
    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QCoreApplication

        if QCoreApplication.instance() is not None:
            return "Qt has started"
    return ""


def _read_exactly(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionResetError("the window launcher has ended")
        data += chunk
    return data


def _name_process(name: str) -> None:
    """Set the name `top` shows (Linux; nothing elsewhere)."""
    try:
        with open("/proc/self/comm", "w", encoding="ascii") as comm:
            comm.write(name)
    except OSError:
        pass


def _serve(sock: socket.socket, target: str) -> None:
    """The server's loop: one fork per request, until the tray's end closes."""
    gc.disable()  # it makes no garbage, and a collection would write to the shared pages
    _name_process(SERVER_NAME)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the children
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in a terminal is for the tray app
    while True:
        try:
            head, fds, _flags, _addr = socket.recv_fds(sock, _LENGTH.size, FDS)
        except OSError:
            return
        if not head:
            return  # the tray app has gone
        try:
            if len(head) < _LENGTH.size:
                head += _read_exactly(sock, _LENGTH.size - len(head))
            argv = json.loads(_read_exactly(sock, _LENGTH.unpack(head)[0]))
        except (OSError, ValueError):
            for fd in fds:
                os.close(fd)
            return
        pid = os.fork() if len(fds) == FDS else -1
        if pid == 0:
            sock.close()
            _run_child(target, [str(a) for a in argv], fds)  # never returns
        for fd in fds:
            os.close(fd)
        try:
            sock.sendall(_PID.pack(pid))
        except OSError:
            return


def _run_child(target: str, argv: list[str], fds: Sequence[int]) -> None:
    """In the forked window process: take the descriptors, run the target, say how it ended."""
    status = fds[3]
    code = 1
    try:
        for fd, std in zip(fds[:3], (0, 1, 2), strict=True):
            os.dup2(fd, std)  # inheritable, as any process's are
            os.close(fd)
        os.set_inheritable(status, False)  # a program the window starts must not hold it
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        _name_process(WINDOW_NAME)
        gc.disable()  # as a window's start does (gc.enable() once the window is ready)
        code = _load(target)(argv)
    except SystemExit as exc:
        code = 0 if exc.code is None else exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError, AttributeError):
                stream.flush()
        with contextlib.suppress(OSError):
            os.write(status, str(code).encode())
        os._exit(code)


def _load(target: str) -> Callable[[list[str]], int]:
    import importlib

    module, _, name = target.partition(":")
    function: Callable[[list[str]], int] = getattr(importlib.import_module(module), name)
    return function


class ForkedProcess(QObject):
    """A window process the server forked, as the tray app sees it: what it uses of QProcess
    (`finished`, `closeWriteChannel`, `terminate`, `kill`, `waitForFinished`, `errorString`),
    learning the end from the status pipe."""

    #: The exit status; -1 when the process ended without saying (killed, crashed).
    finished = Signal(int)

    def __init__(self, pid: int, stdin: int, status: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pid = pid
        self._stdin: int | None = stdin
        self._status: int | None = status
        self._said = b""
        self.code: int | None = None
        self._notifier = QSocketNotifier(status, QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._readable)

    def _readable(self) -> None:
        if self._status is None:
            return
        try:
            data = os.read(self._status, 64)
        except OSError:
            data = b""
        if data:
            self._said += data
        else:
            self._ended()

    def _ended(self) -> None:
        self._notifier.setEnabled(False)
        if self._status is not None:
            os.close(self._status)
            self._status = None
        self.closeWriteChannel()
        try:
            self.code = int(self._said)
        except ValueError:
            self.code = -1
        self.finished.emit(self.code)

    def closeWriteChannel(self) -> None:
        """Close its standard input: with --with-tray, a hidden window then quits."""
        if self._stdin is not None:
            os.close(self._stdin)
            self._stdin = None

    def terminate(self) -> None:
        """SIGTERM, as QProcess.terminate does."""
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        """SIGKILL."""
        self._signal(signal.SIGKILL)

    def _signal(self, signum: int) -> None:
        if self.code is None:  # not after its end: the pid may be another process's by then
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def waitForFinished(self, msecs: int) -> bool:
        """Block until it has ended (finished is emitted) or msecs have passed."""
        deadline = time.monotonic() + msecs / 1000
        while self.code is None and self._status is not None:
            left = deadline - time.monotonic()
            ready = left > 0 and select.select([self._status], [], [], left)[0]
            if not ready:
                return False
            self._readable()
        return True

    def errorString(self) -> str:
        """Why it ended, as far as this end knows."""
        return "the window's process ended unexpectedly"


def _main(argv: Sequence[str]) -> int:
    """`python -m posture_app.ui.forkserver FD [TARGET]`: serve on the inherited socket FD."""
    from posture_app.ui import quiet_pyside_imports

    quiet_pyside_imports()
    # What the tray app has imported when it forks a server: Qt's widget modules and the
    # window's start. The charts are left to each window, as there.
    import PySide6.QtGui
    import PySide6.QtWidgets  # noqa: F401

    target = argv[1] if len(argv) > 1 else WINDOW_TARGET
    import importlib

    importlib.import_module(target.partition(":")[0])
    sock = socket.socket(fileno=int(argv[0]))
    gc.freeze()
    _serve(sock, target)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
