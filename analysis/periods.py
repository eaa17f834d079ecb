"""Periods for the kvartalsanalys: quarters, tertials and months; comparisons; ranking by need.

Labels: quarter ``"2026-Q3"`` (Jul–Sep), tertial ``"2026-T2"`` (May–Aug), month ``"2026-11"``.
Periods follow calendar dates (``observed_date``), not ISO weeks. A comparison sets a period
against the previous period of the same kind and the same period last year, per area and
category, counting like :mod:`analysis.counts` (sum of ``report_count``, no-area reports at kommun
level, active non-context categories, zero-filled). :func:`rank_areas_by_need` (defined in
:mod:`analysis.need_ranking`, importable from here) ranks areas from such a comparison.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis._validate import require_reports
from analysis.counts import _area_list, bucket_counts, counted_categories
from analysis.need_ranking import rank_areas_by_need as rank_areas_by_need  # re-exported for callers

#: Periods per year and months per period, by kind.
_PER_YEAR = {"Q": 4, "T": 3, "M": 12}
_KIND_NAMES = {"Q": "kvartal", "T": "tertial", "M": "månad"}
_LABEL_RE = re.compile(r"^\s*(\d{4})\s*-\s*(?:([QqTt])\s*(\d)|(\d{1,2}))\s*$")


class Period(NamedTuple):
    """A calendar period: ``kind`` is ``"Q"`` (quarter), ``"T"`` (tertial) or ``"M"`` (month)."""

    year: int
    kind: str
    number: int

    @property
    def label(self) -> str:
        """Canonical label: ``"2026-Q3"``, ``"2026-T2"``, ``"2026-11"``."""
        return format_period(self.year, self.kind, self.number)

    @property
    def ordinal(self) -> int:
        """Consecutive integer per kind: ``year * periods_per_year + number - 1``."""
        return self.year * _PER_YEAR[self.kind] + self.number - 1


def format_period(year: int, kind: str, number: int) -> str:
    """Format a period label.

    Examples
    --------
    >>> format_period(2026, "Q", 3), format_period(2026, "T", 2), format_period(2026, "M", 1)
    ('2026-Q3', '2026-T2', '2026-01')
    """
    kind = _check_kind(kind)
    if not 1 <= number <= _PER_YEAR[kind]:
        raise ValueError(f"{_KIND_NAMES[kind]} {number} finns inte (1–{_PER_YEAR[kind]})")
    return f"{year:04d}-{number:02d}" if kind == "M" else f"{year:04d}-{kind}{number}"


def parse_period(text: str) -> Period:
    """Parse ``"2026-Q3"``, ``"2026-T2"`` or ``"2026-11"`` (Swedish ValueError otherwise).

    Examples
    --------
    >>> parse_period("2026-q3")
    Period(year=2026, kind='Q', number=3)
    >>> parse_period("2026-T4")
    Traceback (most recent call last):
    ...
    ValueError: tertial 4 finns inte (1–3)
    """
    m = _LABEL_RE.match(text) if isinstance(text, str) else None
    if not m:
        raise ValueError(
            f"ogiltig period {text!r}: skriv t.ex. 2026-Q3 (kvartal), 2026-T2 (tertial) "
            "eller 2026-11 (månad)"
        )
    year = int(m.group(1))
    if m.group(2):
        kind, number = m.group(2).upper(), int(m.group(3))
    else:
        kind, number = "M", int(m.group(4))
    format_period(year, kind, number)  # range check
    return Period(year, kind, number)


def period_from_ordinal(ordinal: int, kind: str) -> Period:
    """Inverse of :attr:`Period.ordinal`.

    Examples
    --------
    >>> period_from_ordinal(parse_period("2026-Q1").ordinal - 1, "Q").label
    '2025-Q4'
    """
    year, idx = divmod(int(ordinal), _PER_YEAR[_check_kind(kind)])
    return Period(year, kind, idx + 1)


def period_dates(label: str) -> tuple[date, date]:
    """First and last day (inclusive) of a period.

    Examples
    --------
    >>> period_dates("2026-T2")
    (datetime.date(2026, 5, 1), datetime.date(2026, 8, 31))
    >>> period_dates("2024-02")
    (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    """
    p = parse_period(label)
    months = 12 // _PER_YEAR[p.kind]
    first_month = (p.number - 1) * months + 1
    start = date(p.year, first_month, 1)
    next_month = first_month + months
    end = (date(p.year + 1, 1, 1) if next_month > 12 else date(p.year, next_month, 1)) - timedelta(
        days=1
    )
    return start, end


def shift_period(label: str, n: int) -> str:
    """The period ``n`` periods after (negative: before) ``label``.

    Examples
    --------
    >>> shift_period("2026-Q1", -1), shift_period("2026-T3", 1)
    ('2025-Q4', '2027-T1')
    """
    p = parse_period(label)
    return period_from_ordinal(p.ordinal + n, p.kind).label


def previous_period(label: str) -> str:
    """The period just before.

    Examples
    --------
    >>> previous_period("2026-T1")
    '2025-T3'
    """
    return shift_period(label, -1)


def same_period_last_year(label: str) -> str:
    """The same period one year earlier.

    Examples
    --------
    >>> same_period_last_year("2026-Q3")
    '2025-Q3'
    """
    p = parse_period(label)
    return Period(p.year - 1, p.kind, p.number).label


def period_range(first: str, last: str) -> list[str]:
    """All periods from ``first`` to ``last`` inclusive (same kind).

    Examples
    --------
    >>> period_range("2025-Q4", "2026-Q2")
    ['2025-Q4', '2026-Q1', '2026-Q2']
    """
    a, b = parse_period(first), parse_period(last)
    if a.kind != b.kind:
        raise ValueError(f"perioderna {first} och {last} är av olika slag")
    if a.ordinal > b.ordinal:
        raise ValueError(f"periodintervallet är tomt: {first} ligger efter {last}")
    return [period_from_ordinal(o, a.kind).label for o in range(a.ordinal, b.ordinal + 1)]


def date_period_ordinals(dates, kind: str) -> np.ndarray:
    """Period ordinals of many dates (NaT gives -1).

    Examples
    --------
    >>> import pandas as pd
    >>> ords = date_period_ordinals(pd.to_datetime(["2026-09-30", "2026-10-01"]), "Q")
    >>> [period_from_ordinal(o, "Q").label for o in ords]
    ['2026-Q3', '2026-Q4']
    """
    kind = _check_kind(kind)
    idx = pd.DatetimeIndex(pd.to_datetime(np.asarray(dates).ravel()))
    months = 12 // _PER_YEAR[kind]
    out = idx.year.to_numpy() * _PER_YEAR[kind] + (idx.month.to_numpy() - 1) // months
    out = np.where(idx.isna(), -1, out)
    return out.astype(np.int64)


def period_counts(
    reports: pd.DataFrame,
    areas,
    categories,
    periods: Sequence[str],
    *,
    other_areas: str = "raise",
) -> pd.DataFrame:
    """Zero-filled counts per area × category × period (periods of one kind, any order).

    Returns a long frame ``area_code`` (missing = kommun level), ``category_code``, ``period``,
    ``count``, ordered area (kommun level last), category, period as given.

    Examples
    --------
    >>> import pandas as pd
    >>> reports = pd.DataFrame({"kommun_code": "1880", "area_code": ["A", None],
    ...     "category_code": "klotter", "observed_date": pd.to_datetime(["2026-07-01",
    ...     "2026-04-02"]), "report_count": [2, 1]})
    >>> out = period_counts(reports, ["A"], ["klotter"], ["2026-Q2", "2026-Q3"])
    >>> out["count"].tolist()
    [0, 2, 1, 0]
    """
    require_reports(reports)
    labels = [parse_period(p) for p in periods]
    if not labels:
        raise ValueError("inga perioder angivna")
    kinds = {p.kind for p in labels}
    if len(kinds) != 1:
        raise ValueError("perioderna måste vara av samma slag (kvartal, tertial eller månad)")
    kind = kinds.pop()
    ords = [p.ordinal for p in labels]
    if len(set(ords)) != len(ords):
        raise ValueError("perioderna har dubbletter")
    area_list = None if areas is None else _area_list(areas)
    cat_list = counted_categories(categories)
    row_ords = date_period_ordinals(reports["observed_date"].to_numpy(), kind)
    bucket = pd.Index(ords, dtype=np.int64).get_indexer(row_ords)
    flat, shape, _ = bucket_counts(
        reports, area_list, cat_list, bucket, len(ords), None, other_areas
    )
    n_rows, n_cat, n_per, _ = shape
    out = {}
    if area_list is not None:
        area_codes = np.repeat(np.arange(n_rows), n_cat * n_per)
        area_codes[area_codes == len(area_list)] = -1
        out["area_code"] = pd.Categorical.from_codes(area_codes, categories=area_list)
    out["category_code"] = pd.Categorical.from_codes(
        np.tile(np.repeat(np.arange(n_cat), n_per), n_rows), categories=cat_list
    )
    out["period"] = np.tile(np.array([p.label for p in labels], dtype=object), n_rows * n_cat)
    out["count"] = flat
    return pd.DataFrame(out)


def compare_periods(
    reports: pd.DataFrame, areas, categories, period: str, *, other_areas: str = "raise"
) -> pd.DataFrame:
    """A period against the previous period and the same period last year, per area × category.

    Returns
    -------
    pandas.DataFrame
        ``area_code`` (missing = kommun level), ``category_code``, ``period``, ``current``,
        ``previous``, ``last_year``, ``change_previous``, ``change_previous_pct``,
        ``change_last_year``, ``change_last_year_pct`` (percent; NaN when the base is 0), plus the
        labels ``previous_period`` and ``last_year_period``.

    Examples
    --------
    >>> import pandas as pd
    >>> reports = pd.DataFrame({"kommun_code": "1880", "area_code": "A",
    ...     "category_code": "klotter", "report_count": [3, 2, 4],
    ...     "observed_date": pd.to_datetime(["2026-07-01", "2026-06-01", "2025-08-01"])})
    >>> row = compare_periods(reports, ["A"], ["klotter"], "2026-Q3").iloc[0]
    >>> int(row.current), int(row.previous), int(row.last_year), float(row.change_previous_pct)
    (3, 2, 4, 50.0)
    """
    p = parse_period(period)
    prev, last = previous_period(p.label), same_period_last_year(p.label)
    counts = period_counts(
        reports, areas, categories, [p.label, prev, last], other_areas=other_areas
    )
    wide = counts["count"].to_numpy().reshape(-1, 3)
    keys = counts.iloc[::3].drop(columns=["period", "count"]).reset_index(drop=True)
    cur, pre, ly = wide[:, 0], wide[:, 1], wide[:, 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct_prev = np.where(pre > 0, (cur - pre) / np.where(pre > 0, pre, 1) * 100, np.nan)
        pct_ly = np.where(ly > 0, (cur - ly) / np.where(ly > 0, ly, 1) * 100, np.nan)
    return keys.assign(
        period=p.label,
        current=cur,
        previous=pre,
        last_year=ly,
        change_previous=cur - pre,
        change_previous_pct=pct_prev,
        change_last_year=cur - ly,
        change_last_year_pct=pct_ly,
        previous_period=prev,
        last_year_period=last,
    )


def _check_kind(kind: str) -> str:
    if kind not in _PER_YEAR:
        raise ValueError(f"okänd periodtyp '{kind}': välj Q (kvartal), T (tertial) eller M (månad)")
    return kind
