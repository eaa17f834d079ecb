"""The area panel's emerging-hotspot pattern: four-week periods from the week's cube, cached."""

from __future__ import annotations

import time

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from analysis.counts import CountCube
from api.lagesbild import emerging

N_SIDE, WEEKS = 6, 64
CODES = [f"A{i:02d}" for i in range(N_SIDE * N_SIDE)]
AREAS = gpd.GeoDataFrame({"area_code": CODES},
                         geometry=[box(i % N_SIDE, i // N_SIDE, i % N_SIDE + 1, i // N_SIDE + 1)
                                   for i in range(len(CODES))], crs=3006)


def _cube(factors: dict[str, np.ndarray], seed: int) -> CountCube:
    """Two categories, 7.5 a week per area (30 per four weeks), times a weekly factor for planted areas."""
    rng = np.random.default_rng(seed)
    values = np.zeros((len(CODES), 2, WEEKS), dtype=np.int64)
    for i, code in enumerate(CODES):
        f = factors.get(code, np.ones(WEEKS))
        values[i] = rng.poisson(3.75 * f, size=(2, WEEKS))
    weeks = [f"W{k:02d}" for k in range(WEEKS)]
    return CountCube(CODES, ["a", "b"], weeks, values, np.zeros((2, WEEKS), dtype=np.int64))


def test_period_grid_sums_the_last_48_weeks_in_blocks_of_four() -> None:
    cube = _cube({}, 1)
    grid = emerging.period_grid(cube)
    assert grid is not None and grid.shape == (36, 12)
    assert grid.sum() == cube.values[:, :, -48:].sum()
    assert grid[5, 0] == cube.values[5, :, 16:20].sum() and grid[5, 11] == cube.values[5, :, 60:64].sum()
    short = CountCube(CODES, ["a"], ["W1"] * 10, np.zeros((36, 1, 10), np.int64), np.zeros((1, 10), np.int64))
    assert emerging.period_grid(short) is None


@pytest.mark.slow
def test_a_steadily_rising_area_is_intensifying_and_the_answer_is_cached(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # the last 48 weeks rise from 2.5x to 5x in A07, as in analysis/test_emerging.py's planted kommun
    ramp = np.r_[np.full(WEEKS - 48, 2.5), np.repeat(np.linspace(2.5, 5.0, 12), 4)]
    cube = _cube({"A07": ramp, "A21": np.full(WEEKS, 3.0)}, 7)
    patterns = emerging.area_patterns(cube, AREAS, kommun_code="9999")
    assert patterns["A07"] == "intensifierande"
    assert patterns["A21"] in ("ihållande", "intensifierande", "avtagande")  # hot all along
    ordinary = [p for code, p in patterns.items() if code not in ("A07", "A21")]
    assert ordinary.count("inget mönster") >= len(ordinary) - 1
    start = time.perf_counter()
    assert emerging.area_patterns(cube, AREAS, kommun_code="9999") == patterns
    assert time.perf_counter() - start < 0.1  # from the cache, not a new fit
    monkeypatch.setattr(emerging, "MAX_AREAS", 35)
    assert emerging.area_patterns(_cube({}, 8), AREAS, kommun_code="9999") == {}  # too many areas
