"""Tests for analysis.near_repeat: hand-counted pairs, Knox expectation, planted vs random."""

from math import comb

import numpy as np
import pandas as pd
import pytest

from analysis.near_repeat import near_repeat

DAY0 = pd.Timestamp("2026-01-01")


def _frame(x, y, days, counts=None, category="skadegorelse") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "x": np.asarray(x, dtype=float),
            "y": np.asarray(y, dtype=float),
            "observed_date": DAY0 + pd.to_timedelta(np.asarray(days), unit="D"),
            "report_count": 1 if counts is None else counts,
            "category_code": category,
        }
    )


def _tiny() -> pd.DataFrame:
    # Five reports on a line. Distances (m) and day gaps:
    #   a(0, day 0)  b(150, day 3)  c(180, day 20)  d(1000, day 1)  e(1100, day 30)
    return _frame([0, 150, 180, 1000, 1100], [0] * 5, [0, 3, 20, 1, 30])


def test_observed_pairs_counted_by_hand():
    r = near_repeat(_tiny(), distance_bands=[200, 1000], time_bands=[7, 30], seed=0,
                    permutations=99)
    t = r.table.set_index(["distance_band", "time_band"])["observed"]
    # pairs ≤ 200 m: a-b (150 m, 3 d), a-c (180 m, 20 d), b-c (30 m, 17 d), d-e (100 m, 29 d)
    assert t[("0–200 m", "0–7 dagar")] == 1  # a-b
    assert t[("0–200 m", "8–30 dagar")] == 3  # a-c, b-c, d-e
    # 200–1000 m: a-d (1000 m, 1 d), b-d (850, 2), c-d (820, 19), b-e (950, 27), c-e (920, 10)
    # a-e is 1100 m: outside every band
    assert t[("200–1000 m", "0–7 dagar")] == 2  # a-d, b-d
    assert t[("200–1000 m", "8–30 dagar")] == 3  # c-d, b-e, c-e
    assert r.n_events == 5
    assert "För få rapporter" in r.text  # 5 reports is below the minimum for a sentence


def test_expected_matches_the_knox_formula():
    # Shuffling dates over fixed places: each space-close pair gets a uniformly random pair of
    # dates, so E[observed] = (space-close pairs) * (time-close pairs) / C(n, 2).
    rng = np.random.default_rng(5)
    n = 40
    x, y = rng.uniform(0, 2000, n), rng.uniform(0, 2000, n)
    days = rng.integers(0, 120, n)
    r = near_repeat(_frame(x, y, days), distance_bands=[300], time_bands=[10], seed=3,
                    permutations=2000)
    dist = np.hypot(x[:, None] - x, y[:, None] - y)[np.triu_indices(n, 1)]
    gap = np.abs(days[:, None] - days)[np.triu_indices(n, 1)]
    space_close, time_close = (dist <= 300).sum(), (gap <= 10).sum()
    knox_expected = space_close * time_close / comb(n, 2)
    assert r.table.loc[0, "observed"] == ((dist <= 300) & (gap <= 10)).sum()
    assert r.table.loc[0, "expected"] == pytest.approx(knox_expected, rel=0.05)


def _background(seed: int, n: int = 200):
    rng = np.random.default_rng(seed)
    return rng, rng.uniform(0, 5000, n), rng.uniform(0, 5000, n), rng.integers(0, 365, n)


def test_planted_near_repeats_are_detected():
    rng, x, y, days = _background(11)
    # 40 reports each followed by another within 100 m and 0-5 days
    seeds = rng.choice(len(x), 40, replace=False)
    x2 = x[seeds] + rng.uniform(-70, 70, 40)
    y2 = y[seeds] + rng.uniform(-70, 70, 40)
    d2 = days[seeds] + rng.integers(0, 6, 40)
    df = _frame(np.r_[x, x2], np.r_[y, y2], np.r_[days, d2])
    r = near_repeat(df, seed=1, category_name="skadegörelse")
    first = r.table.iloc[0]
    assert (first["distance_band"], first["time_band"]) == ("0–200 m", "0–7 dagar")
    assert first["observed"] >= 40
    assert first["ratio"] > 2
    assert first["p_value"] <= 0.01
    assert r.text.startswith("Efter en rapport om skadegörelse kom ytterligare en inom 200 m "
                             "och 7 dagar")
    assert "gånger så ofta som slumpen" in r.text


def test_random_pattern_is_not_flagged():
    flagged = 0
    for seed in range(10):
        _, x, y, days = _background(100 + seed)
        r = near_repeat(_frame(x, y, days), seed=seed, permutations=199)
        first = r.table.iloc[0]
        flagged += first["p_value"] <= 0.05
        if first["p_value"] > 0.05:
            assert r.text.startswith("Inget tydligt tecken")
    assert flagged <= 2  # about 5 % expected by chance


def test_report_count_expands_and_filters_apply():
    df = pd.concat(
        [
            _frame([0, 10], [0, 0], [0, 1], counts=[2, 1]),
            _frame([5], [0], [0], category="klotter"),  # other category: left out
            _frame([np.nan], [0], [0]),  # no coordinates: left out
        ],
        ignore_index=True,
    )
    r = near_repeat(df, distance_bands=[50], time_bands=[7], category_code="skadegorelse",
                    seed=0, permutations=99)
    # 3 reports at (0, day 0), (0, day 0), (10, day 1): all 3 pairs are close in space and time
    assert r.n_events == 3
    assert r.table.loc[0, "observed"] == 3


def test_same_seed_same_result_and_p_value_bounds():
    df = _tiny()
    a = near_repeat(df, seed=9, permutations=99)
    b = near_repeat(df, seed=9, permutations=99)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert a.table["p_value"].between(1 / 100, 1).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"distance_bands": [400, 200]}, "distance_bands"),
        ({"time_bands": [0]}, "time_bands"),
        ({"permutations": 10}, "permutations"),
        ({"reports": _tiny().drop(columns="x")}, "'x'"),
        ({"reports": _tiny().drop(columns="category_code"), "category_code": "klotter"},
         "category_code"),
    ],
)
def test_bad_input_names_the_problem(kwargs, message):
    args = {"reports": _tiny(), **kwargs}
    with pytest.raises(ValueError, match=message):
        near_repeat(**args)
