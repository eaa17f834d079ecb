"""In a real browser: each demo login works, the start page meets WCAG 2.1 AA and fits 320 px."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.demo.loader import DEMO_PASSWORDS
from tests.e2e.conftest import axe_violations, log_in, screenshot

pytestmark = [pytest.mark.dates, pytest.mark.e2e]


def test_login_page_passes_axe_and_works_at_320px(live_server, page):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{live_server}/login")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert axe_violations(page) == []
    # Nothing wider than the viewport: no horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "login-320")


@pytest.mark.parametrize("role", list(DEMO_PASSWORDS))
def test_each_demo_login_reaches_its_start_page(live_server, page, role, clock):
    email, password = DEMO_PASSWORDS[role]
    log_in(page, live_server, email, password)
    heading = page.locator("h1").inner_text()
    assert heading.startswith("Välkommen")
    week_number = clock.today().isocalendar()[1]  # "this week" is the server's: the suite's clock
    shown = page.locator("#week-heading").inner_text()
    if role == "analytiker":
        # The analyst's figures are for the week that is due: last week until it is published (the demo
        # leaves it as a draft; another browser test on the same server may have published it since).
        last_week_number = (clock.today() - timedelta(days=7)).isocalendar()[1]
        assert f"vecka {last_week_number}" in shown or f"vecka {week_number}" in shown
    else:
        assert f"vecka {week_number}" in shown
    assert axe_violations(page) == []
    assert page.blocked_requests == []
    screenshot(page, f"start-{role}")


def test_keyboard_user_reaches_main_content_with_skip_link(live_server, page):
    page.goto(f"{live_server}/login")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Hoppa till huvudinnehållet"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_wrong_password_shows_swedish_error_next_to_the_form(live_server, page):
    page.goto(f"{live_server}/login")
    page.fill("#email", "sakerhet@orebro.example")
    page.fill("#password", "fel-losenord")
    page.click("button[type=submit]")
    assert page.locator("#login-error").inner_text() == "Fel e-postadress eller lösenord."
    assert page.locator("#email").input_value() == "sakerhet@orebro.example"
    assert page.locator("#email").get_attribute("aria-invalid") == "true"
