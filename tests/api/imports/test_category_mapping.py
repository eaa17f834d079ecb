"""A housing company's own category words: chosen once in the preview, remembered for its next file
and its API token, listed and deleted by the analyst (issue 13, item 2)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from api.audit.models import AuditEvent
from api.categories.models import CategoryMapping
from api.reports.models import Report
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates

# Written as a housing company's fault-report system exports it: cp1252, CRLF, semicolons, its own
# words for the categories. Unknown to the taxonomy: "Narkotika misstänkt" (rows 2, 4 and 9, spelt
# three ways), "Klotter/skadegörelse" (rows 3 and 7), "Brand i soprum" (6), "Störande ungdomar" (10).
HOUSING_CSV = (Path(__file__).parent / "fixtures" / "bostadsbolaget_felanmalan.csv").read_bytes()


def _upload(client, data: bytes, organisation_id: int, name: str = "felanmalan.csv") -> int:  # type: ignore[no-untyped-def]
    page = client.get("/import")
    response = client.post(
        "/import", data={"csrf_token": csrf_from(page.text), "organisation_id": str(organisation_id)},
        files={"file": (name, data)}, follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:2000]
    return int(response.headers["location"].rsplit("/", 1)[1])


def _figure(html: str, ident: str) -> int:
    match = re.search(rf'id="{ident}">(\d+)<', html)
    assert match, ident
    return int(match.group(1))


def _unknown_rows(html: str) -> list[tuple[str, int]]:
    """(text, rows) of the preview's unknown-category table."""
    table = re.search(r'<table id="unknown-categories">(.*?)</table>', html, re.S)
    if table is None:
        return []
    return [(text.strip(), int(rows)) for text, rows in re.findall(
        r'<th scope="row">([^<]*)<input type="hidden"[^>]*></th>\s*<td>(\d+)</td>', table.group(1))]


def _choose(client, import_id: int, choices: dict[int, str]):  # type: ignore[no-untyped-def]
    page = client.get(f"/import/{import_id}")
    texts = re.findall(r'name="text_(\d+)" value="([^"]*)"', page.text)
    form = {"csrf_token": csrf_from(page.text)}
    for i, text in texts:
        form[f"text_{i}"] = text.replace("&#39;", "'")
        form[f"category_{i}"] = choices.get(int(i), "")
    return client.post(f"/import/{import_id}/kategorier", data=form, follow_redirects=False)


def test_preview_groups_unknown_texts_with_suggestions_and_a_choice_is_remembered(client, world, session):
    housing, school = world.organisations["1880"][1], world.organisations["1880"][0]
    analyst = world.user("analytiker")
    login(client, analyst.email, PASSWORD)
    first = _upload(client, HOUSING_CSV, housing.id)
    html = client.get(f"/import/{first}").text
    assert (_figure(html, "count-new"), _figure(html, "count-errors")) == (3, 7)
    # Grouped by text as matching sees it (case and spacing ignored), most rows first.
    assert _unknown_rows(html) == [
        ("Narkotika misstänkt", 3), ("Klotter/skadegörelse", 2), ("Brand i soprum", 1), ("Störande ungdomar", 1),
    ]
    row = re.search(r'<th scope="row">Narkotika misstänkt.*?</tr>', html, re.S).group(0)
    # The best suggestion first, by name; offered first in the select too.
    assert "<td>Öppen droghantering / misstänkt narkotikahantering" in row
    assert re.search(r'<optgroup label="Förslag">\s*<option value="narkotika">', row)
    brand = re.search(r'<th scope="row">Brand i soprum.*?</tr>', html, re.S).group(0)
    assert "<td>Anlagd brand <span class=\"muted\">(synonym ”brand”)</span>" in brand
    # Every "okänd kategori" row error names the valid categories, label and code.
    assert "giltiga kategorier: Skadegörelse (inkl. krossade rutor) (skadegorelse), Klotter (klotter)" in html

    chosen = _choose(client, first, {0: "narkotika", 1: "skadegorelse", 2: "anlagd_brand"})
    assert chosen.status_code == 303 and chosen.headers["location"] == f"/import/{first}?klar=kategorier"
    html = client.get(chosen.headers["location"]).text
    assert "Kategorivalen är sparade" in html
    assert (_figure(html, "count-new"), _figure(html, "count-errors")) == (9, 1)
    assert _unknown_rows(html) == [("Störande ungdomar", 1)]

    mappings = session.exec(select(CategoryMapping).order_by(CategoryMapping.text_key)).all()
    assert [(m.organisation_id, m.text, m.text_key, m.created_by_id) for m in mappings] == [
        (housing.id, "Brand i soprum", "brandisoprum", analyst.id),
        (housing.id, "Klotter/skadegörelse", "klotterskadegorelse", analyst.id),
        (housing.id, "Narkotika misstänkt", "narkotikamisstankt", analyst.id),
    ]
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "category_mapping.save")).all()
    assert len(events) == 3

    # The next file from the same organisation asks nothing about these texts (any case or spacing) …
    nxt = ("Händelsetyp;Händelsedatum\nnarkotika MISSTÄNKT;2026-11-20\nKlotter / Skadegörelse;2026-11-21\n"
           "Brand i soprum;2026-11-22\n").encode("cp1252")
    second = _upload(client, nxt, housing.id, "nasta.csv")
    html = client.get(f"/import/{second}").text
    assert (_figure(html, "count-new"), _figure(html, "count-errors")) == (3, 0)
    assert _unknown_rows(html) == []
    commit_page = client.get(f"/import/{second}")
    done = client.post(f"/import/{second}/commit", data={"csrf_token": csrf_from(commit_page.text), "strict": "on"},
                       follow_redirects=False)
    assert done.status_code == 303
    stored = session.exec(select(Report).where(Report.organisation_id == housing.id).order_by(Report.observed_date)).all()
    assert [r.category_id for r in stored] == [
        _category_id(session, "narkotika"), _category_id(session, "skadegorelse"), _category_id(session, "anlagd_brand")
    ]
    # … while another organisation's file still asks: the mapping belongs to the housing company.
    other = _upload(client, nxt, school.id, "skolan.csv")
    assert _unknown_rows(client.get(f"/import/{other}").text) == [  # one row each: alphabetical
        ("Brand i soprum", 1), ("Klotter / Skadegörelse", 1), ("narkotika MISSTÄNKT", 1)
    ]


def _category_id(session, code: str) -> int:  # type: ignore[no-untyped-def]
    from api.categories.models import Category

    return session.exec(select(Category).where(Category.kommun_code == "1880", Category.code == code)).one().id


def test_choices_that_cannot_be_saved_are_refused_naming_the_field(client, world, session):
    housing = world.organisations["1880"][1]
    login(client, world.user("analytiker").email, PASSWORD)
    data = "Händelsetyp;Händelsedatum\nNarkotika misstänkt;2026-11-20\n".encode("cp1252")
    import_id = _upload(client, data, housing.id)
    page = client.get(f"/import/{import_id}")
    token = csrf_from(page.text)
    unknown_code = client.post(f"/import/{import_id}/kategorier", data={
        "csrf_token": token, "text_0": "Narkotika misstänkt", "category_0": "finns_inte"})
    assert unknown_code.status_code == 422
    assert "Okänd kategori ”finns_inte”. Giltiga kategorier: Skadegörelse (inkl. krossade rutor) (skadegorelse)" in unknown_code.text
    assert 'id="category_0-error"' in unknown_code.text
    # A text that already is a category's name cannot be turned into another category.
    renamed = client.post(f"/import/{import_id}/kategorier", data={
        "csrf_token": token, "text_0": "Klotter", "category_0": "ran"})
    assert renamed.status_code == 422 and "”Klotter” är redan kategorin Klotter (klotter)" in renamed.text
    nothing = client.post(f"/import/{import_id}/kategorier", data={
        "csrf_token": token, "text_0": "Narkotika misstänkt", "category_0": ""})
    assert nothing.status_code == 422 and "Välj en kategori för minst en text" in nothing.text
    no_csrf = client.post(f"/import/{import_id}/kategorier", data={
        "text_0": "Narkotika misstänkt", "category_0": "narkotika"})
    assert no_csrf.status_code == 403
    assert session.exec(select(CategoryMapping)).all() == []


def test_analyst_lists_and_deletes_mappings_and_the_next_file_asks_again(client, world, session):
    housing = world.organisations["1880"][1]
    login(client, world.user("analytiker").email, PASSWORD)
    import_id = _upload(client, HOUSING_CSV, housing.id)
    assert _choose(client, import_id, {0: "narkotika"}).status_code == 303
    listing = client.get("/kategorikopplingar")
    assert listing.status_code == 200
    assert "Bostäder Örebro" in listing.text
    assert re.search(r'<th scope="row">Narkotika misstänkt</th>\s*<td>Öppen droghantering / misstänkt '
                     r'narkotikahantering \(narkotika\)</td>', listing.text)
    mapping = session.exec(select(CategoryMapping)).one()
    deleted = client.post(f"/kategorikopplingar/{mapping.id}/ta-bort",
                          data={"csrf_token": csrf_from(listing.text)})
    assert deleted.status_code == 200 and "Kopplingen för ”Narkotika misstänkt” är borttagen" in deleted.text
    assert session.exec(select(CategoryMapping)).all() == []
    assert ("Narkotika misstänkt", 3) in _unknown_rows(client.get(f"/import/{import_id}").text)
    # Another kommun's analyst cannot delete Örebro's mappings (404: not theirs to see).
    assert _choose(client, import_id, {0: "narkotika"}).status_code == 303
    mapping = session.exec(select(CategoryMapping)).one()
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/start").text)})
    login(client, world.user("analytiker", "1489").email, PASSWORD)
    page = client.get("/kategorikopplingar")
    assert "Narkotika misstänkt" not in page.text
    refused = client.post(f"/kategorikopplingar/{mapping.id}/ta-bort", data={"csrf_token": csrf_from(page.text)})
    assert refused.status_code == 404
    assert session.exec(select(CategoryMapping)).one().id == mapping.id


def test_the_api_honours_the_organisations_mapping(client, token, world, session, test_today):
    """The token belongs to the housing company (world.organisations["1880"][1])."""
    day = (test_today - timedelta(days=1)).isoformat()
    payload = {"observationer": [{"kategori": "Narkotika misstänkt", "datum": day, "x": 510_500, "y": 6_570_500}]}
    before = client.post("/api/v1/reports", json=payload, headers={"Authorization": f"Bearer {token}"})
    assert before.status_code == 422
    error = before.json()["errors"][0]
    assert (error["field"], error["code"]) == ("observationer[0].kategori", "unknown_category")
    assert "giltiga kategorier: " in error["message"]
    assert "Öppen droghantering / misstänkt narkotikahantering (narkotika)" in error["message"]

    login(client, world.user("analytiker").email, PASSWORD)
    import_id = _upload(client, HOUSING_CSV, world.organisations["1880"][1].id)
    assert _choose(client, import_id, {0: "narkotika"}).status_code == 303

    after = client.post("/api/v1/reports", json=payload, headers={"Authorization": f"Bearer {token}"})
    assert after.status_code == 201, after.text
    report = session.get(Report, after.json()["rapporter"][0]["id"])
    assert report.category_id == _category_id(session, "narkotika")


def test_a_file_of_unique_junk_offers_the_most_used_texts_only(client, world, monkeypatch):
    from api.imports import staging

    monkeypatch.setattr(staging, "MAX_UNKNOWN_SHOWN", 3)
    monkeypatch.setattr("api.imports.service.MAX_UNKNOWN_SHOWN", 3)
    rows = "".join(f"Sak {i:02d};2026-11-20\n" for i in range(8)) + "Sak 05;2026-11-21\n"
    login(client, world.user("analytiker").email, PASSWORD)
    import_id = _upload(client, ("Händelsetyp;Händelsedatum\n" + rows).encode(), world.organisations["1880"][1].id)
    html = client.get(f"/import/{import_id}").text
    assert _unknown_rows(html) == [("Sak 05", 2), ("Sak 00", 1), ("Sak 01", 1)]
    assert "Visar de 3 texter som flest rader använder, av 8." in html


def test_an_inrapportor_maps_for_their_own_organisation_only(client, world, session):
    school, housing = world.organisations["1880"]
    reporter = world.user("inrapportor")  # belongs to the school
    login(client, world.user("analytiker").email, PASSWORD)
    housing_batch = _upload(client, HOUSING_CSV, housing.id)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/start").text)})
    login(client, reporter.email, PASSWORD)
    own = _upload(client, HOUSING_CSV, school.id)
    assert _choose(client, own, {0: "narkotika"}).status_code == 303
    assert [(m.organisation_id, m.text) for m in session.exec(select(CategoryMapping))] == [
        (school.id, "Narkotika misstänkt")
    ]
    token = csrf_from(client.get(f"/import/{own}").text)
    other = client.post(f"/import/{housing_batch}/kategorier", data={
        "csrf_token": token, "text_0": "Brand i soprum", "category_0": "anlagd_brand"})
    assert other.status_code == 404  # the housing company's batch is not the reporter's to see
    assert client.get("/kategorikopplingar").status_code == 403
    assert len(session.exec(select(CategoryMapping)).all()) == 1
