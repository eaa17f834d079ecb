"""In a real browser: the analyst corrects a medborgarlöfte (target, wrongly logged activity, the
löfte itself) and removes it; the edit and confirmation pages meet WCAG 2.1 AA; removal works
without JavaScript."""

from __future__ import annotations

import pytest

from api.demo.loader import DEMO_PASSWORDS
from api.promises import service
from api.review import service as review_service
from tests.e2e.conftest import axe_violations, log_in, screenshot

pytestmark = pytest.mark.e2e


def _plant(live) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """A löfte with one åtagande (target 10, logged 4 + 2), a manual indicator and an återkoppling."""
    with live.database.transaction() as session:
        area = review_service.area_choices(session=session, kommun_code="1880")[0].code
        data, errors = service.validate_promise({
            "titel": "Trygg park", "lofte": "Vi gör parken tryggare.", "parter": "Örebro kommun",
            "startdatum": "2026-01-01", "slutdatum": "2026-12-31", "status": "aktivt"},
            [area], allowed_areas={area})
        assert errors == {}
        promise = service.create_promise(session=session, kommun_code="1880", data=data,  # type: ignore[arg-type]
                                         created_by_id=None)
        atagande, _ = service.add_atagande(session=session, promise=promise, values={
            "atagande_titel": "Trygghetsvandringar", "atagande_mal": "10",
            "atagande_enhet": "trygghetsvandringar"})
        for day, count in (("2026-03-10", "4"), ("2026-09-01", "2")):
            service.log_activity(session=session, promise=promise, user_id=None, values={
                "logg_atagande": str(atagande.id), "logg_datum": day, "logg_antal": count})  # type: ignore[union-attr]
        service.add_indicator(session=session, promise=promise, values={
            "ind_typ": "manuell", "ind_namn": "Andel trygga", "ind_period": "tertial",
            "ind_riktning": "higher", "ind_bas_varde": "60"},
            category_codes=[], area_codes=[], allowed_categories=set(), allowed_areas=set())
        service.add_aterkoppling(session=session, promise=promise, user_id=None, values={
            "ater_datum": "2026-10-01", "ater_kanal": "Webb", "ater_vad": "Läget i parken"})
        return promise.id, atagande.title  # type: ignore[return-value,union-attr]


def test_analyst_corrects_and_removes_a_promise(live, live_server, page):  # type: ignore[no-untyped-def]
    promise_id, _ = _plant(live)
    url = f"{live_server}/medborgarloften/{promise_id}"
    email, password = DEMO_PASSWORDS["analytiker"]
    log_in(page, live_server, email, password)
    page.goto(url)
    assert page.locator("main").inner_text().count("6 av 10 trygghetsvandringar, 60 %") == 1

    # Target 10 -> 12, after an error that is named next to the field with the input kept.
    page.click("a:has-text('Ändra åtagandet')")
    assert page.locator("#atagande_mal").input_value() == "10"
    assert axe_violations(page) == []
    page.fill("#atagande_mal", "tolv")
    page.click("button:has-text('Spara åtagandet')")
    assert page.locator("#atagande_mal-fel").inner_text() == "Målet måste vara ett heltal."
    assert page.locator("#atagande_mal").input_value() == "tolv"
    assert axe_violations(page) == []
    screenshot(page, "promise-atagande-edit-errors")
    page.fill("#atagande_mal", "12")
    page.click("button:has-text('Spara åtagandet')")
    assert "6 av 12 trygghetsvandringar, 50 %" in page.locator("main").inner_text()

    # The wrongly logged 2 goes: 4 of 12 is 33 %.
    page.click("summary:has-text('Logg (2)')")
    page.get_by_role("button", name="Ta bort aktiviteten 2026-09-01, 2 trygghetsvandringar").click()
    main = page.locator("main").inner_text()
    assert "Aktiviteten är borttagen ur loggen." in main
    assert "4 av 12 trygghetsvandringar, 33 %" in main and "Logg (1)" in main
    assert axe_violations(page) == []
    screenshot(page, "promise-follow-up-after-removal")

    page.click("a:has-text('Ändra indikatorn')")
    assert page.locator("#ind_bas_varde").input_value() == "60"
    assert axe_violations(page) == []
    page.click("text=Avbryt")

    page.click("a:has-text('Ändra medborgarlöftet')")
    assert page.locator("#titel").input_value() == "Trygg park"
    assert axe_violations(page) == []
    page.fill("#titel", "Tryggare park")
    page.click("button:has-text('Spara ändringarna')")
    assert page.locator("h1").inner_text() == "Tryggare park"

    page.set_viewport_size({"width": 320, "height": 640})
    page.click("a:has-text('Avsluta eller ta bort')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 800})
    main = page.locator("main").inner_text()
    assert "1 åtagande med 1 loggad aktivitet" in main and "1 loggad återkoppling" in main
    assert axe_violations(page) == []
    screenshot(page, "promise-delete-confirm")
    page.click("button:has-text('Ta bort medborgarlöftet')")
    page.wait_for_url("**/medborgarloften?borttaget=1")
    assert "Medborgarlöftet är borttaget." in page.locator("main").inner_text()
    assert page.locator("table a", has_text="Tryggare park").count() == 0
    assert axe_violations(page) == []
    assert page.blocked_requests == []


def test_removal_works_without_javascript(live, live_server, browser):  # type: ignore[no-untyped-def]
    promise_id, _ = _plant(live)
    context = browser.new_context(locale="sv-SE", java_script_enabled=False)
    try:
        page = context.new_page()
        email, password = DEMO_PASSWORDS["analytiker"]
        log_in(page, live_server, email, password)
        page.goto(f"{live_server}/medborgarloften/{promise_id}")
        assert "Senaste återkoppling: 2026-10-01." in page.locator("main").inner_text()
        page.get_by_role("button", name="Ta bort återkopplingen 2026-10-01 via Webb").click()
        main = page.locator("main").inner_text()
        assert "Återkopplingen är borttagen." in main and "Senaste återkoppling: ingen ännu." in main
    finally:
        context.close()
