"""In a real browser: an analyst creates a medborgarlöfte and follows it up; pages meet WCAG 2.1 AA."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from api.demo.loader import DEMO_PASSWORDS
from tests.e2e.conftest import axe_violations, log_in, screenshot

pytestmark = [pytest.mark.dates, pytest.mark.e2e]


def _add_months(day: date, months: int) -> date:
    """The first of the month `months` after the first of `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def test_analyst_creates_and_follows_up_a_promise(live_server, page, clock):
    # A year-long löfte around today (by the server's clock): from the first day of the quarter three
    # quarters back, so it has begun long enough ago for a missing återkoppling to be overdue.
    today = clock.today()
    start = _add_months(date(today.year, (today.month - 1) // 3 * 3 + 1, 1), -9)
    end = _add_months(start, 12) - timedelta(days=1)
    email, password = DEMO_PASSWORDS["analytiker"]
    log_in(page, live_server, email, password)
    page.goto(f"{live_server}/medborgarloften")
    assert axe_violations(page) == []
    page.click("text=Nytt medborgarlöfte")
    page.wait_for_url("**/medborgarloften/ny")
    assert axe_violations(page) == []
    # A missing title is named next to the field and what was typed is kept.
    page.fill("#lofte", "Vi genomför tio trygghetsvandringar i centrum under 2026.")
    page.click("button:has-text('Spara medborgarlöftet')")
    assert page.locator("#titel-fel").inner_text() == "Skriv en rubrik för medborgarlöftet."
    assert page.locator("#lofte").input_value().startswith("Vi genomför tio")
    assert axe_violations(page) == []
    screenshot(page, "promise-form-errors")
    page.fill("#titel", "Tryggare centrum")
    page.fill("#parter", "Örebro kommun och lokalpolisområde Örebro")
    page.check("#omrade-1")
    page.fill("#startdatum", start.isoformat())
    page.fill("#slutdatum", end.isoformat())
    page.click("button:has-text('Spara medborgarlöftet')")
    page.wait_for_url("**/medborgarloften/*?sparad=1")
    assert page.locator("h1").inner_text() == "Tryggare centrum"
    # No återkoppling yet and the löfte started nine months or more ago: 90 days after it is overdue.
    assert (start + timedelta(days=90)).isoformat() in page.locator("#aterkoppling-forsenad").inner_text()

    page.fill("#atagande_titel", "Trygghetsvandringar")
    page.fill("#atagande_mal", "10")
    page.fill("#atagande_enhet", "trygghetsvandringar")
    page.click("button:has-text('Lägg till åtagandet')")
    assert "0 av 10 trygghetsvandringar, 0 %" in page.content()

    page.fill("#ind_namn", "Skadegörelse i centrum")
    page.check("#ind-kategori-1")
    page.check("#ind-omrade-1")
    page.fill("#ind_mal", "2")
    page.fill("#ind_bas_start", start.isoformat())
    page.fill("#ind_bas_slut", (_add_months(start, 3) - timedelta(days=1)).isoformat())
    page.click("button:has-text('Lägg till indikatorn')")
    assert page.locator(".indicator-sentence").inner_text().endswith(
        ("Bedömning: uppnått.", "Bedömning: på väg mot målet.", "Bedömning: inte på väg."))
    assert page.locator("svg.sparkline").count() == 1

    page.fill("#logg_datum", (today - timedelta(days=8)).isoformat())
    page.fill("#logg_antal", "6")
    page.click("button:has-text('Logga aktiviteten')")
    assert "6 av 10 trygghetsvandringar, 60 %" in page.content()

    page.fill("#ater_datum", (today - timedelta(days=6)).isoformat())
    page.fill("#ater_kanal", "Medborgardialog")
    page.fill("#ater_vad", "Sex av tio vandringar är gjorda.")
    page.click("button:has-text('Logga återkopplingen')")
    assert f"Senaste återkoppling: {today - timedelta(days=6)}." in page.locator("main").inner_text()
    assert page.locator("#aterkoppling-forsenad").count() == 0
    assert axe_violations(page) == []
    assert page.blocked_requests == []
    screenshot(page, "promise-follow-up")

    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "promise-follow-up-320")

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server}/medborgarloften")
    assert page.locator("table a", has_text="Tryggare centrum").count() >= 1
    assert axe_violations(page) == []
    screenshot(page, "promise-list")
