"""The week as the EST group runs it, in one browser session: the analyst merges a flagged duplicate in
the inbox, sets an area's status with a motivering and publishes; the granskare then opens the
published map (Leaflet, one path per area)."""

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
OREBRO_AREAS = 36


def _flagged_pair(live, last_monday) -> tuple[str, int, int]:  # type: ignore[no-untyped-def]
    """A week at or before `last_monday` with a planted duplicate, flagged as store_records would."""
    monday = last_monday
    for _ in range(12):
        sunday = monday + timedelta(days=6)
        with live.database.transaction() as session:
            in_week = (Report.kommun_code == "1880", Report.observed_date >= monday, Report.observed_date <= sunday)
            ids = list(session.exec(select(Report.id).where(*in_week)))
            report_service.flag_likely_duplicates(session=session, kommun_code="1880", report_ids=ids)
            flagged = session.exec(
                select(Report).where(
                    *in_week, Report.suspected_duplicate_of_id != None, Report.duplicate_of_id == None  # noqa: E711
                ).order_by(Report.id)
            ).first()
            if flagged is not None:
                year, number, _ = monday.isocalendar()
                return f"{year}-W{number:02d}", flagged.id, flagged.suspected_duplicate_of_id  # type: ignore[return-value]
        monday -= timedelta(days=7)
    pytest.fail("no demo week with a planted duplicate")


def _counted(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.locator("#counted").inner_text())


def test_merge_assess_publish_then_granskare_sees_the_map(live, page, clock):
    # Two weeks before the clock's week, so this flow does not share a week with other tests.
    start = clock.monday() - timedelta(days=14)
    week, duplicate_id, original_id = _flagged_pair(live, start)
    email, password = DEMO_PASSWORDS["analytiker"]
    log_in(page, live.url, email, password)

    # 1. Review: merge the flagged duplicate, keeping both reports and the link.
    page.goto(f"{live.url}/granska/{week}?flaggade=1")
    before = _counted(page)
    page.locator(f"#rapport-{duplicate_id}").get_by_role("link", name=re.compile("Jämför och slå ihop")).click()
    page.click(f"text=Slå ihop: rapport {duplicate_id} är en dubblett av rapport {original_id}")
    page.wait_for_url(re.compile(r".*utfort=sammanslagen.*"))
    assert _counted(page) == before - 1
    screenshot(page, "flow-1-merged")

    # 2. Assess: override one area's suggested status, with a motivering, and publish.
    page.goto(f"{live.url}/lagesbild/{week}")
    # The demo's history has published this week already: the correction is a new version.
    if page.locator("button:has-text('Skapa ny version')").count():
        page.click("button:has-text('Skapa ny version')")
        page.wait_for_url(re.compile(r".*version=\d+"))
    page.wait_for_selector("#lagesbild-map[data-ready='1']", timeout=15_000)
    first = page.locator(".lb-assessment").first
    suggested = first.locator("select option").first.inner_text()
    choice = "orange" if "orange" not in suggested else "gul"
    first.locator("select").select_option(choice)
    first.locator("textarea").fill("Sammanslagen dubblett; läget bedöms av gruppen")
    page.click("button:has-text('Spara och publicera')")
    # Unreviewed reports or unassessed areas: publishing asks first (issue 14).
    page.wait_for_load_state("load")
    if page.locator("button:has-text('Publicera ändå')").count():
        page.click("button:has-text('Publicera ändå')")
    page.wait_for_url("**publicerad=1**")
    area_name = page.locator(".lb-assessment-title").first.inner_text().split(" (")[0]
    screenshot(page, "flow-2-published")
    page.click("button:has-text('Logga ut')")

    # 3. The BRÅ group's granskare sees the published map.
    email, password = DEMO_PASSWORDS["granskare"]
    log_in(page, live.url, email, password)
    page.goto(f"{live.url}/lagesbild/{week}")
    page.wait_for_selector("#lagesbild-map[data-ready='1']", timeout=15_000)
    assert page.locator("#lagesbild-map.leaflet-container").count() == 1
    assert page.locator("#lagesbild-map .leaflet-overlay-pane svg path").count() == OREBRO_AREAS
    assessment = page.locator("#lagesbedomning").inner_text()
    assert area_name in assessment and "Sammanslagen dubblett; läget bedöms av gruppen" in assessment
    assert axe_violations(page) == []
    assert page.blocked_requests == []
    screenshot(page, "flow-3-granskare-map")
    with live.database.session() as session:
        merged = session.get(Report, duplicate_id)
        assert merged is not None and merged.duplicate_of_id == original_id  # both kept, linked
