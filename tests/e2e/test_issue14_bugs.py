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
    assert axe_violations(page) == []
