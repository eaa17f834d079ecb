"""The editable police type → category mapping, and its effect on the next import."""

from __future__ import annotations

from sqlmodel import Session, select

from api.categories.models import Category
from api.police import service as police_service
from api.police.models import PoliceTypeMapping
from api.reports.models import Report
from tests.api.police.conftest import FEED_FIXTURE
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

URL = "/polis/handelsetyper"


def _categories_by_external_id(session: Session) -> dict[str, str]:
    codes = {c.id: c.code for c in session.exec(select(Category))}
    return {
        r.external_id: codes[r.category_id]  # type: ignore[misc]
        for r in session.exec(select(Report).where(Report.kommun_code == "1880"))
    }


def test_mapping_edit_changes_the_next_imports_category(client, session, world):
    login(client, world.user("analytiker").email, PASSWORD)
    page = client.get(URL)
    assert page.status_code == 200
    assert '<label for="typ-' in page.text and ">Brand</label>" in page.text
    assert "Importeras inte" in page.text
    response = client.post(URL, data={
        "csrf_token": csrf_from(page.text),
        "typ:Brand": "anlagd_brand",
        "typ:Rattfylleri": "olovlig_trafik",
        "typ:Skadegörelse": "-",
        "typ:Rån": "ran",  # unchanged
        "ny_typ": "Sprängning",
        "ny_kategori": "anlagd_brand",
    })
    assert response.status_code == 200, response.text
    assert "Sparat: 4 typer ändrades" in response.text
    rows = {
        r.police_type: r.category_code
        for r in session.exec(select(PoliceTypeMapping).where(PoliceTypeMapping.kommun_code == "1880"))
    }
    assert rows == {"Brand": "anlagd_brand", "Rattfylleri": "olovlig_trafik",
                    "Skadegörelse": None, "Sprängning": "anlagd_brand"}
    assert police_service.type_mapping(session=session, kommun_code="1489")["Brand"] == "ovrigt"

    police_service.import_feed(session=session, data=FEED_FIXTURE.read_bytes(),
                               kommun_codes=["1880"])
    got = _categories_by_external_id(session)
    assert got["646051"] == got["428684"] == got["620204"] == "anlagd_brand"  # Brand
    assert got["622246"] == "olovlig_trafik"  # Rattfylleri, now imported
    assert "425119" not in got  # Skadegörelse: importeras inte
    assert got["420356"] == "ran"

    # Choosing the built-in category again removes the kommun's own row.
    page = client.get(URL)
    client.post(URL, data={"csrf_token": csrf_from(page.text), "typ:Brand": "ovrigt"})
    assert session.exec(select(PoliceTypeMapping).where(
        PoliceTypeMapping.police_type == "Brand")).first() is None


def test_duplicate_new_type_is_refused_and_choices_are_kept(client, session, world):
    login(client, world.user("admin").email, PASSWORD)
    page = client.get(URL)
    response = client.post(URL, data={
        "csrf_token": csrf_from(page.text), "typ:Brand": "anlagd_brand", "ny_typ": "brand",
    })
    assert response.status_code == 422
    assert "Typen &#39;brand&#39; finns redan i listan." in response.text
    assert 'aria-describedby="ny_typ-error"' in response.text
    assert '<option value="anlagd_brand" selected>' in response.text  # what the user chose
    assert session.exec(select(PoliceTypeMapping)).all() == []


def test_unknown_category_is_refused(client, session, world):
    login(client, world.user("analytiker").email, PASSWORD)
    page = client.get(URL)
    response = client.post(URL, data={"csrf_token": csrf_from(page.text), "typ:Brand": "hemligt"})
    assert response.status_code == 422 and "finns inte längre" in response.text
    assert session.exec(select(PoliceTypeMapping)).all() == []
