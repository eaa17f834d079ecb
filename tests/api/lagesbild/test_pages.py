"""The lägesbild pages: analyst edits and publishes; granskare and polis see published versions only."""

from __future__ import annotations

import gzip
import json
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from api.audit.models import AuditEvent
from api.lagesbild.models import Lagesbild
from api.lagesbild.snapshot import LagesbildSnapshot
from tests.api.lagesbild.helpers import MONDAY, WEEK, add_report, week_of_reports
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates


def _login(client, world, role):  # type: ignore[no-untyped-def]
    login(client, world.user(role).email, PASSWORD)


def _map_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="lagesbild-data">(.*?)</script>', html, re.S)
    assert match
    return json.loads(match.group(1))


def test_analyst_draft_status_override_and_publish(client, session, world):
    week_of_reports(session, world)
    _login(client, world, "analytiker")
    page = client.get(f"/lagesbild/{WEEK}")
    assert page.status_code == 200
    assert "Lägesbild vecka 47" in page.text and "Utkast" in page.text
    assert 'id="lb-total">8<' in page.text
    assert "Bostäder Örebro har inte rapporterat v. 47" in page.text
    # The alerts' help text: how often they are wrong and what they miss, in Swedish.
    assert "Hur säkra är larmen?" in page.text
    assert "högst ett falskt larm per" in page.text and "inget har förändrats" in page.text
    token = csrf_from(page.text)
    form = {"csrf_token": token, "version": "1", "vad_har_hant": "Min text", "vad_gors": "",
            "prognos": "", "status-1880C": "röd", "motivering-1880C": ""}
    refused = client.post(f"/lagesbild/{WEEK}/publicera", data=form)
    assert refused.status_code == 400
    assert "Skriv en motivering för Område C: din status (röd) skiljer sig från förslaget (grön)." in refused.text
    assert "Min text" in refused.text  # what the user typed is kept
    assert 'aria-invalid="true"' in refused.text
    assert session.exec(select(Lagesbild)).one().status == "utkast"

    form["motivering-1880C"] = "Skolan rapporterar oro"
    asked = client.post(f"/lagesbild/{WEEK}/publicera", data=form, follow_redirects=False)
    assert asked.status_code == 200 and "saknar bedömd status" in asked.text  # asks first (issue 14)
    form["bekraftat"] = "1"
    done = client.post(f"/lagesbild/{WEEK}/publicera", data=form, follow_redirects=False)
    assert done.status_code == 303 and "publicerad=1" in done.headers["location"]
    published = client.get(done.headers["location"])
    assert "Publicerad" in published.text and "Skolan rapporterar oro" in published.text
    assert "Skapa ny version" in published.text
    stored = LagesbildSnapshot.from_json(session.exec(select(Lagesbild)).one().snapshot_json)
    assert stored.attributions[0] == "Källa: SCB" and stored.points and stored.area("1880C").status == "röd"
    assert (stored.vad_har_hant, stored.area("1880C").motivering) == ("Min text", "Skolan rapporterar oro")
    audit = session.exec(select(AuditEvent.action).where(AuditEvent.action.in_(["lagesbild.publish", "report.read"]))).all()
    assert "lagesbild.publish" in audit and "report.read" in audit

    # Reports added after publishing leave the published page unchanged.
    add_report(session, "klotter", MONDAY + timedelta(days=4), square="B", org=None, count=3)
    session.commit()
    assert 'id="lb-total">8<' in client.get(f"/lagesbild/{WEEK}?version=1").text

    # New version: a draft prefilled from version 1, showing live numbers.
    created = client.post(f"/lagesbild/{WEEK}/ny-version", data={"csrf_token": token}, follow_redirects=False)
    assert created.headers["location"] == f"/lagesbild/{WEEK}?version=2"
    draft = client.get(created.headers["location"])
    assert "Version 2:" in draft.text and 'id="lb-total">11<' in draft.text
    assert "Skolan rapporterar oro" in draft.text


def test_granskare_and_polis_see_published_only(client, session, world):
    week_of_reports(session, world)
    _login(client, world, "analytiker")
    token = csrf_from(client.get(f"/lagesbild/{WEEK}").text)
    client.post("/logout", data={"csrf_token": token})
    for role in ("granskare", "polis"):
        _login(client, world, role)
        response = client.get(f"/lagesbild/{WEEK}")
        assert response.status_code == 404
        assert "Det finns ingen publicerad lägesbild för vecka 47." in response.text
        assert client.get(f"/lagesbild/{WEEK}/kartdata.json").status_code == 404
        client.post("/logout", data={"csrf_token": csrf_from(client.get("/start").text)})

    _login(client, world, "analytiker")
    page = client.get(f"/lagesbild/{WEEK}")
    form = {"csrf_token": csrf_from(page.text), "version": "1", "vad_har_hant": "Publicerad text",
            "bekraftat": "1"}
    client.post(f"/lagesbild/{WEEK}/publicera", data=form)
    client.post(f"/lagesbild/{WEEK}/ny-version", data={"csrf_token": csrf_from(page.text)})
    client.post("/logout", data={"csrf_token": csrf_from(page.text)})

    _login(client, world, "granskare")
    seen = client.get(f"/lagesbild/{WEEK}")
    assert seen.status_code == 200 and "Publicerad text" in seen.text
    assert "Version 2" not in seen.text  # the draft version 2 is invisible
    assert "<textarea" not in seen.text and "Spara" not in seen.text
    assert client.get(f"/lagesbild/{WEEK}?version=2").status_code == 404
    # The published version offers its downloads, and they open for a granskare.
    for link in (f"/export/{WEEK}/pdf?version=1", f"/export/{WEEK}/lagesbild.html?version=1",
                 f"/export/{WEEK}/omraden.gpkg?version=1"):
        assert f'href="{link}"' in seen.text
        assert client.get(link).status_code == 200
    assert client.get("/lagesbild", follow_redirects=False).headers["location"] == f"/lagesbild/{WEEK}"
    # Readers cannot write.
    assert client.post(f"/lagesbild/{WEEK}/publicera", data=form).status_code == 403


def test_map_endpoints_one_feature_per_area_and_points_without_description(client, session, world):
    week_of_reports(session, world)
    _login(client, world, "analytiker")
    geo = client.get("/lagesbild/omraden.geojson", headers={"accept-encoding": "gzip"})
    assert geo.status_code == 200 and geo.headers["content-encoding"] == "gzip"
    collection = geo.json()  # httpx decodes gzip
    assert [f["properties"]["code"] for f in collection["features"]] == ["1880A", "1880B", "1880C", "1880D"]
    ring = collection["features"][0]["geometry"]["coordinates"][0]
    assert all(round(v, 5) == v for point in ring for v in point)
    assert 14 < ring[0][0] < 16 and 59 < ring[0][1] < 60  # WGS84 near Örebro
    cached = client.get("/lagesbild/omraden.geojson", headers={"if-none-match": geo.headers["etag"]})
    assert cached.status_code == 304
    plain = client.get("/lagesbild/omraden.geojson", headers={"accept-encoding": "identity"})
    assert json.loads(plain.content) == collection and len(gzip.compress(plain.content)) > 0

    data = client.get(f"/lagesbild/{WEEK}/kartdata.json").json()
    assert len(data["areas"]) == 4
    assert {a["code"]: a["count"] for a in data["areas"]} == {"1880A": 5, "1880B": 0, "1880C": 0, "1880D": 2}
    assert len(data["points"]) == 6
    # the emerging pattern of 12 four-week periods, with its Swedish sentence
    from analysis.emerging import PATTERNS_SV

    assert all(a["emerging_pattern"] in PATTERNS_SV for a in data["areas"])
    assert all(a["emerging_text"] == PATTERNS_SV[a["emerging_pattern"]] for a in data["areas"])
    assert {a["code"] for a in data["areas"] if a["emerging_pattern"] == "inget mönster"} >= {"1880B", "1880C"}
    assert set(data["points"][0]) == {"category_code", "category_name", "date", "time", "organisation", "lon", "lat"}
    assert "Kalle" not in json.dumps(data) and "Hemligt" not in json.dumps(data)
    # The page inlines the same numbers but never the area geometry.
    response = client.get(f"/lagesbild/{WEEK}", headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    page = response.text
    assert _map_data(page)["areas"] == data["areas"]
    assert "coordinates" not in page


def test_filter_by_category_uses_the_same_query(client, session, world):
    week_of_reports(session, world)
    add_report(session, "skadegorelse", MONDAY, square="B", org=None, count=2)
    session.commit()
    _login(client, world, "analytiker")
    assert 'id="lb-total">10<' in client.get(f"/lagesbild/{WEEK}").text
    filtered = client.get(f"/lagesbild/{WEEK}?kategori=skadegorelse").text
    assert 'id="lb-total">2<' in filtered
    assert {a["code"]: a["count"] for a in _map_data(filtered)["areas"]}["1880B"] == 2
    # Publishing under a filter freezes the filtered numbers and says so.
    form = {"csrf_token": csrf_from(filtered), "version": "1", "kategori": "skadegorelse", "bekraftat": "1"}
    done = client.post(f"/lagesbild/{WEEK}/publicera", data=form, follow_redirects=False)
    assert "kategori=skadegorelse" in done.headers["location"]
    published = client.get(f"/lagesbild/{WEEK}").text  # no filter in the URL: the stored one applies
    assert 'id="lb-total">2<' in published and "Publicerad med filter:" in published
    assert "Skadegörelse (inkl. krossade rutor)" in published


def test_bad_week_is_a_swedish_404(client, session, world):
    _login(client, world, "analytiker")
    response = client.get("/lagesbild/2026-W99")
    assert response.status_code == 404 and "vecka 99 finns inte år 2026" in response.text
    future = client.get("/lagesbild/2099-W01")
    assert future.status_code == 404 and "Vecka 1 (2099-W01) har inte börjat ännu." in future.text
    assert session.exec(select(Lagesbild)).all() == []  # no draft for a week that has not begun
