"""Window processes forked from a copy of the tray app made before Qt started (Linux, BSD).

A click on the tray icon with no window process running used to start one from scratch:
Python, PySide6 and the app's modules, about two thirds of the time to the window's first
paint. So the tray app, once its modules are imported and before it makes its QApplication
(while it has one thread and no display connection, when forking is safe), forks a small
server. The server waits on a socket; asked for a window, it forks again, and that child runs
the window (`posture_app.ui.window.__main__.main`) with everything already imported.

The server costs little memory: it shares the tray's pages as they were at the fork, and
touches almost nothing while it waits (no wake-ups either). It goes when the tray app goes
(its socket closes). Where it cannot run, the window's process is started the usual way.

The server says "R" once it serves. Each request then carries the window's arguments, the
tray's environment as it is now (as QProcess would pass it), and four file descriptors: its
standard input (a pipe the tray holds open, as with `--with-tray`), output, error output, and a
"status" pipe on which the child writes its exit status as it ends. The server answers with
the child's pid. The tray learns the end from the status pipe closing, so the server never has
to report back; its children are reaped by the kernel.
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
from collections.abc import Callable, Mapping, Sequence
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
#: What the server says once it serves (a server started from scratch imports first).
READY = b"R"
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
        self._ready = False

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
        for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
            with contextlib.suppress(OSError, ValueError, AttributeError):
                stream.flush()
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

    def is_ready(self) -> bool:
        """Whether the server serves yet (one started from scratch imports for a moment
        first); this never waits. OSError if it has gone (it is then closed)."""
        if self._ready:
            return True
        if self._sock.fileno() < 0:
            raise OSError("the window launcher has ended")
        poller = select.poll()  # recv() would wait for the socket's timeout
        poller.register(self._sock, select.POLLIN)
        if not poller.poll(0):
            return False
        try:
            said = self._sock.recv(len(READY))
        except OSError as exc:
            self.close()
            raise OSError(f"the window launcher has ended ({exc})") from exc
        if said != READY:
            self.close()
            raise OSError("the window launcher has ended")
        self._ready = True
        return True

    def launch(
        self, argv: Sequence[str], fds: Sequence[int], env: Mapping[str, str] | None = None
    ) -> int:
        """Fork a window process with these arguments, environment (default: this process's)
        and descriptors (standard input, output, error output, status; the caller closes its
        copies); return its pid. BlockingIOError while the server is not ready yet; OSError if
        it has gone, did not answer or could not fork: it is then closed, not asked again."""
        if len(fds) != FDS:
            raise ValueError(f"a launch takes {FDS} descriptors, not {len(fds)}")
        if not self.is_ready():
            raise BlockingIOError("the window launcher is still starting")
        request = {"argv": list(argv), "env": dict(os.environ if env is None else env)}
        payload = json.dumps(request).encode()
        data = _LENGTH.pack(len(payload)) + payload
        try:
            sent = socket.send_fds(self._sock, [data], list(fds))
            if sent < len(data):
                self._sock.sendall(data[sent:])
            pid = int(_PID.unpack(_read_exactly(self._sock, _PID.size))[0])
        except OSError as exc:
            self.close()
            raise OSError(f"the window launcher has ended ({exc})") from exc
        if pid <= 0:
            self.close()
            raise OSError("the window launcher could not fork")
        return pid

    def close(self) -> None:
        """End the server; window processes it forked stay. Waits a moment for it, so that it
        is not left a zombie."""
        if self._sock.fileno() < 0:
            return
        self._sock.close()  # what ends it when this process ends, however that happens
        with contextlib.suppress(ProcessLookupError):
            # Not reaped yet, so the pid is still its own; one still importing would only
            # see the socket close once it serves.
            os.kill(self.pid, signal.SIGTERM)
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
    try:
        sock.sendall(READY)
    except OSError:
        return
    while True:
        try:
            head, fds, flags, _addr = socket.recv_fds(sock, _LENGTH.size, FDS)
        except OSError:
            return
        if not head:
            return  # the tray app has gone
        try:
            if flags & getattr(socket, "MSG_CTRUNC", 0) or len(fds) != FDS:
                raise ValueError("a request without its descriptors")
            if len(head) < _LENGTH.size:
                head += _read_exactly(sock, _LENGTH.size - len(head))
            request = json.loads(_read_exactly(sock, _LENGTH.unpack(head)[0]))
            argv = [str(a) for a in request["argv"]]
            env = {str(k): str(v) for k, v in request["env"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            for fd in fds:
                os.close(fd)
            return  # out of step with the tray: end, and it starts windows from scratch
        try:
            pid = os.fork()
        except OSError:
            pid = -1
        if pid == 0:
            try:  # nothing may return into this loop: it would be a second server
                sock.close()
                _run_child(target, argv, env, fds)  # ends the process itself
            finally:
                os._exit(1)
        for fd in fds:
            os.close(fd)
        try:
            sock.sendall(_PID.pack(pid))
        except OSError:
            return


def _run_child(target: str, argv: list[str], env: Mapping[str, str], fds: Sequence[int]) -> None:
    """In the forked window process: take the environment and the descriptors, run the
    target, say how it ended."""
    status = -1
    code = 1
    try:
        import fcntl

        # Above 2 first: a tray started with its standard streams closed gets low numbers.
        moved = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3) for fd in fds]
        for fd in fds:
            os.close(fd)
        status = moved[3]  # close-on-exec: a program the window starts must not hold it
        for fd, std in zip(moved[:3], (0, 1, 2), strict=True):
            os.dup2(fd, std)  # inheritable, as any process's are
            os.close(fd)
        os.environ.clear()  # the tray's environment as it is now, not as at the fork
        os.environ.update(env)
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
        # Not after its end: the kernel reaps it at once, so its pid may be another's by then.
        # The end may not have been read yet (at quit, the event loop has stopped): read first.
        self._read_available()
        if self.code is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def _read_available(self, timeout_ms: int = 0) -> bool:
        """Read what the status pipe has within timeout_ms; whether anything was there."""
        if self._status is None:
            return False
        poller = select.poll()
        poller.register(self._status, select.POLLIN)
        if not poller.poll(timeout_ms):
            return False
        self._readable()
        return True

    def waitForFinished(self, msecs: int) -> bool:
        """Block until it has ended (finished is emitted) or msecs have passed."""
        deadline = time.monotonic() + msecs / 1000
        while self.code is None:
            left_ms = int((deadline - time.monotonic()) * 1000)
            if left_ms < 0 or not self._read_available(left_ms):
                return False
        return True

    def errorString(self) -> str:
        """Why it ended, as far as this end knows."""
        return "the window's process ended unexpectedly"


def _main(argv: Sequence[str]) -> int:
    """`python -m posture_app.ui.forkserver FD [TARGET]`: serve on the inherited socket FD."""
    from posture_app.ui import quiet_pyside_imports

    quiet_pyside_imports()
    target = argv[1] if len(argv) > 1 else WINDOW_TARGET
    # Qt's widget modules and the window's start (its options, the core); the views and the
    # charts are left to each window, as with a server forked by the tray app.
    import importlib

    import PySide6.QtGui
    import PySide6.QtWidgets  # noqa: F401

    importlib.import_module(target.partition(":")[0])
    sock = socket.socket(fileno=int(argv[0]))
    gc.freeze()
    _serve(sock, target)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
