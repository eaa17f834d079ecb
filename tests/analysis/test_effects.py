"""Tests for analysis.effects: hand-computed DiD, small-data verdict, and seeded simulations."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.effects import (
    DECREASE,
    INCREASE,
    INSUFFICIENT,
    NO_CLEAR_CHANGE,
    insats_effect,
)

BEFORE = ("2026-01-01", "2026-03-31")
AFTER = ("2026-04-01", "2026-06-30")


def _frame(table: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """One row per area and period: (before, after) counts on one day inside each period."""
    rows = []
    for area, (b, a) in table.items():
        if b:
            rows.append((area, pd.Timestamp("2026-02-10"), b))
        if a:
            rows.append((area, pd.Timestamp("2026-05-10"), a))
    return pd.DataFrame(rows, columns=["area_code", "observed_date", "report_count"])


HAND = {
    "T1": (40, 20), "T2": (60, 40),  # treated: 100 before, 60 after
    "C1": (50, 50), "C2": (20, 40), "C3": (70, 50),  # comparison: 140 before, 140 after
}


def test_hand_computed_case():
    r = insats_effect(_frame(HAND), treated_areas=["T1", "T2"],
                      comparison_areas=["C1", "C2", "C3"], before=BEFORE, after=AFTER)
    # ratio of rate ratios: (60 / 100) / (140 / 140) = 0.6 -> -40 %
    assert r.rate_ratio == pytest.approx(0.6)
    assert r.effect_pct == pytest.approx(-40.0)
    # Pearson X² under the fitted model. Treated after-share 60/160 = 0.375:
    #   T1 (n=60): expected 37.5 / 22.5 -> 2.5²/37.5 + 2.5²/22.5 = 4/9
    #   T2 (n=100): expected 62.5 / 37.5 -> 2.5²/62.5 + 2.5²/37.5 = 4/15
    # Comparison after-share 140/280 = 0.5:
    #   C1: 0;  C2 (n=60): 30/30 -> 2 * 10²/30 = 20/3;  C3 (n=120): 60/60 -> 2 * 10²/60 = 10/3
    # X² = 4/9 + 4/15 + 10 = 10 + 32/45, on 5 areas - 2 = 3 degrees of freedom
    assert r.df == 3
    assert r.dispersion == pytest.approx((10 + 32 / 45) / 3)
    var = r.dispersion * (1 / 100 + 1 / 60 + 1 / 140 + 1 / 140)
    half = stats.t.ppf(0.975, 3) * math.sqrt(var)  # t(0.975, 3) = 3.182
    assert r.ci_low_pct == pytest.approx(100 * (0.6 * math.exp(-half) - 1))
    assert r.ci_high_pct == pytest.approx(100 * (0.6 * math.exp(half) - 1))
    assert r.ci_low_pct == pytest.approx(-82.2, abs=0.1)
    assert r.ci_high_pct == pytest.approx(102.6, abs=0.1)
    assert r.verdict == NO_CLEAR_CHANGE
    assert r.text.startswith("Ingen säker skillnad")
    assert "rymmer både minskning och ökning" in r.text
    assert (r.treated_before, r.treated_after) == (100, 60)
    assert (r.comparison_before, r.comparison_after) == (140, 140)


def test_weekly_rates_over_unequal_periods_agree_with_the_estimate():
    # 8 weeks before (2026-01-05 – 2026-03-01, 56 days), 12 weeks after (2026-03-02 – 2026-05-24).
    # Treated: 80 reports before = 10 a week, 60 after = 5 a week: half the rate.
    # Comparison: 160 before = 20 a week, 216 after = 18 a week: 10 % fewer.
    # Ratio of rate ratios (5 / 10) / (18 / 20) = 0.5 / 0.9 = 5/9, i.e. -44.4 %; the weeks cancel,
    # so it is the totals' (60 / 80) / (216 / 160) = 0.75 / 1.35 = 5/9 as well. Raw totals side by
    # side (80 -> 60 against 160 -> 216) would suggest a rise in the comparison areas that the
    # rates show is a fall.
    table = {"T1": (30, 20), "T2": (50, 40),
             "C1": (60, 80), "C2": (40, 66), "C3": (60, 70)}
    r = insats_effect(_frame(table), treated_areas=["T1", "T2"],
                      comparison_areas=["C1", "C2", "C3"],
                      before=("2026-01-05", "2026-03-01"), after=("2026-03-02", "2026-05-24"))
    assert (r.weeks_before, r.weeks_after) == (8, 12)
    assert r.treated_before_per_week == pytest.approx(10.0)
    assert r.treated_after_per_week == pytest.approx(5.0)
    assert r.comparison_before_per_week == pytest.approx(20.0)
    assert r.comparison_after_per_week == pytest.approx(18.0)
    assert r.treated_change_pct == pytest.approx(-50.0)
    assert r.comparison_change_pct == pytest.approx(-10.0)
    assert r.rate_ratio == pytest.approx(5 / 9)
    assert r.effect_pct == pytest.approx(-400 / 9)  # -44.4 %
    # the invariant: (1 + treated change) / (1 + comparison change) = 1 + estimate
    assert (1 + r.treated_change_pct / 100) / (1 + r.comparison_change_pct / 100) == pytest.approx(
        1 + r.effect_pct / 100)
    assert r.per_week_text == (
        "Rapporter per vecka: insatsområdena 10,0 före (8 veckor) och 5,0 under/efter "
        "(12 veckor); jämförelseområdena 20,0 före och 18,0 under/efter.")


def test_rounded_weekly_rates_give_the_estimate_within_rounding():
    # 90 days before (12.9 weeks), 91 after (13 weeks): rates with decimals that round.
    table = {"T": (83, 61), "C1": (90, 120), "C2": (71, 97)}
    r = insats_effect(_frame(table), treated_areas=["T"], comparison_areas=["C1", "C2"],
                      before=BEFORE, after=AFTER)
    assert r.weeks_before == pytest.approx(90 / 7) and r.weeks_after == pytest.approx(13)
    # 83 / (90/7) = 6.456 -> 6,5; 61 / 13 = 4.692 -> 4,7; 161 / (90/7) = 12.522 -> 12,5;
    # 217 / 13 = 16.692 -> 16,7. Estimate (61/83) / (217/161) = 0.5453 -> -45 %.
    assert "insatsområdena 6,5 före (12,9 veckor) och 4,7 under/efter (13 veckor)" in r.per_week_text
    assert "jämförelseområdena 12,5 före och 16,7 under/efter" in r.per_week_text
    assert round(r.effect_pct) == -45
    # From the rounded rates a reader gets (4.7 / 6.5) / (16.7 / 12.5) = 0.5412, -45.9 %:
    # the same estimate within the rates' rounding (less than one percentage point).
    shown = (4.7 / 6.5) / (16.7 / 12.5)
    assert shown == pytest.approx(0.5412, abs=1e-4)
    assert abs(100 * (shown - 1) - r.effect_pct) < 1.0
    assert r.rate_ratio == pytest.approx((61 / 83) / (217 / 161))


def test_under_dispersed_data_keep_poisson_variance():
    # Every area follows its group exactly: X² = 0, and the dispersion is floored at 1.
    comparison = [f"C{i}" for i in range(6)]
    table = {"T": (100, 50)} | {c: (100, 100) for c in comparison}
    r = insats_effect(_frame(table), treated_areas=["T"], comparison_areas=comparison,
                      before=BEFORE, after=AFTER)
    assert r.dispersion == 1.0
    assert r.df == 7 - 2
    assert r.effect_pct == pytest.approx(-50.0)
    se = math.sqrt(1 / 100 + 1 / 50 + 1 / 600 + 1 / 600)
    assert r.ci_high_pct == pytest.approx(100 * (0.5 * math.exp(stats.t.ppf(0.975, 5) * se) - 1))
    assert r.verdict == DECREASE
    assert "minskade med uppskattningsvis 50 %" in r.text
    assert "visar inte ensam" in r.text  # never claims the insats caused it


def test_clear_increase():
    table = {"T": (100, 300), "C1": (100, 100), "C2": (200, 210), "C3": (150, 140)}
    r = insats_effect(_frame(table), treated_areas=["T"], comparison_areas=["C1", "C2", "C3"],
                      before=BEFORE, after=AFTER)
    assert r.verdict == INCREASE
    assert r.ci_low_pct > 0
    assert "ökade" in r.text and "visar inte orsaken" in r.text


def test_zero_after_uses_half_counts():
    comparison = [f"C{i}" for i in range(6)]
    table = {"T": (60, 0)} | {c: (20, 20) for c in comparison}
    r = insats_effect(_frame(table), treated_areas=["T"], comparison_areas=comparison,
                      before=BEFORE, after=AFTER)
    # Haldane: 0.5 added to all four totals -> (0.5 / 60.5) / (120.5 / 120.5)
    assert r.rate_ratio == pytest.approx(0.5 / 60.5)
    se = math.sqrt(1 / 60.5 + 1 / 0.5 + 2 / 120.5)
    assert r.ci_high_pct == pytest.approx(
        100 * (0.5 / 60.5 * math.exp(stats.t.ppf(0.975, 5) * se) - 1)
    )
    assert math.isfinite(r.ci_low_pct) and r.verdict == DECREASE


@pytest.mark.parametrize(
    ("table", "comparison", "phrase"),
    [
        ({"T": (8, 2), "C1": (50, 50), "C2": (40, 40)}, ["C1", "C2"], "8 rapporter under 12,9 veckor före"),
        ({"T": (80, 20), "C1": (5, 9), "C2": (4, 3)}, ["C1", "C2"], "jämförelseområdena hade 9"),
        ({"T": (80, 20), "C1": (50, 50)}, ["C1", "C2"], "minst två jämförelseområden"),
    ],
)
def test_too_little_data_says_so_and_claims_nothing(table, comparison, phrase):
    r = insats_effect(_frame(table), treated_areas=["T"], comparison_areas=comparison,
                      before=BEFORE, after=AFTER)
    assert r.verdict == INSUFFICIENT == "underlaget räcker inte"
    assert math.isnan(r.effect_pct) and math.isnan(r.ci_low_pct) and math.isnan(r.ci_high_pct)
    assert r.text.startswith("Underlaget räcker inte")
    assert phrase in r.text
    assert "minskade" not in r.text and "ökade" not in r.text


def test_periods_areas_and_dates_are_respected():
    df = pd.DataFrame(
        [
            ("T", "2026-03-31", 30),  # last day of 'before': counted
            ("T", "2026-01-01", 30),  # first day: counted
            ("T", "2025-12-31", 999),  # before the period: ignored
            ("T", "2026-07-01", 999),  # after the period: ignored
            ("X", "2026-02-01", 999),  # area in neither group: ignored
            (None, "2026-02-01", 999),  # kommun level: ignored
            ("T", "2026-06-30", 30),
            ("C1", "2026-02-01", 40), ("C1", "2026-05-01", 40),
            ("C2", "2026-02-01", 30), ("C2", "2026-05-01", 30),
        ],
        columns=["area_code", "observed_date", "report_count"],
    )
    df["observed_date"] = pd.to_datetime(df["observed_date"])
    r = insats_effect(df, treated_areas=["T"], comparison_areas=["C1", "C2"],
                      before=BEFORE, after=AFTER)
    assert (r.treated_before, r.treated_after) == (60, 30)
    assert (r.comparison_before, r.comparison_after) == (70, 70)
    assert r.effect_pct == pytest.approx(-50.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"treated_areas": ["C1"]}, "både insatsområde och jämförelseområde"),
        ({"treated_areas": []}, "inga insatsområden"),
        ({"comparison_areas": []}, "inga jämförelseområden"),
        ({"after": ("2026-03-15", "2026-06-30")}, "sluta innan"),
        ({"before": ("2026-03-01", "2026-01-01")}, "startdatum ligger efter"),
        ({"before": ("inte ett datum", "2026-01-01")}, "perioden före"),
        ({"confidence": 0.5}, "konfidensnivån"),
        ({"reports": _frame(HAND).drop(columns="observed_date")}, "observed_date"),
        ({"reports": _frame(HAND).assign(report_count=0)}, "report_count"),
        ({"reports": _frame(HAND).assign(observed_date="2026-02-10")}, "datum"),
    ],
)
def test_bad_input_names_the_problem(kwargs, message):
    args = {"reports": _frame(HAND), "treated_areas": ["T1", "T2"],
            "comparison_areas": ["C1", "C2", "C3"], "before": BEFORE, "after": AFTER, **kwargs}
    with pytest.raises(ValueError, match=message):
        insats_effect(**args)


# --- Simulation: weekly negative-binomial counts with area-specific drift -----------------

WEEKS = pd.date_range("2025-06-02", periods=52, freq="7D")  # 26 weeks before, 26 after
N_TREATED, N_COMPARISON = 5, 20


def _simulate(seed: int, true_ratio: float) -> pd.DataFrame:
    """5 treated + 20 comparison areas, 2–4 reports a week each, over-dispersed.

    Weekly counts are gamma-Poisson (negative binomial, shape 4); each area and period also gets
    its own log-normal drift (sd 0.1), and every area rises 10 % after (a common trend the DiD must
    remove). Treated areas are multiplied by ``true_ratio`` after.
    """
    rng = np.random.default_rng(seed)
    n = N_TREATED + N_COMPARISON
    base = rng.uniform(2, 4, n)
    level = base[:, None] * np.exp(rng.normal(0, 0.1, (n, 2)))
    level[:, 1] *= 1.1
    level[:N_TREATED, 1] *= true_ratio
    mu = np.repeat(level, 26, axis=1)
    y = rng.poisson(rng.gamma(4.0, mu / 4.0))
    codes = np.array([f"T{i}" for i in range(N_TREATED)] + [f"C{i}" for i in range(N_COMPARISON)])
    area, week = np.nonzero(y)
    return pd.DataFrame(
        {"area_code": codes[area], "observed_date": WEEKS[week], "report_count": y[area, week]}
    )


def _run(seed: int, true_ratio: float):
    codes = [f"T{i}" for i in range(N_TREATED)], [f"C{i}" for i in range(N_COMPARISON)]
    return insats_effect(
        _simulate(seed, true_ratio), treated_areas=codes[0], comparison_areas=codes[1],
        before=(WEEKS[0], WEEKS[25] + pd.Timedelta(days=6)),
        after=(WEEKS[26], WEEKS[51] + pd.Timedelta(days=6)),
    )


def _check_consistent(r) -> None:
    assert r.ci_low_pct <= r.effect_pct <= r.ci_high_pct
    expected = DECREASE if r.ci_high_pct < 0 else INCREASE if r.ci_low_pct > 0 else NO_CLEAR_CHANGE
    assert r.verdict == expected


@pytest.mark.slow
def test_simulation_planted_minus_40_percent_is_recovered_and_detected():
    results = [_run(seed, 0.6) for seed in range(150)]
    for r in results:
        _check_consistent(r)
    covered = np.mean([r.ci_low_pct <= -40.0 <= r.ci_high_pct for r in results])
    detected = np.mean([r.verdict == DECREASE for r in results])
    assert covered >= 0.90
    assert detected >= 0.80
    assert not any(r.verdict == INCREASE for r in results)


@pytest.mark.slow
def test_simulation_no_effect_interval_covers_zero_about_95_percent():
    results = [_run(seed, 1.0) for seed in range(1000, 1300)]
    for r in results:
        _check_consistent(r)
    covers_zero = np.mean([r.ci_low_pct <= 0.0 <= r.ci_high_pct for r in results])
    assert 0.88 <= covers_zero <= 0.99
    # whenever zero is covered the reading says there is no clear difference
    assert all(r.text.startswith("Ingen säker skillnad") for r in results
               if r.verdict == NO_CLEAR_CHANGE)
