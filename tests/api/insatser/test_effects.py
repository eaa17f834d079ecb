"""Insats evaluation: periods, hand-built counts, and the effect planted in the demo data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import insert
from sqlmodel import select

from analysis.effects import DECREASE, INSUFFICIENT, NO_CLEAR_CHANGE
from api.areas.models import Area
from api.categories.models import Category
from api.insatser import service as insats_service
from api.insatser.effects import insats_evaluation, periods
from api.insatser.models import Insats
from api.reports.models import Report

pytestmark = pytest.mark.dates

START = date(2026, 6, 1)  # a Monday


def test_periods_are_equally_long_and_before_is_capped_at_26_weeks():
    before, after = periods(START, None, date(2026, 6, 28))  # type: ignore[misc]
    assert after == (START, date(2026, 6, 28))
    assert before == (date(2026, 5, 4), date(2026, 5, 31))
    before, after = periods(START, date(2027, 5, 31), date(2027, 12, 1))  # type: ignore[misc]
    assert after == (START, date(2027, 5, 31))
    assert before == (START - timedelta(days=182), date(2026, 5, 31))
    assert periods(START, None, date(2026, 5, 31)) is None


def _insats(session, area_codes, category_codes=("skadegorelse",), start=START):  # type: ignore[no-untyped-def]
    return insats_service.create_insats(
        session=session, kommun_code="1880",
        data=insats_service.InsatsData(title="Sanering", type="klottersanering", start_date=start,
                                       area_codes=list(area_codes),
                                       category_codes=list(category_codes)),
    )


def _add_reports(session, per_area_and_day: dict[str, int], first: date, last: date):  # type: ignore[no-untyped-def]
    """One report per area per `n`-th day (n = value) between first and last inclusive."""
    areas = {a.code: a.id for a in session.exec(select(Area).where(Area.code.like("1880%")))}  # type: ignore[attr-defined]
    category = session.exec(select(Category).where(Category.kommun_code == "1880",
                                                   Category.code == "skadegorelse")).one()
    rows = []
    day = first
    while day <= last:
        for code, every in per_area_and_day.items():
            if (day - first).days % every == 0:
                rows.append({"kommun_code": "1880", "category_id": category.id,
                             "observed_date": day, "area_id": areas[code], "source": "form",
                             "review_status": "godkand", "report_count": 1})
        day += timedelta(days=1)
    session.execute(insert(Report), rows)
    session.flush()


def test_no_claim_before_the_insats_has_started(world, session):
    view = _insats(session, ["1880A"])
    result = insats_evaluation(session=session, kommun_code="1880", insats_id=view.id,
                               today=date(2026, 5, 20))
    assert result.effect is None and result.before is None and result.series == []
    assert "inget kan sägas ännu" in result.text
    assert "2026-06-01" in result.text


def test_no_claim_when_the_after_period_is_too_short(world, session):
    view = _insats(session, ["1880A"])
    result = insats_evaluation(session=session, kommun_code="1880", insats_id=view.id,
                               today=date(2026, 6, 14))
    assert result.effect is None
    assert result.after == (START, date(2026, 6, 14))
    assert "14 dagar" in result.text and "inget kan sägas ännu" in result.text


def test_few_reports_give_underlaget_racker_inte(world, session):
    view = _insats(session, ["1880A"])
    # 1880A: one report every 10th day over 16 weeks before → 12 reports, below the 20 needed.
    _add_reports(session, {"1880A": 10, "1880B": 2, "1880C": 2, "1880D": 2},
                 date(2026, 2, 1), date(2026, 9, 30))
    result = insats_evaluation(session=session, kommun_code="1880", insats_id=view.id,
                               today=date(2026, 7, 26))
    assert result.effect is not None
    assert result.effect.verdict == INSUFFICIENT
    assert result.text.startswith("Underlaget räcker inte")
    assert result.treated_areas == ("1880A",)
    assert result.comparison_areas == ("1880B", "1880C", "1880D")
    # 8 weeks after (2026-06-01 – 2026-07-26), 8 weeks before.
    assert result.before == (date(2026, 4, 6), date(2026, 5, 31))
    assert len(result.series) == 16
    # Comparison areas: one report every other day → 3 or 4 a week per area.
    assert all(3 <= p.comparison_mean <= 4 for p in result.series)


def test_halved_reports_with_three_comparison_areas_is_not_overclaimed(world, session):
    view = _insats(session, ["1880A"])
    _add_reports(session, {"1880A": 1, "1880B": 1, "1880C": 1, "1880D": 1},
                 date(2026, 1, 1), START - timedelta(days=1))
    _add_reports(session, {"1880A": 2, "1880B": 1, "1880C": 1, "1880D": 1},
                 START, date(2026, 8, 23))
    result = insats_evaluation(session=session, kommun_code="1880", insats_id=view.id,
                               today=date(2026, 8, 23))
    effect = result.effect
    assert effect is not None
    # 84 days each side: treated 84 → 42, comparison unchanged: exactly −50 %.
    assert effect.treated_before == 84 and effect.treated_after == 42
    assert round(effect.effect_pct) == -50
    # One treated and three comparison areas leave 2 degrees of freedom: the interval is wide.
    assert effect.df == 2 and effect.ci_high_pct > 0
    assert effect.verdict == NO_CLEAR_CHANGE and "Ingen säker skillnad" in result.text
    assert result.series[0].treated_mean == 7 and result.series[-1].treated_mean in (3, 4)


def test_the_evaluation_shows_the_effect_planted_in_the_demo(session):
    from api.demo._profiles import INSATS_RATE_CHANGE
    from api.demo.loader import load_demo

    load_demo(session=session, today=date(2026, 11, 18), progress=lambda _: None)
    from api.demo._profiles import INSATS_NAME

    # The planted insats (the demo's history adds another, decided at a weekly meeting).
    insats = session.exec(select(Insats).where(Insats.kommun_code == "1880", Insats.title == INSATS_NAME)).one()
    assert insats.status == "pagaende" and insats.type == "klottersanering"
    result = insats_evaluation(session=session, kommun_code="1880", insats_id=insats.id,
                               today=date(2026, 11, 18))
    effect = result.effect
    assert effect is not None
    assert result.category_codes == ("skadegorelse",)
    assert sorted(result.treated_areas) == ["1880R018", "1880R022", "1880R029"]  # Vivalla + 2
    # The insats starts on the Monday halfway through the demo's two years: a full 26-week
    # before-window (2025-05-12 – 2025-11-09) and a year after it, up to the demo's today.
    assert insats.start_date == date(2025, 11, 10)
    assert result.before == (date(2025, 5, 12), date(2025, 11, 9))
    assert result.after == (date(2025, 11, 10), date(2026, 11, 18))
    # The cell is busy: skadegörelse clusters in Vivalla (several reports a week).
    assert effect.treated_before >= 100 and effect.comparison_before >= 400
    # The planted −40 % (rate ratio 0.6) is found: the whole 95 % interval lies below zero, and
    # the estimate lies in a band around −40 % that Poisson noise in this cell allows.
    assert INSATS_RATE_CHANGE == -0.4
    assert effect.verdict == DECREASE
    assert effect.ci_low_pct < effect.effect_pct < effect.ci_high_pct < 0
    assert -55 < effect.effect_pct < -25
    assert effect.confidence == 0.95
    # The reading says it decreased, with the interval, and does not claim the insats caused it.
    text = result.text
    assert text.startswith(
        f"Antalet rapporter i insatsområdena minskade med uppskattningsvis {round(-effect.effect_pct)} %"
    )
    assert (f"95 % konfidensintervall: {round(-effect.ci_low_pct)} % minskning till "
            f"{round(-effect.ci_high_pct)} % minskning)") in text
    assert "jämförelsen visar inte ensam att det var insatsen som orsakade den" in text
    assert "Ingen säker skillnad" not in text and "ökade" not in text
