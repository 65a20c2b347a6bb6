"""A gentle chime with a prompt, played by the desktop's own sound player (no audio library)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Protocol

from posture_app.core.log import get_logger

log = get_logger(__name__)

#: Players tried in order on Linux: PulseAudio, PipeWire, ALSA.
LINUX_PLAYERS = ("paplay", "pw-play", "aplay")


class Chime(Protocol):
    """Plays the prompt sound without blocking."""

    name: str

    def play(self) -> None:
        """Start the sound and return at once."""
        ...


class CommandChime:
    """Runs a sound player (paplay, aplay, afplay) on a WAV file in the background."""

    def __init__(self, player: str, wav: Path) -> None:
        self.name = Path(player).name
        self._argv = [player, str(wav)]
        self._failed = False

    def play(self) -> None:
        """Start the player; a failure is logged once and the chime stays quiet after that."""
        if self._failed:
            return
        import subprocess  # here, not at start: most days the tray app never chimes

        try:
            subprocess.Popen(
                self._argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as exc:
            self._failed = True
            log.warning("the prompt sound cannot play (%s): %s", self.name, exc)


class WindowsChime:
    """winsound from the standard library."""

    name = "winsound"

    def __init__(self, wav: Path) -> None:
        self._wav = str(wav)

    def play(self) -> None:
        """Play asynchronously."""
        if sys.platform == "win32":  # winsound exists only there (and mypy checks it so)
            import winsound

            winsound.PlaySound(self._wav, winsound.SND_FILENAME | winsound.SND_ASYNC)


class NullChime:
    """No way to play sound here."""

    name = "none"

    def play(self) -> None:
        """Stay quiet."""


def find_chime(wav: Path, platform: str = sys.platform) -> Chime:
    """The best way to play `wav` on this system, or a quiet stand-in."""
    if not wav.exists():
        return NullChime()
    if platform.startswith("win"):
        return WindowsChime(wav)
    players = ("afplay",) if platform == "darwin" else LINUX_PLAYERS
    for player in players:
        found = shutil.which(player)
        if found:
            return CommandChime(found, wav)
    return NullChime()
