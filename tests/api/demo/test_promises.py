"""The demo kommun's two medborgarlöften: stored through the promise service, followed up as of DEMO today."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from api.areas.models import Area
from api.categories.models import Category
from api.demo.loader import load_demo
from api.promises.follow_up import aterkoppling_overview, follow_up_view
from api.promises.models import Medborgarlofte
from api.promises.service import ataganden, indicators, list_promises
from api.reports.models import Report
from api.users.principal import Principal

DEMO_TODAY = date(2026, 11, 18)
VIVALLA_AND_NEIGHBOURS = ["1880R018", "1880R022", "1880R029"]  # Lundby, Nya Hjärsta-Nyponlunden, Vivalla

pytestmark = pytest.mark.slow


@pytest.fixture()
def demo(session):  # type: ignore[no-untyped-def]
    load_demo(session=session, today=DEMO_TODAY, progress=lambda _: None)
    session.commit()
    return {p.title: p for p in list_promises(session=session, kommun_code="1880")}


def _principal() -> Principal:
    return Principal(role="analytiker", kommun_code="1880", kommun_codes=["1880"], actor="test")


def _plain_count(session, category: str, areas: list[str], first: date, last: date) -> int:  # type: ignore[no-untyped-def]
    return session.exec(
        select(func.count()).select_from(Report)
        .join(Category, col(Category.id) == Report.category_id)
        .join(Area, col(Area.id) == Report.area_id)
        .where(Report.kommun_code == "1880", Category.code == category, col(Area.code).in_(areas),
               col(Report.observed_date) >= first, col(Report.observed_date) <= last)
    ).one()


def test_the_demo_has_two_promises_with_their_ataganden_indicators_and_aterkopplingar(demo, session):  # type: ignore[no-untyped-def]
    assert sorted(demo) == ["Lugnare kvällar i Varberga", "Tryggare Vivalla centrum"]
    vivalla, varberga = demo["Tryggare Vivalla centrum"], demo["Lugnare kvällar i Varberga"]
    for promise in (vivalla, varberga):
        # "The current year": 2026 for the demo's today.
        assert (promise.period_start_date, promise.period_end_date) == (date(2026, 1, 1), date(2026, 12, 31))
        assert promise.status == "aktivt" and promise.aterkoppling_interval_days == 90
        assert "Polisen lokalpolisområde Örebro" in promise.parties and "Örebro kommun" in promise.parties
    assert "ÖBO" in vivalla.parties

    view = follow_up_view(session=session, principal=_principal(), promise=vivalla, today=DEMO_TODAY)
    assert view.area_codes == VIVALLA_AND_NEIGHBOURS
    done = {c.atagande.title: c.text for c in view.completions}
    # Walks every six weeks from 2026-01-21 up to a week before today: 7 of them.
    assert done["Trygghetsvandringar i Vivalla centrum"] == "7 av 10 trygghetsvandringar, 70 %"
    walks = view.completions[0].log
    assert [w.done_date for w in walks][:2] == [date(2026, 1, 21), date(2026, 3, 4)]
    assert walks[-1].done_date == date(2026, 9, 30)
    # Monthly sanering counts January–October (9+7+11+8+12+10+6+9+11+8).
    assert done["Klottersanering inom 24 timmar"] == "91 av 100 saneringar inom 24 timmar, 91 %"
    assert done["Ny belysning på mörka platser"] == "9 av 12 belysningspunkter, 75 %"
    assert len(ataganden(session, varberga)) == 2

    for promise in (vivalla, varberga):
        kinds = [(i.kind, i.direction, i.period) for i in indicators(session, promise)]
        assert kinds == [("rapporter", "lower", "quarter"), ("manuell", "higher", "quarter")]
    survey = view.indicators[1]
    assert survey.rows == [("2026-Q2", 62.0), ("2026-Q3", 66.0)]
    assert survey.result is not None and survey.result.baseline == 58.0 and survey.result.target == 65.0
    assert [a.aterkoppling_date for a in view.aterkopplingar] == [
        date(2026, 7, 21), date(2026, 4, 16), date(2026, 1, 15)]  # newest first


def test_one_aterkoppling_is_overdue_and_the_other_on_time_on_demo_today(demo, session):  # type: ignore[no-untyped-def]
    vivalla = follow_up_view(session=session, principal=_principal(), promise=demo["Tryggare Vivalla centrum"],
                             today=DEMO_TODAY).aterkoppling
    varberga = follow_up_view(session=session, principal=_principal(),
                              promise=demo["Lugnare kvällar i Varberga"], today=DEMO_TODAY).aterkoppling
    # Last on 2026-07-21 (120 days before today) + 90 days: due 2026-10-19, overdue.
    assert (vivalla.last_date, vivalla.due_date, vivalla.overdue) == (date(2026, 7, 21), date(2026, 10, 19), True)
    # Last on 2026-10-19 (30 days before today) + 90 days: due 2027-01-17, on time.
    assert (varberga.last_date, varberga.due_date, varberga.overdue) == (date(2026, 10, 19), date(2027, 1, 17), False)
    overview = aterkoppling_overview(session=session, kommun_code="1880", today=DEMO_TODAY)
    assert sorted(s.overdue for _, s in overview) == [False, True]


def test_the_report_indicator_baseline_is_a_plain_count_of_the_demo_reports(demo, session):  # type: ignore[no-untyped-def]
    vivalla = demo["Tryggare Vivalla centrum"]
    indicator = indicators(session, vivalla)[0]
    assert indicator.category_codes == "skadegorelse"
    assert indicator.area_codes == ",".join(VIVALLA_AND_NEIGHBOURS)
    assert (indicator.baseline_start_date, indicator.baseline_end_date) == (date(2025, 1, 1), date(2025, 12, 31))
    count = _plain_count(session, "skadegorelse", VIVALLA_AND_NEIGHBOURS, date(2025, 1, 1), date(2025, 12, 31))
    assert count > 100  # skadegörelse clusters in Vivalla
    view = follow_up_view(session=session, principal=_principal(), promise=vivalla, today=DEMO_TODAY)
    result = view.indicators[0].result
    assert result is not None
    assert result.baseline == pytest.approx(count / 4)  # mean per quarter of 2025
    assert indicator.target_value == pytest.approx(round(0.8 * count / 4, 1))  # −20 %
    assert [p for p, _ in view.indicators[0].rows][-3:] == ["2026-Q1", "2026-Q2", "2026-Q3"]
    q3 = _plain_count(session, "skadegorelse", VIVALLA_AND_NEIGHBOURS, date(2026, 7, 1), date(2026, 9, 30))
    assert view.indicators[0].rows[-1] == ("2026-Q3", float(q3))

    varberga = demo["Lugnare kvällar i Varberga"]
    indicator = indicators(session, varberga)[0]
    codes = indicator.area_codes.split(",")
    assert indicator.category_codes == "ungdomssamling" and len(codes) == 1
    assert session.exec(select(Area.name).where(Area.code == codes[0])).one().startswith("Varberga")
    count = _plain_count(session, "ungdomssamling", codes, date(2025, 1, 1), date(2025, 12, 31))
    assert count > 0
    assert indicator.target_value == pytest.approx(round(0.8 * count / 4, 1))


def test_the_demo_promises_follow_any_today(session):  # type: ignore[no-untyped-def]
    """Another today: the löften still contain it and the overdue/on-time pair still holds."""
    today = date(2027, 1, 20)
    load_demo(session=session, today=today, progress=lambda _: None)
    promises = session.exec(select(Medborgarlofte).where(Medborgarlofte.kommun_code == "1880")).all()
    assert len(promises) == 2
    for promise in promises:
        assert (promise.period_start_date, promise.period_end_date) == (date(2026, 4, 1), date(2027, 3, 31))
    overview = aterkoppling_overview(session=session, kommun_code="1880", today=today)
    assert {p.title: s.overdue for p, s in overview} == {
        "Tryggare Vivalla centrum": True, "Lugnare kvällar i Varberga": False}


@pytest.mark.dates
def test_the_demo_promises_follow_the_suites_today(session, test_today):  # type: ignore[no-untyped-def]
    """On the suite's day (any day): each löfte is a year from a quarter's first day and contains it."""
    load_demo(session=session, today=test_today, progress=lambda _: None)
    promises = session.exec(select(Medborgarlofte).where(Medborgarlofte.kommun_code == "1880")).all()
    assert len(promises) == 2
    for promise in promises:
        start, end = promise.period_start_date, promise.period_end_date
        assert start.day == 1 and start.month in (1, 4, 7, 10) and start <= test_today <= end
        assert end == date(start.year + 1, start.month, 1) - timedelta(days=1)  # twelve months
    overview = aterkoppling_overview(session=session, kommun_code="1880", today=test_today)
    assert {p.title: s.overdue for p, s in overview} == {
        "Tryggare Vivalla centrum": True, "Lugnare kvällar i Varberga": False}
