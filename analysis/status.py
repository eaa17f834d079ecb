"""Suggested area status for the weekly lägesbild: grön / gul / orange / röd, with reasons.

The status is a *suggestion*: the analyst accepts or overrides it with a written motivering, so
every suggestion carries the Swedish reasons it was built from.

The rule
--------
For each area, points are added up:

1. **Alerts.** Every alert this week (:func:`analysis.alerts.weekly_alerts`) in the area adds its
   category's ``severity`` (categories frame; 1.0 when the category is not in the frame).
2. **Trend.** With severity weights ``w``, ``recent = Σ w·(mean count over the last trend_weeks
   weeks, this week included)`` and ``normal = Σ w·(mean count over the n_weeks weeks before
   those)``. The trend adds **2** when ``recent ≥ 2·normal`` and ``recent − normal ≥ 2``, else **1**
   when ``recent ≥ 1.5·normal`` and ``recent − normal ≥ 1``, else 0. The absolute margins keep a
   move from 0.25 to 0.5 weighted reports a week from counting as a doubling.

Status from the points: **grön** at 0, **gul** above 0 and below ``orange_at`` (3),
**orange** from ``orange_at`` up to below ``rod_at`` (6), **röd** from ``rod_at``.
So with the seed taxonomy one klotter alert gives gul, one misshandel alert (severity 4) orange,
a misshandel alert with a strongly rising trend (4 + 2) röd, and a rising trend alone gul.
Kommun-level reports (no area) never affect an area's status.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis._validate import require_columns
from analysis.alerts import format_decimal, weekly_alerts
from analysis.counts import CountCube
from analysis.weeks import parse_iso_week, week_ordinal

STATUSES: tuple[str, ...] = ("grön", "gul", "orange", "röd")


def status_from_points(points: float, *, orange_at: float = 3.0, rod_at: float = 6.0) -> str:
    """Map points to a status colour.

    Examples
    --------
    >>> [status_from_points(p) for p in (0, 0.5, 3, 5.5, 6)]
    ['grön', 'gul', 'orange', 'orange', 'röd']
    """
    if points <= 0:
        return "grön"
    if points < orange_at:
        return "gul"
    if points < rod_at:
        return "orange"
    return "röd"


def trend_points(recent: float, normal: float) -> int:
    """Trend points (0, 1 or 2) from severity-weighted weekly means.

    Examples
    --------
    >>> trend_points(4.0, 2.0), trend_points(3.0, 2.0), trend_points(0.5, 0.25)
    (2, 1, 0)
    """
    if recent >= 2 * normal and recent - normal >= 2:
        return 2
    if recent >= 1.5 * normal and recent - normal >= 1:
        return 1
    return 0


def suggest_area_status(
    cube: CountCube,
    week: str,
    categories: pd.DataFrame,
    *,
    alerts: pd.DataFrame | None = None,
    n_weeks: int = 12,
    trend_weeks: int = 4,
    orange_at: float = 3.0,
    rod_at: float = 6.0,
    area_names=None,
) -> pd.DataFrame:
    """Suggest a status per area from this week's alerts, the trend and category severity.

    Parameters
    ----------
    cube : CountCube
        Weekly counts holding at least ``n_weeks + trend_weeks`` weeks up to ``week``.
    week : str
        The week of the lägesbild.
    categories : pandas.DataFrame
        Categories frame with ``category_code``, ``category_name`` and ``severity``.
    alerts : pandas.DataFrame, optional
        Output of :func:`analysis.alerts.weekly_alerts` for ``week``; computed with its defaults
        (``n_weeks``) when not given. Only rows with ``is_alert`` true and an area count.
    n_weeks, trend_weeks : int
        Baseline length and length of the recent window for the trend.
    orange_at, rod_at : float
        Point thresholds (see the module docstring).
    area_names : DataFrame or dict, optional
        Names for the alert sentences.

    Returns
    -------
    pandas.DataFrame
        One row per area in cube order: ``area_code``, ``status``, ``points``, ``alert_points``,
        ``trend_points``, ``recent`` and ``normal`` (severity-weighted weekly means) and
        ``reasons`` (list of Swedish sentences).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from analysis.counts import CountCube
    >>> weeks = [f"2026-W{w:02d}" for w in range(32, 48)]
    >>> values = np.array([[[1] * 15 + [8]], [[1] * 16]])
    >>> cube = CountCube(["A", "B"], ["misshandel"], weeks, values, np.zeros((1, 16), int))
    >>> cats = pd.DataFrame({"category_code": ["misshandel"], "category_name": ["Misshandel"],
    ...                      "severity": [4.0]})
    >>> out = suggest_area_status(cube, "2026-W47", cats)
    >>> out[["status", "alert_points", "trend_points"]].values.tolist()
    [['röd', 4.0, 2], ['grön', 0.0, 0]]
    """
    require_columns(categories, ["category_code", "category_name", "severity"], "kategorier")
    label = parse_iso_week(week).label
    if label not in cube.weeks:
        raise ValueError(f"veckan {label} finns inte i räkningen")
    pos = week_ordinal(label) - week_ordinal(cube.weeks[0])
    need = n_weeks + trend_weeks
    if pos + 1 < need:
        raise ValueError(
            f"statusförslaget för {label} behöver {need} veckors historik, räkningen börjar "
            f"{cube.weeks[0]}"
        )
    severity_map = dict(zip(categories["category_code"], categories["severity"], strict=True))
    names = dict(zip(categories["category_code"], categories["category_name"], strict=True))
    weights = np.array([float(severity_map.get(c, 1.0)) for c in cube.categories])

    if alerts is None:
        alerts = weekly_alerts(
            cube, label, n_weeks=n_weeks, category_names=categories, area_names=area_names
        )
    require_columns(alerts, ["area_code", "category_code", "is_alert", "sentence"], "larm")

    values = cube.values.astype(np.float64)
    recent_counts = values[:, :, pos - trend_weeks + 1 : pos + 1].mean(axis=2)
    normal_counts = values[:, :, pos - need + 1 : pos - trend_weeks + 1].mean(axis=2)
    recent = recent_counts @ weights
    normal = normal_counts @ weights

    active = alerts[alerts["is_alert"].astype(bool) & alerts["area_code"].notna()]
    by_area: dict[str, list[tuple[float, str]]] = {}
    for a, c, sentence in zip(
        active["area_code"], active["category_code"], active["sentence"], strict=True
    ):
        sev = float(severity_map.get(c, 1.0))
        text = sentence or f"{names.get(c, c)}: ovanligt många händelser"
        by_area.setdefault(a, []).append(
            (sev, f"Larm: {text} (allvarlighetsvikt {format_decimal(sev, 1)})")
        )

    rows = []
    for i, area in enumerate(cube.areas):
        area_alerts = sorted(by_area.get(area, []), key=lambda t: -t[0])
        alert_pts = float(sum(s for s, _ in area_alerts))
        t_pts = trend_points(float(recent[i]), float(normal[i]))
        points = alert_pts + t_pts
        reasons = [text for _, text in area_alerts]
        if t_pts:
            kind = "Kraftigt ökande trend" if t_pts == 2 else "Ökande trend"
            reasons.append(
                f"{kind}: i snitt {format_decimal(recent[i])} viktade händelser per vecka de "
                f"senaste {trend_weeks} veckorna mot normalt {format_decimal(normal[i])}"
            )
        status = status_from_points(points, orange_at=orange_at, rod_at=rod_at)
        if points == 0:
            reasons.append("Inga larm och ingen ökande trend")
        else:
            reasons.append(
                f"Summa {format_decimal(points)} poäng ger {status} (orange från "
                f"{format_decimal(orange_at)}, röd från {format_decimal(rod_at)})"
            )
        rows.append(
            {
                "area_code": area,
                "status": status,
                "points": points,
                "alert_points": alert_pts,
                "trend_points": t_pts,
                "recent": float(recent[i]),
                "normal": float(normal[i]),
                "reasons": reasons,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "area_code", "status", "points", "alert_points", "trend_points", "recent", "normal",
            "reasons",
        ],
    )
