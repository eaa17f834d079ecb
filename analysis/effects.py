"""Insats effect: difference-in-differences on report counts, treated vs comparison areas.

Model. Count per area and period (before / after) follows a log-linear model with one level per
area, one before→after change shared by the comparison areas and an extra change for the treated
areas::

    log E[y_ip] = alpha_i + gamma * after_p + beta * treated_i * after_p

``exp(beta)`` is the ratio of rate ratios: (treated after / before) / (comparison after / before).
With area levels in the model, the maximum-likelihood estimate has a closed form from the four
group totals, ``beta = log(T1 / T0) - log(C1 / C0)``, and its Poisson variance is
``1/T0 + 1/T1 + 1/C0 + 1/C1``.

Why quasi-Poisson on area totals. Report counts are over-dispersed: week-to-week bursts (one
group of youths, one summer) and, more importantly for a difference-in-differences, areas whose
before→after change differs from their group's for reasons unrelated to the insats. A plain
Poisson interval ignores both and is far too narrow. Here the Poisson variance is scaled by a
dispersion factor ``phi`` estimated from the Pearson residuals of the area × period table (one
residual degree of freedom per area beyond the model's), floored at 1, and the interval uses the
t distribution with ``areas - 2`` degrees of freedom. Week-level over-dispersion inflates the
area totals too, so it is captured as well, without assuming a negative binomial shape. This is
the honest choice for few areas: a cluster-robust sandwich or bootstrap over areas is
anti-conservative with 3–5 treated areas. The price: the dispersion is assumed common to treated
and comparison areas, and the comparison areas must share the treated areas' trend without the
insats (parallel trends), which no count model can check for you.

Simulated coverage of the 95 % interval with no effect (300 seeds each, weekly negative binomial
counts, area drift): 5 treated vs 20 comparison areas 93 %, 5 vs 5 95 %, 1 vs 10 95 %, 0.5 reports
a week 95 %; with treated areas three times as busy as the comparison areas it drops to 91 %,
because negative binomial dispersion grows with the mean. Choose comparison areas of similar size.

Per-week rates. The before and after periods may differ in length (26 weeks before, a year
after), so totals side by side mislead. :class:`InsatsEffect` carries both periods' lengths and
gives each group's reports per week; the weeks cancel in the ratio of rate ratios, so
``(treated after / before per week) / (comparison after / before per week)`` equals
``rate_ratio`` exactly, except when the treated areas have no reports after and the estimate
uses Haldane's 0.5 (then the rates say 0 and the estimate stays finite).

The verdict never claims more than the interval allows, and below ``min_reports`` in the treated
areas before, or in the comparison areas in either period, it is "underlaget räcker inte".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analysis._validate import require_columns, require_datetime, require_numeric
from analysis.wording import plural

INSUFFICIENT = "underlaget räcker inte"
DECREASE = "minskning"
INCREASE = "ökning"
NO_CLEAR_CHANGE = "ingen säker skillnad"


@dataclass(frozen=True)
class InsatsEffect:
    """Result of :func:`insats_effect`. Percent values are changes, e.g. -38.0 for "−38 %"."""

    verdict: str
    effect_pct: float
    ci_low_pct: float
    ci_high_pct: float
    confidence: float
    rate_ratio: float
    dispersion: float
    df: int
    treated_before: float
    treated_after: float
    comparison_before: float
    comparison_after: float
    n_treated_areas: int
    n_comparison_areas: int
    text: str
    weeks_before: float
    weeks_after: float

    @property
    def treated_before_per_week(self) -> float:
        """Reports per week in the treated areas (all together) before the insats."""
        return self.treated_before / self.weeks_before

    @property
    def treated_after_per_week(self) -> float:
        """Reports per week in the treated areas (all together) during/after the insats."""
        return self.treated_after / self.weeks_after

    @property
    def comparison_before_per_week(self) -> float:
        """Reports per week in the comparison areas (all together) before the insats."""
        return self.comparison_before / self.weeks_before

    @property
    def comparison_after_per_week(self) -> float:
        """Reports per week in the comparison areas (all together) during/after the insats."""
        return self.comparison_after / self.weeks_after

    @property
    def treated_change_pct(self) -> float:
        """Change in the treated areas' weekly rate, in percent (NaN without reports before)."""
        return _rate_change(self.treated_before_per_week, self.treated_after_per_week)

    @property
    def comparison_change_pct(self) -> float:
        """Change in the comparison areas' weekly rate, in percent (NaN without reports before)."""
        return _rate_change(self.comparison_before_per_week, self.comparison_after_per_week)

    @property
    def per_week_text(self) -> str:
        """The weekly rates in one Swedish sentence, e.g. for a PDF table cell."""
        return (
            f"Rapporter per vecka: insatsområdena {_rate(self.treated_before_per_week)} före "
            f"({_weeks(self.weeks_before)}) och {_rate(self.treated_after_per_week)} under/efter "
            f"({_weeks(self.weeks_after)}); jämförelseområdena "
            f"{_rate(self.comparison_before_per_week)} före och "
            f"{_rate(self.comparison_after_per_week)} under/efter."
        )


def insats_effect(
    reports: pd.DataFrame,
    *,
    treated_areas: Iterable[str],
    comparison_areas: Iterable[str],
    before: tuple,
    after: tuple,
    confidence: float = 0.95,
    min_reports: int = 20,
) -> InsatsEffect:
    """Estimate an insats' effect on report counts as a percent change with an interval.

    Parameters
    ----------
    reports : pandas.DataFrame
        Reports frame (``area_code``, ``observed_date``, ``report_count``), already filtered to
        the categories the insats targets. Rows without an area are ignored.
    treated_areas, comparison_areas : iterable of str
        Area codes with the insats and without it; disjoint, both non-empty.
    before, after : tuple of (start, end)
        Inclusive date ranges (anything ``pandas.Timestamp`` reads) of the periods before and
        after (or during) the insats; ``before`` must end before ``after`` starts. They may differ
        in length: the comparison areas' change absorbs it.
    confidence : float
        Confidence level of the interval, 0.80–0.99.
    min_reports : int
        Fewest reports the treated areas need before the insats, and the comparison areas need in
        each period, to say anything at all.

    Returns
    -------
    InsatsEffect
        ``verdict`` is ``"minskning"`` or ``"ökning"`` only when the whole interval lies on that
        side of zero, ``"ingen säker skillnad"`` when it spans zero, ``"underlaget räcker inte"``
        when the counts are too small (then the numbers are NaN); ``text`` is the Swedish
        reading.

    Examples
    --------
    >>> weeks = pd.date_range("2026-01-05", periods=20, freq="7D")
    >>> comparison = ["C1", "C2", "C3", "C4", "C5", "C6"]
    >>> rows = [(a, d, 12 if a == "T" and d >= weeks[10] else 20)
    ...         for a in ["T", *comparison] for d in weeks]
    >>> df = pd.DataFrame(rows, columns=["area_code", "observed_date", "report_count"])
    >>> r = insats_effect(df, treated_areas=["T"], comparison_areas=comparison,
    ...                   before=(weeks[0], weeks[9]), after=(weeks[10], weeks[19]))
    >>> r.verdict, round(r.effect_pct)
    ('minskning', -40)
    """
    table, treated, b0, b1, a0, a1 = _check_inputs(
        reports, treated_areas, comparison_areas, before, after, confidence, min_reports
    )
    is_t = table.index.isin(treated)
    t0, t1 = float(table.loc[is_t, "before"].sum()), float(table.loc[is_t, "after"].sum())
    c0, c1 = float(table.loc[~is_t, "before"].sum()), float(table.loc[~is_t, "after"].sum())
    active = (table["before"] + table["after"]) > 0
    n_t, n_c = int((active & is_t).sum()), int((active & ~is_t).sum())
    common: dict[str, Any] = {
        "confidence": confidence,
        "weeks_before": _length_weeks(b0, b1),
        "weeks_after": _length_weeks(a0, a1),
        "treated_before": t0,
        "treated_after": t1,
        "comparison_before": c0,
        "comparison_after": c1,
        "n_treated_areas": n_t,
        "n_comparison_areas": n_c,
    }
    reason = _insufficient_reason(t0, c0, c1, n_t, n_c, min_reports,
                                  common["weeks_before"], common["weeks_after"])
    if reason:
        nan = float("nan")
        return InsatsEffect(
            verdict=INSUFFICIENT, effect_pct=nan, ci_low_pct=nan, ci_high_pct=nan,
            rate_ratio=nan, dispersion=nan, df=0,
            text=f"Underlaget räcker inte för att bedöma insatsens effekt: {reason}.",
            **common,
        )
    totals = np.array([t0, t1, c0, c1])
    if (totals == 0).any():  # only t1 can be 0 here; Haldane's 0.5 keeps the log finite
        totals = totals + 0.5
    beta = np.log(totals[1] / totals[0]) - np.log(totals[3] / totals[2])
    df = n_t + n_c - 2
    phi = max(1.0, _pearson_chi2(table[active], is_t[active.to_numpy()]) / df)
    se = float(np.sqrt(phi * (1.0 / totals).sum()))
    tq = float(stats.t.ppf(0.5 + confidence / 2, df))
    lo, hi = np.exp(beta - tq * se), np.exp(beta + tq * se)
    if hi < 1:
        verdict = DECREASE
    elif lo > 1:
        verdict = INCREASE
    else:
        verdict = NO_CLEAR_CHANGE
    effect, low, high = (100 * (v - 1) for v in (np.exp(beta), lo, hi))
    return InsatsEffect(
        verdict=verdict, effect_pct=float(effect), ci_low_pct=float(low),
        ci_high_pct=float(high), rate_ratio=float(np.exp(beta)), dispersion=float(phi), df=df,
        text=_reading(verdict, effect, low, high, confidence),
        **common,
    )


def _pearson_chi2(table: pd.DataFrame, is_treated: np.ndarray) -> float:
    """Pearson X² of the area × period table under the fitted model (areas with reports only)."""
    y = table[["before", "after"]].to_numpy(dtype=float)
    n = y.sum(axis=1)
    share_after = np.empty(len(y))
    for group in (True, False):
        rows = is_treated == group
        share_after[rows] = y[rows, 1].sum() / y[rows].sum()
    mu = np.column_stack([n * (1 - share_after), n * share_after])
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(mu > 0, (y - mu) ** 2 / mu, 0.0)
    return float(terms.sum())


def _insufficient_reason(t0, c0, c1, n_t, n_c, min_reports, weeks_before, weeks_after) -> str:
    # Each count is named with its own period's length: totals over unequal periods side by
    # side would read as a change.
    if t0 < min_reports:
        return (f"insatsområdena hade {plural(t0, 'rapport', 'rapporter')} under "
                f"{_weeks(weeks_before)} före insatsen, minst {min_reports} behövs")
    if c0 < min_reports or c1 < min_reports:
        return (f"jämförelseområdena hade {plural(c0, 'rapport', 'rapporter')} under "
                f"{_weeks(weeks_before)} före och {_n(c1)} under {_weeks(weeks_after)} efter, "
                f"minst {min_reports} behövs i varje period")
    if n_t < 1 or n_c < 2:
        return "minst två jämförelseområden med rapporter behövs för att skatta osäkerheten"
    return ""


def _reading(verdict: str, effect: float, low: float, high: float, confidence: float) -> str:
    level = f"{round(confidence * 100)} %"
    interval = f"{level} konfidensintervall: {_change(low)} till {_change(high)}"
    if verdict == DECREASE:
        return (
            f"Antalet rapporter i insatsområdena minskade med uppskattningsvis "
            f"{_pct(-effect)} jämfört med utvecklingen i jämförelseområdena ({interval}). "
            "Minskningen är större än vad slumpen brukar ge, men jämförelsen visar inte ensam "
            "att det var insatsen som orsakade den."
        )
    if verdict == INCREASE:
        return (
            f"Antalet rapporter i insatsområdena ökade med uppskattningsvis {_pct(effect)} "
            f"jämfört med utvecklingen i jämförelseområdena ({interval}). En ökning kan också "
            "bero på att fler rapporterar när en insats pågår; jämförelsen visar inte orsaken."
        )
    return (
        f"Ingen säker skillnad mot jämförelseområdena: uppskattningen är {_change(effect)}, "
        f"men intervallet ({interval}) rymmer både minskning och ökning. Det visar inte att "
        "insatsen saknade effekt, bara att underlaget inte kan skilja en effekt från slumpen."
    )


def _change(pct: float) -> str:
    if round(pct) == 0:
        return "oförändrat"
    return f"{_pct(-pct)} minskning" if pct < 0 else f"{_pct(pct)} ökning"


def _pct(value: float) -> str:
    return f"{round(value)} %"


def _rate_change(before: float, after: float) -> float:
    return 100 * (after / before - 1) if before > 0 else float("nan")


def _length_weeks(start: pd.Timestamp, end: pd.Timestamp) -> float:
    """Length in weeks of an inclusive whole-day period (``end`` is the last day's last instant)."""
    return ((end.normalize() - start).days + 1) / 7


def _weeks(weeks: float) -> str:
    return f"{_n(round(weeks, 1))} {'vecka' if weeks == 1 else 'veckor'}"


def _rate(per_week: float) -> str:
    return f"{per_week:.1f}".replace(".", ",")


def _n(x: float) -> str:
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.1f}".replace(".", ",")


def _check_inputs(reports, treated_areas, comparison_areas, before, after, confidence,
                  min_reports):
    require_columns(reports, ["area_code", "observed_date", "report_count"], "rapporter")
    require_datetime(reports, "observed_date", "rapporter")
    require_numeric(reports, "report_count", "rapporter", min_value=1)
    treated = pd.Index(pd.unique(pd.Series(list(treated_areas), dtype=object)))
    comparison = pd.Index(pd.unique(pd.Series(list(comparison_areas), dtype=object)))
    if len(treated) == 0:
        raise ValueError("inga insatsområden angivna")
    if len(comparison) == 0:
        raise ValueError("inga jämförelseområden angivna")
    both = treated.intersection(comparison)
    if len(both):
        raise ValueError(f"området '{both[0]}' är både insatsområde och jämförelseområde")
    b0, b1 = _period(before, "perioden före")
    a0, a1 = _period(after, "perioden efter")
    if b1 >= a0:
        raise ValueError("perioden före insatsen måste sluta innan perioden efter börjar")
    if not 0.8 <= confidence <= 0.99:
        raise ValueError("konfidensnivån måste ligga mellan 0,80 och 0,99")
    if min_reports < 1:
        raise ValueError("min_reports måste vara minst 1")
    dates = reports["observed_date"]
    period = np.select(
        [(dates >= b0) & (dates <= b1), (dates >= a0) & (dates <= a1)], ["before", "after"], ""
    )
    keep = (period != "") & reports["area_code"].isin(treated.union(comparison))
    table = (
        pd.DataFrame({
            "area_code": reports.loc[keep, "area_code"].to_numpy(),
            "period": period[keep.to_numpy()],
            "n": reports.loc[keep, "report_count"].to_numpy(dtype=float),
        })
        .pivot_table(index="area_code", columns="period", values="n", aggfunc="sum")
        .reindex(index=treated.append(comparison), columns=["before", "after"])
        .fillna(0.0)
    )
    return table, treated, b0, b1, a0, a1


def _period(bounds, name: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    try:
        start, end = (pd.Timestamp(v) for v in bounds)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} måste vara (startdatum, slutdatum)") from exc
    if start > end:
        raise ValueError(f"{name}: startdatum ligger efter slutdatum")
    # whole days: an end date includes that whole calendar day
    return start.normalize(), end.normalize() + pd.Timedelta(days=1) - pd.Timedelta(1, "ns")
