"""Tests for coordinate headers and ingest.coordinate_systems: the system told from header or values."""

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pyproj import Transformer
from shapely.geometry import box

from ingest.coordinate_systems import crs_from_header, read_coordinates
from ingest.file_import import preview_import
from ingest.import_columns import field_of_header, propose_mapping

REGSO = Path(__file__).parent.parent / "analysis" / "fixtures" / "regso_orebro_1880_simplified.geojson"
CATEGORIES = {"klotter": "Klotter"}


@pytest.mark.parametrize(("header", "field"), [
    ("X (SWEREF 99 TM)", "x"), ("Y (SWEREF 99 TM)", "y"), ("X", "x"), ("Y", "y"),
    ("Östlig (E)", "x"), ("Nordlig (N)", "y"), ("E", "x"), ("N", "y"), ("Easting", "x"),
    ("Northing", "y"), ("Lat", "lat"), ("Long", "lon"), ("Latitud", "lat"), ("Longitud", "lon"),
    ("X [RT90 2.5 gon V]", "x"), ("N_SWEREF99_1500", "y"), ("Latitud (WGS84)", "lat"),
    ("Ärendenr", "external_id"), ("Ärendenummer", "external_id"), ("Löpnummer", "external_id"),
    ("ID", "external_id"), ("Fastighetsbeteckning", None), ("Kommentar (intern)", "description"),
])
def test_header_variants(header, field):
    assert field_of_header(header) == field


def test_proposed_mapping_of_a_property_system_export():
    headers = ["Ärendenr", "Datum", "Kategori", "Område", "X (SWEREF 99 TM)", "Y (SWEREF 99 TM)"]
    assert propose_mapping(headers) == {
        "external_id": "Ärendenr", "date": "Datum", "category": "Kategori", "area": "Område",
        "x": "X (SWEREF 99 TM)", "y": "Y (SWEREF 99 TM)",
    }


@pytest.mark.parametrize(("header", "epsg"), [
    ("X (SWEREF 99 TM)", 3006), ("Y (SWEREF99TM)", 3006), ("X (SWEREF 99 15 00)", 3009),
    ("N sweref99 2315", 3018), ("Y (RT90 2,5 gon V)", 3021), ("Lat (WGS 84)", 4326),
    ("E (EPSG:3011)", 3011), ("Östlig (E)", None), ("X", None),
])
def test_crs_named_in_header(header, epsg):
    found = crs_from_header(header)
    assert (found.epsg if found else None) == epsg


def test_sweref99tm_either_order_and_swapped_rows():
    # X = northing as surveying writes it, and one row the other way round.
    r = read_coordinates(["6 571 300,5", "514250", "6571400"], ["514 200,25", "6571350", "514300"])
    assert r.system.label == "SWEREF 99 TM" and r.northing_first
    assert r.x.tolist() == [514200.25, 514250.0, 514300.0]
    assert r.y.tolist() == [6571300.5, 6571350.0, 6571400.0]
    assert r.error == [None, None, None]


def test_local_zone_chosen_by_the_kommun():
    # On the central meridian 15°E: SWEREF 99 15 00 (scale 1, false easting 150 000) and SWEREF 99
    # TM (scale 0.9996, false easting 500 000) differ only by the scale: N_local = N_TM / 0.9996,
    # so TM (500 000, 6 570 000) is (150 000, 6 572 629.05) in the local zone.
    kommun = box(499_000, 6_569_000, 501_000, 6_571_000)
    r = read_coordinates(["6572629,05"], ["150000"], within=kommun)
    assert r.system.epsg == 3009
    assert r.x[0] == pytest.approx(500_000, abs=0.01)
    assert r.y[0] == pytest.approx(6_570_000, abs=0.01)
    assert "lokala zon" in r.note


def test_local_zone_among_its_neighbours_in_orebro():
    # Points inside Örebro's RegSO written in SWEREF 99 15 00: the zones 14 15 and 15 45 put them
    # some 40 km west or east, outside the kommun, so only 15 00 fits.
    areas = gpd.read_file(REGSO)
    inside = areas.geometry.representative_point()
    local = gpd.GeoSeries(inside, crs=3006).to_crs(3009)
    kommun = shapely.union_all(np.asarray(areas.geometry.values))
    r = read_coordinates(local.y.tolist(), local.x.tolist(), within=kommun)
    assert r.system.epsg == 3009
    assert np.allclose(r.x, inside.x, atol=0.01) and np.allclose(r.y, inside.y, atol=0.01)


def test_local_zone_without_the_kommun_is_not_guessed():
    r = read_coordinates(["6572629,05"], ["150000"])
    assert r.system is None and r.error == ["unknown_zone"]
    assert "SWEREF 99 15 00" in r.note  # tells how to name the zone in the header


def test_rt90_and_wgs84_from_values():
    # RT90 2.5 gon V: X (northing) about 6.57 million, Y (easting) about 1.46 million.
    rt90 = gpd.GeoSeries.from_xy([1_465_449.23], [6_569_443.87], crs=3021).to_crs(3006)
    r = read_coordinates(["6569443,87"], ["1465449,23"])
    assert r.system.label == "RT90 2.5 gon V" and r.northing_first
    assert (r.x[0], r.y[0]) == pytest.approx((rt90.x[0], rt90.y[0]), abs=0.01)
    # WGS84 on the central meridian 15°E: easting exactly 500 000 in SWEREF 99 TM.
    r = read_coordinates(["15,0"], ["59,3"])
    assert r.system.label == "WGS 84" and not r.northing_first
    assert r.x[0] == pytest.approx(500_000, abs=1e-6)


def test_row_errors_say_why():
    r = read_coordinates(["6571300", "abc", "", "48,85", ""], ["", "514200", "514200", "2,35", ""])
    assert r.error == ["missing_coordinate", "invalid_coordinate", "missing_coordinate",
                       "outside_sweden", None]
    r = read_coordinates(["59,3"], ["18,0"], hint=crs_from_header("X (SWEREF 99 TM)"))
    assert r.error == ["wrong_system"]
    assert r.message("wrong_system") == ("koordinaten passar inte koordinatsystemet SWEREF 99 TM som "
                                         "kolumnrubriken anger")


def test_preview_lists_every_column_and_names_the_empty_cell():
    csv = ("Ärendenr;Datum;Kategori;Område;Fastighet;X (SWEREF 99 TM);Y (SWEREF 99 TM)\r\n"
           "17;2026-11-20;Klotter;;Bo 1:2;6571300,5;514200,25\r\n"
           "18;2026-11-20;Klotter;;Bo 1:3;6571300,5;\r\n")
    p = preview_import(csv.encode("cp1252"), kommun_code="1880", categories=CATEGORIES)
    assert p.columns == [
        ("Ärendenr", "externt id"), ("Datum", "datum"), ("Kategori", "kategori"),
        ("Område", "område (tom i alla rader; platsen tas från koordinaterna eller platstexten)"),
        ("Fastighet", "ignorerad"),
        ("X (SWEREF 99 TM)", "nordlig koordinat (N), SWEREF 99 TM"),
        ("Y (SWEREF 99 TM)", "östlig koordinat (E), SWEREF 99 TM"),
    ]
    assert p.coordinate_system == "SWEREF 99 TM"
    (record,) = p.result.records
    assert (record.external_id, record.x, record.y) == ("17", 514200.25, 6571300.5)
    (error,) = p.result.errors
    assert (error.row, error.column, error.code) == (3, "Y (SWEREF 99 TM)", "missing_coordinate")
    assert "bara den ena koordinaten" in error.message


def test_empty_coordinate_columns_say_so():
    csv = "Kategori;Datum;X;Y\r\nKlotter;2026-11-20;;\r\n"
    p = preview_import(csv.encode("utf-8"), kommun_code="1880", categories=CATEGORIES)
    assert p.columns[2:] == [("X", "koordinat (tom i alla rader)"), ("Y", "koordinat (tom i alla rader)")]
    assert len(p.result.records) == 1 and p.result.errors == []


_ZONE_MERIDIANS = {3007: 12.0, 3008: 13.5, 3012: 14.25, 3009: 15.0, 3013: 15.75, 3010: 16.5,
                   3014: 17.25, 3011: 18.0, 3015: 18.75, 3016: 20.25, 3017: 21.75, 3018: 23.25}


@settings(max_examples=60, deadline=None)
@given(lon=st.floats(11.5, 24.0), lat=st.floats(55.4, 69.0),
       kind=st.sampled_from(["tm", "zone", "rt90", "wgs84"]), northing_first=st.booleans())
def test_any_point_in_sweden_comes_back_in_any_system_and_order(lon, lat, kind, northing_first):
    # Invariant: a point written in any of the systems (a local zone: the one nearest its meridian),
    # either column first, reads back to the same SWEREF 99 TM point when the kommun is known.
    # Sweden, coarsely: by latitude band, the longitudes its land (and near coast) spans.
    west, east_edge = ((12.6, 16.5) if lat < 56.5 else (11.5, 18.8) if lat < 63 else (12.5, 24.0))
    assume(west <= lon <= east_edge)
    tm = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True).transform(lon, lat)
    epsg = {"tm": 3006, "rt90": 3021, "wgs84": 4326,
            "zone": min(_ZONE_MERIDIANS, key=lambda e: abs(_ZONE_MERIDIANS[e] - lon))}[kind]
    east, north = Transformer.from_crs("EPSG:4326", f"EPSG:{epsg}", always_xy=True).transform(lon, lat)
    first, second = (north, east) if northing_first else (east, north)
    kommun = box(tm[0] - 1_000, tm[1] - 1_000, tm[0] + 1_000, tm[1] + 1_000)
    r = read_coordinates([first], [second], within=kommun)
    assert r.error == [None]
    assert r.system is not None and r.system.epsg == epsg
    assert (r.x[0], r.y[0]) == pytest.approx(tm, abs=0.01)
