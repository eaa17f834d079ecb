"""The command line, run as a user would, against its own fresh database."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Point
from sqlalchemy import func
from sqlmodel import Session, select
from typer.testing import CliRunner

from api.areas import service as area_service
from api.areas.models import AreaSet
from api.cli import app
from api.core.db import make_engine
from tests.conftest import database_url_for, drop_schema, make_test_settings, set_cli_environment

DEMO_DATA = Path(__file__).resolve().parents[2] / "api" / "demo" / "data"
SHARED_REGSO = Path(__file__).resolve().parents[3] / "shared" / "data" / "regso_2025_orebro_alingsas_ale_sweref99tm.gpkg"


@pytest.fixture()
def cli_env(tmp_path, monkeypatch, test_today):
    url = database_url_for(tmp_path, "cli_" + tmp_path.name[-10:])
    set_cli_environment(monkeypatch, url, tmp_path, test_today)
    engine = make_engine(make_test_settings(url, tmp_path))
    yield engine
    engine.dispose()
    drop_schema(url)


def run(*args: str):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, list(args))
    return result


def test_kommun_add_and_categories_list(cli_env):
    assert run("kommun", "add", "1880", "Örebro").exit_code == 0
    listing = run("categories", "list")
    assert listing.exit_code == 0
    assert "skadegorelse" in listing.output and "Klotter" in listing.output
    duplicate = run("kommun", "add", "1880", "Örebro")
    assert duplicate.exit_code == 1 and "finns redan" in duplicate.output
    bad = run("kommun", "add", "18", "X")
    assert bad.exit_code == 1 and "fyrsiffriga" in bad.output


def _areas(engine, kommun: str) -> gpd.GeoDataFrame:
    with Session(engine) as session:
        return area_service.load_areas_frame(session=session, kommun_code=kommun)


def test_areas_import_gpkg_and_wgs84_geojson_give_the_same_areas(cli_env):
    assert run("kommun", "add", "1880", "Örebro").exit_code == 0
    gpkg = run(
        "areas", "import", str(DEMO_DATA / "orebro_regso_2025.gpkg"),
        "--code-field", "regsokod", "--name-field", "regsonamn", "--set-name", "RegSO 2025",
    )
    assert gpkg.exit_code == 0, gpkg.output
    assert "36 områden" in gpkg.output
    first = _areas(cli_env, "1880")
    geojson = run(
        "areas", "import", str(DEMO_DATA / "orebro_regso_2025_wgs84.geojson"),
        "--code-field", "regsokod", "--name-field", "regsonamn", "--set-name", "RegSO 2025",
    )
    assert geojson.exit_code == 0, geojson.output
    assert "version 2" in geojson.output
    second = _areas(cli_env, "1880")
    assert list(second.area_code) == list(first.area_code)
    assert list(second.area_name) == list(first.area_name)
    assert second.crs.to_epsg() == 3006
    # Reprojected back from WGS84, each polygon sits where the SWEREF 99 TM original does (< 1 m).
    for a, b in zip(first.geometry, second.geometry, strict=True):
        assert a.symmetric_difference(b).area / a.area < 1e-4
        assert shapely.hausdorff_distance(a, b) < 1.0
    with Session(cli_env) as session:
        sets = session.exec(select(AreaSet).order_by(AreaSet.version)).all()
        assert [(s.version, s.active) for s in sets] == [(1, False), (2, True)]


def test_areas_import_of_the_shared_three_kommun_file(cli_env):
    if not SHARED_REGSO.exists():
        pytest.skip("../shared/data is not available here")
    run("kommun", "add", "1880", "Örebro")
    result = run(
        "areas", "import", str(SHARED_REGSO), "--code-field", "regsokod",
        "--name-field", "regsonamn", "--only-where", "kommunkod=1880",
    )
    assert result.exit_code == 0, result.output
    areas = _areas(cli_env, "1880")
    assert len(areas) == 36 and "Vivalla" in set(areas.area_name)
    assert all(code.startswith("1880R") for code in areas.area_code)


def test_areas_import_errors_are_clear(cli_env, tmp_path):
    run("kommun", "add", "1880", "Örebro")
    missing = run(
        "areas", "import", str(DEMO_DATA / "orebro_regso_2025.gpkg"),
        "--code-field", "deso", "--name-field", "regsonamn",
    )
    assert missing.exit_code == 1
    assert "Fältet 'deso'" in missing.output and "regsokod" in missing.output

    points = tmp_path / "points.geojson"
    gpd.GeoDataFrame({"kod": ["A"], "namn": ["X"]}, geometry=[Point(15.2, 59.27)], crs=4326).to_file(points)
    not_polygons = run("areas", "import", str(points), "--code-field", "kod", "--name-field", "namn")
    assert not_polygons.exit_code == 1 and "polygoner" in not_polygons.output

    empty = tmp_path / "empty.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}')
    result = run("areas", "import", str(empty), "--code-field", "kod", "--name-field", "namn")
    assert result.exit_code == 1 and ("inga områden" in result.output or "kunde inte läsas" in result.output)


def test_users_add_and_login_works(cli_env):
    from api.users import service as user_service

    run("kommun", "add", "1880", "Örebro")
    assert run("organisations", "add", "Skolan", "--type", "skola").exit_code == 0
    bad_type = run("organisations", "add", "X", "--type", "kyrka")
    assert bad_type.exit_code == 1 and "Okänd organisationstyp" in bad_type.output
    added = run(
        "users", "add", "Anna@Kommun.example", "--name", "Anna", "--role", "inrapportor",
        "--organisation", "Skolan", "--password", "ett-langt-losenord",
    )
    assert added.exit_code == 0, added.output
    with Session(cli_env) as session:
        user = user_service.authenticate(session=session, email="anna@kommun.example", password="ett-langt-losenord")
        assert user is not None and user.role == "inrapportor" and user.organisation_id is not None
    short = run("users", "add", "b@k.example", "--name", "B", "--role", "granskare", "--password", "kort")
    assert short.exit_code == 1 and "minst 12 tecken (det har 4)" in short.output
    same_as_email = run("users", "add", "bertil.berg@k.example", "--name", "Bertil Berg", "--role", "granskare",
                        "--password", "bertil.berg@k.example")
    assert same_as_email.exit_code == 1
    assert "Lösenordet får inte innehålla din e-postadress." in same_as_email.output
    common = run("users", "add", "b@k.example", "--name", "B", "--role", "granskare", "--password", "password1234")
    assert common.exit_code == 1 and "ett av de vanligaste lösenorden" in common.output


@pytest.mark.dates
def test_demo_loads_once_and_prints_one_login_per_role(cli_env, monkeypatch, test_today):
    from api.demo.loader import DEMO_PASSWORDS
    from api.kommuner.models import Kommun
    from api.reports.models import Report

    monkeypatch.setenv("LAGESBILD_PERIOD_KIND", "tertial")  # the installation's default reaches the demo kommun
    first = run("demo", "--no-serve")
    assert first.exit_code == 0, first.output
    assert "36 områden" in first.output and "syntetiska rapporter" in first.output
    for email, password in DEMO_PASSWORDS.values():
        assert email in first.output and password in first.output
    with Session(cli_env) as session:
        stored = len(session.exec(select(Report.id)).all())
        assert session.get(Kommun, "1880").period_kind == "tertial"
        # Loaded as of the command's clock (LAGESBILD_CLOCK_AT, the suite's day): current, never ahead.
        latest = session.exec(select(func.max(Report.observed_date))).one()
    assert stored > 3000
    assert test_today - timedelta(days=7) < latest <= test_today
    again = run("demo", "--no-serve")
    assert again.exit_code == 0 and "finns redan" in again.output
    with Session(cli_env) as session:
        assert len(session.exec(select(Report.id)).all()) == stored


def test_areas_population_imports_an_scb_csv(cli_env, tmp_path):
    fixture = Path(__file__).resolve().parents[1] / "ingest" / "fixtures" / "folkmangd_regso_cp1252.csv"
    assert run("kommun", "add", "1880", "Örebro").exit_code == 0
    none_yet = run("areas", "population", str(fixture))
    assert none_yet.exit_code == 1 and "importera områden först" in none_yet.output
    assert run("areas", "import", str(DEMO_DATA / "orebro_regso_2025.gpkg"), "--code-field", "regsokod",
               "--name-field", "regsonamn").exit_code == 0
    # the fixture's codes (1880A-D) are not Örebro's RegSO codes: refused, nothing written
    refused = run("areas", "population", str(fixture))
    assert refused.exit_code == 1 and "Ingen rad i filen" in refused.output
    rows = ['"region";"ålder";"kön";"2024"']
    areas = _areas(cli_env, "1880")
    rows += [f'"{c} {n}";"totalt ålder";"totalt";"{1000 + i}"'
             for i, (c, n) in enumerate(zip(areas["area_code"], areas["area_name"], strict=True)) if i != 5]
    csv_path = tmp_path / "folkmangd.csv"
    csv_path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))
    done = run("areas", "population", str(csv_path))
    assert done.exit_code == 0, done.output
    assert "Befolkning 2024 inläst för 35 områden" in done.output
    assert f"1 områden saknar befolkning ({areas['area_code'][5]})" in done.output
