"""Issue 14 item 4 in a real browser: the analyst's checklist leads from the start page to the inbox
(bulk approve), to the draft and to publishing with a confirmation; desktop and a 360 px phone."""

from __future__ import annotations

import re

import pytest

from analysis.weeks import shift_week
from api.demo.loader import DEMO_PASSWORDS
from tests.e2e.conftest import axe_violations, log_in, screenshot

pytestmark = [pytest.mark.dates, pytest.mark.e2e]


def _assert_clean(page) -> None:  # type: ignore[no-untyped-def]
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["html"][:200] for n in v["nodes"]]) for v in violations]


def _check_both_widths(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """axe-clean and no sideways scrolling on a desktop and on a 360 px phone; a screenshot of each."""
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        _assert_clean(page)
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], (width, widths)
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_checklist_inbox_bulk_approve_publish_with_confirmation(live, page, clock):  # type: ignore[no-untyped-def]
    due = shift_week(clock.week_label(), -1)
    email, password = DEMO_PASSWORDS["analytiker"]
    log_in(page, live.url, email, password)

    # 1. The start page shows last week's steps.
    checklist = page.locator(".checklist")
    assert f"({due})" in checklist.locator("h2").inner_text()
    steps = checklist.locator(".checklist-steps li")
    assert steps.count() == 4
    _check_both_widths(page, "checklist-start")

    # 2. Granska opens the due week's inbox; check two new reports and approve them in one go.
    page.click("#steg-granska a")
    page.wait_for_url(re.compile(rf".*/granska/{due}$"))
    page.goto(f"{live.url}/granska/{due}?status=ny")
    boxes = page.locator("input[type=checkbox][form=massatgard]")
    assert boxes.count() >= 2  # the demo leaves last week's reports for the analyst
    if boxes.count() >= 2:
        ids = [boxes.nth(i).get_attribute("value") for i in range(2)]
        for i in range(2):
            boxes.nth(i).check()
        page.select_option("#massa-atgard", "godkann")
        page.click("button:has-text('Utför på markerade')")
        page.wait_for_url(re.compile(r".*utfort=markerade-godkann.*"))
        assert "2 markerade rapporter godkändes." in page.locator("[role=status]").inner_text()
        for report_id in ids:
            assert page.locator(f"#rapport-{report_id}").count() == 0  # no longer "ny"
    # Keyboard: j moves to the first row, k stays on it; the help text is visible.
    assert page.locator("#kortkommandon").is_visible()
    if page.locator("tr.inbox-row").count():
        page.locator("h1").click()
        page.keyboard.press("j")
        assert page.locator("tr.inbox-row.current").count() == 1
    _check_both_widths(page, "checklist-inbox")

    # 3. From the inbox to the draft, publish: with reports left, the app asks first.
    page.goto(f"{live.url}/granska/{due}")
    page.click("#till-lagesbild")
    page.wait_for_url(re.compile(rf".*/lagesbild/{due}.*"))
    if page.locator("button:has-text('Skapa ny version')").count():  # another browser test published it
        page.click("button:has-text('Skapa ny version')")
        page.wait_for_url(re.compile(r".*version=\d+"))
    page.click("button:has-text('Spara och publicera')")
    page.wait_for_load_state("load")
    assert page.locator("button:has-text('Publicera ändå')").count() == 1  # reports are left: it asks
    if page.locator("button:has-text('Publicera ändå')").count():
        assert "Publicera vecka" in page.locator("h1").inner_text()
        assert re.search(r"\d+ rapporter är inte granskade", page.locator("#att-bekrafta").inner_text())
        _check_both_widths(page, "checklist-confirm")
        page.click("button:has-text('Publicera ändå')")
    page.wait_for_url("**publicerad=1**")

    # 4. The job moves on: the checklist is on this week now.
    page.goto(f"{live.url}/start")
    assert f"({clock.week_label()})" in page.locator(".checklist h2").inner_text()
