import numpy as np
import pytest

from analysis.baselines import (
    baseline_arrays,
    history_window,
    same_week_last_year,
    weekly_baselines,
)
from analysis.counts import CountCube
from analysis.weeks import week_range


def _cube(first, last, fill):
    weeks = week_range(first, last)
    values = np.array([[fill(i) for i in range(len(weeks))]], dtype=np.int64)[None, ...]
    return CountCube(["A"], ["klotter"], weeks, values, np.zeros((1, len(weeks)), dtype=np.int64))


def test_history_window_covers_both_baselines():
    # Last year's week 47 is 2025-W47; two weeks either side starts at 2025-W45.
    assert history_window("2026-W47") == ("2025-W45", "2026-W47")
    # With no last-year neighbours and a long recent window, the recent window decides.
    assert history_window("2026-W47", n_weeks=60, last_year_halfwidth=0)[0] == "2025-W39"


def test_same_week_last_year_handles_week_53():
    assert same_week_last_year("2026-W53") == "2025-W52"
    assert same_week_last_year("2027-W01") == "2026-W01"


def test_baselines_worked_out_by_hand():
    # Counts 0, 1, 2, ... by week index from 2025-W45; 2026-W47 is index 54 (2025 has 52 weeks).
    cube = _cube("2025-W45", "2026-W47", lambda i: i)
    out = weekly_baselines(cube, "2026-W47", include_kommun_level=False)
    row = out.iloc[0]
    assert row["count"] == 54
    # previous 12 weeks are indices 42..53: total (42+53)*12/2 = 570, mean 47.5
    assert row["previous_total"] == 570
    assert row["previous_mean"] == pytest.approx(47.5)
    # last year 2025-W45..W49 are indices 0..4: mean 2
    assert row["last_year_mean"] == pytest.approx(2.0)


def test_short_history_gives_missing_baselines():
    cube = _cube("2026-W40", "2026-W47", lambda i: 1)
    arrays = baseline_arrays(cube, "2026-W47")
    assert arrays["previous_total"][0, 0] == -1
    assert np.isnan(arrays["previous_mean"][0, 0])
    assert np.isnan(arrays["last_year_mean"][0, 0])
    shorter = baseline_arrays(cube, "2026-W47", n_weeks=7)
    assert shorter["previous_mean"][0, 0] == pytest.approx(1.0)


def test_kommun_level_rows_and_errors():
    cube = _cube("2026-W40", "2026-W47", lambda i: 1)
    out = weekly_baselines(cube, "2026-W47", n_weeks=4)
    assert out["area_code"].iloc[0] == "A"
    assert out["area_code"].isna().tolist() == [False, True]
    with pytest.raises(ValueError, match="finns inte i räkningen"):
        weekly_baselines(cube, "2026-W48")
    with pytest.raises(ValueError, match="n_weeks"):
        weekly_baselines(cube, "2026-W47", n_weeks=0)
