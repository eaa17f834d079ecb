"""The admin's kommun settings page: analysis period and gallring months."""

from __future__ import annotations

import json
import re

import pytest
from sqlmodel import select

from api.audit.models import AuditEvent
from api.kommuner import settings_service
from api.kommuner.models import Kommun
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("world")


def _admin(client):  # type: ignore[no-untyped-def]
    login(client, "admin@1880.example", PASSWORD)
    return client.get("/admin/kommun")


def test_page_shows_the_current_settings_with_labelled_fields(client):  # type: ignore[no-untyped-def]
    page = _admin(client)
    assert page.status_code == 200
    html = page.text
    assert "<legend>Analysperiod</legend>" in html
    assert 'id="analysperiod-kvartal" name="analysperiod" value="kvartal" checked' in html
    assert 'value="tertial" checked' not in html
    assert '<label for="gallring">Gallring av fritext efter antal månader</label>' in html
    assert 'id="gallring" name="gallring" value=""' in html
    assert '<a href="/admin/kommun" aria-current="page">Inställningar</a>' in html
    assert "Ingen rapport har gallrats ännu." in html


def test_save_stores_the_settings_and_audits_old_and_new(client, session):  # type: ignore[no-untyped-def]
    page = _admin(client)
    response = client.post("/admin/kommun", data={
        "csrf_token": csrf_from(page.text), "analysperiod": "tertial", "gallring": " 24 ",
    }, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/admin/kommun?sparat=1"
    session.expire_all()
    kommun = session.get(Kommun, "1880")
    assert (kommun.period_kind, kommun.retention_months) == ("tertial", 24)
    assert session.get(Kommun, "1489").period_kind == "kvartal"  # the other kommun is untouched
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "kommun.settings.update")).one()
    assert (event.actor, event.kommun_code, event.object_id) == ("admin@1880.example", "1880", "1880")
    assert json.loads(event.filter) == {"period_kind": ["kvartal", "tertial"], "retention_months": [None, 24]}

    shown = client.get("/admin/kommun?sparat=1").text
    assert "Inställningarna är sparade." in shown
    assert 'value="tertial" checked' in shown and 'name="gallring" value="24"' in shown

    # Emptying the field switches automatic gallring off again; only that change is audited.
    response = client.post("/admin/kommun", data={
        "csrf_token": csrf_from(shown), "analysperiod": "tertial", "gallring": "",
    }, follow_redirects=False)
    assert response.status_code == 303
    session.expire_all()
    assert session.get(Kommun, "1880").retention_months is None
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "kommun.settings.update")
                          .order_by(AuditEvent.id)).all()
    assert json.loads(events[-1].filter) == {"retention_months": [24, None]}


@pytest.mark.parametrize(("typed", "message"), [
    ("5", "Ange mellan 6 och 120 månader"),
    ("121", "Ange mellan 6 och 120 månader"),
    ("ett år", "Ange antal månader som ett heltal"),
    ("-12", "Ange antal månader som ett heltal"),
    ("12.5", "Ange antal månader som ett heltal"),
])
def test_bad_months_are_refused_next_to_the_field_and_kept(client, session, typed, message):  # type: ignore[no-untyped-def]
    page = _admin(client)
    response = client.post("/admin/kommun", data={
        "csrf_token": csrf_from(page.text), "analysperiod": "tertial", "gallring": typed,
    })
    assert response.status_code == 422
    html = response.text
    assert f'<p class="field-error" id="gallring-fel">{message}' in html
    assert 'aria-describedby="gallring-hint gallring-fel" aria-invalid="true"' in html
    assert f'name="gallring" value="{typed}"' in html
    assert 'value="tertial" checked' in html  # the other field keeps what was chosen too
    session.expire_all()
    kommun = session.get(Kommun, "1880")
    assert (kommun.period_kind, kommun.retention_months) == ("kvartal", None)


def test_unknown_period_kind_is_refused(client):  # type: ignore[no-untyped-def]
    page = _admin(client)
    response = client.post("/admin/kommun", data={
        "csrf_token": csrf_from(page.text), "analysperiod": "halvar", "gallring": "12",
    })
    assert response.status_code == 422
    assert '<p class="field-error" id="analysperiod-fel">Välj kvartal eller tertial.</p>' in response.text
    assert 'name="gallring" value="12"' in response.text


def test_post_without_csrf_is_refused(client, session):  # type: ignore[no-untyped-def]
    _admin(client)
    response = client.post("/admin/kommun", data={"analysperiod": "tertial", "gallring": "12"})
    assert response.status_code == 403
    session.expire_all()
    assert session.get(Kommun, "1880").period_kind == "kvartal"


def test_other_roles_cannot_open_the_page(client):  # type: ignore[no-untyped-def]
    login(client, "analytiker@1880.example", PASSWORD)
    assert client.get("/admin/kommun").status_code == 403


def test_saving_unchanged_settings_records_nothing(session):  # type: ignore[no-untyped-def]
    same = settings_service.KommunSettings(period_kind="kvartal", retention_months=None)
    changes = settings_service.update_settings(session=session, kommun_code="1880", settings=same, actor="x")
    assert changes == {}
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "kommun.settings.update")).all() == []


def test_parse_settings_bounds():  # type: ignore[no-untyped-def]
    assert settings_service.parse_settings(period_kind="kvartal", retention="6") == (
        settings_service.KommunSettings("kvartal", 6), {})
    assert settings_service.parse_settings(period_kind="tertial", retention="120")[0] == (
        settings_service.KommunSettings("tertial", 120))
    assert settings_service.parse_settings(period_kind="kvartal", retention="")[0] == (
        settings_service.KommunSettings("kvartal", None))


def test_package_list_follows_the_kommuns_period_kind(client, session):  # type: ignore[no-untyped-def]
    kommun = session.get(Kommun, "1880")
    kommun.period_kind = "tertial"
    session.add(kommun)
    session.commit()
    login(client, "analytiker@1880.example", PASSWORD)
    html = client.get("/kvartal").text
    assert "Underlaget till kvartalsanalysmötet (tertial)" in html
    assert re.search(r'id="period" name="period" value="\d{4}-T[1-3]"', html)
    client.cookies.clear()
    login(client, "analytiker@1489.example", PASSWORD)  # the other kommun keeps quarters
    html = client.get("/kvartal").text
    assert "Underlaget till kvartalsanalysmötet (kvartal)" in html
    assert re.search(r'id="period" name="period" value="\d{4}-Q[1-4]"', html)
