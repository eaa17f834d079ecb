"""Tests for analysis.emerging: the pattern rules by hand, and planted histories in simulation."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from analysis.emerging import PATTERNS_SV, _classify, emerging_hotspots

T = 12
RISING = np.arange(T, dtype=float)


@pytest.mark.parametrize(
    ("hot", "z", "pattern"),
    [
        ([0] * 11 + [1], RISING, "ny"),
        ([0] * 9 + [1] * 3, RISING, "konsekutiv"),
        ([0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1], RISING, "sporadisk"),  # hot before the final run
        ([1, 0] * 5 + [0, 1], RISING, "sporadisk"),
        ([0] * 10 + [1, 0], RISING, "inget mönster"),  # hot once, but not at the end
        ([1] * 12, RISING, "intensifierande"),
        ([0] + [1] * 11, RISING[::-1], "avtagande"),  # 11 of 12 = 90 % (ceil(10.8))
        ([1] * 12, np.array([3.0, 5, 4, 6, 3, 5, 4, 6, 3, 5, 4, 5]), "ihållande"),
        ([1] * 11 + [0], RISING, "historisk"),
        ([0] * 12, np.zeros(T), "inget mönster"),
    ],
)
def test_pattern_rules_by_hand(hot, z, pattern):
    assert _classify(np.asarray(z), np.asarray(hot, dtype=bool), 0.05)[0] == pattern
    assert pattern in PATTERNS_SV


def test_mann_kendall_is_kendalls_tau_against_time():
    # 0..11 strictly rising: tau = 1; the exact two-sided p-value is 2/12!
    _, n_hot, last, tau, p = _classify(RISING, np.ones(T, dtype=bool), 0.05)
    assert (n_hot, last) == (12, True)
    assert tau == pytest.approx(1.0)
    assert p == pytest.approx(2 / np.prod(np.arange(1, 13, dtype=float)))


def _grid(n_side: int = 6) -> gpd.GeoDataFrame:
    codes = [f"A{i:02d}" for i in range(n_side * n_side)]
    geoms = [box(i % n_side, i // n_side, i % n_side + 1, i // n_side + 1) for i in range(len(codes))]
    return gpd.GeoDataFrame({"area_code": codes}, geometry=geoms, crs=3006)


def _monthly(rng, codes, factors: dict[str, np.ndarray], base=30.0) -> pd.DataFrame:
    rows = []
    for t in range(T):
        for a in codes:
            f = factors[a][t] if a in factors else 1.0
            rows.append((a, f"2026-{t + 1:02d}", int(rng.poisson(base * f))))
    return pd.DataFrame(rows, columns=["area_code", "period", "count"])


@pytest.mark.slow
def test_planted_histories_are_classified():
    """Ten simulated kommuner (36 areas, mean 30 a month); four planted areas each.

    A steadily rising area (2.5× → 5× the rest over the 12 months) must be intensifierande, a
    falling one (5× → 2.5×) avtagande and an area at 5× in the last month only ny, in at least 9
    of 10 kommuner each: at 2.5× and more an area is hot every month, and the rising area's excess
    z rises by about 12 over the year against a noise of about 1, so Mann–Kendall's p is far below
    0.05 (a miss is far rarer than 1 in 100). A steady 3× area must be ihållande in at least 8 of
    10: the trend test itself finds a trend in a steady series one time in twenty, so the count is
    Bin(10, 0.95) and P(≥ 8) = 0.988. The ordinary areas show no pattern in at least 95 % of cases.
    """
    grid = _grid()
    codes = grid["area_code"].tolist()
    ramp = np.linspace(2.5, 5.0, T)
    planted = {"A07": ramp, "A21": np.full(T, 3.0), "A28": ramp[::-1],
               "A33": np.r_[np.ones(T - 1), 5.0]}
    expect = {"A07": "intensifierande", "A21": "ihållande", "A28": "avtagande", "A33": "ny"}
    rng = np.random.default_rng(2026)
    right = {a: 0 for a in expect}
    ordinary = quiet = 0
    for k in range(10):
        out = emerging_hotspots(grid, _monthly(rng, codes, planted), seed=k)
        for a, pattern in expect.items():
            right[a] += out.loc[a, "pattern"] == pattern
        rest = out.drop(index=list(expect))
        ordinary += len(rest)
        quiet += int((rest["pattern"] == "inget mönster").sum())
    assert right["A07"] >= 9 and right["A28"] >= 9 and right["A33"] >= 9, right
    assert right["A21"] >= 8, right
    assert quiet / ordinary >= 0.95


def test_periods_are_sorted_missing_rows_count_zero_and_attrs_hold_the_tables():
    grid = _grid(3)
    rng = np.random.default_rng(1)
    counts = _monthly(rng, grid["area_code"].tolist(), {}, base=10)
    counts = counts[~((counts["area_code"] == "A00") & (counts["period"] == "2026-03"))]
    out = emerging_hotspots(grid, counts.sample(frac=1, random_state=1), seed=1)
    assert list(out.attrs["z"].columns) == [f"2026-{m:02d}" for m in range(1, 13)]
    assert out.attrs["hot"].shape == (9, 12)
    assert set(out["pattern"]) <= set(PATTERNS_SV)


def test_bad_input_is_named():
    grid = _grid(3)
    few = pd.DataFrame({"area_code": ["A00"] * 3, "period": ["a", "b", "c"], "count": [1, 2, 3]})
    with pytest.raises(ValueError, match="minst 4 perioder"):
        emerging_hotspots(grid, few)
    dup = pd.concat([few, few.iloc[:1]]).assign(period=["a", "b", "c", "a"])
    dup = pd.concat([dup, pd.DataFrame({"area_code": ["A00"], "period": ["d"], "count": [1]})])
    with pytest.raises(ValueError, match="flera gånger"):
        emerging_hotspots(grid, dup)
    unknown = few.assign(area_code="ZZ")
    unknown = pd.concat([unknown, unknown.iloc[:1].assign(period="d")])
    with pytest.raises(ValueError, match="'ZZ' finns inte"):
        emerging_hotspots(grid, unknown)
    with pytest.raises(ValueError, match="saknar kolumnen 'count'"):
        emerging_hotspots(grid, few.drop(columns="count"))
