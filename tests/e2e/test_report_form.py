"""In a real browser at 320 px: the demo inrapportör reports with keyboard-picked places, gets a
receipt, sees the week's list and tries a nollrapport for last week; axe finds nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from api.demo.loader import DEMO_PASSWORDS
from api.reports.form_service import week_of
from tests.e2e.conftest import axe_violations, log_in, screenshot

pytestmark = [pytest.mark.dates, pytest.mark.e2e]


@pytest.fixture()
def reporter_page(live_server, page):  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 320, "height": 640})
    email, password = DEMO_PASSWORDS["inrapportor"]
    log_in(page, live_server, email, password)
    return page


def _fits_320(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth") <= 320


def test_report_with_a_keyboard_picked_place_gives_a_receipt(live_server, reporter_page):
    page = reporter_page
    page.goto(f"{live_server}/rapportera")
    assert page.locator("h1").inner_text() == "Veckans rapport"
    assert axe_violations(page) == []
    assert _fits_320(page)
    screenshot(page, "report-form-320")

    page.select_option("#obs-0-kategori", "klotter")
    assert "Klotter och taggar" in page.locator("#obs-0-kategori-hjalp").inner_text()
    # Sent without a place: the error summary takes focus and the error sits by the place fields.
    page.click("button.primary[value=skicka]")
    page.locator("#fel-sammanfattning").wait_for()
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.id") == "fel-sammanfattning"
    assert page.locator("#obs-0-var-fel").inner_text().startswith("Ange var")
    assert "obs-0-var-fel" in page.locator("#obs-0-plats").get_attribute("aria-describedby")
    assert page.locator("#obs-0-kategori").input_value() == "klotter"
    assert axe_violations(page) == []
    screenshot(page, "report-form-error-320")
    place = page.locator("#obs-0-plats_namn")
    place.focus()
    page.keyboard.type("vivalla c", delay=30)
    page.locator("[role=listbox] [role=option]").first.wait_for()
    assert place.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # picks the suggestion; does not send the form
    assert place.input_value() == "Vivalla centrum"
    assert re.fullmatch(r"\d+", page.locator("[name=obs-0-plats_id]").input_value())
    assert page.url.endswith("/rapportera")
    page.fill("#obs-0-beskrivning", "Nya taggar på gaveln mot torget")

    # The map is an enhancement: it opens although the (local, missing) tiles do not load.
    page.click("#obs-0-karta-knapp")
    assert page.locator("#obs-0-karta-panel .leaflet-container").is_visible()
    page.click("text=Sätt punkten i kartans mitt")
    assert page.locator("[data-map-status]").inner_text().startswith("Vald punkt: 59.")
    assert axe_violations(page) == []
    screenshot(page, "report-form-map-320")
    page.click("text=Ta bort punkten")
    assert page.locator("[name=obs-0-lat]").input_value() == ""
    page.click("#obs-0-karta-knapp")

    page.click("button.primary[value=skicka]")
    page.wait_for_url(re.compile(r".*/rapportera/kvitto\?inskick=.*"))
    receipt = page.locator("main").inner_text()
    assert "1 observation har sparats" in receipt
    assert "Vivalla centrum" in receipt and "Klotter" in receipt
    assert axe_violations(page) == []
    assert _fits_320(page)
    screenshot(page, "report-receipt-320")

    page.click("text=Se och rätta veckans rapporter")
    assert page.locator("h1").inner_text().startswith("Veckans rapporter: vecka")
    assert "Nya taggar på gaveln mot torget" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    assert _fits_320(page)
    screenshot(page, "report-week-320")
    assert page.blocked_requests == []


def test_nollrapport_for_last_week(live_server, reporter_page, clock):
    page = reporter_page
    last_week = week_of(clock.today() - timedelta(days=7))  # by the server's clock (the suite's)
    page.goto(f"{live_server}/rapportera/vecka/{last_week.label}")
    already_reported = "Inga rapporter från er organisation" not in page.locator("main").inner_text()

    page.goto(f"{live_server}/rapportera")
    page.select_option("#vecka", last_week.label)
    page.click("text=Inget att rapportera denna vecka")
    if already_reported:
        # The demo organisation has observations that week: refused, and told why.
        message = page.locator("#nollrapport-fel").inner_text()
        assert message.startswith("Ni har redan rapporterat")
        assert page.locator("#vecka").input_value() == last_week.label
    else:
        page.wait_for_url(re.compile(rf".*/rapportera/vecka/{last_week.label}\?nollrapport=.*"))
        assert "Nollrapporten för vecka" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "report-nollrapport-320")
    assert page.blocked_requests == []


def test_nollrapport_from_a_silent_organisation_is_received(live, page):
    """An organisation with nothing this week sends "Inget att rapportera denna vecka" on a phone."""
    from api.organisations import service as organisation_service
    from api.users import service as user_service

    with live.database.transaction() as session:
        organisation = organisation_service.create_organisation(
            session=session, kommun_code="1880", name="Fältgruppen (webbtest)", type="socialtjanst",
            expected_to_report=False,
        )
        user_service.create_user(
            session=session, name="Fältare", email="faltare@orebro.example", password="cykel-i-parken-7",
            role="inrapportor", kommun_codes=["1880"], organisation_id=organisation.id,
        )
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, live.url, "faltare@orebro.example", "cykel-i-parken-7")
    page.goto(f"{live.url}/rapportera")
    this_week = page.locator("#vecka").input_value()
    page.click("text=Inget att rapportera denna vecka")
    page.wait_for_url(re.compile(rf".*/rapportera/vecka/{this_week}\?nollrapport=lamnad.*"))
    assert "Nollrapporten för vecka" in page.locator("main").inner_text()
    assert "Tack!" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    assert _fits_320(page)
    screenshot(page, "report-nollrapport-received-320")
    # Sent again: stored once, and the user is told it was already there.
    page.goto(f"{live.url}/rapportera")
    page.click("text=Inget att rapportera denna vecka")
    page.wait_for_url(re.compile(r".*nollrapport=redan.*"))
    from sqlmodel import select

    from api.reports.models import Nollrapport

    with live.database.session() as session:
        rows = session.exec(select(Nollrapport).where(Nollrapport.organisation_id == organisation.id)).all()
    assert [r.iso_week for r in rows] == [this_week]
