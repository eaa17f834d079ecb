"""Shared input checks for the analysis functions.

Every public analysis function checks its inputs first and raises ``ValueError`` naming the bad
column or CRS, so a caller (and, through the API, a user) sees what is wrong before any maths runs.
Messages are Swedish because they can reach the UI.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import pandas as pd

#: Columns of the reports frame (docs/data-contract.md) that counting needs.
REPORT_COUNT_COLUMNS: tuple[str, ...] = (
    "kommun_code",
    "area_code",
    "category_code",
    "observed_date",
    "report_count",
)


def require_columns(df: pd.DataFrame, cols: Iterable[str], name: str) -> None:
    """Raise ValueError naming every column of ``cols`` missing from ``df``.

    Parameters
    ----------
    df : pandas.DataFrame
        The frame to check.
    cols : iterable of str
        Required column names.
    name : str
        What the frame is called in the message (e.g. ``"rapporter"``).

    Examples
    --------
    >>> import pandas as pd
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a"], "rapporter")
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a", "b"], "rapporter")
    Traceback (most recent call last):
    ...
    ValueError: rapporter saknar kolumnen 'b'
    """
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{name} måste vara en DataFrame, inte {type(df).__name__}")
    missing = [c for c in cols if c not in df.columns]
    if len(missing) == 1:
        raise ValueError(f"{name} saknar kolumnen '{missing[0]}'")
    if missing:
        listed = ", ".join(f"'{c}'" for c in missing)
        raise ValueError(f"{name} saknar kolumnerna {listed}")


def require_crs(gdf, epsg: int) -> None:
    """Raise ValueError unless ``gdf`` has the CRS ``EPSG:<epsg>``.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame or GeoSeries
        The geometries to check.
    epsg : int
        Expected EPSG code, normally 3006 (SWEREF 99 TM).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> require_crs(gpd.GeoDataFrame(geometry=[Point(0, 0)], crs=3006), 3006)
    >>> require_crs(gpd.GeoDataFrame(geometry=[Point(0, 0)], crs=4326), 3006)
    Traceback (most recent call last):
    ...
    ValueError: fel koordinatsystem EPSG:4326, väntade EPSG:3006
    """
    crs = getattr(gdf, "crs", None)
    if crs is None:
        raise ValueError(f"koordinatsystem saknas, väntade EPSG:{epsg}")
    actual = crs.to_epsg()
    if actual != epsg:
        raise ValueError(f"fel koordinatsystem EPSG:{actual}, väntade EPSG:{epsg}")


def require_datetime(df: pd.DataFrame, col: str, name: str) -> None:
    """Raise ValueError unless column ``col`` of ``df`` has a datetime64 dtype.

    Examples
    --------
    >>> import pandas as pd
    >>> require_datetime(pd.DataFrame({"d": pd.to_datetime(["2026-11-16"])}), "d", "rapporter")
    >>> require_datetime(pd.DataFrame({"d": [20261116]}), "d", "rapporter")
    Traceback (most recent call last):
    ...
    ValueError: rapporter: kolumnen 'd' måste vara datum (datetime64), inte int64
    """
    require_columns(df, [col], name)
    if not pd.api.types.is_datetime64_any_dtype(df[col]):
        raise ValueError(
            f"{name}: kolumnen '{col}' måste vara datum (datetime64), inte {df[col].dtype}"
        )


def require_numeric(
    df: pd.DataFrame, col: str, name: str, *, min_value: float | None = None
) -> None:
    """Raise ValueError unless ``col`` is numeric (and, if given, every value ≥ ``min_value``).

    Examples
    --------
    >>> import pandas as pd
    >>> require_numeric(pd.DataFrame({"n": [1, 2]}), "n", "rapporter", min_value=1)
    >>> require_numeric(pd.DataFrame({"n": [0]}), "n", "rapporter", min_value=1)
    Traceback (most recent call last):
    ...
    ValueError: rapporter: kolumnen 'n' har värden under 1
    """
    require_columns(df, [col], name)
    s = df[col]
    if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        raise ValueError(f"{name}: kolumnen '{col}' måste vara numerisk, inte {s.dtype}")
    if s.isna().any():
        raise ValueError(f"{name}: kolumnen '{col}' har saknade värden")
    if min_value is not None and len(s) and (s < min_value).any():
        raise ValueError(f"{name}: kolumnen '{col}' har värden under {min_value:g}")


def require_reports(df: pd.DataFrame, extra: Iterable[str] = ()) -> None:
    """Check a reports frame for the columns counting needs (plus ``extra``) and their dtypes.

    Examples
    --------
    >>> import pandas as pd
    >>> require_reports(pd.DataFrame({"kommun_code": ["1880"], "area_code": [None]}))
    Traceback (most recent call last):
    ...
    ValueError: rapporter saknar kolumnerna 'category_code', 'observed_date', 'report_count'
    """
    require_columns(df, [*REPORT_COUNT_COLUMNS, *extra], "rapporter")
    require_datetime(df, "observed_date", "rapporter")
    if getattr(df["observed_date"].dtype, "tz", None) is not None:
        raise ValueError(
            "rapporter: kolumnen 'observed_date' ska vara lokala datum utan tidszon "
            "(Europe/Stockholm, normaliserade till midnatt)"
        )
    require_numeric(df, "report_count", "rapporter", min_value=1)


def require_hotspot_areas(areas) -> None:  # type: ignore[no-untyped-def]
    """The area layer of a hotspot analysis: a GeoDataFrame in SWEREF 99 TM with at least three areas,
    unique `area_code`s and no empty geometry."""
    if not isinstance(areas, gpd.GeoDataFrame):
        raise ValueError(f"områden måste vara en GeoDataFrame, inte {type(areas).__name__}")
    require_columns(areas, ["area_code", "geometry"], "områden")
    require_crs(areas, 3006)
    if len(areas) < 3:
        raise ValueError("hotspotanalys kräver minst 3 områden")
    if areas["area_code"].duplicated().any():
        dup = areas.loc[areas["area_code"].duplicated(), "area_code"].iloc[0]
        raise ValueError(f"områden: area_code '{dup}' förekommer flera gånger")
    if areas.geometry.isna().any() or areas.geometry.is_empty.any():
        raise ValueError("områden: kolumnen 'geometry' har tomma geometrier")
