"""A package's urval (areas, categories): recorded on the row, applied to every file, offered on the page and CLI."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
from sqlmodel import Session, select

from api.core import migrate
from api.packages import pdf, service
from api.packages.data import package_data
from api.packages.models import AnalysisPackage
from api.packages.selection import PackageFilter, validate_filter
from tests.api.packages import package_helpers
from tests.api.packages.test_pages import inline_generation  # noqa: F401 - fixture
from tests.api.test_cli import cli_env, run  # noqa: F401 - fixture
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD, build_world

pytestmark = pytest.mark.dates

q3_reports = package_helpers.q3_reports
TODAY = date(2026, 11, 22)  # the packages below are of 2026-Q3, generated as of this day


def _csv(archive: zipfile.ZipFile, name: str) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(archive.read(name)), sep=";", decimal=",", encoding="utf-8-sig",
                       keep_default_na=False, na_values=[""])


def _generate(database, settings, package_filter):  # type: ignore[no-untyped-def]
    package = service.generate_package(database=database, settings=settings, kommun_code="1880", period="2026-Q3",
                                       today=TODAY, created_by="analys@example.se", package_filter=package_filter)
    return package, zipfile.ZipFile(settings.data_dir / package.artefact_path)


@pytest.fixture()
def settings(test_settings, tmp_path):  # type: ignore[no-untyped-def]
    return test_settings.model_copy(update={"data_dir": tmp_path})


@pytest.mark.usefixtures("q3_reports")
def test_a_category_urval_counts_only_those_categories_everywhere(  # type: ignore[no-untyped-def]
    database, session, settings, client, world, tmp_path
):
    package, archive = _generate(database, settings, PackageFilter(category_codes=("klotter",)))
    assert json.loads(package.filter_json) == {"period": "2026-Q3", "omraden": [], "kategorier": ["klotter"]}
    comparison = _csv(archive, "jamforelse_omrade_kategori.csv")
    # 2026-Q3 klotter: A 1 + 2, B 1, kommun level 1 = 5; the skadegörelse report in A is outside the urval.
    assert set(comparison.kategorikod) == {"klotter"}
    assert comparison.antal.sum() == 5 and comparison.antal_foregaende.sum() == 1
    gpkg = tmp_path / "urval.gpkg"
    gpkg.write_bytes(archive.read("omraden.gpkg"))
    areas = gpd.read_file(gpkg, layer="omraden")
    assert "skadegorelse" not in areas.columns and areas.totalt.tolist() == [3, 1, 0, 0]
    # The same urval through GET /api/v1/counts gives the same numbers.
    login(client, world.user("analytiker").email, PASSWORD)
    api = client.get("/api/v1/counts", params={"from": "2026-07-01", "to": "2026-09-30", "category": "klotter",
                                               "group_by": "area"}).json()
    assert api["total"] == 5
    assert {r["area_code"]: r["count"] for r in api["rows"]} == {"1880A": 3, "1880B": 1, None: 1}
    # The PDF says what the urval is.
    data = package_data(session=session, kommun_code="1880", period="2026-Q3",
                        query_filters={"category_codes": ("klotter",)}, today=TODAY)
    html = pdf.render_html(data, kommun_name="Örebro")
    assert "<strong>Urval:</strong> kategorier: Klotter." in html


@pytest.mark.usefixtures("q3_reports")
def test_an_area_urval_holds_only_those_areas_and_no_kommun_level(  # type: ignore[no-untyped-def]
    database, settings, tmp_path
):
    _, archive = _generate(database, settings, PackageFilter(area_codes=("1880A",)))
    comparison = _csv(archive, "jamforelse_omrade_kategori.csv")
    assert set(comparison.omradeskod) == {"1880A"}  # no kommun-level row: those reports have no area
    assert comparison.antal.sum() == 4  # klotter 1 + 2, skadegörelse 1
    assert _csv(archive, "rangordning.csv").omradeskod.tolist() == ["1880A"]
    gpkg = tmp_path / "urval.gpkg"
    gpkg.write_bytes(archive.read("omraden.gpkg"))
    assert gpd.read_file(gpkg, layer="omraden").omradeskod.tolist() == ["1880A"]


def test_unknown_codes_are_named_in_swedish(session, world):  # type: ignore[no-untyped-def]
    package_filter, errors = validate_filter(session=session, kommun_code="1880", area_codes=["1880B", " 1880A", "X9"],
                                             category_codes=["klotter", "skollov", "finns-inte"])
    assert errors == {"omrade": "Okänt område: X9.",
                      "kategori": "Okänd eller ej räknad kategori: finns-inte, skollov."}
    assert package_filter.area_codes == ("1880A", "1880B", "X9")
    assert validate_filter(session=session, kommun_code="1880", area_codes=[], category_codes=[]) == (
        PackageFilter(), {})


@pytest.mark.usefixtures("q3_reports", "inline_generation")
def test_the_page_offers_the_urval_and_keeps_it_on_error(client, world, session):  # type: ignore[no-untyped-def]
    login(client, world.user("analytiker").email, PASSWORD)
    page = client.get("/kvartal")
    assert 'name="omrade" value="1880A"' in page.text and 'name="kategori" value="klotter"' in page.text
    token = csrf_from(page.text)
    refused = client.post("/kvartal", data={"period": "2026-Q3", "csrf_token": token,
                                            "omrade": ["1880A", "1489A"], "kategori": "klotter"})
    assert refused.status_code == 422
    assert '<p id="omrade-error" class="error">Okänt område: 1489A.</p>' in refused.text
    assert re.search(r'value="1880A" checked', refused.text) and re.search(r'value="klotter" checked', refused.text)
    assert session.exec(select(AnalysisPackage)).all() == []

    done = client.post("/kvartal", data={"period": "2026-Q3", "csrf_token": token, "omrade": "1880A",
                                         "kategori": "klotter"}, follow_redirects=False)
    assert done.status_code == 303
    package = session.exec(select(AnalysisPackage)).one()
    assert json.loads(package.filter_json)["omraden"] == ["1880A"]
    view = client.get(f"/kvartal/{package.id}")
    assert "Urval: områden: Område A; kategorier: Klotter." in view.text
    assert "3 händelser under 2026-Q3" in view.text  # klotter in A: 1 + 2
    assert "områden: Område A; kategorier: Klotter" in client.get("/kvartal").text


def test_the_command_takes_an_urval(cli_env):  # type: ignore[no-untyped-def]  # noqa: F811
    migrate.upgrade(cli_env)
    with Session(cli_env) as session:
        build_world(session)
        session.commit()
    bad = run("package", "2026-Q3", "--kommun", "1880", "--kategori", "finns-inte")
    assert bad.exit_code == 1 and "Okänd eller ej räknad kategori: finns-inte." in bad.output
    good = run("package", "2026-Q3", "--kommun", "1880", "--kategori", "klotter", "--omrade", "1880B")
    assert good.exit_code == 0, good.output
    with Session(cli_env) as session:
        package = session.exec(select(AnalysisPackage)).one()
    assert json.loads(package.filter_json) == {"period": "2026-Q3", "omraden": ["1880B"], "kategorier": ["klotter"]}
