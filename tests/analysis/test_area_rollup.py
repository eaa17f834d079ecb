"""Rolling DeSO up to the kommun's areas by the largest overlap."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import box

from analysis.area_rollup import roll_up_areas


def _areas() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"area_code": ["W", "E"]}, geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10)], crs=3006)


def test_nested_areas_go_whole_and_straddling_ones_to_the_larger_part():
    small = gpd.GeoDataFrame({"code": ["in_w", "mostly_e", "outside"]},
                             geometry=[box(1, 1, 4, 4), box(9, 0, 13, 2), box(30, 30, 31, 31)], crs=3006)
    got = roll_up_areas(small, _areas())
    assert got.to_dict("records") == [
        {"code": "in_w", "area_code": "W", "share": 1.0},
        {"code": "mostly_e", "area_code": "E", "share": 0.75},
        {"code": "outside", "area_code": None, "share": 0.0},
    ]


def test_a_tie_goes_to_the_first_area():
    small = gpd.GeoDataFrame({"code": ["half"]}, geometry=[box(8, 0, 12, 10)], crs=3006)
    assert roll_up_areas(small, _areas())["area_code"].tolist() == ["W"]


def test_inputs_are_checked():
    small = gpd.GeoDataFrame({"kod": ["a"]}, geometry=[box(0, 0, 1, 1)], crs=3006)
    with pytest.raises(ValueError, match="code"):
        roll_up_areas(small, _areas())
    other_crs = gpd.GeoDataFrame({"code": ["a"]}, geometry=[box(0, 0, 1, 1)], crs=4326)
    with pytest.raises(ValueError, match="CRS"):
        roll_up_areas(other_crs, _areas())
