"""Composition root: parse the command line, then run a headless command or the tray app."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from posture_app.paths import resolve_paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from posture_app.paths import Paths
    from posture_app.ui.forkserver import ForkServer

_BASEDIR = "--basedir"


def main(argv: Sequence[str] | None = None) -> int:
    """`posture-app` and `python main.py`: one program."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    plain, basedir = _plain_start(args_list)
    if plain:
        return _gui(basedir)
    from posture_app import cli
    from posture_app.core.log import configure_on_first_use

    try:
        args = cli.parse(args_list)
    except cli.UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.command is not None:
        configure_on_first_use(_log_warnings_to_stderr)
        return cli.run(args)
    return _gui(getattr(args, "basedir", None))


def _plain_start(argv: list[str]) -> tuple[bool, str | None]:
    """Whether this is `posture-app [--basedir DIR]`, and DIR: the tray app starts without
    loading the command line's parser and reports (a few megabytes kept all day)."""
    if not argv:
        return True, None
    if len(argv) == 2 and argv[0] == _BASEDIR and argv[1] and not argv[1].startswith("-"):
        return True, argv[1]
    return False, None


def _log_warnings_to_stderr() -> None:
    import logging

    from posture_app.cli import PROG

    logging.basicConfig(level=logging.WARNING, format=f"{PROG}: %(message)s")


def _gui(basedir: str | None) -> int:
    """Start the tray app (Qt is imported only here, so headless commands stay fast)."""
    paths = resolve_paths(basedir)
    from posture_app.ui import quiet_pyside_imports

    quiet_pyside_imports()  # first: it keeps PySide6 from reading each module's source
    from posture_app.ui.app import run

    return run(paths, _fork_server(paths))


def _fork_server(paths: Paths) -> ForkServer | None:
    """With the "Keep the window ready" setting, fork the server that starts window processes
    (posture_app/ui/forkserver.py): now, with the modules imported and before Qt starts."""
    from posture_app.core.settings import SettingsError, load_settings

    try:  # read only: the app reads it again, and says what is wrong with it
        settings, _warnings = load_settings(paths.settings_file, read_only=True)
    except SettingsError:
        return None
    if not settings.window_ready:
        return None
    from posture_app.ui.forkserver import ForkServer

    return ForkServer.start()
