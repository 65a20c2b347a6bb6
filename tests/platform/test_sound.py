"""The prompt chime."""

from __future__ import annotations

import wave
from pathlib import Path

from posture_app.platform.sound import CommandChime, NullChime, WindowsChime, find_chime

WAV = Path(__file__).resolve().parents[2] / "resources" / "sounds" / "chime.wav"


def test_the_chime_is_short_and_quiet():
    with wave.open(str(WAV)) as w:
        seconds = w.getnframes() / w.getframerate()
        frames = w.readframes(w.getnframes())
    assert 0.3 < seconds < 1.5
    peak = max(
        abs(int.from_bytes(frames[i : i + 2], "little", signed=True))
        for i in range(0, len(frames), 2)
    )
    assert 0 < peak < 0.35 * 32767  # audible, but gentle


def test_a_player_is_found_on_the_path(tmp_path, monkeypatch):
    player = tmp_path / "paplay"
    log = tmp_path / "played"
    player.write_text(f'#!/bin/sh\necho "$1" > {log}\n')
    player.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    chime = find_chime(WAV, platform="linux")
    assert isinstance(chime, CommandChime)
    assert chime.name == "paplay"
    chime.play()
    import time

    deadline = time.monotonic() + 5
    while not log.exists() and time.monotonic() < deadline:
        time.sleep(0.01)  # real-time ok: waiting for the child process to write
    assert log.read_text().strip() == str(WAV)


def test_no_player_means_quiet(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert isinstance(find_chime(WAV, platform="linux"), NullChime)
    assert isinstance(find_chime(tmp_path / "missing.wav", platform="linux"), NullChime)


def test_windows_and_mac_choices(tmp_path, monkeypatch):
    assert isinstance(find_chime(WAV, platform="win32"), WindowsChime)
    afplay = tmp_path / "afplay"
    afplay.write_text("#!/bin/sh\n")
    afplay.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_chime(WAV, platform="darwin").name == "afplay"


def test_a_player_that_cannot_start_is_reported_once(tmp_path, caplog):
    chime = CommandChime(str(tmp_path / "gone"), WAV)
    chime.play()
    chime.play()
    assert sum("cannot play" in r.message for r in caplog.records) == 1
