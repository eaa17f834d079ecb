"""In a real browser: the admin adds an organisation and an inrapportör, who then logs in (axe-clean pages)."""

from __future__ import annotations

import pytest

from api.demo.loader import DEMO_PASSWORDS
from tests.e2e.conftest import axe_violations, log_in, screenshot

pytestmark = pytest.mark.e2e


def _check(page, name: str) -> None:  # type: ignore[no-untyped-def]
    assert axe_violations(page) == [], name
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], name
    screenshot(page, name)


def test_admin_creates_an_organisation_and_an_inrapportor_who_logs_in(live_server, page, browser):
    email, password = DEMO_PASSWORDS["admin"]
    log_in(page, live_server, email, password)
    page.set_viewport_size({"width": 320, "height": 800})

    page.get_by_role("link", name="Organisationer", exact=True).first.click()
    page.wait_for_url(f"{live_server}/admin/organisationer")
    page.click("button:has-text('Lägg till organisationen')")  # empty form: errors next to the fields
    assert page.locator("#namn-fel").inner_text() == "Namn: skriv organisationens namn."
    _check(page, "admin-organisationer-fel")
    page.fill("#namn", "Fältgruppen Väster")
    page.select_option("#typ", "socialtjanst")
    page.click("button:has-text('Lägg till organisationen')")
    page.wait_for_url("**/admin/organisationer?klart=skapad")
    assert "Organisationen är tillagd." in page.locator("[role=status]").inner_text()
    assert page.get_by_role("rowheader", name="Fältgruppen Väster").is_visible()
    _check(page, "admin-organisationer")

    page.goto(f"{live_server}/admin/anvandare/ny")
    page.fill("#namn", "Frida Fältare")
    page.fill("#epost", "frida@orebro.example")
    page.select_option("#roll", "inrapportor")
    page.click("button:has-text('Skapa kontot')")  # no organisation yet
    assert "måste höra till en organisation" in page.locator("#organisation-fel").inner_text()
    assert page.locator("#epost").input_value() == "frida@orebro.example"
    _check(page, "admin-anvandare-ny-fel")
    page.select_option("#organisation", label="Fältgruppen Väster")
    page.check("#forsta-losenord")  # the admin's own-password path (the default is an invitation link)
    page.click("button:has-text('Skapa kontot')")
    secret = page.locator("#secret").inner_text().strip()
    assert len(secret) == 19
    _check(page, "admin-losenord-en-gang")

    page.goto(f"{live_server}/admin/anvandare")
    row = page.get_by_role("row").filter(has_text="frida@orebro.example")
    assert "Fältgruppen Väster" in row.inner_text() and "aldrig" in row.inner_text()
    _check(page, "admin-anvandare")
    row.get_by_role("link").click()
    _check(page, "admin-anvandare-konto")
    page.goto(f"{live_server}/admin/api-nycklar")
    _check(page, "admin-api-nycklar")
    page.goto(f"{live_server}/admin/logg?handelse=user.create")
    assert "frida@orebro.example" in page.locator("table").inner_text()
    _check(page, "admin-logg")

    context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
    reporter = context.new_page()
    try:
        log_in(reporter, live_server, "frida@orebro.example", secret)
        assert "Inrapportör" in reporter.locator("main").inner_text()
        reporter.goto(f"{live_server}/rapportera")
        assert reporter.url.endswith("/rapportera")
    finally:
        context.close()
