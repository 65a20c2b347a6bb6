"""One app per user and data folder: a second launch asks the running one to show its window.

Where the platform has Unix domain sockets (Linux, macOS), a plain Python socket watched by a
QSocketNotifier does it: QtNetwork's QLocalServer would load about 3 MB of libraries (Kerberos
among them) into a process that runs all day, for one message a week. Windows gets QLocalServer.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import stat
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier, Signal

from posture_app.paths import APP_NAME

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalSocket

log = logging.getLogger(__name__)

#: How long a second launch waits to reach the running one.
CONNECT_S = 0.5
#: Unix socket paths longer than this do not fit (108 bytes on Linux, 104 on macOS).
MAX_SOCKET_PATH = 100
_SHOW = b"show\n"


def instance_name(data_dir: Path, runtime_dir: str | None) -> str:
    """The socket's path: in the user's runtime folder when there is one (private, cleaned at
    logout), else in a private folder of the user's own in the temp folder."""
    key = f"{zlib.crc32(str(data_dir).encode()):08x}"
    if runtime_dir and os.path.isdir(runtime_dir):
        name = os.path.join(runtime_dir, f"{APP_NAME}-{key}")
        if len(name.encode()) <= MAX_SOCKET_PATH:
            return name
    return os.path.join(_private_temp_dir(), f"{APP_NAME}-{key}")


def _private_temp_dir() -> str:
    """`TMP/posture-app-UID`, made 0700 if missing; refused if it is not the user's own.

    (On Windows `TMP/posture-app-USER`: only the name's last part names a local pipe there.)
    """
    if not hasattr(os, "getuid"):
        import getpass

        return os.path.join(tempfile.gettempdir(), f"{APP_NAME}-{getpass.getuser()}")
    folder = os.path.join(tempfile.gettempdir(), f"{APP_NAME}-{os.getuid()}")
    with contextlib.suppress(FileExistsError):
        os.mkdir(folder, 0o700)
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise OSError(f"{folder} is not a private folder of this user's")
    return folder


class SingleInstance(QObject):
    """Owns the instance socket: asks a running instance to show itself, or becomes it."""

    show_requested = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        try:
            self.name = instance_name(data_dir, os.environ.get("XDG_RUNTIME_DIR"))
        except OSError as exc:  # no private place for the socket: run without the guard
            log.warning("no single-instance socket: %s", exc)
            self.name = ""
        self._server: socket.socket | None = None
        self._notifier: QSocketNotifier | None = None
        self._qt: _QtServer | None = None

    def ask_running(self) -> bool:
        """If another instance runs, ask it to show its window and return True."""
        return self._reach(_SHOW)

    def is_running(self) -> bool:
        """Whether another instance runs (it is asked nothing)."""
        return self._reach(b"")

    def _reach(self, message: bytes) -> bool:
        if not self.name:
            return False
        if not hasattr(socket, "AF_UNIX"):
            # A pipe name has no backslashes.
            return _QtServer.ask(os.path.basename(self.name), message)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(CONNECT_S)
            try:
                sock.connect(self.name)
                if message:
                    sock.sendall(message)
            except OSError:
                return False
        return True

    def listen(self, *, show_running: bool = True) -> bool:
        """Become the running instance: False if another one already is (then it is asked to
        show its window, unless `show_running` is False).

        Binding the socket is the claim, so two launches at the same moment cannot both win.
        Connections that arrive before Qt's event loop runs wait in the socket's queue.
        """
        if not self.name:
            return True
        if not hasattr(socket, "AF_UNIX"):
            self._qt = _QtServer(os.path.basename(self.name), self.show_requested.emit, self)
            return True
        for _attempt in range(2):
            server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            old = os.umask(0o077)  # only this user may connect
            try:
                server.bind(self.name)
                server.listen(4)
            except OSError as exc:
                server.close()
                if self._reach(_SHOW if show_running else b""):
                    return False  # another instance holds it (and now shows its window)
                if not _remove_stale(self.name):
                    log.warning("single-instance socket %s failed: %s", self.name, exc)
                    return True  # run anyway: one app without the guard beats no app
                continue  # a socket file left by a crash was removed: bind again
            finally:
                os.umask(old)
            server.setblocking(False)
            self._server = server
            self.watch()
            return True
        log.warning("single-instance socket %s: could not claim it", self.name)
        return True

    def watch(self) -> None:
        """Start handling requests (once a QCoreApplication exists; listen calls it if one does)."""
        if self._server is None or self._notifier is not None:
            return
        if QCoreApplication.instance() is None:
            return  # called again once the application exists
        self._notifier = QSocketNotifier(self._server.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._accept)
        self._accept()  # requests that came before the notifier

    def accept_pending(self) -> None:
        """Handle the requests waiting in the socket now (before closing it, say)."""
        if self._server is not None:
            self._accept()

    def close(self) -> None:
        """Stop listening and remove the socket file."""
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier = None
        if self._server is not None:
            self._server.close()
            self._server = None
            with contextlib.suppress(OSError):
                os.unlink(self.name)

    def _accept(self) -> None:
        assert self._server is not None
        while True:
            try:
                conn, _ = self._server.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                log.warning("single-instance socket: %s", exc)
                return
            with conn:
                # The other launch writes its one line right after connecting.
                conn.settimeout(CONNECT_S)
                try:
                    message = conn.recv(len(_SHOW))
                except OSError:
                    continue
            if message == _SHOW:
                self.show_requested.emit()


def _remove_stale(name: str) -> bool:
    """Remove a socket file left by a crash (nobody answered on it); False if it cannot be."""
    try:
        if not stat.S_ISSOCK(os.lstat(name).st_mode):
            return False  # not ours to remove
        os.unlink(name)
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("cannot remove the old instance socket %s: %s", name, exc)
        return False
    return True


class _QtServer(QObject):
    """QLocalServer, for Windows (named pipes), where Python has no Unix sockets."""

    def __init__(
        self, name: str, on_show: Callable[[], None], parent: QObject | None = None
    ) -> None:
        from PySide6.QtNetwork import QLocalServer

        super().__init__(parent)
        self._on_show = on_show
        QLocalServer.removeServer(name)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        if not self._server.listen(name):
            log.warning("single-instance server failed: %s", self._server.errorString())

    @staticmethod
    def ask(name: str, message: bytes = _SHOW) -> bool:
        """Send `message` (if any) to the instance listening on `name`; False if none does."""
        from PySide6.QtNetwork import QLocalSocket

        sock = QLocalSocket()
        sock.connectToServer(name)
        if not sock.waitForConnected(int(CONNECT_S * 1000)):
            return False
        if message:
            sock.write(message)
            sock.waitForBytesWritten(int(CONNECT_S * 1000))
        sock.disconnectFromServer()
        return True

    def _accept(self) -> None:
        while (sock := self._server.nextPendingConnection()) is not None:
            sock.readyRead.connect(lambda s=sock: self._read(s))

    def _read(self, sock: QLocalSocket) -> None:
        if bytes(sock.readAll().data()) == _SHOW:
            self._on_show()
        sock.disconnectFromServer()
