"""Files the user owns: written atomically and user-only, moved aside (never deleted) when bad."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
_O_BINARY = getattr(os, "O_BINARY", 0)


def make_private_dirs(directory: Path) -> None:
    """Create `directory` and any missing parents with mode 0o700."""
    missing: list[Path] = []
    current = directory
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for each in reversed(missing):
        each.mkdir(mode=DIR_MODE, exist_ok=True)
        each.chmod(DIR_MODE)  # the umask may have taken bits away; be exact


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically (temp file, fsync, rename) as a user-only file.

    On failure the old file is left as it was, the temp file is removed, and the OSError
    propagates.
    """
    make_private_dirs(path.parent)
    temp, fd = _open_temp(path.parent, path.name)
    try:
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, FILE_MODE)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def aside_path(path: Path, now: datetime) -> Path:
    """A free name <name>.corrupt-YYYYMMDD-HHMMSS[-N] beside `path`."""
    base = path.with_name(f"{path.name}.corrupt-{now:%Y%m%d-%H%M%S}")
    candidate = base
    counter = 0
    while candidate.exists() or candidate.is_symlink():
        counter += 1
        candidate = base.with_name(f"{base.name}-{counter}")
    return candidate


def move_aside(path: Path, now: datetime, companions: Iterable[str] = ()) -> Path:
    """Rename a bad file (and companions such as `-wal`) out of the way; return its new path."""
    target = aside_path(path, now)
    os.rename(path, target)
    for suffix in companions:
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            os.rename(extra, target.with_name(target.name + suffix))
    return target


def _open_temp(directory: Path, name: str) -> tuple[Path, int]:
    """Create a fresh user-only temp file beside the target; returns its path and descriptor."""
    while True:
        temp = directory / f".{name}.tmp-{os.urandom(4).hex()}"  # not `secrets`: slow import
        try:
            fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | _O_BINARY, FILE_MODE)
        except FileExistsError:
            continue
        return temp, fd


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable where the OS allows syncing a directory (not on Windows)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse; the rename itself already happened
    finally:
        os.close(fd)
