"""The files of a kvartalsanalys package: CSV tables, GeoPackage, HTML map and the ZIP around them.

CSVs follow the police-CSV conventions of api/exports/csv_export.py (`;`, decimal comma, UTF-8 BOM,
CRLF, formula cells neutralised). The ZIP's entries are in a fixed order and all dated with the
package's generation time (the caller's clock), so the same numbers at the same moment give the same bytes.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from collections.abc import Mapping

import geopandas as gpd
import pandas as pd
from jinja2 import Environment

from api.exports import csv_export
from api.exports.offline_html import _inline_script, leaflet_css, leaflet_js


def _cell(value: object) -> str:
    """One CSV cell: integers as they are, decimals with a comma, text neutralised, missing empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int) or (hasattr(value, "dtype") and "int" in str(getattr(value, "dtype", ""))):
        return str(int(value))  # type: ignore[call-overload]
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return csv_export.decimal_comma(value, 2)
    if value is pd.NA or value is pd.NaT:
        return ""
    return csv_export.neutralise(str(value))


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as a police-convention CSV file (BOM, `;`, decimal comma, CRLF)."""
    columns = [csv_export.Column(str(name), "") for name in frame.columns]
    rows = [[_cell(v.item() if hasattr(v, "item") else v) for v in row]
            for row in frame.itertuples(index=False, name=None)]
    return csv_export.header_line(columns) + csv_export._encode_lines(rows).encode("utf-8")


def geopackage_bytes(frame: gpd.GeoDataFrame) -> bytes:
    """The areas frame as a GeoPackage (layer "omraden", EPSG:3006)."""
    from api.exports.geopackage import geopackage_bytes as write

    return write(frame)


def map_html(
    env: Environment, *, title: str, period: str, area_geojson: bytes, counts: Mapping[str, dict],
    tile_url: str = "", tile_attribution: str = "",
) -> str:
    """A self-contained HTML map: Leaflet inlined, areas coloured by the period's counts."""
    online_tiles = tile_url if tile_url.startswith(("https://", "http://")) else ""
    return env.get_template("package_karta.html").render(
        title=title,
        period=period,
        leaflet_css=leaflet_css(),
        leaflet_js=leaflet_js(),
        areas_json=_inline_script(area_geojson.decode("utf-8")),
        data_json=_inline_script(json.dumps(dict(counts), ensure_ascii=False)),
        tile_url=online_tiles,
        tile_attribution=tile_attribution if online_tiles else "",
    )


def zip_bytes(files: Mapping[str, bytes], *, date_time: tuple[int, int, int, int, int, int]) -> bytes:
    """The files as one ZIP, in the given order, every entry dated `date_time` (local, as ZIP has it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()
