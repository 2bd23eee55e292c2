"""Calendar months of a run: simulated month ``m`` as a month of the year.

Month 0 is the initial state, the last month of the economy's output history when it has one
(``2021-03`` for the default economy), so month ``m`` is that month plus ``m``. Without a dated
history, month 1 is the scenario's ``first_calendar_month`` of year 1 and labels read
``Apr y1``, ``May y1``, ...
"""

from __future__ import annotations

import calendar
import re

import numpy as np

_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_zero(history_months: list[str], first_calendar_month: int) -> tuple[int | None, int]:
    """The calendar year (``None`` when unknown) and month (1..12) of simulated month 0."""
    if history_months:
        found = _YEAR_MONTH.match(str(history_months[-1]))
        if found:
            return int(found.group(1)), int(found.group(2))
    month = (first_calendar_month - 2) % 12 + 1  # the month before month 1
    return None, month


def month_labels(months, history_months: list[str], first_calendar_month: int) -> list[str]:
    """Labels such as ``Mar 2021`` (or ``Apr y1`` without a dated history) for simulated months.

    Args:
        months: Simulated months (0 = initial state); whole months are labelled, others rounded down.
        history_months: The economy's history month labels (``YYYY-MM``, oldest first).
        first_calendar_month: The scenario's calendar month of simulated month 1.
    """
    year0, month0 = month_zero(history_months, first_calendar_month)
    labels = []
    for m in np.floor(np.asarray(months, dtype=float)).astype(int):
        index = month0 - 1 + int(m)
        name = calendar.month_abbr[index % 12 + 1]
        if year0 is None:
            # Year 1 holds month 1 (first_calendar_month) and the eleven after it.
            labels.append(f"{name} y{(int(m) - 1) // 12 + 1}" if m >= 1 else f"{name} y0")
        else:
            labels.append(f"{name} {year0 + index // 12}")
    return labels
