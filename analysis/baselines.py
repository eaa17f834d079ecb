"""Baselines per area × category for one ISO week: the recent normal and last year's normal.

Two baselines are computed from a :class:`analysis.counts.CountCube`:

* **previous weeks**: the mean count over the ``n_weeks`` (default 12) weeks just before the week;
* **last year**: the mean count over the same ISO week one year earlier and its neighbours
  (``last_year_halfwidth`` weeks each side, default 2, so five weeks: seasonal but not too noisy).
  Week 53 maps to week 52 in a year without week 53.

A baseline is ``NaN`` when the cube does not hold all the weeks it needs;
:func:`history_window` says which weeks to count.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.counts import CountCube
from analysis.weeks import ordinal_to_label, parse_iso_week, week_ordinal, weeks_in_year


def history_window(
    week: str, *, n_weeks: int = 12, last_year_halfwidth: int = 2
) -> tuple[str, str]:
    """First and last week a cube must hold for both baselines of ``week``.

    Examples
    --------
    >>> history_window("2026-W47")
    ('2025-W45', '2026-W47')
    """
    last_year = _last_year_ordinal(week)
    first = min(week_ordinal(week) - n_weeks, last_year - last_year_halfwidth)
    return ordinal_to_label(first), parse_iso_week(week).label


def same_week_last_year(week: str) -> str:
    """The same ISO week number one week-year earlier (53 becomes 52 when needed).

    Examples
    --------
    >>> same_week_last_year("2026-W47"), same_week_last_year("2027-W01")
    ('2025-W47', '2026-W01')
    >>> same_week_last_year("2026-W53")
    '2025-W52'
    """
    return ordinal_to_label(_last_year_ordinal(week))


def _last_year_ordinal(week: str) -> int:
    year, number = parse_iso_week(week)
    number = min(number, weeks_in_year(year - 1))
    return week_ordinal(f"{year - 1}-W{number:02d}")


def baseline_arrays(
    cube: CountCube, week: str, *, n_weeks: int = 12, last_year_halfwidth: int = 2
) -> dict[str, np.ndarray]:
    """Vectorised baselines as arrays shaped like the cube's (areas + 1, categories).

    The last row is the kommun level. Keys: ``count`` (this week), ``previous_total``,
    ``previous_mean``, ``last_year_mean``.

    Examples
    --------
    >>> import numpy as np
    >>> from analysis.counts import CountCube
    >>> cube = CountCube(["A"], ["klotter"], ["2026-W45", "2026-W46", "2026-W47"],
    ...                  np.array([[[1, 3, 5]]]), np.array([[0, 0, 0]]))
    >>> b = baseline_arrays(cube, "2026-W47", n_weeks=2)
    >>> b["count"][0, 0], b["previous_total"][0, 0], b["previous_mean"][0, 0]
    (np.int64(5), np.int64(4), np.float64(2.0))
    """
    if n_weeks < 1:
        raise ValueError("n_weeks måste vara minst 1")
    label = parse_iso_week(week).label
    if label not in cube.weeks:
        span = f"{cube.weeks[0]}–{cube.weeks[-1]}" if cube.weeks else "inga veckor"
        raise ValueError(f"veckan {label} finns inte i räkningen ({span})")
    data = np.concatenate([cube.values, cube.kommun_level[None, :, :]], axis=0)
    first = week_ordinal(cube.weeks[0])
    pos = week_ordinal(label) - first
    count = data[:, :, pos]
    shape = count.shape
    if pos - n_weeks >= 0:
        prev_total = data[:, :, pos - n_weeks : pos].sum(axis=2)
        prev_mean = prev_total / n_weeks
    else:
        prev_total = np.full(shape, -1, dtype=np.int64)
        prev_mean = np.full(shape, np.nan)
    ly = _last_year_ordinal(label) - first
    lo, hi = ly - last_year_halfwidth, ly + last_year_halfwidth + 1
    last_year_in_range = lo >= 0 and hi <= data.shape[2]
    ly_mean = data[:, :, lo:hi].mean(axis=2) if last_year_in_range else np.full(shape, np.nan)
    return {
        "count": count,
        "previous_total": prev_total,
        "previous_mean": prev_mean,
        "last_year_mean": ly_mean,
    }


def weekly_baselines(
    cube: CountCube,
    week: str,
    *,
    n_weeks: int = 12,
    last_year_halfwidth: int = 2,
    include_kommun_level: bool = True,
) -> pd.DataFrame:
    """Per area × category: this week's count, the previous-weeks mean and last year's mean.

    Parameters
    ----------
    cube : CountCube
        Counts from :func:`analysis.counts.count_cube` covering :func:`history_window`.
    week : str
        The week, e.g. ``"2026-W47"``.
    n_weeks : int, default 12
        Weeks in the recent baseline.
    last_year_halfwidth : int, default 2
        Neighbouring weeks each side of the same week last year.
    include_kommun_level : bool, default True
        Add rows for the kommun level (``area_code`` missing).

    Returns
    -------
    pandas.DataFrame
        Columns ``area_code``, ``category_code``, ``iso_week``, ``count``, ``previous_total``
        (-1 when history is short), ``previous_mean`` and ``last_year_mean`` (NaN when short).

    Examples
    --------
    >>> import numpy as np
    >>> from analysis.counts import CountCube
    >>> cube = CountCube(["A"], ["klotter"], ["2026-W45", "2026-W46", "2026-W47"],
    ...                  np.array([[[1, 3, 5]]]), np.array([[0, 0, 0]]))
    >>> weekly_baselines(cube, "2026-W47", n_weeks=2, include_kommun_level=False)[
    ...     ["area_code", "count", "previous_mean"]].to_dict("records")
    [{'area_code': 'A', 'count': 5, 'previous_mean': 2.0}]
    """
    arrays = baseline_arrays(
        cube, week, n_weeks=n_weeks, last_year_halfwidth=last_year_halfwidth
    )
    n_rows = len(cube.areas) + 1
    n_cat = len(cube.categories)
    areas = np.array([*cube.areas, None], dtype=object)
    out = pd.DataFrame(
        {
            "area_code": np.repeat(areas, n_cat),
            "category_code": np.tile(np.array(cube.categories, dtype=object), n_rows),
            "iso_week": parse_iso_week(week).label,
            **{k: v.ravel() for k, v in arrays.items()},
        }
    )
    if not include_kommun_level:
        out = out.iloc[: (n_rows - 1) * n_cat].reset_index(drop=True)
    return out


def seasonal_ratios(
    cube: CountCube,
    week: str,
    *,
    n_weeks: int = 12,
    last_year_halfwidth: int = 2,
    dispersion=None,
    clip: tuple[float, float] = (0.5, 2.0),
) -> np.ndarray | None:
    """Per category: how much higher the week ran than its ``n_weeks`` predecessors last year.

    For category ``j``, summed over the kommun (areas and kommun level), ``r_j`` is the mean count
    over the same week last year and its neighbours (``± last_year_halfwidth``) divided by the
    mean over the ``n_weeks`` weeks before that week last year. A season (summer, skollov, autumn darkness) and a steady
    trend both show up as ``r ≠ 1`` and, unlike this year's level, repeat from year to year, so
    ``r_j`` times this year's recent mean is the expected count this week. Each category's
    ``log r_j`` is shrunk towards the kommun's common ratio by normal–normal empirical Bayes
    (DerSimonian–Laird between-category variance; sampling variance ``φ·(1/A + 1/B)`` for the
    pooled counts ``A`` and ``B``, with ``φ`` the negative-binomial inflation from
    ``dispersion``), then clipped to ``clip``.

    Parameters
    ----------
    cube : CountCube
        Counts holding the ``n_weeks`` before the same week last year (about 64 weeks back).
    week : str
        The week tested.
    n_weeks, last_year_halfwidth : int
        As in :func:`baseline_arrays`.
    dispersion : array_like, optional
        ``θ`` per category (:func:`analysis.dispersion.pooled_dispersion`), default 0.
    clip : (float, float)
        Bounds for the ratio.

    Returns
    -------
    numpy.ndarray or None
        ``r`` per category, or ``None`` when the cube does not reach back far enough.

    Examples
    --------
    >>> import numpy as np
    >>> from analysis.counts import CountCube
    >>> from analysis.weeks import week_range
    >>> weeks = week_range("2025-W01", "2026-W20")
    >>> level = np.where(np.arange(len(weeks)) >= 19, 6, 4)  # from 2025-W20: 1.5 times higher
    >>> cube = CountCube(["A"], ["klotter"], weeks, level[None, None, :],
    ...                  np.zeros((1, len(weeks)), int))
    >>> seasonal_ratios(cube, "2026-W20", n_weeks=4, last_year_halfwidth=0).round(2).tolist()
    [1.5]
    >>> seasonal_ratios(cube, "2025-W40") is None
    True
    """
    from analysis.dispersion import shrink_normal

    label = parse_iso_week(week).label
    if label not in cube.weeks:
        raise ValueError(f"veckan {label} finns inte i räkningen")
    first = week_ordinal(cube.weeks[0])
    ly = _last_year_ordinal(label) - first
    h = last_year_halfwidth
    if ly - n_weeks < 0 or ly + h >= week_ordinal(label) - first:
        return None
    # Areas and the kommun-level row together: the category's season in the whole kommun.
    values = np.concatenate([cube.values, cube.kommun_level[None, :, :]], axis=0).astype(np.float64)
    now = values[:, :, ly - h : ly + h + 1]
    before = values[:, :, ly - n_weeks : ly]
    a_sum, b_sum = now.sum(axis=(0, 2)), before.sum(axis=(0, 2))
    n_now, n_before = 2 * h + 1, n_weeks
    theta = np.zeros(len(cube.categories)) if dispersion is None else np.asarray(dispersion, float)
    cell_mean = (now.sum(axis=2) + before.sum(axis=2)) / (n_now + n_before)
    with np.errstate(divide="ignore", invalid="ignore"):
        inflation = 1.0 + theta * (cell_mean**2).sum(axis=0) / cell_mean.sum(axis=0)
        log_r = np.log((a_sum / n_now) / (b_sum / n_before))
        var = np.where(inflation > 0, inflation, 1.0) * (1.0 / a_sum + 1.0 / b_sum)
    ok = (a_sum > 0) & (b_sum > 0)
    if not ok.any():
        return np.ones(len(cube.categories))
    common = float(np.log((a_sum.sum() / n_now) / (b_sum.sum() / n_before)))
    log_r = np.where(ok, log_r, common)
    se = np.where(ok, np.sqrt(np.where(ok, var, 1.0)), np.inf)
    shrunk, _ = shrink_normal(log_r, se, common)
    return np.clip(np.exp(shrunk), *clip)
