"""Växjö for the polisanmälda-brott tests: SCB's DeSO polygons and four EST-områden across them."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
from shapely.geometry import box
from sqlmodel import Session

from api.areas import service as area_service
from api.kommuner import service as kommun_service
from api.police import offences
from ingest.areas import prepare_areas

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
DESO_FILE = FIXTURES / "deso_2025_vaxjo_0780_centrum_wgs84.geojson"
EXTRACT = FIXTURES / "polisanmalda_brott_vaxjo_cp1252.csv"
COUNTS = FIXTURES / "polisanmalda_brott_antal_vaxjo_utf8_bom.csv"
# Lines through central Växjö: several DeSO straddle them, so the largest overlap decides.
SPLIT_X, SPLIT_Y = 488_300.0, 6_304_000.0


def deso_frame() -> gpd.GeoDataFrame:
    """The fixture's ten DeSO in EPSG:3006 (area_code, area_name, geometry)."""
    return prepare_areas(gpd.read_file(DESO_FILE), code_field="desokod", name_field="desokod")


def est_areas() -> gpd.GeoDataFrame:
    """Four EST-områden: the DeSO's extent cut in quadrants at SPLIT_X / SPLIT_Y."""
    x0, y0, x1, y1 = deso_frame().total_bounds
    return gpd.GeoDataFrame(
        {"area_code": ["EST-NV", "EST-NO", "EST-SV", "EST-SO"],
         "area_name": ["Nordväst", "Nordost", "Sydväst", "Sydost"]},
        geometry=[box(x0, SPLIT_Y, SPLIT_X, y1), box(SPLIT_X, SPLIT_Y, x1, y1),
                  box(x0, y0, SPLIT_X, SPLIT_Y), box(SPLIT_X, y0, x1, SPLIT_Y)],
        crs=3006,
    )


def add_vaxjo(session: Session, *, with_deso: bool = True) -> None:
    """Växjö with EST-områden as the active set and (optionally) the DeSO reference set."""
    kommun_service.add_kommun(session=session, code="0780", name="Växjö")
    area_service.import_area_set(session=session, kommun_code="0780", areas=est_areas(),
                                 name="EST-områden", source="test")
    if with_deso:
        offences.import_deso_areas(session=session, kommun_code="0780", areas=deso_frame(),
                                   source="deso_2025_vaxjo_0780_centrum_wgs84.geojson (Källa: SCB)")
    session.flush()
