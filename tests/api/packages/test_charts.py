"""The package maps' inset rule and the hotspot map's layers, on tiny hand-built areas."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from analysis.hotspot_layers import hotspot_layers
from api.packages import charts


def _areas(boxes: list[tuple[float, float, float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"area_code": [f"A{i}" for i in range(len(boxes))],
                             "area_name": [f"Område {i}" for i in range(len(boxes))]},
                            geometry=[box(*b) for b in boxes], crs=3006)


def test_inset_for_a_small_core_and_none_for_even_areas() -> None:
    # Three 1 km squares in a 3 km × 1 km core, three 100 km × 100 km rural areas around it.
    core = [(0, 0, 1000, 1000), (1000, 0, 2000, 1000), (2000, 0, 3000, 1000)]
    rural = [(-100_000, 1000, 0, 101_000), (0, 1000, 100_000, 101_000), (3000, -100_000, 103_000, 0)]
    areas = _areas(core + rural)
    # The smaller half is the core: box 3 000 × 1 000 m, margin 5 % of 3 000 m = 150 m.
    assert charts.core_bounds(areas) == (-150.0, -150.0, 3150.0, 1150.0)
    # Six equal squares: the smaller half's box is a third of the whole, no inset.
    even = _areas([(x * 1000, y * 1000, x * 1000 + 1000, y * 1000 + 1000) for x in range(3) for y in range(2)])
    assert charts.core_bounds(even) is None
    assert charts.core_bounds(_areas(core)) is None  # fewer than INSET_MIN_AREAS


def test_hotspot_map_draws_both_layers_deterministically() -> None:
    codes = [f"{r}{c}" for r in "abcdef" for c in "123456"]
    grid = gpd.GeoDataFrame({"area_code": codes, "area_name": codes}, crs=3006,
                            geometry=[box(c * 1000, r * 1000, c * 1000 + 1000, r * 1000 + 1000)
                                      for r in range(6) for c in range(6)])
    counts = pd.Series(30, index=codes)
    counts[["a1", "a2", "b1", "b2"]] = 90
    layers = hotspot_layers(grid, counts, seed=1)
    assert sorted(layers.index[layers["in_cluster"]]) == ["a1", "a2", "b1", "b2"]
    png = charts.hotspot_map_png(grid, layers)
    assert png.startswith(b"\x89PNG") and png == charts.hotspot_map_png(grid, layers)
    # Without the layers every area is drawn as "not elevated": a different picture.
    assert charts.hotspot_map_png(grid, None) != png
    assert np.isfinite(layers["expected"]).all()
