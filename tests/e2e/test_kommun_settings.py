"""In a real browser: the admin's kommun settings page (axe, 320 px, keyboard, Swedish error kept)."""

from __future__ import annotations

import pytest

from api.demo.loader import DEMO_PASSWORDS
from tests.e2e.conftest import axe_violations, log_in, screenshot

pytestmark = pytest.mark.e2e


def test_settings_page_passes_axe_and_keeps_a_bad_value(live_server, page):  # type: ignore[no-untyped-def]
    log_in(page, live_server, *DEMO_PASSWORDS["admin"])
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server}/admin/kommun")
    assert page.locator("h1").inner_text().startswith("Inställningar för")
    assert page.locator("#analysperiod-kvartal").is_checked()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    # Keyboard only: the number field, then the submit button.
    page.focus("#gallring")
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Spara inställningar"
    page.keyboard.press("Enter")
    page.wait_for_selector("#gallring-fel")
    assert page.locator("#gallring-fel").inner_text().startswith("Ange mellan 6 och 120 månader")
    assert page.locator("#gallring").input_value() == "3"
    assert page.locator("#gallring").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []
    screenshot(page, "kommun-settings-320-error")

    # Saving the unchanged settings (kvartal, no gallring) leaves the shared demo kommun as it was.
    page.fill("#gallring", "")
    page.click("button.primary")
    page.wait_for_selector("text=Inställningarna är sparade.")
    assert page.locator("#analysperiod-kvartal").is_checked()
