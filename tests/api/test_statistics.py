"""The week overview through the one query object: hand-counted numbers and invariants."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from api.categories.models import Category
from api.reports.models import Nollrapport, Report
from api.reports.query import ReportQuery, reports_frame
from api.statistics import service as statistics

pytestmark = pytest.mark.dates

WEEK_MONDAY = date(2026, 11, 16)  # 2026-W47
SQUARE_POINTS = {"A": (510_500, 6_570_500), "B": (511_500, 6_570_500), "D": (511_500, 6_571_500)}


def _add(session, category_id, day, *, square=None, org, count=1, source="form", status="godkand", duplicate_of=None):
    area_id = None
    if square:
        from api.areas.models import Area

        area_id = session.exec(select(Area.id).where(Area.code == f"1880{square}")).first()
    report = Report(
        kommun_code="1880", category_id=category_id, observed_date=day, organisation_id=org,
        area_id=area_id, report_count=count, source=source, review_status=status,
        duplicate_of_id=duplicate_of,
    )
    session.add(report)
    session.flush()
    return report.id


@pytest.fixture()
def klotter(session, world):
    return session.exec(select(Category).where(Category.kommun_code == "1880", Category.code == "klotter")).one()


def test_week_counts_alert_status_and_completeness(session, world, klotter):
    school, housing = (o.id for o in world.organisations["1880"])
    # Baseline: one klotter report a week in A for the previous 12 weeks.
    for back in range(1, 13):
        _add(session, klotter.id, WEEK_MONDAY - timedelta(weeks=back), square="A", org=school)
    # This week: 9 in A (a surge), 2 in D, 1 at kommun level, plus one rejected and one merged duplicate.
    first = None
    for _ in range(9):
        first = _add(session, klotter.id, WEEK_MONDAY + timedelta(days=2), square="A", org=school)
    _add(session, klotter.id, WEEK_MONDAY, square="D", org=school, count=2, source="police_summary")
    _add(session, klotter.id, WEEK_MONDAY, org=school)
    _add(session, klotter.id, WEEK_MONDAY, square="B", org=school, status="avvisad")
    _add(session, klotter.id, WEEK_MONDAY, square="B", org=housing, duplicate_of=first)
    session.add(Nollrapport(kommun_code="1880", organisation_id=housing, iso_week="2026-W46"))
    session.commit()

    query = ReportQuery.for_weeks("1880", WEEK_MONDAY)
    overview = statistics.week_overview(session=session, query=query, week="2026-W47")
    counts = dict(zip(overview.area_counts.area_code, overview.area_counts["count"], strict=True))
    assert counts == {"1880A": 9, "1880B": 0, "1880C": 0, "1880D": 2}
    assert overview.kommun_level_count == 1
    assert overview.total == 12
    # Invariant: areas plus kommun level equal the frame's summed report_count for the week.
    frame = reports_frame(session=session, query=query)
    assert overview.total == int(frame[~frame.is_context].report_count.sum())
    # Per-cell alpha = 1/(4 areas x 15 counted categories) = 1/60.
    # A: 9 this week of 21 in 13 weeks; mid-p of Binomial(21, 1/13) >= 9 is far below 1/60.
    # D: 2 of 2 in 13 weeks; mid-p = 0.5 * (1/13)^2 = 0.003 < 1/60, so it is an alert too.
    sentences = dict(zip(overview.alerts.area_code, overview.alerts.sentence, strict=True))
    assert sentences == {
        "1880A": "Klotter i Område A: 9 mot normalt 1,0 per vecka",
        "1880D": "Klotter i Område D: 2 mot normalt 0,0 per vecka",
    }
    status = overview.statuses.set_index("area_code").status
    assert status["1880A"] != "grön" and status["1880C"] == "grön"
    completeness = dict(zip(overview.completeness.organisation_id, overview.completeness.status, strict=True))
    # Housing's only report this week was merged into the school's: it reported (the event counts once).
    assert completeness == {school: "reported", housing: "reported"}
    assert "Bostäder Örebro har rapporterat v. 47" in overview.completeness_sentences


def test_an_organisation_whose_only_report_was_rejected_has_reported(session, world, klotter):
    """Issue 14: rejected is not silent; the rejected report is still not counted."""
    school, housing = (o.id for o in world.organisations["1880"])
    _add(session, klotter.id, WEEK_MONDAY, square="A", org=school)
    _add(session, klotter.id, WEEK_MONDAY + timedelta(days=1), square="B", org=housing, status="avvisad")
    session.commit()
    overview = statistics.week_overview(session=session, query=ReportQuery.for_weeks("1880", WEEK_MONDAY),
                                        week="2026-W47")
    completeness = dict(zip(overview.completeness.organisation_id, overview.completeness.status, strict=True))
    assert completeness == {school: "reported", housing: "reported"}
    assert "Bostäder Örebro har rapporterat v. 47" in overview.completeness_sentences
    assert overview.total == 1
    # Silence is still silence: the week after, neither organisation filed anything.
    later = statistics.week_overview(
        session=session, query=ReportQuery.for_weeks("1880", WEEK_MONDAY + timedelta(weeks=1)), week="2026-W48")
    assert set(later.completeness.status) == {"silent"}


def test_scoping_limits_an_inrapportor_to_own_organisation(session, world, klotter):
    from api.users.principal import Principal

    school, housing = (o.id for o in world.organisations["1880"])
    _add(session, klotter.id, WEEK_MONDAY, square="A", org=school)
    _add(session, klotter.id, WEEK_MONDAY, square="A", org=housing)
    session.commit()
    principal = Principal(role="inrapportor", kommun_code="1880", kommun_codes=["1880"], actor="x", organisation_id=school)
    scoped = ReportQuery.for_weeks("1489", WEEK_MONDAY).scoped_to(principal)
    assert scoped.kommun_code == "1880" and scoped.organisation_ids == (school,)
    frame = reports_frame(session=session, query=scoped)
    assert frame.organisation_id.tolist() == [school]


def test_the_cube_reaches_last_years_season(session, world, klotter):
    """The week's cube starts 12 weeks before the same week last year, so the alert uses the season."""
    school, _ = (o.id for o in world.organisations["1880"])
    last_year_w47 = date(2025, 11, 17)
    # Last year: one klotter a week in A for weeks 35–44, then a season of 8 a week in weeks 45–49.
    for back in range(3, 13):
        _add(session, klotter.id, last_year_w47 - timedelta(weeks=back), square="A", org=school)
    for shift in range(-2, 3):
        _add(session, klotter.id, last_year_w47 + timedelta(weeks=shift), square="A", org=school, count=8)
    # This year: one a week for 12 weeks, then 9 in week 47.
    for back in range(1, 13):
        _add(session, klotter.id, WEEK_MONDAY - timedelta(weeks=back), square="A", org=school)
    _add(session, klotter.id, WEEK_MONDAY, square="A", org=school, count=9)
    session.commit()

    query = ReportQuery.for_weeks("1880", WEEK_MONDAY)
    overview = statistics.week_overview(session=session, query=query, week="2026-W47")
    # alert_history_window("2026-W47") starts at 2025-W35: 12 weeks before 2025-W47.
    assert overview.cube.weeks[0] == "2025-W35" == statistics.first_counted_week("2026-W47")
    assert int(overview.cube.values.sum()) == 10 + 5 * 8 + 12 + 9
    alert = overview.alerts.set_index("area_code").loc["1880A"]
    # Last year weeks 45–49 averaged 8 against 26/12 = 2.17 in weeks 35–46: a ratio of 3.7, which
    # is clipped to 2 (shrinkage towards the kommun's ratio cannot lower it: klotter is the only
    # category with reports). Expected this week: 2 × 1.0.
    assert alert["seasonal_ratio"] == pytest.approx(2.0)
    assert alert["expected"] == pytest.approx(2.0)
    assert alert["sentence"].endswith("den här tiden på året")
