"""In a real browser: the analyst merges a flagged duplicate in the review inbox and sees the week's
count drop by one, undoes it, and registers an insats; axe finds no WCAG 2.1 AA violations."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from api.demo.loader import DEMO_PASSWORDS
from api.reports import service as report_service
from api.reports.models import Report
from tests.e2e.conftest import axe_violations, log_in, screenshot

pytestmark = [pytest.mark.dates, pytest.mark.e2e]


@pytest.fixture()
def flagged_week(live, clock) -> tuple[str, int, int]:  # type: ignore[no-untyped-def]
    """A demo week with a planted duplicate, flagged the way store_records flags new reports.

    The demo loader inserts its reports directly, without duplicate flagging.
    """
    database = live.database
    monday = clock.monday()
    for _ in range(12):
        sunday = monday + timedelta(days=6)
        with database.transaction() as session:
            in_week = select(Report.id).where(
                Report.kommun_code == "1880", Report.observed_date >= monday,
                Report.observed_date <= sunday)
            report_service.flag_likely_duplicates(
                session=session, kommun_code="1880", report_ids=list(session.exec(in_week)))
            flagged = session.exec(
                select(Report).where(
                    Report.kommun_code == "1880", Report.observed_date >= monday,
                    Report.observed_date <= sunday, Report.suspected_duplicate_of_id != None,  # noqa: E711
                    Report.duplicate_of_id == None)  # noqa: E711
                .order_by(Report.id)
            ).first()
            if flagged is not None:
                year, number, _ = monday.isocalendar()
                return f"{year}-W{number:02d}", flagged.id, flagged.suspected_duplicate_of_id  # type: ignore[return-value]
        monday -= timedelta(days=7)
    pytest.fail("no demo week with a planted duplicate in the last 12 weeks")


@pytest.fixture()
def analyst_page(live_server, page):  # type: ignore[no-untyped-def]
    email, password = DEMO_PASSWORDS["analytiker"]
    log_in(page, live_server, email, password)
    return page


def _counted(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.locator("#counted").inner_text())


def test_merge_a_flagged_duplicate_changes_the_count(live_server, analyst_page, flagged_week):  # type: ignore[no-untyped-def]
    page = analyst_page
    week, duplicate_id, original_id = flagged_week
    page.goto(f"{live_server}/granska/{week}")
    before = _counted(page)
    assert axe_violations(page) == []
    screenshot(page, "review-inbox")

    page.check("#f-flaggade")
    page.click("text=Filtrera")
    page.wait_for_url(re.compile(rf".*/granska/{week}\?.*flaggade=1.*"))
    row = page.locator(f"#rapport-{duplicate_id}")
    assert f"Möjlig dubblett av {original_id}" in row.inner_text()
    # Keyboard: the row's actions are native links, buttons and summaries, reached with Tab.
    row.get_by_role("link", name=re.compile("Jämför och slå ihop")).focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").startswith("Ändra")
    assert page.evaluate("document.activeElement.closest('tr').id") == f"rapport-{duplicate_id}"
    assert axe_violations(page) == []
    screenshot(page, "review-inbox-flagged")

    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf".*/rapport/{duplicate_id}/sammanslagning\?med={original_id}.*"))
    assert page.locator(f"#rubrik-{duplicate_id}").is_visible()
    assert page.locator(f"#rubrik-{original_id}").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "review-merge-compare")
    page.click(f"text=Slå ihop: rapport {duplicate_id} är en dubblett av rapport {original_id}")
    page.wait_for_url(re.compile(rf".*/granska/{week}\?.*utfort=sammanslagen.*"))
    assert f"Rapport {duplicate_id} är sammanslagen" in page.locator("[role=status]").inner_text()
    assert _counted(page) == before - 1
    assert f"Sammanslagen med {original_id}" in page.locator(f"#rapport-{duplicate_id}").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "review-inbox-merged")

    page.locator(f"#rapport-{duplicate_id}").get_by_role("button", name=re.compile("Ångra")).click()
    page.wait_for_url(re.compile(rf".*/granska/{week}\?.*utfort=ater.*"))
    assert _counted(page) == before
    assert page.blocked_requests == []


def test_reject_without_reason_is_refused_next_to_the_field(live_server, analyst_page, clock):  # type: ignore[no-untyped-def]
    page = analyst_page
    page.goto(f"{live_server}/granska/{clock.week_label()}")
    row = page.locator("tbody tr").first
    row_id = row.get_attribute("id").removeprefix("rapport-")
    row.locator("summary", has_text="Avvisa").click()
    row.get_by_role("button", name="Avvisa", exact=True).click()
    error = page.locator(f"#motivering-{row_id}-fel")
    error.wait_for()
    assert error.inner_text() == "Skriv varför rapporten avvisas."
    assert page.locator(f"#motivering-{row_id}").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []
    screenshot(page, "review-reject-error")
    # At 320 px only the table scrolls sideways (allowed for data tables), never the page.
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "review-inbox-320")


def test_register_an_insats(live_server, analyst_page):  # type: ignore[no-untyped-def]
    page = analyst_page
    page.set_viewport_size({"width": 320, "height": 640})
    # Dates after the demo weeks: the live server is shared, other tests' weeks stay as they were.
    page.goto(f"{live_server}/insatser")
    assert axe_violations(page) == []
    page.click("text=Registrera insats")
    page.fill("#titel", "Belysning längs gångvägen")
    page.fill("#startdatum", "2027-01-11")
    page.fill("#slutdatum", "2027-01-01")
    page.click("text=Spara insatsen")
    assert page.locator("#slutdatum-fel").inner_text() == "Slutdatum kan inte vara före startdatum."
    assert page.locator("#typ-fel").is_visible() and page.locator("#omraden-fel").is_visible()
    assert page.locator("#titel").input_value() == "Belysning längs gångvägen"
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "insats-form-errors-320")

    page.select_option("#typ", "belysning")
    page.fill("#slutdatum", "2027-02-28")
    page.check("#omrade-1")
    page.check("#kategori-1")
    page.click("text=Spara insatsen")
    page.wait_for_url(re.compile(r".*/insatser/\d+\?sparad=1"))
    assert page.locator("h1").inner_text() == "Belysning längs gångvägen"
    assert "2027-01-11 – 2027-02-28" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "insats-detail-320")
    page.goto(f"{live_server}/insatser")
    assert "Belysning längs gångvägen" in page.locator("table").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "insats-list-320")
    assert page.blocked_requests == []
