"""Near-repeat: the Knox test with Monte Carlo permutation of dates.

Question: after a report, is another one within ``d`` metres and ``t`` days more likely than
chance? For every pair of reports the distance and the number of days between them fall into a
space band and a time band. The observed pair count in each band pair is compared with its
expectation when the dates are shuffled at random among the same places (which keeps both where
reports happen and when they happen, and breaks only the link between the two). The pseudo p-value
is one-sided: the share of shuffles with at least as many pairs as observed.

Bands are closed at their upper edge and open at the lower: with ``distance_bands=(200, 400)``
the bands are 0–200 m and over 200 up to 400 m; with ``time_bands=(7, 14)``, 0–7 days (same
day included) and 8–14 days. Pairs beyond the last edges are not tabled.

A row with ``report_count`` k counts as k reports at the same place and day. Duplicates that
granskning has not merged look exactly like near-repeats, so run this on reviewed data. The Knox
test assumes the population at risk does not itself shift in space and time during the period
(e.g. a new housing area filling up); with a long period that can mimic near-repeats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from analysis._validate import require_columns, require_datetime, require_numeric

MIN_EVENTS = 10


@dataclass(frozen=True)
class NearRepeat:
    """Result of :func:`near_repeat`.

    ``table`` has one row per (distance band, time band): ``distance_band`` ("0–200 m"),
    ``time_band`` ("0–7 dagar"), ``observed``, ``expected`` (mean over the shuffles), ``ratio``
    (observed / expected) and ``p_value`` (pseudo p-value, one-sided, "more than chance").
    """

    table: pd.DataFrame
    n_events: int
    permutations: int
    text: str


def near_repeat(
    reports: pd.DataFrame,
    *,
    distance_bands: Sequence[float] = (200.0, 400.0),
    time_bands: Sequence[int] = (7, 14),
    category_code: str | None = None,
    category_name: str | None = None,
    permutations: int = 999,
    seed: int | None = None,
    alpha: float = 0.05,
) -> NearRepeat:
    """Knox near-repeat test per distance and time band, with a Swedish sentence.

    Parameters
    ----------
    reports : pandas.DataFrame
        Reports frame with ``x``, ``y`` (EPSG:3006, metres), ``observed_date`` and
        ``report_count``; rows without coordinates are left out.
    distance_bands : sequence of float
        Increasing upper edges of the distance bands in metres.
    time_bands : sequence of int
        Increasing upper edges of the time bands in days.
    category_code : str, optional
        Keep only this category (needs a ``category_code`` column). Default: all rows given.
    category_name : str, optional
        Swedish name used in the sentence, e.g. ``"skadegörelse"``.
    permutations : int
        Number of random shuffles of the dates (at least 99).
    seed : int, optional
        Seed for the shuffles.
    alpha : float
        Level at which the sentence calls the first band's excess more than chance.

    Returns
    -------
    NearRepeat
        The band table and ``text``, a sentence about the first band (closest in space and time).

    Examples
    --------
    >>> df = pd.DataFrame({
    ...     "x": [0.0, 50.0, 5000.0, 5050.0, 10000.0, 20000.0] * 2,
    ...     "y": [0.0] * 12,
    ...     "observed_date": pd.to_datetime(["2026-01-01", "2026-01-03", "2026-03-01",
    ...         "2026-03-02", "2026-05-01", "2026-07-01"] * 2) + pd.to_timedelta(
    ...         [0] * 6 + [200] * 6, unit="D"),
    ...     "report_count": 1})
    >>> r = near_repeat(df, distance_bands=[100], time_bands=[7], seed=1, permutations=199)
    >>> int(r.table.loc[0, "observed"])
    4
    """
    xy, days = _check_inputs(reports, distance_bands, time_bands, category_code, permutations,
                             alpha)
    d_edges = np.asarray(distance_bands, dtype=float)
    t_edges = np.asarray(time_bands, dtype=float)
    n_d, n_t = len(d_edges), len(t_edges)
    n = len(days)
    observed = np.zeros(n_d * n_t)
    sims = np.zeros((permutations, n_d * n_t))
    if n >= 2:
        pairs = cKDTree(xy).query_pairs(r=float(d_edges[-1]), output_type="ndarray")
        if len(pairs):
            i, j = pairs[:, 0], pairs[:, 1]
            dist = np.hypot(*(xy[i] - xy[j]).T)
            s_band = np.searchsorted(d_edges, dist, side="left")
            observed = _band_counts(days, i, j, s_band, t_edges, n_d)
            rng = np.random.default_rng(seed)
            for k in range(permutations):
                sims[k] = _band_counts(rng.permutation(days), i, j, s_band, t_edges, n_d)
    expected = sims.mean(axis=0)
    p_value = (1 + (sims >= observed - 1e-9).sum(axis=0)) / (permutations + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / expected, np.nan)
    d_labels = _band_labels(d_edges, "m")
    t_labels = _band_labels(t_edges, "dagar")
    table = pd.DataFrame(
        {
            "distance_band": np.repeat(d_labels, n_t),
            "time_band": np.tile(t_labels, n_d),
            "observed": observed.astype(np.int64),
            "expected": expected,
            "ratio": ratio,
            "p_value": p_value,
        }
    )
    text = _sentence(table.iloc[0], n, d_edges[0], t_edges[0], category_name, alpha)
    return NearRepeat(table=table, n_events=n, permutations=permutations, text=text)


def _band_counts(days, i, j, s_band, t_edges, n_d) -> np.ndarray:
    n_t = len(t_edges)
    t_band = np.searchsorted(t_edges, np.abs(days[i] - days[j]), side="left")
    keep = t_band < n_t
    return np.bincount(s_band[keep] * n_t + t_band[keep], minlength=n_d * n_t).astype(float)


def _band_labels(edges: np.ndarray, unit: str) -> list[str]:
    labels, low = [], 0.0
    for k, high in enumerate(edges):
        start = _num(low) if k == 0 or unit == "m" else _num(low + 1)
        labels.append(f"{start}–{_num(high)} {unit}")
        low = high
    return labels


def _sentence(first: pd.Series, n: int, dist: float, days: float, name, alpha) -> str:
    what = f"om {name}" if name else ""
    within = f"inom {_num(dist)} m och {_num(days)} dagar"
    if n < MIN_EVENTS or not np.isfinite(first["ratio"]):
        return (f"För få rapporter {what} med plats ({n} st) för att pröva om de "
                f"upprepas {within}.").replace("  ", " ")
    ratio, p = _dec(first["ratio"], 1), _p(first["p_value"])
    if first["ratio"] > 1 and first["p_value"] <= alpha:
        return (f"Efter en rapport {what} kom ytterligare en {within} {ratio} gånger så ofta "
                f"som slumpen skulle ge (p = {p}). Det tyder på upprepning nära i tid och "
                "rum.").replace("  ", " ")
    return (f"Inget tydligt tecken på att rapporter {what} följs av fler {within} oftare än "
            f"slumpen skulle ge (kvot {ratio}, p = {p}).").replace("  ", " ")


def _num(x: float) -> str:
    return f"{x:.0f}" if float(x).is_integer() else _dec(x, 1)


def _dec(x: float, digits: int) -> str:
    return f"{x:.{digits}f}".replace(".", ",")


def _p(p: float) -> str:
    return _dec(p, 3)


def _check_inputs(reports, distance_bands, time_bands, category_code, permutations, alpha):
    require_columns(reports, ["x", "y", "observed_date", "report_count"], "rapporter")
    require_datetime(reports, "observed_date", "rapporter")
    require_numeric(reports, "report_count", "rapporter", min_value=1)
    for col in ("x", "y"):
        s = reports[col]
        if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            raise ValueError(f"rapporter: kolumnen '{col}' måste vara numerisk, inte {s.dtype}")
    for name, edges in (("distance_bands", distance_bands), ("time_bands", time_bands)):
        e = np.asarray(edges, dtype=float)
        if e.ndim != 1 or e.size == 0 or not np.isfinite(e).all() or (e <= 0).any() or (
            np.diff(e) <= 0
        ).any():
            raise ValueError(f"{name} måste vara positiva, växande gränser")
    if permutations < 99:
        raise ValueError("permutations måste vara minst 99")
    if not 0 < alpha < 1:
        raise ValueError("alpha måste ligga mellan 0 och 1")
    rows = reports
    if category_code is not None:
        require_columns(reports, ["category_code"], "rapporter")
        rows = rows[rows["category_code"] == category_code]
    rows = rows[rows["x"].notna() & rows["y"].notna() & rows["observed_date"].notna()]
    repeat = rows["report_count"].to_numpy(dtype=np.int64)
    xy = np.repeat(rows[["x", "y"]].to_numpy(dtype=float), repeat, axis=0)
    dates = rows["observed_date"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    return xy, np.repeat(dates, repeat).astype(float)
