"""Insats follow-up pages: effect with series, uppföljning notes, roles, audit, yearly view."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlmodel import select

from api.audit.models import AuditEvent
from api.core.clock import Clock
from api.insatser.models import InsatsUppfoljning
from tests.api.insatser.test_effects import START, _add_reports, _insats
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates

TODAY = date(2026, 8, 23)


@pytest.fixture(scope="module")
def clock() -> Clock:
    """The effects here are counted by hand as of TODAY: the app's clock stands there."""
    return Clock.fixed(TODAY)


@pytest.fixture()
def halved(world, session):  # type: ignore[no-untyped-def]
    """An insats in 1880A from 2026-06-01 after which its reports halve; today is 2026-08-23."""
    view = _insats(session, ["1880A"])
    _add_reports(session, {"1880A": 1, "1880B": 1, "1880C": 1, "1880D": 1},
                 date(2026, 3, 9), date(2026, 5, 31))
    _add_reports(session, {"1880A": 2, "1880B": 1, "1880C": 1, "1880D": 1}, START, TODAY)
    session.commit()
    return view


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_effect_page_shows_counts_interval_reading_and_series(client, world, session, halved):  # type: ignore[no-untyped-def]
    login(client, world.user("analytiker").email, PASSWORD)
    page = client.get(f"/insatser/{halved.id}/effekt")
    assert page.status_code == 200
    text = _text(page.text)
    assert "Före: 2026-03-09 – 2026-05-31" in text
    assert "Under/efter: 2026-06-01 – 2026-08-23" in text
    # 84 days = 12 weeks each side: 84 -> 42 reports is 7,0 -> 3,5 a week; 252 -> 252 is 21,0.
    assert "Före (12 veckor) Under/ efter (12 veckor) Ändring" in text
    assert "Insatsområden (1) 7,0 3,5 −50 %" in text
    assert "Jämförelseområden (3) 21,0 21,0 oförändrat" in text
    assert "0,50 / 1,00 = 0,50, alltså −50 %" in text
    assert "Insatsområden (1) 84 42" not in text  # no raw totals
    assert "−50 %" in text and "Ingen säker skillnad mot jämförelseområdena" in text
    assert page.text.count("<polyline") == 2 and "Start 2026-W23" in text
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "report.read")).one()
    recorded = json.loads(event.filter)
    assert (recorded["first_date"], recorded["last_date"]) == ("2026-03-09", "2026-08-23")
    assert recorded["category_codes"] == ["skadegorelse"]
    assert 'name="uppfoljning"' in page.text
    assert f'<a href="/insatser/{halved.id}/effekt">' in client.get(f"/insatser/{halved.id}").text


def test_uppfoljning_note_is_saved_audited_and_an_empty_one_refused(client, world, session, halved):  # type: ignore[no-untyped-def]
    login(client, world.user("analytiker").email, PASSWORD)
    token = csrf_from(client.get(f"/insatser/{halved.id}/effekt").text)
    empty = client.post(f"/insatser/{halved.id}/uppfoljning",
                        data={"uppfoljning": "   ", "csrf_token": token})
    assert empty.status_code == 422
    assert '<p class="field-error" id="uppfoljning-fel">Skriv uppföljningen innan du sparar.</p>' in empty.text
    assert 'aria-invalid="true"' in empty.text
    assert session.exec(select(InsatsUppfoljning)).all() == []
    saved = client.post(f"/insatser/{halved.id}/uppfoljning",
                        data={"uppfoljning": "Saneringen gick snabbare i juli.", "csrf_token": token},
                        follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/insatser/{halved.id}/effekt?sparad=1#uppfoljning"
    (note,) = session.exec(select(InsatsUppfoljning)).all()
    assert (note.insats_id, note.note) == (halved.id, "Saneringen gick snabbare i juli.")
    assert note.created_by_id == world.user("analytiker").id
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "insats.update")).one()
    assert event.object_id == str(halved.id)
    page = client.get(saved.headers["location"])
    assert "Uppföljningen är sparad." in page.text and "Saneringen gick snabbare i juli." in page.text


def test_granskare_reads_without_the_form_and_may_not_post(client, world, session, halved):  # type: ignore[no-untyped-def]
    login(client, world.user("granskare").email, PASSWORD)
    page = client.get(f"/insatser/{halved.id}/effekt")
    assert page.status_code == 200 and 'name="uppfoljning"' not in page.text
    token = csrf_from(page.text)
    refused = client.post(f"/insatser/{halved.id}/uppfoljning",
                          data={"uppfoljning": "x", "csrf_token": token})
    assert refused.status_code == 403


def test_another_kommuns_insats_is_not_found(client, world, session, halved):  # type: ignore[no-untyped-def]
    login(client, world.user("analytiker", "1489").email, PASSWORD)
    assert client.get(f"/insatser/{halved.id}/effekt").status_code == 404
    assert "Sanering" not in client.get("/insatser/ar/2026").text


@pytest.mark.parametrize("clock", [Clock.fixed(date(2026, 5, 1))], ids=["2026-05-01"])
def test_before_the_start_nothing_is_claimed_and_no_reports_are_read(client, world, session):  # type: ignore[no-untyped-def]
    view = _insats(session, ["1880A"])
    session.commit()
    login(client, world.user("analytiker").email, PASSWORD)
    page = client.get(f"/insatser/{view.id}/effekt")
    assert page.status_code == 200
    assert "Insatsen börjar 2026-06-01" in page.text and "inget kan sägas ännu" in page.text
    assert "<svg" not in page.text
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "report.read")).all() == []


def test_yearly_view_lists_insatser_with_their_effect(client, world, session, halved):  # type: ignore[no-untyped-def]
    login(client, world.user("polis").email, PASSWORD)
    page = client.get("/insatser/ar/2026")
    assert page.status_code == 200
    text = _text(page.text)
    assert "Sanering 2026-06-01 – tills vidare Ingen säker skillnad -50 %" in text
    assert "Inga insatser registrerade för 2025." in client.get("/insatser/ar/2025").text
    assert client.get("/insatser/ar/1800").status_code == 404
