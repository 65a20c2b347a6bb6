"""The one wording of durations."""

from __future__ import annotations

import pytest

from posture_app.core.text import minutes_text


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (0, "0 min"),
        (1, "1 min"),
        (45, "45 min"),
        (59, "59 min"),
        (60, "1 h 00 min"),
        (65, "1 h 05 min"),
        (430, "7 h 10 min"),
        (24 * 60 + 1, "24 h 01 min"),
        (44.4, "44 min"),
        (44.5, "45 min"),  # halves round away from zero, not to even
        (59.6, "1 h 00 min"),
        (0.4, "0 min"),
        (-75, "-1 h 15 min"),
        (-0.4, "0 min"),
    ],
)
def test_minutes_text(minutes: float, expected: str) -> None:
    assert minutes_text(minutes) == expected
