"""Make chime.wav: a soft two-note chime (drawn for this project; run to regenerate)."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22050
NOTES = ((659.25, 0.0), (880.0, 0.16))  # E5 then A5, a gentle rising fourth
LENGTH = 0.9  # seconds
VOLUME = 0.22  # of full scale: a prompt, not an alarm


def sample(t: float) -> float:
    """The chime at time t: each note a sine with a soft attack and an exponential fade."""
    value = 0.0
    for freq, start in NOTES:
        if t >= start:
            u = t - start
            attack = min(1.0, u / 0.01)
            value += attack * math.exp(-u * 4.5) * math.sin(2 * math.pi * freq * u)
    return value / len(NOTES)


def main() -> None:
    """Write chime.wav beside this script."""
    frames = b"".join(
        struct.pack("<h", int(VOLUME * 32767 * sample(i / RATE))) for i in range(int(RATE * LENGTH))
    )
    with wave.open(str(Path(__file__).with_name("chime.wav")), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(frames)


if __name__ == "__main__":
    main()
