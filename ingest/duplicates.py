"""Flag likely duplicate reports for the säkerhetshandläggare to review (never delete anything).

Two reports are flagged when they have the same category, come from different organisations and

* ``near``: both have a point, at most ``max_distance_m`` apart (Euclidean, EPSG:3006) and at most
  ``max_hours`` apart in time; or
* ``same_area_day``: at least one has no point, both name the same area and the same day.

Time is an interval, not an instant: a known hour covers that hour, an unknown hour the whole day,
and an "under veckan" report (``observed_period == "vecka"``) the whole week; "hours apart" is the
gap between the two intervals (0 when they overlap).

"Different organisations" compares ``organisation_id``; a report without one (the police feed) is
identified by its ``source`` instead, so two police-feed events are never flagged against each
other, but a police event and a school's observation are.

Of each pair the report with the higher ``report_id`` (registered later) is the duplicate of the
lower. Pairs are listed one by one; no transitive grouping.

The candidate search is one k-d tree per category over ``(x, y, scaled time)`` with the Chebyshev
metric, which finds a superset of the pairs in one vectorised query; exact distance and time gap
are then filtered with numpy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

REQUIRED_COLUMNS: tuple[str, ...] = (
    "report_id",
    "category_code",
    "observed_date",
    "organisation_id",
    "x",
    "y",
    "area_code",
)
#: The default largest distance of the ``near`` rule, metres (callers that pre-select candidates use it).
DEFAULT_MAX_DISTANCE_M = 150.0
OUTPUT_COLUMNS: tuple[str, ...] = (
    "report_id",
    "duplicate_of_id",
    "rule",
    "distance_m",
    "hours_apart",
    "reason",
)


def flag_duplicates(
    reports: pd.DataFrame, *, max_distance_m: float = DEFAULT_MAX_DISTANCE_M, max_hours: float = 24.0
) -> pd.DataFrame:
    """Return likely duplicate pairs ``(report_id, duplicate_of_id)`` with a Swedish reason.

    Parameters
    ----------
    reports : pandas.DataFrame
        The reports frame (docs/data-contract.md): ``report_id``, ``category_code``,
        ``observed_date``, ``organisation_id``, ``x``, ``y``, ``area_code``; optional
        ``observed_hour``, ``observed_period`` and ``source``.
    max_distance_m : float, default 150
        Largest distance between two points, metres.
    max_hours : float, default 24
        Largest gap between the two reports' time intervals, hours.

    Returns
    -------
    pandas.DataFrame
        Columns ``report_id``, ``duplicate_of_id`` (int64, ``report_id > duplicate_of_id``),
        ``rule`` (``near`` / ``same_area_day``), ``distance_m`` (NaN for ``same_area_day``),
        ``hours_apart`` and ``reason`` (Swedish), sorted by ``report_id``, ``duplicate_of_id``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({
    ...     "report_id": [1, 2, 3], "category_code": ["klotter"] * 3,
    ...     "observed_date": pd.to_datetime(["2026-11-16"] * 3),
    ...     "observed_hour": pd.array([10, 12, 12], dtype="Int64"),
    ...     "organisation_id": pd.array([1, 2, 1], dtype="Int64"),
    ...     "x": [500000.0, 500090.0, 500000.0], "y": [6570000.0, 6570120.0, 6570000.0],
    ...     "area_code": [None, None, None]})
    >>> flag_duplicates(df)[["report_id", "duplicate_of_id", "distance_m", "hours_apart"]]
       report_id  duplicate_of_id  distance_m  hours_apart
    0          2                1       150.0          2.0
    1          3                2       150.0          0.0
    """
    _check(reports, max_distance_m, max_hours)
    df = reports.reset_index(drop=True)
    n = len(df)
    if n < 2:
        return _empty()

    ids = df["report_id"].to_numpy(dtype="int64")
    start, length = _intervals(df)
    who = _identity(df)
    cat = pd.factorize(df["category_code"].astype(str))[0]
    xs = pd.to_numeric(df["x"], errors="coerce").to_numpy(dtype="float64")
    ys = pd.to_numeric(df["y"], errors="coerce").to_numpy(dtype="float64")
    has_point = np.isfinite(xs) & np.isfinite(ys)

    near = _near_pairs(cat, xs, ys, start, length, who, has_point, max_distance_m, max_hours)
    area = _area_day_pairs(df, cat, who, has_point)

    frames = []
    if near[0].size:
        i, j = near
        dist = np.hypot(xs[i] - xs[j], ys[i] - ys[j])
        frames.append(_frame(ids, i, j, "near", dist, _gap(start, length, i, j)))
    if area[0].size:
        i, j = area
        frames.append(_frame(ids, i, j, "same_area_day", np.full(i.size, np.nan),
                             _gap(start, length, i, j)))
    if not frames:
        return _empty()
    out = pd.concat(frames, ignore_index=True)
    out["reason"] = _reasons(out, df["area_code"].to_numpy(dtype=object))
    out = out.sort_values(["report_id", "duplicate_of_id"], kind="stable").reset_index(drop=True)
    return out[list(OUTPUT_COLUMNS)]


@dataclass(frozen=True)
class Observation:
    """One report for :func:`is_likely_duplicate`: the columns the rules read, as plain values.

    ``reporter`` is the identity the rules compare: ``"org:<organisation_id>"``, or
    ``"source:<source>"`` for a report without organisation (the police feed).
    """

    category: str
    reporter: str
    day: date
    hour: int | None
    week: bool
    x: float | None
    y: float | None
    area: str | None


def is_likely_duplicate(
    a: Observation, b: Observation, *, max_distance_m: float = DEFAULT_MAX_DISTANCE_M, max_hours: float = 24.0
) -> bool:
    """Whether two reports pair by the rules of :func:`flag_duplicates`, without pandas.

    For a handful of candidates (one submitted report) building the frames costs far more than the
    rules; this evaluates them on one pair, with the same intervals, tolerances and identities.

    Examples
    --------
    >>> from datetime import date
    >>> school = Observation("klotter", "org:1", date(2026, 11, 16), 10, False, 500000.0, 6570000.0, None)
    >>> housing = Observation("klotter", "org:2", date(2026, 11, 16), 12, False, 500090.0, 6570120.0, None)
    >>> is_likely_duplicate(school, housing), is_likely_duplicate(school, school)
    (True, False)
    """
    if a.category != b.category or a.reporter == b.reporter:
        return False
    a_point = a.x is not None and a.y is not None and math.isfinite(a.x) and math.isfinite(a.y)
    b_point = b.x is not None and b.y is not None and math.isfinite(b.x) and math.isfinite(b.y)
    if a_point and b_point:
        if math.hypot(a.x - b.x, a.y - b.y) > max_distance_m + 1e-9:  # type: ignore[operator]
            return False
        return _pair_gap(a, b) <= max_hours + 1e-9
    return bool(a.area and a.area.strip()) and a.area == b.area and a.day == b.day


def _interval(o: Observation) -> tuple[float, float]:
    start = float((o.day - _EPOCH).days * 24)
    length = 24.0
    if o.hour is not None:
        start += o.hour
        length = 1.0
    if o.week:
        length = 24.0 * 7
    return start, length


def _pair_gap(a: Observation, b: Observation) -> float:
    (sa, la), (sb, lb) = _interval(a), _interval(b)
    if la == 1.0 and lb == 1.0:
        return abs(sa - sb)
    return max(max(sa, sb) - min(sa + la, sb + lb), 0.0)


_EPOCH = date(1970, 1, 1)


def _check(reports: pd.DataFrame, max_distance_m: float, max_hours: float) -> None:
    if not isinstance(reports, pd.DataFrame):
        raise ValueError("rapporter måste vara en DataFrame")
    missing = [c for c in REQUIRED_COLUMNS if c not in reports.columns]
    if missing:
        raise ValueError(f"rapporter saknar kolumnen '{missing[0]}'")
    if not pd.api.types.is_datetime64_any_dtype(reports["observed_date"]):
        raise ValueError("kolumnen 'observed_date' måste vara datetime64")
    if reports["report_id"].duplicated().any():
        raise ValueError("kolumnen 'report_id' innehåller dubbletter")
    if not (max_distance_m > 0 and max_hours >= 0):
        raise ValueError("max_distance_m måste vara > 0 och max_hours >= 0")


def _intervals(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    day = df["observed_date"].dt.normalize()
    hours = (day - pd.Timestamp("1970-01-01")) / pd.Timedelta(hours=1)
    start = hours.to_numpy(dtype="float64", copy=True)
    length = np.full(len(df), 24.0)
    if "observed_hour" in df.columns:
        hour = pd.to_numeric(df["observed_hour"], errors="coerce").to_numpy(dtype="float64")
        known = np.isfinite(hour)
        start[known] += hour[known]
        length[known] = 1.0
    if "observed_period" in df.columns:
        week = (df["observed_period"] == "vecka").fillna(False).to_numpy(dtype=bool)
        length[week] = 24.0 * 7
    return start, length


def _identity(df: pd.DataFrame) -> np.ndarray:
    org = df["organisation_id"]
    who = np.where(org.notna(), "org:" + org.astype(str), "")
    prefix, col = ("source:", "source") if "source" in df.columns else ("row:", "report_id")
    alt = prefix + df[col].astype(str)
    return pd.factorize(np.where(who == "", alt.to_numpy(dtype=object), who))[0]


def _gap(start: np.ndarray, length: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    lo = np.maximum(start[i], start[j])
    hi = np.minimum(start[i] + length[i], start[j] + length[j])
    # Touching intervals ([10, 11) and [11, 12)) are one hour apart as the user counts hours:
    # compare the interval starts for hour-precise reports, the overlap otherwise.
    both_hours = (length[i] == 1.0) & (length[j] == 1.0)
    gap = np.maximum(lo - hi, 0.0)
    return np.where(both_hours, np.abs(start[i] - start[j]), gap)


def _near_pairs(cat, xs, ys, start, length, who, has_point, max_d, max_h):
    idx_all = np.flatnonzero(has_point)
    if idx_all.size < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    mid = start + length / 2
    reach = max_h + float(length[idx_all].max())  # |mid_i - mid_j| bound for any true pair
    scale = max_d / max(reach, 1e-9)
    pi, pj = [], []
    for c in np.unique(cat[idx_all]):
        idx = idx_all[cat[idx_all] == c]
        if idx.size < 2:
            continue
        coords = np.column_stack([xs[idx], ys[idx], mid[idx] * scale])
        pairs = cKDTree(coords).query_pairs(r=max_d, p=np.inf, output_type="ndarray")
        if pairs.size:
            pi.append(idx[pairs[:, 0]])
            pj.append(idx[pairs[:, 1]])
    if not pi:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    i, j = np.concatenate(pi), np.concatenate(pj)
    keep = (np.hypot(xs[i] - xs[j], ys[i] - ys[j]) <= max_d + 1e-9) & (who[i] != who[j])
    i, j = i[keep], j[keep]
    keep = _gap(start, length, i, j) <= max_h + 1e-9
    return i[keep], j[keep]


def _area_day_pairs(df, cat, who, has_point):
    area = df["area_code"]
    ok = area.notna().to_numpy() & (area.astype(str).str.strip() != "").to_numpy()
    if ok.sum() < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    keys = pd.DataFrame({
        "row": np.arange(len(df)),
        "cat": cat,
        "area": area.astype(str).to_numpy(),
        "day": df["observed_date"].dt.normalize().to_numpy(),
    })[ok]
    # Only groups holding at least one report without a point can produce a pair.
    no_point = ~has_point[keys["row"].to_numpy()]
    grp = keys.assign(np_=no_point).groupby(["cat", "area", "day"])["np_"].transform("any")
    keys = keys[grp.to_numpy()]
    m = keys.merge(keys, on=["cat", "area", "day"], suffixes=("_i", "_j"))
    i = m["row_i"].to_numpy()
    j = m["row_j"].to_numpy()
    keep = (i < j) & (~has_point[i] | ~has_point[j]) & (who[i] != who[j])
    return i[keep], j[keep]


def _frame(ids, i, j, rule, dist, gap) -> pd.DataFrame:
    a, b = ids[i], ids[j]
    return pd.DataFrame({
        "report_id": np.maximum(a, b),
        "duplicate_of_id": np.minimum(a, b),
        "rule": rule,
        "distance_m": dist,
        "hours_apart": gap,
        "_area_row": i,
    })


def _reasons(out: pd.DataFrame, areas: np.ndarray) -> list[str]:
    reasons = []
    for rule, dist, gap, row in zip(
        out["rule"], out["distance_m"], out["hours_apart"], out["_area_row"], strict=True
    ):
        if rule == "near":
            reasons.append(
                f"Samma kategori, {dist:.0f} m ifrån varandra, {_hours(gap)}, "
                "från olika organisationer"
            )
        else:
            reasons.append(
                f"Samma kategori, samma område ({areas[row]}) och samma dag, utan exakt punkt, "
                "från olika organisationer"
            )
    return reasons


def _hours(gap: float) -> str:
    if gap == 0:
        return "samma tid"
    return "1 timme isär" if gap == 1 else f"{gap:.0f} timmar isär"


def _empty() -> pd.DataFrame:
    return pd.DataFrame({
        "report_id": pd.Series([], dtype="int64"),
        "duplicate_of_id": pd.Series([], dtype="int64"),
        "rule": pd.Series([], dtype=object),
        "distance_m": pd.Series([], dtype="float64"),
        "hours_apart": pd.Series([], dtype="float64"),
        "reason": pd.Series([], dtype=object),
    })
