"""Weekly alerts: is this week's count improbably high against the previous weeks?

The test
--------
For each area × category cell let ``x`` be this week's count and ``s`` the total over the previous
``n_weeks`` (default 12) weeks. Conditionally on ``t = x + s`` the unknown level of the cell drops
out. If counts were Poisson at a steady rate, ``x ~ Binomial(t, 1/(n+1))`` (the test of earlier
versions, still ``method="binomial"``). Real weekly counts are burstier than Poisson, and then that
test raises ten false alerts a week instead of one. So the default test is the **beta-binomial**
version of the same conditional test: if each week's rate varies around the cell's level like a
gamma variable with shape ``k`` (negative-binomial counts, variance ``μ + θμ²``, ``θ = 1/k``), then
exactly ``x | t ~ BetaBinomial(t, k, n·k)`` whatever the level. ``θ`` is estimated from the
history by conditional maximum likelihood, per category pooled over the areas and shrunk towards
the kommun's common value (:func:`analysis.dispersion.pooled_dispersion`).

**Season and trend.** When the cube reaches back to the ``n_weeks`` before the same week last year
(:func:`alert_history_window`, about 64 weeks), the expected count is the recent mean times last
year's ratio between that week (± 2) and its 12 predecessors, per category over the kommun,
shrunk towards the ratio of all categories (:func:`analysis.baselines.seasonal_ratios`).
Kommun-level cells (no area) get a dispersion of their own, estimated from their history. The week's share
of the window becomes ``r/(n + r)`` instead of ``1/(n + 1)``.

A cell alerts when the exact one-sided p-value ``P(X ≥ x)`` is below ``alpha``; by default
``alpha = 1 / (number of cells tested)``. Exact p-values are never below their nominal level, so
the expected number of false alerts is at most one a week however many areas and categories a
kommun has.

What to expect (tests/bench/sim_alerts.py, 36 areas × 12 categories, cell means 0.1–4 a week,
520 simulated weeks per null): 0.47 false alerts a week on Poisson counts, 0.53 on negative
binomial with k = 5, 0.64 with k = 2, 0.52 with a +30 %/year trend, 0.38 with a ±30 % season and
0.85 with all of it at once (the earlier test: 0.80, 4.1, 10.3, 1.03, 1.01 and 18.2). On Poisson
data a one-week surge of +10 over a baseline of at most 2 a week is found 94 % of the time and a
tripling over 10 a week 94 %. **On bursty data small and moderate changes cannot be told from
ordinary bursts** by any honest test: with k = 2 the same +10 surge is found 68 % of the time and
a tripling over 10 a week 14 % (a tenfold rise 70 %). :data:`ALERT_HELP_TEXT_SV` says so in the UI;
docs/statistics.md has the tables.

The test assumes reports arrive one at a time. An aggregate row (a police summary with
``report_count`` 5) placed in an area is five events at once and will usually alert on its own;
such rows normally stay at kommun level, which is tested only with ``include_kommun_level``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import binom

from analysis._validate import require_columns
from analysis.baselines import baseline_arrays, same_week_last_year, seasonal_ratios
from analysis.counts import CountCube
from analysis.dispersion import binomial_or_betabinom_midp, pooled_dispersion
from analysis.weeks import ordinal_to_label, parse_iso_week, week_ordinal

_METHODS = ("betabinomial", "binomial")

ALERT_HELP_TEXT_SV = (
    "Ett larm betyder att antalet händelser den här veckan är osannolikt högt jämfört med de "
    "senaste 12 veckorna i samma område och kategori, med hänsyn till årstiden (samma veckor "
    "förra året) och till att händelser i verkligheten kommer ojämnt, mer än av ren slump (hur "
    "ojämnt skattas ur kommunens egna data). Tröskeln är anpassad efter hur många kombinationer "
    "av område och kategori som bevakas, så att det i genomsnitt blir högst ett falskt larm per "
    "vecka i hela kommunen (i simuleringar 0,4–0,9 per vecka). "
    "Det testet ser: plötsliga, stora ökningar. En ökning med 20 händelser på en plats som "
    "normalt har ett par i veckan upptäcks 9 gånger av 10, en ökning med 10 händelser 7–9 gånger "
    "av 10. Det testet inte kan se: måttliga ökningar av det vanliga. När händelserna kommer "
    "ojämnt, som de brukar göra, upptäcks en tredubbling från normalt 10 i veckan bara ungefär "
    "var sjunde gång och en tredubbling från 2 i veckan ungefär var tionde gång (med helt jämna "
    "data 9 gånger av 10 respektive var femte gång). Att inget larm syns betyder alltså inte att "
    "inget har förändrats – läs också rapporterna och trenden."
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


def alert_sentence(
    category_name: str, area_name: str | None, count: int, mean: float, *, seasonal: bool = False
) -> str:
    """Plain Swedish sentence for an alert.

    Examples
    --------
    >>> alert_sentence("Skadegörelse", "Vivalla", 7, 1.4166)
    'Skadegörelse i Vivalla: 7 mot normalt 1,4 per vecka'
    >>> alert_sentence("Rån", None, 3, 0.3)
    'Rån på kommunnivå (utan område): 3 mot normalt 0,3 per vecka'
    >>> alert_sentence("Klotter", "Baronbackarna", 9, 2.46, seasonal=True)
    'Klotter i Baronbackarna: 9 mot normalt 2,5 per vecka den här tiden på året'
    """
    where = f"i {area_name}" if area_name is not None else "på kommunnivå (utan område)"
    season = " den här tiden på året" if seasonal else ""
    return (
        f"{category_name} {where}: {int(count)} mot normalt {format_decimal(mean)} per vecka{season}"
    )


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
    method: str = "betabinomial",
    seasonal: bool | None = None,
    last_year_halfwidth: int = 2,
) -> pd.DataFrame:
    """Alerts for one week: cells whose count is improbably high against the previous weeks.

    Parameters
    ----------
    cube : CountCube
        Counts from :func:`analysis.counts.count_cube` covering at least the ``n_weeks`` before
        ``week`` and ``week`` itself; :func:`alert_history_window` gives the range that also
        covers last year's season (about 64 weeks back).
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
    method : {"betabinomial", "binomial"}, default "betabinomial"
        ``"betabinomial"``: the conditional test allowing for overdispersion, with the dispersion
        estimated from the ``n_weeks`` of history per category, shrunk towards the kommun's
        common value (:func:`analysis.dispersion.pooled_dispersion`). ``"binomial"``: the exact
        Poisson test with mid-p of earlier versions (no dispersion, no season), for comparison.
    seasonal : bool, optional
        Scale the expected count by last year's seasonal ratio per category
        (:func:`analysis.baselines.seasonal_ratios`). Default: when the cube reaches back far
        enough and ``method`` is ``"betabinomial"``. ``True`` with too short a cube is an error.
    last_year_halfwidth : int, default 2
        Weeks each side of the same week last year, for ``last_year_mean`` and the season.

    Returns
    -------
    pandas.DataFrame
        Columns ``area_code`` (missing = kommun level), ``category_code``, ``iso_week``,
        ``count``, ``previous_mean``, ``last_year_mean``, ``p_value`` (exact; mid-p with
        ``method="binomial"``), ``alpha``,
        ``is_alert``, ``sentence`` (Swedish; empty when not an alert), and ``expected`` (the
        expected count this week: ``previous_mean`` times the seasonal ratio), ``seasonal_ratio``
        (1 when not used), ``dispersion`` (``θ``: variance ``μ + θμ²``, 0 = Poisson) and
        ``method``; alerts first, lowest p-value first.

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
    >>> out[["dispersion", "seasonal_ratio"]].values.tolist()  # steadier than Poisson, no season
    [[0.0, 1.0]]
    """
    if method not in _METHODS:
        raise ValueError(f"okänd metod '{method}', välj 'betabinomial' eller 'binomial'")
    if n_weeks < 2 and method == "betabinomial":
        raise ValueError("n_weeks måste vara minst 2 för att spridningen ska kunna skattas")
    arrays = baseline_arrays(
        cube, week, n_weeks=n_weeks, last_year_halfwidth=last_year_halfwidth
    )
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

    theta_cat = np.zeros(n_cat)
    theta_kommun = np.zeros(n_cat)
    ratio_cat = np.ones(n_cat)
    if method == "betabinomial":
        theta_cat, theta_kommun = _category_dispersion(cube, week, n_weeks)
        ratios = seasonal_ratios(
            cube, week, n_weeks=n_weeks, last_year_halfwidth=last_year_halfwidth,
            dispersion=theta_cat,
        ) if seasonal is not False else None
        if ratios is None and seasonal:
            first, _ = alert_history_window(
                week, n_weeks=n_weeks, last_year_halfwidth=last_year_halfwidth
            )
            raise ValueError(
                f"säsongsjusterade larm för {week} behöver räkningen från {first}, den börjar "
                f"{cube.weeks[0]}"
            )
        if ratios is not None:
            ratio_cat = ratios
    elif seasonal:
        raise ValueError("säsongsjustering finns bara med metoden 'betabinomial'")
    theta = np.tile(theta_cat, n_areas)
    if include_kommun_level:
        theta = np.concatenate([theta, theta_kommun])
    ratio = np.tile(ratio_cat, n_rows)
    share = ratio / (n_weeks + ratio)
    # The new test reports the exact p-value P(X ≥ x), which is valid (never below its nominal
    # level), so "α = 1/cells" bounds the expected false alerts per week by one; the binomial
    # method keeps the mid-p of earlier versions.
    p_value = binomial_or_betabinom_midp(
        count, count + prev_total, share, theta, n_weeks + 1, mid=method == "binomial"
    )
    is_alert = p_value < alpha
    expected = arrays["previous_mean"][:n_rows].ravel() * ratio

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
            "expected": expected[sel],
            "seasonal_ratio": ratio[sel],
            "dispersion": theta[sel],
            "method": method,
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
            seasonal=r != 1.0,
        )
        if flag
        else ""
        for a, c, n, m, r, flag in zip(
            out["area_code"], out["category_code"], out["count"], out["expected"],
            out["seasonal_ratio"], out["is_alert"], strict=True,
        )
    ]
    columns = [
        "area_code", "category_code", "iso_week", "count", "previous_mean", "last_year_mean",
        "p_value", "alpha", "is_alert", "sentence", "expected", "seasonal_ratio", "dispersion",
        "method",
    ]
    out = out[columns].sort_values(["is_alert", "p_value"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


def alert_history_window(
    week: str, *, n_weeks: int = 12, last_year_halfwidth: int = 2
) -> tuple[str, str]:
    """First and last week a cube must hold for seasonally adjusted alerts on ``week``.

    The ``n_weeks`` before the same week last year are needed (for last year's seasonal ratio),
    so about ``52 + n_weeks`` weeks of history.

    Examples
    --------
    >>> alert_history_window("2026-W47")
    ('2025-W35', '2026-W47')
    """
    label = parse_iso_week(week).label
    last_year = week_ordinal(same_week_last_year(label))
    first = min(week_ordinal(label) - n_weeks, last_year - max(n_weeks, last_year_halfwidth))
    return ordinal_to_label(first), label


def _category_dispersion(
    cube: CountCube, week: str, n_weeks: int
) -> tuple[np.ndarray, np.ndarray]:
    """θ per category for the area cells and, separately, for the kommun-level cells.

    Reports without an area are a different stream (police summaries, unplaced events), so their
    dispersion is estimated from their own history, the categories shrunk towards each other.
    """
    n_areas, n_cat = len(cube.areas), len(cube.categories)
    pos = week_ordinal(parse_iso_week(week).label) - week_ordinal(cube.weeks[0])
    kommun = pooled_dispersion(cube.kommun_level[:, pos - n_weeks : pos], np.arange(n_cat)).theta
    if n_areas == 0:
        return np.zeros(n_cat), kommun
    history = cube.values[:, :, pos - n_weeks : pos].reshape(n_areas * n_cat, n_weeks)
    groups = np.tile(np.arange(n_cat), n_areas)
    return pooled_dispersion(history, groups).theta, kommun


def _short(name: str) -> str:
    return str(name).split(" (")[0]


def _names(names, key: str, value: str, what: str) -> dict:
    if names is None:
        return {}
    if isinstance(names, pd.DataFrame):
        require_columns(names, [key, value], what)
        return dict(zip(names[key], names[value], strict=True))
    return dict(names)
