"""Read one GNOME setting with the `gsettings` tool (dconf has no read API on D-Bus).

`subprocess` is imported at the first read, not at start: the tray process does not need it
unless a setting is read (about 1 MB).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

log = logging.getLogger(__name__)

#: The tool, as an argv prefix.
COMMAND: tuple[str, ...] = ("gsettings",)
#: How long `gsettings` may take to answer; the read blocks the main thread.
TIMEOUT_S = 2.0


def parse_bool(output: str) -> bool | None:
    """`gsettings get` prints `true` or `false`; anything else is None."""
    return {"true": True, "false": False}.get(output.strip())


class GSettings:
    """Reads keys with `gsettings get`; owns which keys it has already said it cannot read.

    A key that cannot be read (no `gsettings`, no such schema, a timeout) reads as None, and the
    first failure for each key is logged; later ones are not, so a re-read every minute does not
    fill the log.
    """

    def __init__(self, command: Sequence[str] = COMMAND, *, timeout_s: float = TIMEOUT_S) -> None:
        self._command = list(command)
        self._timeout_s = timeout_s
        self._logged: set[tuple[str, str]] = set()
        self._problem = ""

    @property
    def problem(self) -> str:
        """Why the last read gave None ("" after a good read)."""
        return self._problem

    def get(self, schema: str, key: str) -> str | None:
        """The key's value as `gsettings get` prints it (e.g. `false`, `'text'`), or None."""
        import subprocess  # lazily: see the module docstring

        try:
            done = subprocess.run(
                [*self._command, "get", schema, key],
                capture_output=True,
                text=True,
                timeout=self._timeout_s,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as error:
            self._failed(schema, key, str(error))
            return None
        value = done.stdout.strip()
        if done.returncode != 0 or not value:
            self._failed(schema, key, done.stderr.strip() or f"exit status {done.returncode}")
            return None
        self._problem = ""
        return value

    def get_bool(self, schema: str, key: str) -> bool | None:
        """The boolean key's value, or None when it cannot be read or is not a boolean."""
        text = self.get(schema, key)
        if text is None:
            return None
        value = parse_bool(text)
        if value is None:
            self._failed(schema, key, f"not a boolean: {text!r}")
        return value

    def _failed(self, schema: str, key: str, why: str) -> None:
        """Remember why; log it the first time this key fails."""
        self._problem = why
        if (schema, key) not in self._logged:
            self._logged.add((schema, key))
            log.info("cannot read %s %s with gsettings: %s", schema, key, why)
