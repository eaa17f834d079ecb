"""School holidays (skollov) for the SYNTHETIC demo: which ISO weeks are lov, and which lov.

The weeks follow the usual pattern in Örebro län: sportlov vecka 8, påsklov the week after Easter
Sunday, sommarlov from vecka 25 to vecka 33, höstlov vecka 44 and jullov over new year (vecka 52, 53
when it exists, and vecka 1). Real kommuner set their own dates; this is close enough for a demo.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd


def easter_sunday(year: int) -> date:
    """Easter Sunday (Gregorian) by the anonymous Gregorian algorithm.

    Examples
    --------
    >>> easter_sunday(2026), easter_sunday(2025)
    (datetime.date(2026, 4, 5), datetime.date(2025, 4, 20))
    """
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def skollov_weeks(years: range) -> dict[tuple[int, int], str]:
    """Map ``(iso_year, iso_week)`` to the lov's name for each lov week of the ISO years ``years``.

    Examples
    --------
    >>> lov = skollov_weeks(range(2026, 2027))
    >>> lov[(2026, 8)], lov[(2026, 15)], lov[(2026, 44)], lov[(2026, 53)]
    ('sportlov', 'påsklov', 'höstlov', 'jullov')
    """
    out: dict[tuple[int, int], str] = {}
    for year in years:
        out[(year, 1)] = "jullov"
        out[(year, 8)] = "sportlov"
        easter_monday = easter_sunday(year) + timedelta(days=1)
        iso = easter_monday.isocalendar()
        out[(iso[0], iso[1])] = "påsklov"
        for week in range(25, 34):
            out[(year, week)] = "sommarlov"
        out[(year, 44)] = "höstlov"
        out[(year, 52)] = "jullov"
        if date(year, 12, 28).isocalendar()[1] == 53:
            out[(year, 53)] = "jullov"
    return out


def week_labels(mondays: pd.DatetimeIndex) -> list[str]:
    """ISO week labels (``"2026-W47"``) of the given dates.

    Examples
    --------
    >>> week_labels(pd.DatetimeIndex(["2026-11-16", "2027-01-01"]))
    ['2026-W47', '2026-W53']
    """
    iso = mondays.isocalendar()
    return [f"{y:04d}-W{w:02d}" for y, w in zip(iso["year"], iso["week"], strict=True)]
