"""The admin's population upload page (/admin/befolkning): the web twin of `areas population FILE`."""

import json
from pathlib import Path

import pandas as pd

from api.areas.population import area_population
from tests.api.admin.helpers import as_admin, events
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

URL = "/admin/befolkning"
FIXTURES = Path(__file__).resolve().parents[2] / "ingest" / "fixtures"
# män + kvinnor of the fixture's 2024 column, by hand (as in test_area_population.py)
EXPECTED = {"1880A": 4285, "1880B": 1631, "1880C": 8968, "1880D": 2374}


def _population(session) -> dict:  # type: ignore[no-untyped-def]
    session.expire_all()
    frame = area_population(session=session, kommun_code="1880")
    return {r.area_code: (r.population, r.population_year, r.population_source)
            for r in frame.itertuples() if pd.notna(r.population)}


def _upload(client, csrf: str, data: bytes, name: str = "folkmangd.csv"):  # type: ignore[no-untyped-def]
    return client.post(URL, data={"csrf_token": csrf}, files={"fil": (name, data, "text/csv")},
                       follow_redirects=False)


def test_admin_uploads_scb_population_and_it_is_audited(client, session, world) -> None:  # type: ignore[no-untyped-def]
    csrf = as_admin(client, world)
    page = client.get(URL)
    assert page.status_code == 200
    assert "Inget av kommunens 4 områden har befolkning ännu" in " ".join(page.text.split())
    response = _upload(client, csrf, (FIXTURES / "folkmangd_regso_cp1252.csv").read_bytes())
    assert response.status_code == 200, response.text[:500]
    shown = " ".join(response.text.split())
    assert "befolkning 2024 för 4 områden" in shown
    assert "4 av 4 områden har befolkning (2024, Källa: SCB)" in shown
    assert _population(session) == {code: (n, 2024, "Källa: SCB") for code, n in EXPECTED.items()}
    [event] = events(session, "area.population_import")
    assert event.kommun_code == "1880" and event.object_id == "folkmangd.csv"
    assert json.loads(event.filter) == {"ar": 2024, "omraden": 4, "andra_rader": 0, "saknas": 0}


def test_a_bad_row_is_named_and_nothing_is_written(client, session, world) -> None:  # type: ignore[no-untyped-def]
    csrf = as_admin(client, world)
    assert _upload(client, csrf, (FIXTURES / "folkmangd_regso_cp1252.csv").read_bytes()).status_code == 200
    bad = '"region";"2025"\n"1880A Område A";"5000"\n"1880B Område B";"många"\n'.encode()
    response = _upload(client, csrf, bad, "trasig.csv")
    assert response.status_code == 422
    assert "Filen lästes inte in – inget sparades." in response.text
    assert "Rad 3, kolumn &#39;2025&#39;" in response.text or "Rad 3, kolumn '2025'" in response.text
    # the first row was valid, but the file is all or nothing: the 2024 import stands
    assert _population(session) == {code: (n, 2024, "Källa: SCB") for code, n in EXPECTED.items()}
    assert len(events(session, "area.population_import")) == 1


def test_missing_or_empty_file_names_the_field(client, session, world) -> None:  # type: ignore[no-untyped-def]
    csrf = as_admin(client, world)
    missing = client.post(URL, data={"csrf_token": csrf}, follow_redirects=False)
    assert missing.status_code == 422 and "Fältet &#39;fil&#39;" in missing.text
    empty = _upload(client, csrf, b"  \n")
    assert empty.status_code == 422 and "filen är tom" in empty.text
    assert _population(session) == {}


def test_only_the_admin_with_a_valid_csrf_token(client, session, world) -> None:  # type: ignore[no-untyped-def]
    data = (FIXTURES / "folkmangd_regso_cp1252.csv").read_bytes()
    login(client, world.user("analytiker").email, PASSWORD)
    assert client.get(URL).status_code == 403
    analyst_csrf = csrf_from(client.get("/start").text)
    assert _upload(client, analyst_csrf, data).status_code == 403
    client.cookies.clear()
    as_admin(client, world)
    assert _upload(client, "fel-token", data).status_code == 403
    assert _population(session) == {}
