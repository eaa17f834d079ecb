"""Emerging hotspots: how each area's hotspot status developed over the last periods.

The counterpart of ArcGIS Pro's *Emerging Hot Spot Analysis* for areas. For every period (normally
the last 12 months) each area is tested against the kommun with the area-excess test of
:func:`analysis.hotspot_layers.hotspot_layers` (FDR ``alpha`` per period), which also gives the
area's standardised excess ``z = (y − μ)/√(μ + ν·μ²)``. The trend of ``z`` over the periods is
tested with the Mann–Kendall test (Mann 1945; Kendall 1975): Kendall's τ between the periods' order
and ``z``, computed by :func:`scipy.stats.kendalltau` (exact p-value for short series without ties,
else the normal approximation with tie correction, as in the Mann–Kendall test).

Patterns (ArcGIS's definitions with "90 % of the periods" as ``ceil(0.9·T)``; cold spots are not
tested, so there is no "oscillerande"):

========================  =====================================================================
``ny``                    hot in the last period and never before
``konsekutiv``            a single unbroken run of at least two hot periods at the end, never hot
                          before it, hot in less than 90 % of the periods
``intensifierande``       hot in at least 90 % of the periods including the last; ``z`` rising
                          significantly
``ihållande``             hot in at least 90 % of the periods including the last; no significant
                          trend
``avtagande``             hot in at least 90 % of the periods including the last; ``z`` falling
                          significantly
``sporadisk``             hot in the last period, on and off before, in less than 90 % of them
``historisk``             not hot in the last period but in at least 90 % of the periods
``inget mönster``         none of the above
========================  =====================================================================
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.stats import kendalltau

from analysis._area_null import excess_p_values, fit_null
from analysis._validate import require_columns
from analysis.hotspot_layers import _check_inputs
from analysis.hotspots import benjamini_hochberg

PATTERNS_SV: dict[str, str] = {
    "ny": "Ny: förhöjt den senaste perioden och aldrig tidigare.",
    "konsekutiv": "Konsekutiv: förhöjt de senaste perioderna i följd, inte tidigare.",
    "intensifierande": "Intensifierande: förhöjt nästan hela tiden, och allt mer.",
    "ihållande": "Ihållande: förhöjt nästan hela tiden, utan tydlig ökning eller minskning.",
    "avtagande": "Avtagande: förhöjt nästan hela tiden, men allt mindre.",
    "sporadisk": "Sporadisk: förhöjt den senaste perioden, och då och då tidigare.",
    "historisk": "Historisk: förhöjt nästan hela tiden, men inte den senaste perioden.",
    "inget mönster": "Inget mönster: inte förhöjt på något av sätten ovan.",
}


def emerging_hotspots(
    areas: gpd.GeoDataFrame,
    counts: pd.DataFrame,
    *,
    period_col: str = "period",
    count_col: str = "count",
    population: pd.Series | str | None = None,
    alpha: float = 0.05,
    trend_alpha: float = 0.05,
    seed: int | None = None,
) -> pd.DataFrame:
    """Classify each area's hotspot history over the periods (ny, intensifierande, …).

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        ``area_code`` and ``geometry``, EPSG:3006.
    counts : pandas.DataFrame
        Long table with ``area_code``, ``period_col`` and ``count_col``; a missing area × period
        counts 0. Periods are taken in sorted order (e.g. ``"2026-01"`` … ``"2026-12"``); pass the
        last 12 months for the usual analysis. At least 4 periods.
    period_col, count_col : str
        Column names in ``counts``.
    population : pandas.Series or str, optional
        Inhabitants per area, for rates (as in :func:`analysis.hotspot_layers.hotspot_layers`).
    alpha : float, default 0.05
        False discovery rate of each period's area test.
    trend_alpha : float, default 0.05
        Level of the Mann–Kendall trend test.
    seed : int, optional
        Seed for the simulations.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``area_code``: ``pattern`` (Swedish, a key of :data:`PATTERNS_SV`),
        ``n_hot`` (hot periods), ``hot_last``, ``trend_tau``, ``trend_p`` (Mann–Kendall),
        ``z_last``. ``attrs["z"]`` and ``attrs["hot"]`` hold the per-period tables (areas ×
        periods).

    Examples
    --------
    >>> import geopandas as gpd, numpy as np, pandas as pd
    >>> from shapely.geometry import box
    >>> codes = [f"A{i:02d}" for i in range(30)]
    >>> grid = gpd.GeoDataFrame({"area_code": codes}, crs=3006,
    ...     geometry=[box(i % 6, i // 6, i % 6 + 1, i // 6 + 1) for i in range(30)])
    >>> months = [f"2026-{m:02d}" for m in range(1, 13)]
    >>> rng = np.random.default_rng(3)
    >>> rows = [(a, m, rng.poisson(30 * (2.5 + 0.25 * j if a == "A07" else 1)))
    ...         for j, m in enumerate(months) for a in codes]
    >>> counts = pd.DataFrame(rows, columns=["area_code", "period", "count"])
    >>> out = emerging_hotspots(grid, counts, seed=1)
    >>> out.loc["A07", "pattern"], out.loc["A00", "pattern"]
    ('intensifierande', 'inget mönster')
    """
    require_columns(counts, ["area_code", period_col, count_col], "antal")
    if not 0 < trend_alpha < 1:
        raise ValueError("trend_alpha måste ligga mellan 0 och 1")
    periods = sorted(counts[period_col].dropna().unique())
    if len(periods) < 4:
        raise ValueError(f"minst 4 perioder behövs för en trend, fick {len(periods)}")
    if counts.duplicated(["area_code", period_col]).any():
        raise ValueError("antal: samma område och period förekommer flera gånger")
    wide = counts.pivot(index="area_code", columns=period_col, values=count_col)
    rng = np.random.default_rng(seed)
    z = np.empty((len(areas), len(periods)))
    hot = np.zeros((len(areas), len(periods)), dtype=bool)
    for t, period in enumerate(periods):
        # Checks the areas, the counts (unknown area codes, negative or fractional counts) and
        # the population, naming the bad one.
        y, pop = _check_inputs(areas, wide[period].dropna(), population, alpha, 1, 0.25, 99)
        exposure = np.ones(y.size) if pop is None else pop / pop.mean()
        if y.sum() == 0:
            z[:, t] = 0.0
            continue
        fit = fit_null(y, exposure, rng)
        mu = fit.rho * exposure
        z[:, t] = (y - mu) / np.sqrt(mu + fit.nu * mu**2)
        hot[:, t] = benjamini_hochberg(excess_p_values(y, exposure, fit)) <= alpha
    index = pd.Index(areas["area_code"].to_numpy(), name="area_code")
    rows = [_classify(z[i], hot[i], trend_alpha) for i in range(len(index))]
    out = pd.DataFrame(rows, index=index,
                       columns=["pattern", "n_hot", "hot_last", "trend_tau", "trend_p"])
    out["z_last"] = z[:, -1]
    out.attrs["z"] = pd.DataFrame(z, index=index, columns=periods)
    out.attrs["hot"] = pd.DataFrame(hot, index=index, columns=periods)
    return out


def _classify(z: np.ndarray, hot: np.ndarray, trend_alpha: float):
    n = hot.size
    n_hot = int(hot.sum())
    tau, p = _mann_kendall(z)
    mostly = n_hot >= math.ceil(0.9 * n)
    last = bool(hot[-1])
    if mostly and not last:
        pattern = "historisk"
    elif mostly and p < trend_alpha:
        pattern = "intensifierande" if tau > 0 else "avtagande"
    elif mostly:
        pattern = "ihållande"
    elif last and n_hot == 1:
        pattern = "ny"
    elif last:
        run = n - 1 - int(np.flatnonzero(~hot)[-1]) if (~hot).any() else n
        pattern = "konsekutiv" if run >= 2 and run == n_hot else "sporadisk"
    else:
        pattern = "inget mönster"
    return pattern, n_hot, last, tau, p


def _mann_kendall(z: np.ndarray) -> tuple[float, float]:
    """Kendall's τ of ``z`` against time and its two-sided p-value (1 for a constant series)."""
    if np.ptp(z) == 0:
        return 0.0, 1.0
    res = kendalltau(np.arange(z.size), z)
    return float(res.statistic), float(res.pvalue)
