"""How numbers and dates are said to the user: one wording for durations and months everywhere."""

from __future__ import annotations

import math

MINUTES_PER_HOUR = 60
#: Month names in English, whatever the system locale (the app's texts are English).
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def minutes_text(minutes: float) -> str:
    """Minutes as the user reads them: "7 h 10 min", "7 h 05 min", "45 min", "0 min".

    Fractions round to the nearest whole minute (halves away from zero). Under an hour only
    minutes are shown; from an hour on, the minutes keep two digits so columns of them line up.
    """
    whole = math.floor(abs(minutes) + 0.5)
    sign = "-" if minutes < 0 and whole else ""
    hours, rest = divmod(whole, MINUTES_PER_HOUR)
    return sign + (f"{hours} h {rest:02d} min" if hours else f"{rest} min")
