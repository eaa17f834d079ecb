"""ISO week helpers: labels like ``"2026-W47"``, Monday starts, ranges and parsing.

Weeks run Monday–Sunday in local (Europe/Stockholm) time; report dates are already local
calendar dates, so no time-zone work happens here. The ISO week-year differs from the calendar year
around new year: 2027-01-01 (a Friday) belongs to ``2026-W53``, and 2024-12-30 to ``2025-W01``.

Internally a week is also an integer *ordinal*: the number of whole weeks since Monday 1969-12-29
(the Monday of the week holding 1970-01-01). Ordinals make week arithmetic and vectorised counting
cheap; :func:`week_ordinal` and :func:`ordinal_to_label` convert.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import NamedTuple

import numpy as np
import pandas as pd

_EPOCH_MONDAY = date(1969, 12, 29)
_LABEL_RE = re.compile(r"^\s*(\d{4})\s*-?\s*[Ww]\s*(\d{1,2})\s*$")


class IsoWeek(NamedTuple):
    """An ISO week: week-year and week number (1–53)."""

    year: int
    week: int

    @property
    def label(self) -> str:
        """The canonical label, e.g. ``"2026-W07"``."""
        return f"{self.year:04d}-W{self.week:02d}"


def weeks_in_year(year: int) -> int:
    """Number of ISO weeks (52 or 53) in ISO week-year ``year``.

    Examples
    --------
    >>> weeks_in_year(2026), weeks_in_year(2027)
    (53, 52)
    """
    return date(year, 12, 28).isocalendar()[1]


def parse_iso_week(text: str) -> IsoWeek:
    """Parse an ISO week label (``"2026-W47"``, also ``"2026W47"``, ``"2026-w7"``).

    Parameters
    ----------
    text : str
        The label.

    Returns
    -------
    IsoWeek
        ``(year, week)``; ``.label`` gives the canonical form.

    Raises
    ------
    ValueError
        In Swedish, when the text is not a week label or the week does not exist in that year.

    Examples
    --------
    >>> parse_iso_week("2026-W47")
    IsoWeek(year=2026, week=47)
    >>> parse_iso_week("2026w7").label
    '2026-W07'
    >>> parse_iso_week("2027-W53")
    Traceback (most recent call last):
    ...
    ValueError: vecka 53 finns inte år 2027 (året har 52 veckor)
    """
    if not isinstance(text, str):
        raise ValueError(f"ogiltig vecka {text!r}: skriv den som år-W-vecka, t.ex. 2026-W47")
    m = _LABEL_RE.match(text)
    if not m:
        raise ValueError(f"ogiltig vecka '{text}': skriv den som år-W-vecka, t.ex. 2026-W47")
    year, week = int(m.group(1)), int(m.group(2))
    if year < 1970:
        raise ValueError(f"ogiltig vecka '{text}': året måste vara 1970 eller senare")
    n = weeks_in_year(year)
    if week < 1 or week > n:
        raise ValueError(f"vecka {week} finns inte år {year} (året har {n} veckor)")
    return IsoWeek(year, week)


def week_start(label: str) -> date:
    """The Monday that starts ISO week ``label``.

    Examples
    --------
    >>> week_start("2026-W47")
    datetime.date(2026, 11, 16)
    >>> week_start("2026-W53")
    datetime.date(2026, 12, 28)
    """
    year, week = parse_iso_week(label)
    return date.fromisocalendar(year, week, 1)


def week_end(label: str) -> date:
    """The Sunday that ends ISO week ``label``.

    Examples
    --------
    >>> week_end("2026-W53")
    datetime.date(2027, 1, 3)
    """
    return week_start(label) + timedelta(days=6)


def week_ordinal(label: str) -> int:
    """Weeks since Monday 1969-12-29: an integer that orders and subtracts like weeks.

    Examples
    --------
    >>> week_ordinal("2027-W01") - week_ordinal("2026-W52")
    2
    """
    return (week_start(label) - _EPOCH_MONDAY).days // 7


def ordinal_to_label(ordinal: int) -> str:
    """Inverse of :func:`week_ordinal`.

    Examples
    --------
    >>> ordinal_to_label(week_ordinal("2026-W53") + 1)
    '2027-W01'
    """
    year, week, _ = (_EPOCH_MONDAY + timedelta(weeks=int(ordinal))).isocalendar()
    return f"{year:04d}-W{week:02d}"


def shift_week(label: str, weeks: int) -> str:
    """The label ``weeks`` weeks after (negative: before) ``label``.

    Examples
    --------
    >>> shift_week("2027-W01", -1)
    '2026-W53'
    """
    return ordinal_to_label(week_ordinal(label) + weeks)


def week_range(first_label: str, last_label: str) -> list[str]:
    """All week labels from ``first_label`` to ``last_label`` inclusive, in order.

    Raises
    ------
    ValueError
        When the first week comes after the last one.

    Examples
    --------
    >>> week_range("2026-W52", "2027-W02")
    ['2026-W52', '2026-W53', '2027-W01', '2027-W02']
    """
    a, b = week_ordinal(first_label), week_ordinal(last_label)
    if a > b:
        raise ValueError(f"veckointervallet är tomt: {first_label} ligger efter {last_label}")
    return ordinals_to_labels(np.arange(a, b + 1)).tolist()


def dates_to_ordinals(dates) -> np.ndarray:
    """Week ordinals (int64) of an array of dates; NaT gives -1.

    Examples
    --------
    >>> import pandas as pd
    >>> dates_to_ordinals(pd.to_datetime(["1970-01-01", "1970-01-05"])).tolist()
    [0, 1]
    """
    values = pd.DatetimeIndex(pd.to_datetime(np.asarray(dates).ravel()))
    days = values.values.astype("datetime64[D]").astype(np.int64)
    out = np.floor_divide(days + 3, 7)  # 1970-01-01 is a Thursday: day -3 is a Monday
    out[values.isna()] = -1
    return out


def ordinals_to_labels(ordinals) -> np.ndarray:
    """Vectorised :func:`ordinal_to_label`: object array of labels.

    Examples
    --------
    >>> ordinals_to_labels([2921, 2922]).tolist()
    ['2025-W52', '2026-W01']
    """
    ords = np.asarray(ordinals, dtype=np.int64)
    if ords.size == 0:
        return np.array([], dtype=object)
    # The ISO week-year is the calendar year of the week's Thursday; the week number follows from
    # that Thursday's day of year.
    # Monday of ordinal o is day 7*o - 3 (days since 1970-01-01), so its Thursday is day 7*o.
    thursday_idx = pd.DatetimeIndex((ords * 7).astype("datetime64[D]"))
    years = thursday_idx.year.to_numpy()
    weeks = (thursday_idx.day_of_year.to_numpy() - 1) // 7 + 1
    uniq, inv = np.unique(years * 100 + weeks, return_inverse=True)
    labels = np.array([f"{u // 100:04d}-W{u % 100:02d}" for u in uniq], dtype=object)
    return labels[inv.ravel()]


def iso_week_label(dates):
    """ISO week label(s) of a date or of many dates.

    Parameters
    ----------
    dates : date, datetime, pandas.Timestamp, str, or array-like / Series of them
        Local calendar dates.

    Returns
    -------
    str, or pandas.Series / numpy.ndarray of str
        A scalar gives a ``str``; a Series gives a Series with the same index; other inputs give
        an object ndarray. Missing dates give ``None``.

    Examples
    --------
    >>> from datetime import date
    >>> iso_week_label(date(2026, 11, 21))
    '2026-W47'
    >>> iso_week_label(date(2027, 1, 1))
    '2026-W53'
    >>> import pandas as pd
    >>> iso_week_label(pd.Series(pd.to_datetime(["2024-12-30", "2026-01-04"]))).tolist()
    ['2025-W01', '2026-W01']
    """
    if isinstance(dates, (date, datetime, pd.Timestamp, str, np.datetime64)):
        ts = pd.Timestamp(dates)
        if pd.isna(ts):
            return None
        year, week, _ = ts.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if dates is None:
        return None
    index = dates.index if isinstance(dates, pd.Series) else None
    ords = dates_to_ordinals(dates)
    labels = np.full(ords.shape, None, dtype=object)
    ok = ords >= 0
    labels[ok] = ordinals_to_labels(ords[ok])
    if index is not None:
        return pd.Series(labels, index=index, dtype=object)
    return labels


def labels_to_ordinals(labels: Iterable[str]) -> np.ndarray:
    """Week ordinals of many labels (each parsed and validated).

    Examples
    --------
    >>> labels_to_ordinals(["2026-W01", "2026-W03"]).tolist()
    [2922, 2924]
    """
    cache: dict[str, int] = {}
    out = []
    for lab in labels:
        if lab not in cache:
            cache[lab] = week_ordinal(lab)
        out.append(cache[lab])
    return np.asarray(out, dtype=np.int64)
