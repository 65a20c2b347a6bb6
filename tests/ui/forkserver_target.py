"""A stand-in for the window, run by forked children in tests/ui/test_forkserver.py.

`run(argv)`: prints its arguments and the process name, then, by the first argument:
"exit N" returns N; "wait" waits for standard input to close, then returns 0; "raise" raises;
"hang" waits for a signal.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path


def run(argv: list[str]) -> int:
    comm = Path("/proc/self/comm")
    name = comm.read_text().strip() if comm.exists() else "?"
    print(f"argv {' '.join(argv)}")
    print(f"name {name} pid {os.getpid()}")
    print(f"env {os.environ.get('FORKSERVER_TEST', '-')}")
    fd_dir = Path("/proc/self/fd")
    links = [os.readlink(fd_dir / fd) for fd in os.listdir(fd_dir) if (fd_dir / fd).exists()]
    print(f"sockets {sum(link.startswith('socket:') for link in links)}", flush=True)
    what = argv[0] if argv else ""
    if what == "exit":
        return int(argv[1])
    if what == "wait":
        while os.read(0, 4096):
            pass
        return 0
    if what == "raise":
        raise RuntimeError("the target broke")
    if what == "hang":
        signal.pause()
    print(f"unknown: {what}", file=sys.stderr)
    return 2
