"""The insatser register pages: roles, create, edit, validation in Swedish next to the field."""

from __future__ import annotations

import json
import re
from datetime import date

from sqlmodel import select

from api.audit.models import AuditEvent
from api.insatser import service as insats_service
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

VALID = {
    "typ": "belysning", "titel": "Ny belysning vid skolan", "beskrivning": "Tio nya armaturer",
    "startdatum": "2026-11-16", "slutdatum": "2026-12-31", "status": "pagaende",
    "anteckningar": "Följs upp i januari", "omraden": ["1880A", "1880B"], "kategorier": ["otrygg_plats"],
}


def _form(client, world, path="/insatser/ny"):  # type: ignore[no-untyped-def]
    login(client, world.user("analytiker").email, PASSWORD)
    page = client.get(path)
    assert page.status_code == 200
    return csrf_from(page.text)


def test_create_shows_detail_and_list_per_area(client, world, session):  # type: ignore[no-untyped-def]
    token = _form(client, world)
    school = world.organisations["1880"][0]
    response = client.post("/insatser/ny", data={**VALID, "organisation": str(school.id), "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303
    (view,) = insats_service.list_insatser(session=session, kommun_code="1880")
    assert response.headers["location"] == f"/insatser/{view.id}?sparad=1"
    assert (view.title, view.type_label, view.start_date, view.end_date, view.area_codes,
            view.category_codes, view.responsible_organisation_name, view.status) == (
        "Ny belysning vid skolan", "Belysning", date(2026, 11, 16), date(2026, 12, 31),
        ("1880A", "1880B"), ("otrygg_plats",), "Skola Örebro", "pagaende")
    detail = client.get(response.headers["location"])
    text = re.sub(r"<[^>]+>", "", detail.text)
    assert "Insatsen är sparad." in text and "Område A, Område B" in text and "Otrygg plats" in text
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "insats.create")).one()
    assert json.loads(event.filter)["omraden"] == ["1880A", "1880B"]
    assert "Ny belysning vid skolan" in client.get("/insatser?omrade=1880B").text
    assert "Ny belysning vid skolan" not in client.get("/insatser?omrade=1880C").text


def test_validation_errors_are_swedish_and_keep_the_input(client, world, session):  # type: ignore[no-untyped-def]
    token = _form(client, world)
    data = {**VALID, "titel": "  ", "startdatum": "2026-11-20", "slutdatum": "2026-11-19", "omraden": [],
            "beskrivning": "Behålls", "csrf_token": token}
    response = client.post("/insatser/ny", data=data)
    assert response.status_code == 422
    assert '<p class="field-error" id="titel-fel">Skriv en rubrik för insatsen.</p>' in response.text
    assert '<p class="field-error" id="slutdatum-fel">Slutdatum kan inte vara före startdatum.</p>' in response.text
    assert '<p class="field-error" id="omraden-fel">Välj minst ett område där insatsen görs.</p>' in response.text
    assert ">Behålls</textarea>" in response.text and 'value="2026-11-20"' in response.text
    bad_date = client.post("/insatser/ny", data={**VALID, "startdatum": "2026-13-01", "csrf_token": token})
    assert bad_date.status_code == 422 and "Datumet &#39;2026-13-01&#39; finns inte" in bad_date.text
    foreign = client.post("/insatser/ny", data={**VALID, "omraden": ["1489A"], "csrf_token": token})
    assert foreign.status_code == 422 and "Välj områden i listan." in foreign.text
    assert insats_service.list_insatser(session=session, kommun_code="1880") == []


def test_edit(client, world, session):  # type: ignore[no-untyped-def]
    view = insats_service.create_insats(
        session=session, kommun_code="1880",
        data=insats_service.InsatsData(title="Väktare", type="vaktarrondering", start_date=date(2026, 11, 1),
                                       area_codes=["1880C"]))
    session.commit()
    token = _form(client, world, f"/insatser/{view.id}/andra")
    response = client.post(f"/insatser/{view.id}/andra",
                           data={**VALID, "titel": "Väktare kvällstid", "slutdatum": "", "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303
    updated = insats_service.get_insats(session=session, kommun_code="1880", insats_id=view.id)
    assert (updated.title, updated.type, updated.end_date, updated.area_codes) == (
        "Väktare kvällstid", "belysning", None, ("1880A", "1880B"))
    missing = client.post(f"/insatser/{view.id}/andra", data={**VALID, "omraden": [], "csrf_token": token})
    assert missing.status_code == 422


def test_roles_and_kommun_scoping(client, world, session):  # type: ignore[no-untyped-def]
    other = insats_service.create_insats(
        session=session, kommun_code="1489",
        data=insats_service.InsatsData(title="Alingsås insats", type="ovrig", start_date=date(2026, 1, 1),
                                       area_codes=["1489A"]))
    mine = insats_service.create_insats(
        session=session, kommun_code="1880",
        data=insats_service.InsatsData(title="Örebro insats", type="ovrig", start_date=date(2026, 1, 1),
                                       area_codes=["1880A"]))
    session.commit()
    login(client, world.user("polis").email, PASSWORD)
    listing = client.get("/insatser")
    assert "Örebro insats" in listing.text and "Alingsås insats" not in listing.text
    assert "Registrera insats" not in listing.text
    assert client.get(f"/insatser/{mine.id}").status_code == 200
    assert client.get(f"/insatser/{other.id}").status_code == 404
    assert client.get("/insatser/ny").status_code == 403


def test_inrapportor_cannot_read_insatser(client, world):  # type: ignore[no-untyped-def]
    login(client, world.user("inrapportor").email, PASSWORD)
    assert client.get("/insatser").status_code == 403
