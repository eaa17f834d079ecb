"""The inrapportör's weekly report form: store, errors next to fields, retries, nollrapport, scope."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from pyproj import Transformer
from sqlmodel import select

from api.areas.models import Area, Place
from api.audit.models import AuditEvent
from api.categories.models import Category
from api.reports.form_service import week_of
from api.reports.models import Nollrapport, Report
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates

TOKEN = "0b5c6a52-0d2e-4c0e-9a57-6f1d2c3b4a59"


@pytest.fixture()
def reporter(client, world, session):  # type: ignore[no-untyped-def]
    """The school's inrapportör in Örebro (1880), logged in, with two gazetteer places."""
    area_b = _area(session, "1880B")
    session.add(Place(kommun_code="1880", name="Centrumskolan", aliases="Skolgården|Skolan i C",
                      x=511_500.0, y=6_570_500.0, area_id=area_b.id))
    session.add(Place(kommun_code="1880", name="Ängen", x=510_500.0, y=6_570_500.0,
                      area_id=_area(session, "1880A").id))
    session.commit()
    login(client, world.user("inrapportor").email, PASSWORD)
    return world


def _area(session, code):  # type: ignore[no-untyped-def]
    return session.exec(select(Area).where(Area.code == code)).one()


def _lat_lon(x: float, y: float) -> tuple[str, str]:
    lon, lat = Transformer.from_crs(3006, 4326, always_xy=True).transform(x, y)
    return f"{lat:.6f}", f"{lon:.6f}"


def _post(client, data, path="/rapportera"):  # type: ignore[no-untyped-def]
    csrf = csrf_from(client.get("/rapportera").text)
    return client.post(path, data={"csrf_token": csrf, **data}, follow_redirects=False)


def _obs(i: int, **fields: str) -> dict[str, str]:
    return {f"obs-{i}-{name}": value for name, value in fields.items()}


def _reports(session, organisation_id):  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.exec(
        select(Report).where(Report.organisation_id == organisation_id).order_by(Report.external_id)
    ).all()


def test_multi_observation_post_stores_each_report_in_the_right_area(client, reporter, session, test_today):
    today = test_today.isoformat()
    lat, lon = _lat_lon(510_500.0, 6_571_500.0)  # inside square C
    data = {
        "vecka": week_of(test_today).label, "inskick": TOKEN, "atgard": "skicka",
        # Typed in lower case without the å: the alias "Skolgården" of Centrumskolan (area B).
        **_obs(0, kategori="klotter", nar="dag", datum=today, tid="21:30", plats_namn="skolgarden",
               beskrivning="Taggar på gaveln, anmälare 880320-0016", antal="3"),
        **_obs(1, kategori="skadegorelse", nar="dag", datum=today, lat=lat, lon=lon),
        **_obs(2, kategori="nedskrapning", nar="vecka", plats="Vid torget i Område D"),
    }
    response = _post(client, data)
    assert response.status_code == 303, response.text[:2000]
    assert response.headers["location"] == f"/rapportera/kvitto?inskick={TOKEN}"

    reports = _reports(session, reporter.organisations["1880"][0].id)
    assert [r.external_id for r in reports] == [f"{TOKEN}-1", f"{TOKEN}-2", f"{TOKEN}-3"]
    areas = {a.id: a.code for a in session.exec(select(Area))}
    assert [areas[r.area_id] for r in reports] == ["1880B", "1880C", "1880D"]
    first, second, third = reports
    assert first.description == "Taggar på gaveln, anmälare [personnummer borttaget]"
    assert first.personnummer_masked and first.involved_count == 3
    assert first.observed_time.isoformat() == "21:30:00"
    assert first.place_id is not None and second.place_id is None
    assert round(second.x) == 510_500 and round(second.y) == 6_571_500
    assert third.observed_period == "vecka" and third.observed_date == week_of(test_today).monday
    assert {r.source for r in reports} == {"form"} and {r.review_status for r in reports} == {"ny"}

    receipt = client.get(response.headers["location"])
    assert receipt.status_code == 200
    assert "3 observationer har sparats" in receipt.text
    assert "Centrumskolan" in receipt.text and "Område B" in receipt.text
    assert "Ett personnummer har tagits bort ur beskrivningen" in receipt.text
    assert "Under veckan" in receipt.text and "Vid torget i Område D" in receipt.text


def test_field_error_is_shown_next_to_the_field_and_keeps_what_was_typed(client, reporter, session, test_today):
    today = test_today
    data = {
        "vecka": week_of(today).label, "inskick": TOKEN, "atgard": "skicka",
        **_obs(0, kategori="klotter", nar="dag", datum=today.isoformat(), plats="Parkeringen"),
        **_obs(1, kategori="", nar="dag", datum=(today + timedelta(days=8)).isoformat(),
               plats_namn="Okänd plats", plats="Bakom hallen", beskrivning="Glaskross överallt",
               antal="många"),
    }
    response = _post(client, data)
    assert response.status_code == 422
    html = response.text
    assert re.search(r'id="obs-1-kategori-fel">Kategori saknas\.<', html)
    assert re.search(r'id="obs-1-datum-fel">Datumet \d{4}-\d\d-\d\d ligger i framtiden\.<', html)
    assert 'id="obs-1-antal-fel"' in html and 'id="obs-1-plats_namn-fel"' in html
    datum_input = re.search(r'<input type="date" id="obs-1-datum"[^>]*>', html, re.S).group(0)
    assert 'aria-describedby="obs-1-datum-fel"' in datum_input and 'aria-invalid="true"' in datum_input
    # Everything typed comes back, in both observations, with the same submission token.
    assert 'value="Bakom hallen"' in html and ">Glaskross överallt</textarea>" in html
    assert 'value="många"' in html and 'value="Okänd plats"' in html
    assert 'value="Parkeringen"' in html and f'value="{TOKEN}"' in html
    assert 'id="obs-0-kategori-fel"' not in html
    assert _reports(session, reporter.organisations["1880"][0].id) == []  # all or nothing


def test_a_date_outside_the_chosen_week_is_refused(client, reporter, session, test_today):
    today = test_today
    last_week = week_of(today - timedelta(days=7))
    data = {"vecka": last_week.label, "inskick": TOKEN,
            **_obs(0, kategori="klotter", nar="dag", datum=today.isoformat(), plats="Torget")}
    response = _post(client, data)
    assert response.status_code == 422
    assert f"ligger inte i vecka {last_week.number}" in response.text


def test_a_double_submit_stores_once_and_shows_the_same_receipt(client, reporter, session, test_today):
    data = {"vecka": week_of(test_today).label, "inskick": TOKEN,
            **_obs(0, kategori="klotter", nar="dag", datum=test_today.isoformat(), plats="Torget")}
    first, second = _post(client, data), _post(client, data)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert len(_reports(session, reporter.organisations["1880"][0].id)) == 1
    assert "1 observation har sparats" in client.get(second.headers["location"]).text


def test_add_another_observation_without_javascript_keeps_the_first(client, reporter, test_today):
    data = {"vecka": week_of(test_today).label, "inskick": TOKEN, "atgard": "lagg_till",
            **_obs(0, kategori="klotter", nar="dag", datum="2026-01-01", plats="Torget")}
    response = _post(client, data)
    assert response.status_code == 200
    assert 'id="obs-1-kategori"' in response.text and 'id="obs-2-kategori"' not in response.text
    assert 'value="Torget"' in response.text and 'value="2026-01-01"' in response.text
    assert "Ta bort observation 2" in response.text


def test_nollrapport_is_stored_once_and_refused_after_observations(client, reporter, session, test_today):
    organisation_id = reporter.organisations["1880"][0].id
    last_week = week_of(test_today - timedelta(days=7))
    first = _post(client, {"vecka": last_week.label}, "/rapportera/nollrapport")
    again = _post(client, {"vecka": last_week.label}, "/rapportera/nollrapport")
    assert first.headers["location"] == f"/rapportera/vecka/{last_week.label}?nollrapport=lamnad"
    assert again.headers["location"] == f"/rapportera/vecka/{last_week.label}?nollrapport=redan"
    session.expire_all()
    stored = session.exec(select(Nollrapport).where(Nollrapport.organisation_id == organisation_id))
    assert [(n.iso_week, n.kommun_code) for n in stored] == [(last_week.label, "1880")]

    this_week = week_of(test_today)
    _post(client, {"vecka": this_week.label, "inskick": TOKEN,
                   **_obs(0, kategori="klotter", nar="dag", datum=test_today.isoformat(),
                          plats="Torget")})
    refused = _post(client, {"vecka": this_week.label, **_obs(0, plats="Utkast")},
                    "/rapportera/nollrapport")
    assert refused.status_code == 409
    assert "Ni har redan rapporterat 1 observation" in refused.text
    assert 'value="Utkast"' in refused.text  # the form comes back as it was
    assert session.exec(select(Nollrapport).where(
        Nollrapport.iso_week == this_week.label)).all() == []


def _foreign_report(session, organisation_id, day, kommun="1880", status="ny"):  # type: ignore[no-untyped-def]
    category = session.exec(select(Category).where(
        Category.kommun_code == kommun, Category.code == "klotter")).one()
    report = Report(kommun_code=kommun, category_id=category.id, observed_date=day,
                    source="form", organisation_id=organisation_id, review_status=status,
                    description=f"Hemlig text {organisation_id}")
    session.add(report)
    session.commit()
    return report


def test_other_organisations_reports_are_neither_visible_nor_editable(client, reporter, session, test_today):
    housing = _foreign_report(session, reporter.organisations["1880"][1].id, test_today)
    other_kommun = _foreign_report(session, reporter.organisations["1489"][0].id, test_today, kommun="1489")
    week = client.get(f"/rapportera/vecka/{week_of(test_today).label}")
    assert week.status_code == 200 and "Hemlig text" not in week.text
    for report in (housing, other_kommun):
        assert client.get(f"/rapportera/rapport/{report.id}").status_code == 404
        csrf = csrf_from(week.text)
        posted = client.post(f"/rapportera/rapport/{report.id}", data={
            "csrf_token": csrf, **_obs(0, kategori="ran", nar="dag", datum=test_today.isoformat(),
                                       plats="Här")})
        assert posted.status_code == 404
    session.expire_all()
    assert session.get(Report, housing.id).description == housing.description


def test_reviewed_report_is_read_only(client, reporter, session, test_today):
    report = _foreign_report(session, reporter.organisations["1880"][0].id, test_today, status="godkand")
    page = client.get(f"/rapportera/rapport/{report.id}")
    assert "kan inte längre ändras" in page.text and 'name="obs-0-kategori"' not in page.text
    posted = client.post(f"/rapportera/rapport/{report.id}", data={
        "csrf_token": csrf_from(page.text),
        **_obs(0, kategori="ran", nar="dag", datum=test_today.isoformat(), plats="Här")})
    assert posted.status_code == 409
    session.expire_all()
    assert session.get(Report, report.id).category_id == report.category_id


def test_correction_is_validated_placed_and_audited(client, reporter, session, test_today):
    report = _foreign_report(session, reporter.organisations["1880"][0].id, test_today)
    page = client.get(f"/rapportera/rapport/{report.id}")
    assert 'value="klotter" data-help' in page.text and "selected" in page.text
    bad = client.post(f"/rapportera/rapport/{report.id}", data={
        "csrf_token": csrf_from(page.text), **_obs(0, kategori="ran", nar="dag", datum="igår?")})
    assert bad.status_code == 422 and 'id="obs-0-datum-fel"' in bad.text
    good = client.post(f"/rapportera/rapport/{report.id}", data={
        "csrf_token": csrf_from(page.text),
        **_obs(0, kategori="ran", nar="dag", datum=test_today.isoformat(), plats_namn="ÄNGEN",
               beskrivning="Rättad")}, follow_redirects=False)
    assert good.status_code == 303
    session.expire_all()
    updated = session.get(Report, report.id)
    assert updated.description == "Rättad" and updated.area_id == _area(session, "1880A").id
    assert session.get(Category, updated.category_id).code == "ran"
    actions = session.exec(select(AuditEvent.action, AuditEvent.object_id).where(
        AuditEvent.actor == reporter.user("inrapportor").email)).all()
    assert ("report.update", str(report.id)) in actions
    assert any(action == "report.read" for action, _ in actions)


def test_form_posts_require_the_csrf_token(client, reporter, session, test_today):
    data = {"vecka": week_of(test_today).label, "inskick": TOKEN,
            **_obs(0, kategori="klotter", nar="dag", datum=test_today.isoformat(), plats="Torget")}
    assert client.post("/rapportera", data=data).status_code == 403
    assert client.post("/rapportera/nollrapport", data=data).status_code == 403
    assert _reports(session, reporter.organisations["1880"][0].id) == []


def test_place_suggestions_ignore_case_and_diacritics_and_know_aliases(client, reporter):
    names = [p["namn"] for p in client.get("/api/v1/places", params={"q": "ANGEN"}).json()]
    assert names == ["Ängen"]
    by_alias = client.get("/api/v1/places", params={"q": "skolgard"}).json()
    assert [(p["namn"], p["traff"], p["omrade"]) for p in by_alias] == [
        ("Centrumskolan", "Skolgården", "Område B")]


def test_analyst_reports_on_behalf_of_an_organisation_of_the_kommun(client, world, session, test_today):
    login(client, world.user("analytiker").email, PASSWORD)
    housing = world.organisations["1880"][1]
    form = client.get(f"/rapportera?organisation={housing.id}")
    assert form.status_code == 200
    assert re.search(rf'<option value="{housing.id}" selected>Bostäder Örebro</option>', form.text)
    data = {"vecka": week_of(test_today).label, "inskick": TOKEN,
            **_obs(0, kategori="klotter", nar="dag", datum=test_today.isoformat(), plats="Torget")}
    unpicked = _post(client, data)
    assert unpicked.status_code == 422 and 'id="organisation-fel"' in unpicked.text
    assert 'value="Torget"' in unpicked.text
    stored = _post(client, {**data, "organisation": str(housing.id)})
    assert stored.headers["location"] == (
        f"/rapportera/kvitto?inskick={TOKEN}&organisation={housing.id}")
    assert [r.submitted_by_id for r in _reports(session, housing.id)] == [
        world.user("analytiker").id]
    assert "1 observation har sparats" in client.get(stored.headers["location"]).text
    other_kommun = world.organisations["1489"][0]
    assert _post(client, {**data, "organisation": str(other_kommun.id)}).status_code == 404
    assert _reports(session, other_kommun.id) == []


def test_nul_in_a_form_observation_is_422_naming_the_field(client, reporter, session, test_today):
    data = {"vecka": week_of(test_today).label, "inskick": TOKEN, "atgard": "skicka",
            **_obs(0, kategori="klotter", nar="dag", datum=test_today.isoformat(), plats="Torget",
                   beskrivning="Taggar\x00på gaveln")}
    response = _post(client, data)
    assert response.status_code == 422
    assert "Beskrivning (observation 1)" in response.text and "otillåtet tecken (NUL)" in response.text
    assert _reports(session, reporter.user("inrapportor").organisation_id) == []
