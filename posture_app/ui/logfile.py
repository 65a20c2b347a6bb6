"""The app's log files: private to the user, rolled over by size."""

from __future__ import annotations

import io
import logging
import os
import sys
from pathlib import Path

from posture_app.core.files import FILE_MODE, make_private_dirs
from posture_app.paths import APP_NAME

#: The log rolls over to a new file at this size; this many old files are kept.
LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 3


class PrivateLog(logging.FileHandler):
    """A log file only the user can read (it says when they sit and rest), rolled over by size.

    Written here rather than taken from `logging.handlers`, whose import (sockets, pickle,
    queues) costs about a megabyte in a process that runs all day; rolling over is ten lines.
    """

    def __init__(self, path: Path, max_bytes: int = LOG_MAX_BYTES, backups: int = LOG_BACKUPS):
        self.max_bytes = max_bytes
        self.backups = backups
        super().__init__(path, encoding="utf-8")

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)

    def emit(self, record: logging.LogRecord) -> None:
        """Write the record, then start a new file if this one has grown too big."""
        super().emit(record)
        try:
            if self.max_bytes and self.stream is not None and self.stream.tell() >= self.max_bytes:
                self.roll_over()
        except Exception:  # logging must never break the app, as in logging itself
            self.handleError(record)

    def roll_over(self) -> None:
        """log -> log.1 -> log.2 ...; the oldest beyond `backups` is overwritten.

        If the files cannot be renamed, rolling over stops (said once on stderr) rather than
        being tried again at every record.
        """
        if self.stream is not None:
            self.stream.close()
            self.stream = None  # reopened by the next record
        base = self.baseFilename
        try:
            for n in range(self.backups - 1, 0, -1):
                if os.path.exists(f"{base}.{n}"):
                    os.replace(f"{base}.{n}", f"{base}.{n + 1}")
            if self.backups > 0:
                os.replace(base, f"{base}.1")
        except OSError as exc:
            self.max_bytes = 0
            print(f"{APP_NAME}: cannot roll the log over, it keeps growing: {exc}", file=sys.stderr)


def setup_logging(log_dir: Path, file_name: str) -> None:
    """Log to a rolled-over file in the log folder, and warnings to stderr."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    try:
        make_private_dirs(log_dir)
        handler = PrivateLog(log_dir / file_name)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    except OSError as exc:
        print(f"{APP_NAME}: cannot write the log in {log_dir}: {exc}", file=sys.stderr)
    err = logging.StreamHandler()
    err.setLevel(logging.WARNING)
    err.setFormatter(logging.Formatter(f"{APP_NAME}: %(message)s"))
    root.addHandler(err)
