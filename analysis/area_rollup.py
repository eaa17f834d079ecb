"""Roll small statistical areas (DeSO) up to the kommun's analysis areas by geometry."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from analysis._validate import require_columns

__all__ = ["roll_up_areas"]


def roll_up_areas(small: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> pd.DataFrame:
    """The analysis area each small area belongs to: the one it overlaps most.

    SCB nests every DeSO inside exactly one RegSO, so against RegSO the largest overlap is the whole
    DeSO (up to digitising slivers at shared edges). Against a kommun's own EST-områden a DeSO may
    straddle a border; it then goes to the area holding the largest part of it. A small area that
    overlaps no area (outside the kommun's areas) gets ``None``, and the count stays at kommun level.

    Parameters
    ----------
    small : geopandas.GeoDataFrame
        ``code`` and polygon ``geometry``, e.g. DeSO areas.
    areas : geopandas.GeoDataFrame
        ``area_code`` and polygon ``geometry``: the kommun's active areas, same CRS as ``small``
        (EPSG:3006 in the application).

    Returns
    -------
    pandas.DataFrame
        One row per small area, in input order: ``code``, ``area_code`` (or None) and ``share``,
        the fraction of the small area's surface inside that area (0.0 when none).

    Raises
    ------
    ValueError
        When a column is missing or the two layers have different CRS.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> small = gpd.GeoDataFrame({"code": ["a", "b"]},
    ...                          geometry=[box(0, 0, 10, 10), box(8, 0, 12, 10)], crs=3006)
    >>> areas = gpd.GeoDataFrame({"area_code": ["W", "E"]},
    ...                          geometry=[box(0, 0, 9, 10), box(9, 0, 20, 10)], crs=3006)
    >>> roll_up_areas(small, areas).to_dict("records")
    [{'code': 'a', 'area_code': 'W', 'share': 0.9}, {'code': 'b', 'area_code': 'E', 'share': 0.75}]
    """
    require_columns(small, ["code", "geometry"], "small")
    require_columns(areas, ["area_code", "geometry"], "areas")
    if small.crs != areas.crs:
        raise ValueError(f"small and areas have different CRS: {small.crs} and {areas.crs}")
    return _largest_overlap(small, areas)


def _largest_overlap(small: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> pd.DataFrame:
    geoms = shapely.make_valid(small.geometry.to_numpy())
    area_geoms = shapely.make_valid(areas.geometry.to_numpy())
    area_codes = [str(c) for c in areas["area_code"]]
    tree = shapely.STRtree(area_geoms)
    small_idx, area_idx = tree.query(geoms, predicate="intersects")
    overlap = shapely.area(shapely.intersection(geoms[small_idx], area_geoms[area_idx]))
    best: dict[int, tuple[float, int]] = {}
    for i, j, size in zip(small_idx.tolist(), area_idx.tolist(), overlap.tolist(), strict=True):
        # Ties go to the first area in input order, so the answer does not depend on the index.
        if size > 0 and (i not in best or size > best[i][0] or (size == best[i][0] and j < best[i][1])):
            best[i] = (size, j)
    total = shapely.area(geoms)
    rows = []
    for i, code in enumerate(small["code"]):
        if i in best:
            size, j = best[i]
            rows.append({"code": str(code), "area_code": area_codes[j],
                         "share": round(float(size / total[i]), 6) if total[i] > 0 else 0.0})
        else:
            rows.append({"code": str(code), "area_code": None, "share": 0.0})
    return pd.DataFrame({
        "code": pd.Series([r["code"] for r in rows], dtype=object),
        # object, not pandas' string dtype: "no area" stays None rather than becoming NaN
        "area_code": pd.Series([r["area_code"] for r in rows], dtype=object),
        "share": pd.Series([r["share"] for r in rows], dtype=float),
    })
