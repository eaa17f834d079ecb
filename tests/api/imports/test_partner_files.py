"""Partner exports as Swedish property and housing systems write them, imported into real RegSO.

The fixtures (tests/fixtures/partner, made by generate.py there) have their area column empty, so
every row is placed by its coordinates alone. Each row with coordinates must land in the RegSO that
geopandas finds for it (sjoin of the point, transformed by pyproj from the system the file is known
to use, against the same test area set); the rows whose coordinates cannot be used say why.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from sqlmodel import select

from api.areas import service as area_service
from api.areas.models import Area
from api.imports import service
from api.kommuner import service as kommun_service
from api.organisations import service as organisation_service
from api.reports.models import Report
from api.users import service as user_service
from api.users.models import Role
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

FIXTURES = Path(__file__).parents[2] / "fixtures" / "partner"
REGSO = Path(__file__).parents[2] / "analysis" / "fixtures" / "regso_orebro_1880_simplified.geojson"
TODAY = date(2026, 11, 30)

# file, its encoding, the system it is written in, its (easting, northing) columns, the id column,
# and the coordinate columns as the preview must describe them.
FILES = [
    ("fastighet_sweref99tm_cp1252.csv", "cp1252", 3006, ("Y (SWEREF 99 TM)", "X (SWEREF 99 TM)"),
     "Ärendenr", {"X (SWEREF 99 TM)": "nordlig koordinat (N), SWEREF 99 TM",
                  "Y (SWEREF 99 TM)": "östlig koordinat (E), SWEREF 99 TM"}),
    ("bostad_ostlig_nordlig_utf8bom.csv", "utf-8-sig", 3006, ("Östlig (E)", "Nordlig (N)"),
     "Löpnummer", {"Östlig (E)": "östlig koordinat (E), SWEREF 99 TM",
                   "Nordlig (N)": "nordlig koordinat (N), SWEREF 99 TM"}),
    ("fastighet_sweref99_1500_cp1252.csv", "cp1252", 3009, ("Y", "X"), "Ärendenummer",
     {"X": "nordlig koordinat (N), SWEREF 99 15 00", "Y": "östlig koordinat (E), SWEREF 99 15 00"}),
    ("fastighet_rt90_utf8bom.csv", "utf-8-sig", 3021, ("E", "N"), "ID",
     {"E": "östlig koordinat (E), RT90 2.5 gon V", "N": "nordlig koordinat (N), RT90 2.5 gon V"}),
    ("app_wgs84_cp1252.csv", "cp1252", 4326, ("Longitud", "Latitud"), "Ärendenr",
     {"Latitud": "latitud, WGS 84", "Longitud": "longitud, WGS 84"}),
]


@pytest.fixture()
def orebro(session):  # type: ignore[no-untyped-def]
    """Örebro with its 36 real RegSO (simplified) as the active area set, and one housing company."""
    areas = gpd.read_file(REGSO)
    kommun_service.add_kommun(session=session, code="1880", name="Örebro")
    area_service.import_area_set(session=session, kommun_code="1880", areas=areas, name="RegSO",
                                 source="SCB")
    org = organisation_service.create_organisation(
        session=session, kommun_code="1880", name="Bostadsbolaget", type="fastighetsbolag"
    )
    session.commit()
    return org.id, areas


def _expected_areas(path: Path, encoding: str, epsg: int, columns: tuple[str, str], id_column: str,
                    areas: gpd.GeoDataFrame) -> dict[str, str | None]:
    """External id -> the RegSO geopandas puts the row's point in (None: outside every area)."""
    frame = pd.read_csv(path, sep=";", encoding=encoding, dtype=str)
    east, north = (pd.to_numeric(frame[c].str.replace(",", "."), errors="coerce") for c in columns)
    usable = east.notna() & north.notna()
    points = gpd.GeoDataFrame(
        {"external_id": frame.loc[usable, id_column].to_numpy()},
        geometry=gpd.points_from_xy(east[usable], north[usable]), crs=epsg,
    ).to_crs(3006)
    joined = gpd.sjoin(points, areas[["area_code", "geometry"]], how="left", predicate="within")
    return {row.external_id: (None if pd.isna(row.area_code) else row.area_code)
            for row in joined.itertuples()}


@pytest.mark.parametrize(("name", "encoding", "epsg", "columns", "id_column", "uses"), FILES,
                         ids=[f[0] for f in FILES])
def test_partner_file_lands_every_point_in_its_regso(session, orebro, name, encoding, epsg, columns,
                                                     id_column, uses):
    org_id, areas = orebro
    path = FIXTURES / name
    analysis = service.analyse(session=session, data=path.read_bytes(), kommun_code="1880",
                               organisation_id=org_id, today=TODAY)
    assert analysis.ready, analysis.mapping_problems
    described = dict(analysis.columns)
    assert {h: described[h] for h in uses} == uses
    assert described[id_column] == "externt id"
    assert described[analysis.mapping["area"]].startswith("område (tom i alla rader")
    outcome = service.store_file(session=session, analysis=analysis, kommun_code="1880",
                                 organisation_id=org_id, strict=False, submitted_by_id=None)

    expected = _expected_areas(path, encoding, epsg, columns, id_column, areas)
    inside = {k: v for k, v in expected.items() if v is not None}
    assert len(inside) == 36 and len(set(inside.values())) == 36  # one point in each RegSO
    stored = dict(session.exec(
        select(Report.external_id, Area.code).join(Area, Report.area_id == Area.id, isouter=True)
        .where(Report.organisation_id == org_id)
    ).all())
    assert {k: stored.get(k) for k in inside} == inside
    # The row without coordinates is kept at kommun level; the others say why they were not used.
    assert stored["2003"] is None
    assert len(outcome.created_ids) == 37
    reasons = {(e.row, e.code) for e in analysis.errors}
    # File rows: header 1, ids 1000-1035 on rows 2-37, 1036 (outside) on 38, then 2001-2003.
    assert reasons == {(38, "outside_kommun"), (39, "missing_coordinate"), (40, "invalid_coordinate")}
    assert analysis.error_rows == 3


def test_preview_page_lists_columns_areas_and_map(client, session, orebro):
    org_id, _ = orebro
    user = user_service.create_user(session=session, name="Analytiker", email="a@1880.example",
                                    password=PASSWORD, role=Role.analytiker, kommun_codes=["1880"])
    session.commit()
    login(client, user.email, PASSWORD)
    page = client.get("/import")
    data = (FIXTURES / "fastighet_sweref99_1500_cp1252.csv").read_bytes()
    response = client.post(
        "/import", data={"csrf_token": csrf_from(page.text), "organisation_id": str(org_id)},
        files={"file": ("export.csv", data, "text/csv")}, follow_redirects=True,
    )
    assert response.status_code == 200, response.text[:500]
    html = response.text
    assert "<tr><td>X</td><td>nordlig koordinat (N), SWEREF 99 15 00</td></tr>" in html
    assert "<tr><td>Ärendenummer</td><td>externt id</td></tr>" in html
    assert "den lokala zon där punkterna hamnar i kommunen" in html
    assert 'id="import-map-data"' in html and "js/import-map.js" in html
    assert "<script>" not in html  # strict CSP: no inline script
    first_area = gpd.read_file(REGSO).sort_values("area_code").iloc[0].area_name
    assert f"<td>{first_area}</td>" in html  # row 2's point lies in the first RegSO by code


def test_cli_lists_every_column_and_why_rows_were_not_used(tmp_path, monkeypatch, test_today):
    from typer.testing import CliRunner

    from api.cli import app
    from api.core.db import make_engine
    from tests.conftest import database_url_for, make_test_settings, set_cli_environment

    url = database_url_for(tmp_path, "cli_partner_" + tmp_path.name[-10:])
    set_cli_environment(monkeypatch, url, tmp_path, test_today)
    engine = make_engine(make_test_settings(url, tmp_path))
    runner = CliRunner()
    try:
        assert runner.invoke(app, ["kommun", "add", "1880", "Örebro"]).exit_code == 0
        added = runner.invoke(app, ["areas", "import", str(REGSO), "--code-field", "area_code",
                                    "--name-field", "area_name"])
        assert added.exit_code == 0, added.output
        assert runner.invoke(app, ["organisations", "add", "Bostadsbolaget", "--type",
                                   "fastighetsbolag"]).exit_code == 0
        path = FIXTURES / "fastighet_sweref99_1500_cp1252.csv"
        result = runner.invoke(app, ["import", str(path), "--org", "Bostadsbolaget", "--dry-run",
                                     "--lenient"], terminal_width=200)
        assert result.exit_code == 0, result.output
        lines = [" ".join(line.replace("│", " ").split()) for line in result.output.splitlines()]
        for expected in ("Ärendenummer externt id", "Datum datum", "Kategori kategori",
                         "X nordlig koordinat (N), SWEREF 99 15 00",
                         "Y östlig koordinat (E), SWEREF 99 15 00"):
            assert expected in lines, result.output
        assert any(line.startswith("Område område (tom i alla rader") for line in lines)
        assert "den lokala zon där punkterna hamnar i kommunen" in " ".join(result.output.split())
        # The row report (its reason column wraps at 80 characters): each row says why.
        assert '39 Y Rad 39, kolumn "Y": bara den ena' in lines
        assert '40 X okänd Rad 40, kolumn "X": koordinaten är inte ett' in lines
        assert "38 plats 470000, 6578000 Rad 38: punkten ligger utanför kommunens" in lines
        assert "Provkörning (inget sparades): 40 rader, 37 nya, 0 fanns redan, 3 med fel." in result.output
    finally:
        engine.dispose()
