"""Tests for ingest.placement: point-in-area assignment, border rule and kommun check."""

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from ingest.placement import assign_areas, outside_kommun


def _grid():
    # 2 x 2 squares of 10 m: codes chosen so string order differs from row order.
    return gpd.GeoDataFrame(
        {"area_code": ["D", "C", "B", "A"]},
        geometry=[box(10, 10, 20, 20), box(0, 10, 10, 20), box(10, 0, 20, 10), box(0, 0, 10, 10)],
        crs=3006,
    )


def test_interior_points():
    got = assign_areas([5, 15, 5, 15], [5, 5, 15, 15], _grid())
    assert got.tolist() == ["A", "B", "C", "D"]


def test_border_rule_lowest_code():
    # (10, 5): A|B -> A; (15, 10): B|D -> B; (10, 15): C|D -> C; (10, 10): all four -> A.
    got = assign_areas([10, 15, 10, 10], [5, 10, 15, 10], _grid())
    assert got.tolist() == ["A", "B", "C", "A"]


def test_border_rule_independent_of_row_order():
    grid = _grid()
    rng = np.random.default_rng(3)
    xs = rng.integers(0, 21, 400).astype(float)  # many points on borders (integer grid)
    ys = rng.integers(0, 21, 400).astype(float)
    a = assign_areas(xs, ys, grid)
    b = assign_areas(xs, ys, grid.iloc[[2, 0, 3, 1]])
    assert a.tolist() == b.tolist()


def test_outside_missing_hole_and_multipolygon():
    hole = [(10, 10), (20, 10), (20, 20), (10, 20)]
    donut = Polygon([(0, 0), (30, 0), (30, 30), (0, 30)], [hole])
    multi = MultiPolygon([box(100, 0, 110, 10), box(120, 0, 130, 10)])
    areas = gpd.GeoDataFrame({"area_code": ["R", "M"]}, geometry=[donut, multi], crs=3006)
    got = assign_areas([5, 15, 105, 125, 115, np.nan, 5], [5, 15, 5, 5, 5, 5, np.nan], areas)
    assert got.tolist() == ["R", None, "M", "M", None, None, None]


def test_matches_brute_force():
    grid = _grid()
    rng = np.random.default_rng(7)
    xs = np.round(rng.uniform(-2, 22, 500), 0)
    ys = np.round(rng.uniform(-2, 22, 500), 1)
    got = assign_areas(xs, ys, grid)
    for x, y, code in zip(xs, ys, got, strict=True):
        hits = sorted(
            c for c, g in zip(grid["area_code"], grid.geometry, strict=True)
            if g.covers(shapely.Point(x, y))
        )
        assert code == (hits[0] if hits else None)


def test_empty_inputs():
    assert assign_areas([], [], _grid()).tolist() == []
    empty = _grid().iloc[0:0]
    assert assign_areas([5], [5], empty).tolist() == [None]


def test_input_checks():
    grid = _grid()
    with pytest.raises(ValueError, match="EPSG:3006"):
        assign_areas([1], [1], grid.to_crs(4326))
    with pytest.raises(ValueError, match="area_code"):
        assign_areas([1], [1], grid.rename(columns={"area_code": "kod"}))
    with pytest.raises(ValueError, match="lika många"):
        assign_areas([1, 2], [1], grid)
    with pytest.raises(ValueError, match="tal"):
        assign_areas(["a"], [1], grid)
    lines = gpd.GeoDataFrame({"area_code": ["L"]}, geometry=[shapely.LineString([(0, 0), (1, 1)])],
                             crs=3006)
    with pytest.raises(ValueError, match="Polygon"):
        assign_areas([1], [1], lines)


def test_outside_kommun():
    kommun = box(0, 0, 10, 10)
    got = outside_kommun([5, 10, 0, 11, -0.5, np.nan], [5, 5, 0, 5, 5, 1], kommun)
    assert got.tolist() == [False, False, False, True, True, False]
    with pytest.raises(ValueError, match="Polygon"):
        outside_kommun([1], [1], shapely.Point(0, 0))


def test_area_index_gives_assign_areas_answers_on_random_and_border_points():
    """AreaIndex (polygon tree, for one submit) and assign_areas (point tree) agree point by point."""
    import geopandas as gpd
    from shapely.geometry import box

    from ingest.placement import AreaIndex, assign_areas

    areas = gpd.GeoDataFrame(
        {"area_code": ["D", "B", "C", "A"]},
        geometry=[box(10, 10, 20, 20), box(10, 0, 20, 10), box(0, 10, 10, 20), box(0, 0, 10, 10)], crs=3006,
    )
    rng = np.random.default_rng(3)
    xs = np.concatenate([rng.uniform(-5, 25, 400), [10, 10, 0, 20, 10, 5, np.nan]])
    ys = np.concatenate([rng.uniform(-5, 25, 400), [10, 5, 0, 20, 20, 10, 3]])
    expected = assign_areas(xs, ys, areas)
    assert AreaIndex(areas).assign(xs, ys).tolist() == expected.tolist()
    # The shared corner (10, 10) touches all four: the lowest code wins.
    assert expected[400] == "A"
