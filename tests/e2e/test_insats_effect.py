"""In a real browser: the analyst opens the demo's planted insats, sees the measured change with its
weekly series and the plain-Swedish reading, and writes an uppföljning; axe finds no WCAG 2.1 AA
violations."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from api.demo._profiles import INSATS_NAME
from api.demo.loader import DEMO_PASSWORDS
from api.insatser.models import Insats
from tests.e2e.conftest import axe_violations, log_in, screenshot

pytestmark = [pytest.mark.dates, pytest.mark.e2e]


def test_analyst_follows_up_the_planted_insats(live, live_server, page):  # type: ignore[no-untyped-def]
    with live.database.transaction() as session:
        insats = session.exec(select(Insats).where(Insats.title == INSATS_NAME)).one()
        insats_id, start_year = insats.id, insats.start_date.year  # about a year before the demo's today
    email, password = DEMO_PASSWORDS["analytiker"]
    log_in(page, live_server, email, password)
    page.goto(f"{live_server}/insatser/{insats_id}")
    page.click("text=Se uppmätt förändring och uppföljning")
    page.wait_for_url(f"{live_server}/insatser/{insats_id}/effekt")
    assert page.locator("h1").inner_text().startswith("Effekt och uppföljning")
    assert page.locator("svg.effect-chart polyline").count() == 2
    assert page.locator("svg.effect-chart line.start").count() == 1
    reading = page.locator("#effekt-lasning").inner_text()
    # The demo's planted −40 %: a decrease whose whole interval lies below zero, never a cause.
    assert re.search(r"minskade med uppskattningsvis \d+ %", reading)
    assert "Ingen säker skillnad" not in reading
    assert "visar inte ensam att det var insatsen som orsakade den" in reading
    assert "Jämförelseområden" in page.locator("table.effect-table").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "insats-effect")

    page.click("text=Spara uppföljningen")
    assert page.locator("#uppfoljning-fel").inner_text() == "Skriv uppföljningen innan du sparar."
    page.fill("#uppfoljning-text", "Trygghetsvandringarna fortsätter varannan vecka; saneringen sker inom 24 h.")
    page.click("text=Spara uppföljningen")
    page.wait_for_url(re.compile(r".*/effekt\?sparad=1#uppfoljning"))
    assert "Uppföljningen är sparad." in page.content()
    assert "saneringen sker inom 24 h." in page.locator(".uppfoljning-list").inner_text()
    page.set_viewport_size({"width": 320, "height": 800})
    assert axe_violations(page) == []
    screenshot(page, "insats-effect-320")
    assert page.blocked_requests == []

    page.goto(f"{live_server}/insatser/ar/{start_year}")
    assert INSATS_NAME in page.locator("table").inner_text()
    assert axe_violations(page) == []
