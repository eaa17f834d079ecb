"""Tests for analysis.concentration: hand-computed shares and Gini, invariants."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.concentration import concentration, share_in_top


def test_ten_areas_hand_values():
    # 10 areas, 100 reports: top 10 % = the single area with 40; top 20 % = 40 + 20.
    counts = pd.Series([40, 20, 10, 10, 5, 5, 5, 5, 0, 0], index=list("abcdefghij"))
    c = concentration(counts)
    assert c.n_areas == 10
    assert c.total == 100
    assert c.top10_share == pytest.approx(0.40)
    assert c.top20_share == pytest.approx(0.60)
    # Gini with ascending x_i: sum (2i - n - 1) x_i / (n * total)
    # ascending 0,0,5,5,5,5,10,10,20,40 with coefficients -9,-7,-5,-3,-1,1,3,5,7,9:
    # 0 + 0 - 25 - 15 - 5 + 5 + 30 + 50 + 140 + 360 = 540 -> 540 / 1000
    assert c.gini == pytest.approx(0.54)
    assert "40 %" in c.text and "60 %" in c.text and "100 rapporter i 10 områden" in c.text


def test_fractional_top_share_interpolates_on_the_lorenz_curve():
    # 25 areas: 10 % = 2.5 areas -> 30 + 20 + half of 10 = 55 of 100
    values = np.array([30, 20, 10] + [40 / 22] * 22)
    assert share_in_top(values, 0.10) == pytest.approx(0.55)
    # 20 % = 5 areas -> 30 + 20 + 10 + 2 * 40/22
    assert share_in_top(values, 0.20) == pytest.approx((60 + 80 / 22) / 100)


def test_missing_areas_count_as_zero():
    c = concentration(pd.Series({"a": 9, "b": 1}), areas=list("abcdefghij"))
    assert c.n_areas == 10
    assert c.top10_share == pytest.approx(0.9)
    assert c.top20_share == pytest.approx(1.0)
    # Lorenz: the 8 empty areas hold 0, the ninth point adds the area with 1 report
    assert c.lorenz["report_share"].iloc[8] == 0.0
    assert c.lorenz["report_share"].iloc[9] == pytest.approx(0.1)


def test_even_spread_has_gini_zero_and_proportional_shares():
    c = concentration(pd.Series(7, index=[f"A{i}" for i in range(20)]))
    assert c.gini == pytest.approx(0.0)
    assert c.top10_share == pytest.approx(0.10)
    assert c.top20_share == pytest.approx(0.20)


def test_all_reports_in_one_area_of_n():
    n = 8
    c = concentration(pd.Series([12] + [0] * (n - 1), index=list("abcdefgh")))
    assert c.gini == pytest.approx((n - 1) / n)  # the maximum Gini for n areas
    assert c.top10_share == pytest.approx(0.8 * 1.0)  # 0.8 of the top area
    assert c.top20_share == pytest.approx(1.0)


def test_no_reports_gives_nan_and_a_swedish_sentence():
    c = concentration(pd.Series([0, 0, 0], index=list("abc")))
    assert np.isnan(c.top10_share) and np.isnan(c.gini)
    assert "Inga rapporter" in c.text


@settings(max_examples=80, deadline=None, derandomize=True)
@given(st.lists(st.integers(0, 500), min_size=1, max_size=60).filter(lambda v: sum(v) > 0))
def test_invariants(values):
    counts = pd.Series(values, index=[f"A{i}" for i in range(len(values))])
    c = concentration(counts)
    assert 0 <= c.top10_share <= c.top20_share <= 1
    assert share_in_top(counts.to_numpy(), 1.0) == pytest.approx(1.0)
    assert share_in_top(counts.to_numpy(), 0.0) == 0.0
    assert -1e-12 <= c.gini < 1
    # top shares are at least the even share, and the Lorenz curve runs (0,0) -> (1,1), rising
    assert c.top10_share >= 0.1 - 1e-12
    lz = c.lorenz
    assert lz.iloc[0].tolist() == [0.0, 0.0]
    assert lz.iloc[-1].tolist() == pytest.approx([1.0, 1.0])
    assert (np.diff(lz["report_share"]) >= -1e-12).all()
    # Gini = 1 - 2 * area under the Lorenz curve (trapezoids)
    area = np.trapezoid(lz["report_share"], lz["area_share"])
    assert c.gini == pytest.approx(1 - 2 * area, abs=1e-9)


@pytest.mark.parametrize(
    ("counts", "areas", "message"),
    [
        (pd.Series({"a": 1, "z": 2}), ["a", "b"], "'z'"),
        (pd.Series({"a": -1, "b": 2}), None, "negativa"),
        (pd.Series({"a": "x"}), None, "numeriska"),
        ([1, 2], None, "Series"),
        (pd.Series([], dtype=float), None, "inga områden"),
    ],
)
def test_bad_input_is_refused(counts, areas, message):
    with pytest.raises(ValueError, match=message):
        concentration(counts, areas=areas)
