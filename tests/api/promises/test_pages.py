"""Medborgarlöften pages: roles, scoping, the follow-up page, Swedish errors, audit."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlmodel import select

from api.audit.models import AuditEvent
from api.core.clock import Clock
from api.promises.models import Medborgarlofte
from tests.api.promises.conftest import add_report
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates

NEW = {"titel": "Tryggare centrum", "lofte": "Vi genomför tio trygghetsvandringar.",
       "parter": "Örebro kommun och polisen", "startdatum": "2026-01-01",
       "slutdatum": "2027-12-31", "status": "aktivt", "intervall": "90", "omraden": ["1880A"]}


@pytest.fixture(scope="module")
def clock() -> Clock:
    """Due dates and periods here are worked out by hand for 2026-11-21: the app's clock stands there."""
    return Clock.fixed(date(2026, 11, 21))


def _switch(client, user) -> None:  # type: ignore[no-untyped-def]
    """Log in as another user (a fresh cookie jar: the CSRF token is bound to the session)."""
    client.cookies.clear()
    login(client, user.email, PASSWORD)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _create(client, world) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    login(client, world.user("analytiker").email, PASSWORD)
    token = csrf_from(client.get("/medborgarloften/ny").text)
    response = client.post("/medborgarloften/ny", data={**NEW, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303
    return response.headers["location"].split("?")[0], token


def test_follow_up_flow(client, world, session):  # type: ignore[no-untyped-def]
    url, token = _create(client, world)
    add_report(session, world, "klotter", date(2026, 2, 10), area="1880A", report_count=4)
    add_report(session, world, "klotter", date(2026, 8, 10), area="1880A", report_count=1)
    session.commit()
    posts = [
        ("atagande", {"atagande_titel": "Trygghetsvandringar", "atagande_mal": "10",
                      "atagande_enhet": "trygghetsvandringar"}),
        ("indikator", {"ind_typ": "rapporter", "ind_namn": "Klotter i A", "ind_period": "quarter",
                       "ind_riktning": "lower", "ind_mal": "1", "ind_kategorier": ["klotter"],
                       "ind_omraden": ["1880A"], "ind_bas_start": "2026-01-01",
                       "ind_bas_slut": "2026-03-31"}),
        ("aterkoppling", {"ater_datum": "2026-07-01", "ater_kanal": "Medborgardialog",
                          "ater_vad": "Sex vandringar gjorda"}),
    ]
    for form, data in posts:
        response = client.post(f"{url}/{form}", data={**data, "csrf_token": token},
                               follow_redirects=False)
        assert response.status_code == 303, response.text
    promise = session.exec(select(Medborgarlofte)).one()
    page = client.get(url).text
    atagande_id = re.search(r'<option value="(\d+)"', page.split('id="logg_atagande"')[1]).group(1)
    response = client.post(f"{url}/aktivitet", data={
        "logg_atagande": atagande_id, "logg_datum": "2026-10-01", "logg_antal": "6",
        "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    text = _text(client.get(url).text)
    assert "6 av 10 trygghetsvandringar, 60 %" in text
    assert "Senaste återkoppling: 2026-07-01." in text
    assert "Försenad: återkopplingen skulle ha skett senast 2026-09-29." in text
    # Q1 4, Q2 0, Q3 1: recent mean 0,5 meets the target 1.
    html = client.get(url).text
    assert ('<tr><th scope="row">2026-Q1</th><td>4</td></tr><tr><th scope="row">2026-Q2</th>'
            '<td>0</td></tr><tr><th scope="row">2026-Q3</th><td>1</td></tr>') in html
    assert "Bedömning: uppnått." in text and '<svg class="sparkline"' in html
    listing = _text(client.get("/medborgarloften").text)
    assert "Tryggare centrum" in listing and "2026-09-29 Försenad" in listing
    events = session.exec(select(AuditEvent).where(AuditEvent.object_id == str(promise.id))).all()
    actions = [e.action for e in events]
    assert actions.count("promise.update") == 5
    read = next(e for e in events if e.action == "report.read")
    assert json.loads(read.filter)["indikatorer"][0]["kategorier"] == "klotter"
    # Granskare and polis read the follow-up page but see no forms.
    for role in ("granskare", "polis"):
        _switch(client, world.user(role))
        response = client.get(url)
        assert response.status_code == 200 and "6 av 10" in response.text
        # No write forms; the report download (a GET form) is for every reader.
        assert 'method="post" action="/medborgarloften/' not in response.text


def test_errors_sit_next_to_the_field_and_keep_input(client, world):  # type: ignore[no-untyped-def]
    login(client, world.user("analytiker").email, PASSWORD)
    token = csrf_from(client.get("/medborgarloften/ny").text)
    response = client.post("/medborgarloften/ny", data={
        **NEW, "titel": "", "slutdatum": "2025-01-01", "omraden": [], "lofte": "Behålls",
        "csrf_token": token})
    assert response.status_code == 422
    assert '<p class="field-error" id="titel-fel">Skriv en rubrik för medborgarlöftet.</p>' in response.text
    assert ('<p class="field-error" id="slutdatum-fel">Slutdatum kan inte vara före startdatum.</p>'
            in response.text)
    assert "Välj minst ett område som löftet gäller." in response.text
    assert ">Behålls</textarea>" in response.text
    client.cookies.clear()
    url, token = _create(client, world)
    response = client.post(f"{url}/aterkoppling", data={
        "ater_datum": "igår", "ater_kanal": "Webb", "ater_vad": "", "csrf_token": token})
    assert response.status_code == 422
    assert ('<p class="field-error" id="ater_datum-fel">Datum måste vara ett datum som ÅÅÅÅ-MM-DD.</p>'
            in response.text)
    assert 'aria-describedby="ater_datum-hint ater_datum-fel"' in response.text
    assert 'value="Webb"' in response.text


def test_scoping_and_roles(client, world, session):  # type: ignore[no-untyped-def]
    other = Medborgarlofte(kommun_code="1489", title="Alingsås löfte", parties="x",
                           period_start_date=date(2026, 1, 1), period_end_date=date(2026, 12, 31))
    session.add(other)
    session.commit()
    login(client, world.user("analytiker").email, PASSWORD)
    assert client.get(f"/medborgarloften/{other.id}").status_code == 404
    token = csrf_from(client.get("/medborgarloften/ny").text)
    response = client.post(f"/medborgarloften/{other.id}/atagande", data={
        "atagande_titel": "x", "atagande_mal": "1", "atagande_enhet": "st", "csrf_token": token})
    assert response.status_code == 404
    assert "Alingsås löfte" not in client.get("/medborgarloften").text
    _switch(client, world.user("analytiker", "1489"))
    assert "Alingsås löfte" in client.get("/medborgarloften").text
    _switch(client, world.user("inrapportor"))
    assert client.get("/medborgarloften").status_code == 403
    _switch(client, world.user("granskare"))
    assert client.get("/medborgarloften/ny").status_code == 403
