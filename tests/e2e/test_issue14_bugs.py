"""Issue 14's bugs that only a real browser shows: widths at 360 px, focus on notices and errors."""

from __future__ import annotations

import pytest
from sqlmodel import select

from api.demo._profiles import INSATS_NAME
from api.demo.loader import DEMO_PASSWORDS
from api.insatser.models import Insats
from tests.e2e.conftest import axe_violations, log_in

pytestmark = [pytest.mark.dates, pytest.mark.e2e]

OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  return Array.from(document.querySelectorAll('body *'))
    .filter(e => e.getBoundingClientRect().right > width + 0.5)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined ? '.' + e.className : '') + ' ' + Math.round(e.getBoundingClientRect().right));
}"""


def test_the_insats_effect_page_fits_a_360_px_phone(live, live_server, page):  # type: ignore[no-untyped-def]
    with live.database.transaction() as session:
        insats_id = session.exec(select(Insats.id).where(Insats.title == INSATS_NAME)).one()
    log_in(page, live_server, *DEMO_PASSWORDS["analytiker"])
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server}/insatser/{insats_id}/effekt")
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1] == 360, page.evaluate(OVERFLOWING)
    # Issue 14.7: weekly rates with both periods' lengths, not totals over unequal periods.
    table = page.locator("#effekt-per-vecka").inner_text()
    assert "per vecka" in table and "veckor)" in table
    assert axe_violations(page) == []


def _in_view_and_focused(page, selector: str) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate(
        """(selector) => {
          const e = document.querySelector(selector);
          if (!e) return false;
          const r = e.getBoundingClientRect();
          return r.top >= 0 && r.bottom <= window.innerHeight && document.activeElement === e;
        }""",
        selector,
    )


def test_saved_notice_and_error_summary_are_in_view_on_a_phone(live_server, page, clock):  # type: ignore[no-untyped-def]
    import json

    from analysis.weeks import iso_week_label

    # This week: a draft no other browser test publishes (last week's is theirs to publish).
    this_week = str(iso_week_label(clock.today()))
    log_in(page, live_server, *DEMO_PASSWORDS["analytiker"])
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(f"{live_server}/lagesbild/{this_week}")
    areas = json.loads(page.locator("#lagesbild-data").text_content())["areas"]
    green = next(a["code"] for a in areas if a["suggested_status"] == "grön")
    # A status against the suggestion without a motivering: the error summary must be seen first.
    page.select_option(f"#status-{green}", "röd")
    page.click("text=Spara utkast")
    page.wait_for_load_state("load")
    assert page.locator(".error-summary").count() == 1
    assert _in_view_and_focused(page, ".error-summary")
    assert axe_violations(page) == []
    # A plain save: the "sparad" notice is what the phone shows.
    page.goto(f"{live_server}/lagesbild/{this_week}")
    page.click("text=Spara utkast")
    page.wait_for_url(lambda url: "sparad=1" in url)
    page.wait_for_load_state("load")
    assert _in_view_and_focused(page, ".notice-ok[role=status]")
