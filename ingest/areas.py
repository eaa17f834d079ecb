"""Validate an area layer (DeSO, RegSO or the kommun's own EST-områden) and bring it to EPSG:3006."""

from __future__ import annotations

import geopandas as gpd

TARGET_EPSG = 3006


class AreaFileError(ValueError):
    """The area layer cannot be used; the message is Swedish and names the field or feature."""


def prepare_areas(layer: gpd.GeoDataFrame, *, code_field: str, name_field: str) -> gpd.GeoDataFrame:
    """Check an area layer and return `area_code`, `area_name`, `geometry` in EPSG:3006.

    Parameters
    ----------
    layer : GeoDataFrame
        Polygons in any CRS that says what it is.
    code_field, name_field : str
        The columns holding each area's code and name.

    Returns
    -------
    GeoDataFrame
        Columns ``area_code``, ``area_name``, ``geometry`` (Polygon/MultiPolygon), CRS EPSG:3006,
        sorted by code.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> gdf = gpd.GeoDataFrame({"kod": ["A"], "namn": ["Centrum"]},
    ...                        geometry=[box(0, 0, 1, 1)], crs=3006)
    >>> prepare_areas(gdf, code_field="kod", name_field="namn").area_code.tolist()
    ['A']
    """
    if len(layer) == 0:
        raise AreaFileError("Filen innehåller inga områden.")
    available = ", ".join(str(c) for c in layer.columns if c != layer.geometry.name)
    for label, field in (("kodfältet", code_field), ("namnfältet", name_field)):
        if field not in layer.columns:
            raise AreaFileError(
                f"Fältet '{field}' ({label}) finns inte i filen. Tillgängliga fält: {available}."
            )
    if layer.crs is None:
        raise AreaFileError("Filen saknar koordinatsystem (CRS); ange det i filen och försök igen.")
    geometry = layer.geometry
    if geometry.isna().any() or geometry.is_empty.any():
        bad = layer.loc[geometry.isna() | geometry.is_empty, code_field].astype(str).tolist()[:5]
        raise AreaFileError(f"Områden utan geometri: {', '.join(bad)}.")
    kinds = set(geometry.geom_type)
    if not kinds <= {"Polygon", "MultiPolygon"}:
        other = sorted(kinds - {"Polygon", "MultiPolygon"})
        raise AreaFileError(
            f"Områden måste vara polygoner; filen innehåller {', '.join(other)}."
        )
    codes = layer[code_field].astype(str).str.strip()
    if (codes == "").any() or layer[code_field].isna().any():
        raise AreaFileError(f"Alla områden måste ha en kod i fältet '{code_field}'.")
    duplicated = codes[codes.duplicated()].unique().tolist()
    if duplicated:
        raise AreaFileError(f"Koden förekommer flera gånger: {', '.join(duplicated[:5])}.")
    result = gpd.GeoDataFrame(
        {
            "area_code": codes.to_numpy(),
            "area_name": layer[name_field].fillna("").astype(str).str.strip().to_numpy(),
        },
        geometry=geometry.to_crs(TARGET_EPSG).make_valid().to_numpy(),
        crs=TARGET_EPSG,
    )
    return result.sort_values("area_code").reset_index(drop=True)
