"""Issue 14: the effect page names one number of comparison areas, in its sentence and its table."""

from __future__ import annotations

import re
from datetime import date

import pytest

from api.core.clock import Clock
from tests.api.insatser.test_effects import START, _add_reports, _insats
from tests.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates

TODAY = date(2026, 8, 23)


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock.fixed(TODAY)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_comparison_area_without_reports_is_counted_the_same_everywhere(client, world, session):  # type: ignore[no-untyped-def]
    # 1880D has no reports at all: it is still one of the three comparison areas.
    view = _insats(session, ["1880A"])
    _add_reports(session, {"1880A": 1, "1880B": 1, "1880C": 1}, date(2026, 3, 9), date(2026, 5, 31))
    _add_reports(session, {"1880A": 2, "1880B": 1, "1880C": 1}, START, TODAY)
    session.commit()
    login(client, world.user("analytiker").email, PASSWORD)
    text = _text(client.get(f"/insatser/{view.id}/effekt").text)
    sentence = re.search(r"Jämförelse med (\d+) andra områden", text)
    row = re.search(r"Jämförelseområden \((\d+)\)", text)
    assert sentence and row
    assert sentence.group(1) == row.group(1) == "3"
    assert "(2 av dem hade rapporter under perioderna)" in text
    # 12 weeks each side: 84 -> 42 and 168 -> 168 reports, as rates per week.
    assert "Insatsområden (1) 7,0 3,5" in text
    assert "Jämförelseområden (3) 14,0 14,0" in text
