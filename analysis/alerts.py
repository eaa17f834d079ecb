"""Weekly alerts: is this week's count improbably high against the previous weeks?

The test
--------
For each area × category cell let ``x`` be this week's count and ``s`` the total over the previous
``n_weeks`` (default 12) weeks. If the rate has not changed, each of the ``n_weeks + 1`` weeks is
equally likely to hold any one of the ``t = x + s`` reports, so, *conditionally on t*,
``x ~ Binomial(t, 1 / (n_weeks + 1))``. This is exact for Poisson counts and needs no estimate of
the unknown rate. The one-sided **mid-p** value is ``P(X > x) + ½·P(X = x)``; it is less
conservative than the plain exact p-value with small counts while keeping the false-alert rate
close to nominal. A cell alerts when ``mid-p < alpha``; by default
``alpha = 1 / (number of cells tested)`` so that at most about one false alert per week is expected
over the whole kommun, however many areas and categories it has (multiple-comparison control).

What to expect (simulation, 36 areas × 12 categories, Poisson baselines drawn uniformly between 0.1
and 4 a week; see tests/analysis/test_alerts.py and tests/bench/results/counts_alerts.md): about
0.8 false alerts a week on stable data (0.77 over 10 400 simulated weeks); a one-week surge of +10
over a baseline of at most 2 a week is found about 95 % of the time; a tripling over a baseline of
10 a week about 96 %. **But no honest test can find small surges on small counts**: a tripling over
a baseline of 2 a week (6 instead of 2) is found only about a quarter of the time (25 %) at this
alpha, because 6 in a week happens by chance too often when hundreds of cells are watched.
A missing alert is therefore not proof that nothing changed; :data:`ALERT_HELP_TEXT_SV` says so in
the UI.

The test assumes reports arrive one at a time. An aggregate row (a police summary with
``report_count`` 5) placed in an area is five events at once and will usually alert on its own;
such rows normally stay at kommun level, which is tested only with ``include_kommun_level``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import binom

from analysis._validate import require_columns
from analysis.baselines import baseline_arrays
from analysis.counts import CountCube
from analysis.weeks import parse_iso_week

ALERT_HELP_TEXT_SV = (
    "Ett larm betyder att antalet händelser den här veckan är osannolikt högt jämfört med de "
    "senaste 12 veckorna i samma område och kategori. Testet är ett exakt test (binomialtest med "
    "mid-p) och tröskeln är anpassad efter hur många kombinationer av område och kategori som "
    "bevakas, så att det i genomsnitt blir högst ungefär ett falskt larm per vecka i hela "
    "kommunen. "
    "Stora ökningar upptäcks nästan alltid, men små ökningar på få händelser går inte att skilja "
    "från slumpen: en tredubbling från normalt 2 till 6 händelser en vecka upptäcks bara ungefär "
    "var fjärde gång, med vilket ärligt test som helst. Att inget larm syns betyder alltså inte "
    "att inget har förändrats – läs också rapporterna och trenden."
)


def alert_midp(count, previous_total, n_weeks: int = 12) -> np.ndarray:
    """One-sided mid-p of ``count`` given ``count + previous_total`` under Binomial(t, 1/(n+1)).

    Examples
    --------
    >>> # nothing this week: 1 - (12/13)**5 + (12/13)**5 / 2
    >>> round(float(alert_midp(0, 5)), 4)
    0.6649
    >>> float(alert_midp(7, 17)) < 0.002
    True
    """
    x = np.asarray(count, dtype=np.float64)
    t = x + np.asarray(previous_total, dtype=np.float64)
    p = 1.0 / (n_weeks + 1)
    return binom.sf(x, t, p) + 0.5 * binom.pmf(x, t, p)


def format_decimal(value: float, decimals: int = 1) -> str:
    """Swedish decimal comma: ``1.4 -> "1,4"``.

    Examples
    --------
    >>> format_decimal(1.4166)
    '1,4'
    """
    return f"{value:.{decimals}f}".replace(".", ",").replace("-", "−")


def alert_sentence(category_name: str, area_name: str | None, count: int, mean: float) -> str:
    """Plain Swedish sentence for an alert.

    Examples
    --------
    >>> alert_sentence("Skadegörelse", "Vivalla", 7, 1.4166)
    'Skadegörelse i Vivalla: 7 mot normalt 1,4 per vecka'
    >>> alert_sentence("Rån", None, 3, 0.3)
    'Rån på kommunnivå (utan område): 3 mot normalt 0,3 per vecka'
    """
    where = f"i {area_name}" if area_name is not None else "på kommunnivå (utan område)"
    return f"{category_name} {where}: {int(count)} mot normalt {format_decimal(mean)} per vecka"


def weekly_alerts(
    cube: CountCube,
    week: str,
    *,
    n_weeks: int = 12,
    alpha: float | None = None,
    include_kommun_level: bool = False,
    category_names=None,
    area_names=None,
    all_cells: bool = False,
) -> pd.DataFrame:
    """Alerts for one week: cells whose count is improbably high against the previous weeks.

    Parameters
    ----------
    cube : CountCube
        Counts from :func:`analysis.counts.count_cube` covering at least the ``n_weeks`` before
        ``week`` and ``week`` itself (:func:`analysis.baselines.history_window` gives a range
        that also covers last year's baseline).
    week : str
        The week to test, e.g. ``"2026-W47"``.
    n_weeks : int, default 12
        Weeks in the baseline.
    alpha : float, optional
        Per-cell level. Default ``1 / number of cells tested`` (areas × categories, plus the
        kommun-level categories when included), at most 0.05.
    include_kommun_level : bool, default False
        Also test reports without an area (one cell per category).
    category_names, area_names : DataFrame or dict, optional
        ``category_code -> category_name`` and ``area_code -> area_name`` for the sentences
        (frames with those columns or dicts). The part of a category name in parentheses is
        dropped ("Skadegörelse (inkl. krossade rutor)" reads "Skadegörelse"). Codes are used when
        a name is missing.
    all_cells : bool, default False
        Return every tested cell (with ``is_alert``) instead of only the alerts.

    Returns
    -------
    pandas.DataFrame
        Columns ``area_code`` (missing = kommun level), ``category_code``, ``iso_week``,
        ``count``, ``previous_mean``, ``last_year_mean``, ``p_value`` (mid-p), ``alpha``,
        ``is_alert`` and ``sentence`` (Swedish; empty when not an alert); alerts first, lowest
        p-value first.

    Examples
    --------
    >>> import numpy as np
    >>> from analysis.counts import CountCube
    >>> weeks = [f"2026-W{w:02d}" for w in range(35, 48)]
    >>> values = np.array([[[1, 2, 1, 2, 1, 1, 2, 1, 2, 1, 2, 1, 7]]])  # 17 before, 7 now
    >>> cube = CountCube(["1880A"], ["skadegorelse"], weeks, values, np.zeros((1, 13), int))
    >>> out = weekly_alerts(cube, "2026-W47", alpha=0.01,
    ...                     category_names={"skadegorelse": "Skadegörelse"},
    ...                     area_names={"1880A": "Vivalla"})
    >>> out["sentence"].tolist()
    ['Skadegörelse i Vivalla: 7 mot normalt 1,4 per vecka']
    """
    arrays = baseline_arrays(cube, week, n_weeks=n_weeks)
    if arrays["previous_total"].min(initial=0) < 0:
        raise ValueError(
            f"räkningen börjar {cube.weeks[0]}: larm för {week} behöver de {n_weeks} veckorna före"
        )
    n_areas, n_cat = len(cube.areas), len(cube.categories)
    n_rows = n_areas + 1 if include_kommun_level else n_areas
    count = arrays["count"][:n_rows].ravel()
    prev_total = arrays["previous_total"][:n_rows].ravel()
    n_cells = count.size
    if alpha is None:
        alpha = min(0.05, 1.0 / max(n_cells, 1))
    if not 0 < alpha < 1:
        raise ValueError("alpha måste ligga mellan 0 och 1")
    p_value = alert_midp(count, prev_total, n_weeks)
    is_alert = p_value < alpha

    area_idx = np.repeat(np.arange(n_rows), n_cat)
    cat_idx = np.tile(np.arange(n_cat), n_rows)
    sel = np.arange(n_cells) if all_cells else np.flatnonzero(is_alert)
    areas = np.array([*cube.areas, None], dtype=object)
    cats = np.array(cube.categories, dtype=object)
    out = pd.DataFrame(
        {
            "area_code": areas[area_idx[sel]],
            "category_code": cats[cat_idx[sel]],
            "iso_week": parse_iso_week(week).label,
            "count": count[sel],
            "previous_mean": arrays["previous_mean"][:n_rows].ravel()[sel],
            "last_year_mean": arrays["last_year_mean"][:n_rows].ravel()[sel],
            "p_value": p_value[sel],
            "alpha": alpha,
            "is_alert": is_alert[sel],
        }
    )
    cat_names = _names(category_names, "category_code", "category_name", "kategorier")
    area_name_map = _names(area_names, "area_code", "area_name", "områden")
    out["sentence"] = [
        alert_sentence(
            _short(cat_names.get(c, c)),
            None if a is None else area_name_map.get(a, a),
            n,
            m,
        )
        if flag
        else ""
        for a, c, n, m, flag in zip(
            out["area_code"], out["category_code"], out["count"], out["previous_mean"],
            out["is_alert"], strict=True,
        )
    ]
    out = out.sort_values(["is_alert", "p_value"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


def _short(name: str) -> str:
    return str(name).split(" (")[0]


def _names(names, key: str, value: str, what: str) -> dict:
    if names is None:
        return {}
    if isinstance(names, pd.DataFrame):
        require_columns(names, [key, value], what)
        return dict(zip(names[key], names[value], strict=True))
    return dict(names)
