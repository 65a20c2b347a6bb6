"""Composition root: parse the command line, then run a headless command or the tray app."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from posture_app import cli


def main(argv: Sequence[str] | None = None) -> int:
    """`posture-app` and `python main.py`: one program."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        args = cli.parse(args_list)
    except cli.UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.command is not None:
        logging.basicConfig(level=logging.WARNING, format=f"{cli.PROG}: %(message)s")
        return cli.run(args)
    return _gui(args_list)


def _gui(argv: list[str]) -> int:
    """Start the tray app (Qt is imported only here, so headless commands stay fast)."""
    print(
        f"{cli.PROG}: the tray app is not built yet (issue 3); the headless commands work now: "
        f"see '{cli.PROG} --help'",
        file=sys.stderr,
    )
    return 1
