"""GeoPackage of a week's areas (EPSG:3006) with counts per category, total and status, for QGIS."""

from __future__ import annotations

import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
from sqlmodel import Session

from api.areas import service as area_service
from api.exports.service import WeekExport
from api.reports.query import categories_frame

LAYER = "omraden"
FIXED_COLUMNS = ("omradeskod", "omradesnamn", "vecka", "version", "totalt", "status", "statuskalla")


def category_columns(*, session: Session, kommun_code: str, export: WeekExport) -> list[str]:
    """One column per counted category, in the kommun's order, plus any code only the snapshot has."""
    categories = categories_frame(session=session, kommun_code=kommun_code)
    counted = categories[categories.active & ~categories.is_context].category_code.tolist()
    seen = [c.category_code for c in export.snapshot.category_counts]
    seen += [c.category_code for a in export.snapshot.areas for c in a.category_counts]
    return counted + [c for c in dict.fromkeys(seen) if c not in counted]


def areas_frame(*, session: Session, kommun_code: str, export: WeekExport) -> gpd.GeoDataFrame:
    """The kommun's active areas with the week's numbers and status, in EPSG:3006."""
    areas = area_service.load_areas_frame(session=session, kommun_code=kommun_code)
    codes = category_columns(session=session, kommun_code=kommun_code, export=export)
    # A category code named like a fixed column would clash: it gets a prefix.
    names = {c: f"kat_{c}" if c in FIXED_COLUMNS else c for c in codes}
    columns = [*FIXED_COLUMNS[:4], *names.values(), *FIXED_COLUMNS[4:]]
    snapshot = export.snapshot
    rows = []
    for code, name in zip(areas.area_code, areas.area_name, strict=True):
        area = snapshot.area(code)
        counts = {c.category_code: c.count for c in area.category_counts} if area else {}
        rows.append({
            "omradeskod": code,
            "omradesnamn": name,
            "vecka": snapshot.week,
            "version": snapshot.version if export.published else None,
            **{names[c]: int(counts.get(c, 0)) for c in codes},
            "totalt": area.count if area else 0,
            "status": (area.effective_status if export.published else area.suggested_status) if area else None,
            "statuskalla": "publicerad" if export.published else "förslag",
        })
    frame = pd.DataFrame(rows, columns=columns)
    frame["version"] = frame["version"].astype("Int64")
    return gpd.GeoDataFrame(frame, geometry=list(areas.geometry), crs=3006)


def geopackage_bytes(frame: gpd.GeoDataFrame) -> bytes:
    """The frame as a GeoPackage file (layer "omraden")."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "omraden.gpkg"
        frame.to_file(path, layer=LAYER, driver="GPKG")
        return path.read_bytes()
