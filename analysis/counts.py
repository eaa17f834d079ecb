"""Weekly counts per area × category × ISO week, zero-filled, summing ``report_count``.

The core of every weekly table, map and alert. Rules (docs/data-contract.md):

* Counting sums ``report_count`` (a police summary row counts as its stated number), never rows.
* A report with no ``area_code`` is counted at **kommun level**: it goes to a separate row with
  ``area_code`` missing and is never spread over areas. So, per category and week,
  ``sum(area rows) + kommun-level row = kommun total``.
* The result is zero-filled: one row for every given area (plus the kommun-level row) × every
  counted category × every week in the requested range, so
  ``rows = (areas + 1) × categories × weeks``.
* Counted categories are the active, non-context ones of the categories frame (kontextfaktorer such
  as skollov are not incidents).

The kernel maps area, category and week to integer codes and sums with one ``numpy.bincount`` over
a flat cell index, which is several times faster than a pandas pivot and on par with DuckDB's
``GROUP BY`` (tests/bench/bench_counts_alerts.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis._validate import require_columns, require_reports
from analysis.weeks import dates_to_ordinals, ordinals_to_labels, week_ordinal

#: The ``source`` values of the reports frame, in display order.
SOURCES: tuple[str, ...] = (
    "form", "api", "import", "police_feed", "police_summary", "police_offences",
)

_BY_COLUMNS = ("source", "organisation_id")
_OTHER_AREAS = ("raise", "drop", "kommun")


@dataclass(frozen=True)
class CountCube:
    """Zero-filled weekly counts as arrays.

    Attributes
    ----------
    areas : list of str
        Area codes, the first axis of ``values``.
    categories : list of str
        Category codes, the second axis.
    weeks : list of str
        ISO week labels, the last axis, consecutive.
    values : numpy.ndarray of int64, shape (areas, categories, weeks)
        Counts per area.
    kommun_level : numpy.ndarray of int64, shape (categories, weeks)
        Counts of reports with no area.
    """

    areas: list[str]
    categories: list[str]
    weeks: list[str]
    values: np.ndarray
    kommun_level: np.ndarray

    def kommun_total(self) -> np.ndarray:
        """Counts per category × week over all areas plus kommun level."""
        return self.values.sum(axis=0) + self.kommun_level


def counted_categories(categories) -> list[str]:
    """Category codes that are counted: active and not kontextfaktorer.

    Parameters
    ----------
    categories : pandas.DataFrame or sequence of str
        The categories frame (``category_code``, ``is_context``, ``active``), or codes to count as
        they are.

    Examples
    --------
    >>> import pandas as pd
    >>> cats = pd.DataFrame({"category_code": ["klotter", "skollov", "ran"],
    ...                      "is_context": [False, True, False], "active": [True, True, False]})
    >>> counted_categories(cats)
    ['klotter']
    """
    if isinstance(categories, pd.DataFrame):
        require_columns(categories, ["category_code", "is_context", "active"], "kategorier")
        keep = categories["active"].astype(bool) & ~categories["is_context"].astype(bool)
        codes = categories.loc[keep, "category_code"].tolist()
    elif isinstance(categories, str):
        raise ValueError("kategorier ska vara en tabell eller en lista med koder, inte en text")
    else:
        codes = list(categories)
    return _unique(codes, "kategorier", "category_code")


def count_cube(
    reports: pd.DataFrame,
    areas,
    categories,
    first_week: str,
    last_week: str,
    *,
    other_areas: str = "raise",
) -> CountCube:
    """Zero-filled counts per area × category × week as a :class:`CountCube`.

    Parameters are those of :func:`weekly_counts` (without ``by``).

    Examples
    --------
    >>> import pandas as pd
    >>> reports = pd.DataFrame({
    ...     "kommun_code": ["1880"] * 3, "area_code": ["A", None, "A"],
    ...     "category_code": ["klotter"] * 3,
    ...     "observed_date": pd.to_datetime(["2026-11-16", "2026-11-17", "2026-11-23"]),
    ...     "report_count": [1, 4, 2]})
    >>> cube = count_cube(reports, ["A", "B"], ["klotter"], "2026-W47", "2026-W48")
    >>> cube.values[:, 0, :].tolist(), cube.kommun_level.tolist()
    ([[1, 2], [0, 0]], [[4, 0]])
    """
    area_list = None if areas is None else _area_list(areas)
    cat_list = counted_categories(categories)
    flat, shape, _ = _kernel(reports, area_list, cat_list, first_week, last_week, None, other_areas)
    weeks = ordinals_to_labels(np.arange(week_ordinal(first_week), week_ordinal(last_week) + 1))
    cube = flat.reshape(shape[:3])
    return CountCube(
        areas=area_list or [],
        categories=cat_list,
        weeks=list(weeks),
        values=cube[:-1],
        kommun_level=cube[-1],
    )


def weekly_counts(
    reports: pd.DataFrame,
    areas,
    categories,
    first_week: str,
    last_week: str,
    *,
    by: str | None = None,
    levels: Sequence | None = None,
    other_areas: str = "raise",
) -> pd.DataFrame:
    """Zero-filled weekly counts per area × category × ISO week (optionally × source/organisation).

    Parameters
    ----------
    reports : pandas.DataFrame
        The reports frame (needs ``kommun_code``, ``area_code``, ``category_code``,
        ``observed_date``, ``report_count``; plus the ``by`` column when given).
    areas : sequence of str, DataFrame with ``area_code``, or None
        The areas to report on. ``None`` pools everything: one row per category × week holding the
        kommun total, without an ``area_code`` column.
    categories : pandas.DataFrame or sequence of str
        The categories frame (active, non-context codes are counted) or the codes to count.
    first_week, last_week : str
        Inclusive ISO week range, e.g. ``"2026-W01"``, ``"2026-W47"``.
    by : {None, "source", "organisation_id"}
        Add a breakdown column. Sources are zero-filled over :data:`SOURCES`; organisations over
        ``levels`` (default: those in the selected reports), plus a missing-organisation level when
        some report has none (police feed).
    levels : sequence, optional
        Breakdown values to zero-fill over; values outside it raise ValueError.
    other_areas : {"raise", "drop", "kommun"}
        What to do with a report whose ``area_code`` is not among ``areas``: raise ValueError
        (default, so nothing disappears silently), drop it, or count it at kommun level.

    Returns
    -------
    pandas.DataFrame
        Columns ``area_code`` (categorical; missing = kommun level), ``category_code``
        (categorical), ``iso_week`` (categorical, ordered), the ``by`` column when given, and
        ``count`` (int64). Ordered by area (given order, kommun level last), category, [level],
        week.
        Reports outside the week range or in categories not counted are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> reports = pd.DataFrame({
    ...     "kommun_code": ["1880"] * 3, "area_code": ["A", None, "A"],
    ...     "category_code": ["klotter"] * 3,
    ...     "observed_date": pd.to_datetime(["2026-11-16", "2026-11-17", "2026-11-23"]),
    ...     "report_count": [1, 4, 2]})
    >>> out = weekly_counts(reports, ["A"], ["klotter"], "2026-W47", "2026-W48")
    >>> [(a, w, n) for a, w, n in zip(out.area_code, out.iso_week, out["count"])]
    [('A', '2026-W47', 1), ('A', '2026-W48', 2), (nan, '2026-W47', 4), (nan, '2026-W48', 0)]
    """
    if by is not None and by not in _BY_COLUMNS:
        raise ValueError(f"okänd uppdelning '{by}': välj 'source' eller 'organisation_id'")
    area_list = None if areas is None else _area_list(areas)
    cat_list = counted_categories(categories)
    flat, shape, level_values = _kernel(
        reports, area_list, cat_list, first_week, last_week, (by, levels), other_areas
    )
    n_rows_area, n_cat, n_week, n_lev = shape
    week_labels = ordinals_to_labels(
        np.arange(week_ordinal(first_week), week_ordinal(last_week) + 1)
    )
    per_area = n_cat * n_lev * n_week
    # Axis order of the flat array: area, category, level, week.
    columns: dict[str, object] = {}
    if area_list is not None:
        area_codes = np.repeat(np.arange(n_rows_area), per_area)
        area_codes[area_codes == len(area_list)] = -1
        columns["area_code"] = pd.Categorical.from_codes(area_codes, categories=area_list)
    cat_codes = np.tile(np.repeat(np.arange(n_cat), n_lev * n_week), n_rows_area)
    columns["category_code"] = pd.Categorical.from_codes(cat_codes, categories=cat_list)
    columns["iso_week"] = pd.Categorical.from_codes(
        np.tile(np.arange(n_week), n_rows_area * n_cat * n_lev),
        categories=list(week_labels),
        ordered=True,
    )
    if by is not None:
        lev_idx = np.tile(np.repeat(np.arange(n_lev), n_week), n_rows_area * n_cat)
        columns[by] = _level_column(by, level_values, lev_idx)
    columns["count"] = flat
    return pd.DataFrame(columns)


def _level_column(by: str, level_values: list, lev_idx: np.ndarray):
    if by == "source":
        return pd.Categorical.from_codes(lev_idx, categories=list(level_values))
    values = pd.array(level_values, dtype="Int64")
    return values.take(lev_idx)


def _area_list(areas) -> list[str]:
    if isinstance(areas, pd.DataFrame):
        require_columns(areas, ["area_code"], "områden")
        codes = areas["area_code"].tolist()
    elif isinstance(areas, str):
        raise ValueError("områden ska vara en tabell eller en lista med koder, inte en text")
    else:
        codes = list(areas)
    if any(pd.isna(c) for c in codes):
        raise ValueError("områden: kolumnen 'area_code' har saknade värden")
    return _unique(codes, "områden", "area_code")


def _unique(codes: list, name: str, column: str) -> list:
    counted = Counter(codes)
    dupes = sorted((c for c, n in counted.items() if n > 1), key=str)
    if dupes:
        shown = ", ".join(map(str, dupes))
        raise ValueError(f"{name}: kolumnen '{column}' har dubbletter: {shown}")
    return codes


def _kernel(reports, area_list, cat_list, first_week, last_week, by_spec, other_areas):
    """Flat int64 counts over (area+kommun, category, level, week) and the shape."""
    by = by_spec[0] if by_spec else None
    require_reports(reports, [by] if by else [])
    first, last = week_ordinal(first_week), week_ordinal(last_week)
    if first > last:
        raise ValueError(f"veckointervallet är tomt: {first_week} ligger efter {last_week}")
    week_idx = dates_to_ordinals(reports["observed_date"].to_numpy()) - first
    return bucket_counts(reports, area_list, cat_list, week_idx, last - first + 1, by_spec,
                         other_areas)


def bucket_counts(reports, area_list, cat_list, bucket_idx, n_buckets, by_spec, other_areas):
    """Shared kernel: sum ``report_count`` per (area + kommun level, category, level, bucket).

    ``bucket_idx`` gives each report's time bucket (week, period …) as 0..n_buckets-1; anything
    else is left out. Returns the flat int64 counts, their shape and the breakdown levels. Used
    by :mod:`analysis.periods` and :mod:`analysis.indicators`; callers check the frame first.
    """
    by, levels = by_spec if by_spec else (None, None)
    if other_areas not in _OTHER_AREAS:
        raise ValueError(f"other_areas måste vara en av {', '.join(_OTHER_AREAS)}")
    n_week = int(n_buckets)
    n_cat = len(cat_list)
    week_idx = np.asarray(bucket_idx, dtype=np.int64)
    keep = (week_idx >= 0) & (week_idx < n_week)

    cat_values = reports["category_code"]
    cat_idx = pd.Index(cat_list, dtype=object).get_indexer(cat_values)
    keep &= cat_idx >= 0

    if area_list is None:
        n_area = 0
        area_idx = np.zeros(len(reports), dtype=np.int64)
    else:
        n_area = len(area_list)
        area_values = reports["area_code"]
        area_idx = pd.Index(area_list, dtype=object).get_indexer(area_values)
        no_area = area_values.isna().to_numpy()
        unknown = (area_idx < 0) & ~no_area
        if unknown.any() and other_areas != "kommun":
            if other_areas == "raise" and (unknown & keep).any():
                bad = sorted(set(area_values[unknown & keep].astype(str)))[:5]
                raise ValueError(
                    "rapporter: kolumnen 'area_code' har områden som inte finns bland de givna: "
                    + ", ".join(bad)
                )
            keep &= ~unknown
        area_idx = np.where(area_idx < 0, n_area, area_idx)

    level_values: list = []
    n_lev = 1
    lev_idx = np.zeros(len(reports), dtype=np.int64)
    if by is not None:
        lev_idx, level_values = _levels(reports[by], by, levels, keep)
        n_lev = len(level_values)

    shape = (n_area + 1, n_cat, n_week, n_lev)  # the flat array is ordered area, cat, level, week
    flat_idx = ((area_idx * n_cat + cat_idx) * n_lev + lev_idx) * n_week + week_idx
    weights = reports["report_count"].to_numpy(dtype=np.float64)
    size = (n_area + 1) * n_cat * n_lev * n_week
    sums = np.bincount(flat_idx[keep], weights=weights[keep], minlength=size)
    flat = np.rint(sums).astype(np.int64)
    return flat, shape, level_values


def _levels(values: pd.Series, by: str, levels, keep: np.ndarray):
    if by == "source":
        level_values = list(levels) if levels is not None else list(SOURCES)
        idx = pd.Index(level_values, dtype=object).get_indexer(values)
        bad = (idx < 0) & keep
        if bad.any():
            shown = ", ".join(sorted(set(values[bad].astype(str)))[:5])
            raise ValueError(f"rapporter: kolumnen 'source' har okända källor: {shown}")
        return idx, level_values
    ids = pd.array(values, dtype="Int64")
    missing = np.asarray(ids.isna())
    if levels is None:
        present = pd.unique(ids[keep & ~missing].to_numpy(dtype=np.int64, na_value=0))
        level_values = sorted(int(v) for v in present)
    else:
        level_values = [int(v) for v in levels]
    idx = pd.Index(level_values, dtype=np.int64).get_indexer(
        ids.to_numpy(dtype=np.int64, na_value=-(2**62))
    )
    bad = (idx < 0) & ~missing & keep
    if bad.any():
        shown = ", ".join(sorted({str(v) for v in ids[bad]})[:5])
        raise ValueError(
            f"rapporter: kolumnen 'organisation_id' har okända organisationer: {shown}"
        )
    if (missing & keep).any():
        idx = np.where(missing, len(level_values), idx)
        level_values = [*level_values, pd.NA]
    return idx, level_values
