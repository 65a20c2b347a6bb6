"""Composition root: parse the command line, then run a headless command or the tray app."""

from __future__ import annotations

import argparse  # cli loads it anyway
import sys
from collections.abc import Sequence

from posture_app import cli
from posture_app.core.log import configure_on_first_use
from posture_app.paths import resolve_paths


def main(argv: Sequence[str] | None = None) -> int:
    """`posture-app` and `python main.py`: one program."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        args = cli.parse(args_list)
    except cli.UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.command is not None:
        configure_on_first_use(_log_warnings_to_stderr)
        return cli.run(args)
    return _gui(args)


def _log_warnings_to_stderr() -> None:
    import logging

    logging.basicConfig(level=logging.WARNING, format=f"{cli.PROG}: %(message)s")


def _gui(args: argparse.Namespace) -> int:
    """Start the tray app (Qt is imported only here, so headless commands stay fast)."""
    paths = resolve_paths(getattr(args, "basedir", None))
    from posture_app.ui.app import run

    return run(paths)
