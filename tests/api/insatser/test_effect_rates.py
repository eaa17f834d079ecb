"""The effect page over unequal periods: weekly rates, never raw totals side by side (issue 14.7)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from api.core.clock import Clock
from api.insatser.effects import insats_evaluation
from tests.api.insatser.test_effects import START, _add_reports, _insats
from tests.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates

# 371 days after the start (53 weeks); "before" is capped at 182 days (26 weeks).
TODAY = START + timedelta(days=370)


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock.fixed(TODAY)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture()
def halved_over_a_year(world, session):  # type: ignore[no-untyped-def]
    """1880A: one report a day for 26 weeks before, one every other day for 53 weeks after.

    Totals 182 before and 186 after look like a rise; per week it is 7,0 -> 3,5, a halving,
    while B-D stay at one a day each (21,0 a week together) in both periods.
    """
    view = _insats(session, ["1880A"])
    before_start = START - timedelta(days=182)
    assert before_start == date(2025, 12, 1)
    _add_reports(session, {"1880A": 1, "1880B": 1, "1880C": 1, "1880D": 1},
                 before_start, START - timedelta(days=1))
    _add_reports(session, {"1880A": 2, "1880B": 1, "1880C": 1, "1880D": 1}, START, TODAY)
    session.commit()
    return view


def test_rates_over_26_and_53_weeks_agree_with_the_estimate(world, session, halved_over_a_year):  # type: ignore[no-untyped-def]
    effect = insats_evaluation(session=session, kommun_code="1880", insats_id=halved_over_a_year.id,
                               today=TODAY).effect
    assert effect is not None
    assert (effect.weeks_before, effect.weeks_after) == (26, 53)
    assert (effect.treated_before, effect.treated_after) == (182, 186)  # ceil(371 / 2) = 186
    assert (effect.comparison_before, effect.comparison_after) == (3 * 182, 3 * 371)
    assert effect.treated_before_per_week == pytest.approx(7.0)
    assert effect.treated_after_per_week == pytest.approx(186 / 53)  # 3.509
    assert effect.comparison_before_per_week == effect.comparison_after_per_week == pytest.approx(21)
    # (186/53 / 7) / (21 / 21) = 0.50135: the estimate, -49.9 %
    assert effect.rate_ratio == pytest.approx((186 / 53 / 7) / 1.0)
    assert round(effect.effect_pct) == -50


def test_the_page_shows_weekly_rates_and_no_unequal_totals(client, world, session, halved_over_a_year):  # type: ignore[no-untyped-def]
    login(client, world.user("analytiker").email, PASSWORD)
    page = client.get(f"/insatser/{halved_over_a_year.id}/effekt")
    assert page.status_code == 200
    text = _text(page.text)
    section = text[text.index("Uppmätt förändring"):text.index("Rapporter per område och vecka")]
    assert "Före (26 veckor) Under/ efter (53 veckor) Ändring" in section
    assert "Insatsområden (1) 7,0 3,5 −50 %" in section
    assert "Jämförelseområden (3) 21,0 21,0 oförändrat" in section
    assert "0,50 / 1,00 = 0,50, alltså −50 %" in section
    # The raw totals over 26 against 53 weeks appear nowhere: 182 -> 186 and 546 -> 1113.
    for total in ("182", "186", "546", "1113", "1 113"):
        assert not re.search(rf"(?<![\d,]){total}(?![\d,])", section), total
