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


#: Column names (compared without case, spaces, "_" or "-") that hold a feature's kommun code.
KOMMUN_CODE_FIELDS = ("kommunkod", "knkod", "kommunkodscb", "kommun", "kncode", "kommuncode")


def _key(name: object) -> str:
    return "".join(c for c in str(name).casefold() if c.isalnum())


def _as_codes(values: object) -> object:
    """Cell values as text codes: 380 and 380.0 become "0380" (SCB codes are four digits)."""
    import pandas as pd

    text = pd.Series(values).astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
    return text.where(~text.str.fullmatch(r"\d{1,3}"), text.str.zfill(4))


def filter_where(layer: gpd.GeoDataFrame, only_where: str) -> gpd.GeoDataFrame:
    """Keep the features whose FIELD equals VALUE (``only_where`` is "FIELD=VALUE").

    When nothing matches, the error says so and, for a code written without its leading zero (or
    with one too many), suggests the value that does match.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> gdf = gpd.GeoDataFrame({"kommunkod": ["0380", "1880"]}, geometry=[box(0, 0, 1, 1)] * 2, crs=3006)
    >>> len(filter_where(gdf, "kommunkod=1880"))
    1
    >>> try:
    ...     filter_where(gdf, "kommunkod=380")
    ... except AreaFileError as exc:
    ...     print(exc)
    Ingen rad har kommunkod 380 (menade du 0380?).
    """
    field, _, value = only_where.partition("=")
    field, value = field.strip(), value.strip()
    if field not in layer.columns:
        available = ", ".join(str(c) for c in layer.columns if c != layer.geometry.name)
        raise AreaFileError(f"Fältet '{field}' i --only-where finns inte i filen. Tillgängliga fält: {available}.")
    values = layer[field].astype(str).str.strip()
    kept = layer[values == value]
    if len(kept):
        return kept
    message = f"Ingen rad har {field} {value}"
    candidates = [value.zfill(4), value.lstrip("0")] if value.isdigit() else []
    present = set(values)
    suggestion = next((c for c in candidates if c != value and c in present), None)
    if suggestion:
        raise AreaFileError(f"{message} (menade du {suggestion}?).")
    examples = ", ".join(sorted(present)[:5])
    raise AreaFileError(f"{message}. Fältet har till exempel: {examples}." if examples else f"{message}.")


def keep_kommun(layer: gpd.GeoDataFrame, *, kommun_code: str, code_field: str) -> tuple[gpd.GeoDataFrame, int]:
    """Keep the features of one kommun; returns them and how many of other kommuner were left out.

    A feature's kommun is read from a kommun code column (``kommunkod``, ``KnKod`` …) or, failing
    that, from area codes that start with the kommun code as SCB's DeSO and RegSO codes do
    ("1880R029"). A layer with neither (a kommun's own EST-områden) is kept whole. A layer with no
    feature of the kommun is refused, naming the kommun codes it has.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> gdf = gpd.GeoDataFrame({"regsokod": ["1880R001", "1440R001", "1440R002"]},
    ...                        geometry=[box(0, 0, 1, 1)] * 3, crs=3006)
    >>> kept, left_out = keep_kommun(gdf, kommun_code="1880", code_field="regsokod")
    >>> kept.regsokod.tolist(), left_out
    (['1880R001'], 2)
    >>> gdf["kommun"] = ["Örebro", "Ale", "Ale"]  # names, not codes: the area codes still decide
    >>> keep_kommun(gdf, kommun_code="1880", code_field="regsokod")[1]
    2
    """
    # A column by that name counts only when it holds codes ("kommun" may hold names: "Örebro").
    column = next((c for c in layer.columns if _key(c) in KOMMUN_CODE_FIELDS and c != layer.geometry.name
                   and _as_codes(layer[c]).str.fullmatch(r"\d{4}").all()), None)  # type: ignore[attr-defined]
    if column is not None:
        codes = _as_codes(layer[column])
        source = f"fältet '{column}'"
    elif code_field in layer.columns:
        area_codes = layer[code_field].astype(str).str.strip()
        if not area_codes.str.match(r"^\d{4}[A-Za-z]").all():
            return layer, 0
        codes = area_codes.str[:4]
        source = f"områdeskoderna i '{code_field}'"
    else:
        return layer, 0
    mine = (codes == kommun_code).to_numpy()  # type: ignore[attr-defined]
    if not mine.any():
        found = ", ".join(sorted(set(codes))[:10])  # type: ignore[call-overload]
        raise AreaFileError(
            f"Filen har inga områden i kommun {kommun_code} (enligt {source}: {found}). Välj rätt kommun "
            "med --kommun eller en annan fil."
        )
    return layer[mine], int((~mine).sum())
