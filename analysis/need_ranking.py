"""Ranking areas by need of insatser from a period comparison, each rank explained in Swedish.

Input is the frame :func:`analysis.periods.compare_periods` returns; the function is also
importable from :mod:`analysis.periods`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis._validate import require_columns
from analysis.alerts import format_decimal


def rank_areas_by_need(
    comparison: pd.DataFrame,
    categories: pd.DataFrame,
    *,
    change_weight: float = 0.5,
    area_names=None,
) -> pd.DataFrame:
    """Rank areas by need of insatser, each rank explained in Swedish.

    The score of an area is its severity-weighted level plus ``change_weight`` times each
    severity-weighted *increase* (against the previous period and against the same period last
    year; decreases count as 0, so an improving area still ranks by its level)::

        level  = Σ_c severity_c · current_c
        score  = level + change_weight · (max(level − Σ severity·previous, 0)
                                          + max(level − Σ severity·last_year, 0))

    Categories missing from the frame get severity 1. Ties keep the comparison's area order.
    Kommun-level rows (no area) are left out.

    Parameters
    ----------
    comparison : pandas.DataFrame
        Output of :func:`compare_periods`.
    categories : pandas.DataFrame
        Categories frame with ``category_code``, ``category_name``, ``severity``.
    change_weight : float, default 0.5
        Weight of each increase against the level.
    area_names : DataFrame or dict, optional
        ``area_code -> area_name`` for the explanations.

    Returns
    -------
    pandas.DataFrame
        ``rank`` (1 = most need), ``area_code``, ``score``, ``level``, ``increase_previous``,
        ``increase_last_year``, ``top_category`` and ``explanation`` (Swedish).

    Examples
    --------
    >>> import pandas as pd
    >>> comparison = pd.DataFrame({"area_code": ["A", "B"], "category_code": "ran",
    ...     "current": [1, 2], "previous": [0, 2], "last_year": [1, 2],
    ...     "period": "2026-Q3", "previous_period": "2026-Q2", "last_year_period": "2025-Q3"})
    >>> cats = pd.DataFrame({"category_code": ["ran"], "category_name": ["Rån"],
    ...                      "severity": [4.0]})
    >>> rank_areas_by_need(comparison, cats)[["rank", "area_code", "score"]].values.tolist()
    [[1, 'B', 8.0], [2, 'A', 6.0]]
    """
    require_columns(
        comparison,
        ["area_code", "category_code", "current", "previous", "last_year", "period",
         "previous_period", "last_year_period"],
        "jämförelse",
    )
    require_columns(categories, ["category_code", "category_name", "severity"], "kategorier")
    sev = dict(zip(categories["category_code"], categories["severity"], strict=True))
    names = dict(zip(categories["category_code"], categories["category_name"], strict=True))
    if isinstance(area_names, pd.DataFrame):
        require_columns(area_names, ["area_code", "area_name"], "områden")
        area_names = dict(zip(area_names["area_code"], area_names["area_name"], strict=True))
    area_names = area_names or {}

    df = comparison[comparison["area_code"].notna()].copy()
    df["area_code"] = df["area_code"].astype(object)
    w = df["category_code"].astype(object).map(lambda c: float(sev.get(c, 1.0)))
    df["w_cur"] = w * df["current"]
    df["w_prev"] = w * df["previous"]
    df["w_ly"] = w * df["last_year"]
    order = pd.unique(df["area_code"])
    g = df.groupby("area_code", sort=False)[["w_cur", "w_prev", "w_ly"]].sum().reindex(order)
    top = (
        df.sort_values("w_cur", ascending=False, kind="stable")
        .groupby("area_code", sort=False)
        .head(1)
        .set_index("area_code")
    )
    level = g["w_cur"].to_numpy()
    inc_prev = np.maximum(level - g["w_prev"].to_numpy(), 0)
    inc_ly = np.maximum(level - g["w_ly"].to_numpy(), 0)
    score = level + change_weight * (inc_prev + inc_ly)
    ranking = np.argsort(-score, kind="stable")
    prev_label = str(comparison["previous_period"].iloc[0]) if len(comparison) else ""
    ly_label = str(comparison["last_year_period"].iloc[0]) if len(comparison) else ""
    rows = []
    for rank, i in enumerate(ranking, start=1):
        area = order[i]
        t = top.loc[area]
        top_cat = t["category_code"] if t["w_cur"] > 0 else None
        diff_prev = level[i] - g["w_prev"].iloc[i]
        diff_ly = level[i] - g["w_ly"].iloc[i]
        top_text = (
            f", mest {_short(names.get(top_cat, top_cat))} ({int(t['current'])} st)"
            if top_cat
            else ""
        )
        explanation = (
            f"{rank}. {area_names.get(area, area)}: viktat antal {format_decimal(level[i])}"
            f"{top_text}; {_signed(diff_prev)} mot {prev_label}, "
            f"{_signed(diff_ly)} mot {ly_label}"
        )
        rows.append(
            {
                "rank": rank,
                "area_code": area,
                "score": float(score[i]),
                "level": float(level[i]),
                "increase_previous": float(inc_prev[i]),
                "increase_last_year": float(inc_ly[i]),
                "top_category": top_cat,
                "explanation": explanation,
            }
        )
    return pd.DataFrame(
        rows,
        columns=["rank", "area_code", "score", "level", "increase_previous",
                 "increase_last_year", "top_category", "explanation"],
    )


def _signed(value: float) -> str:
    text = format_decimal(abs(float(value)))
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else "oförändrat")


def _short(name) -> str:
    return str(name).split(" (")[0]
