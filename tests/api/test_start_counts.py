"""The start page's numbers come from the one ReportQuery: the same as the lägesbild's map (issue 14)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from api.lagesbild import compose as compose_module
from api.statistics import service as statistics
from tests.api.lagesbild.helpers import add_report
from tests.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates  # "this week" is the suite's today


def _figure(html: str, label: str) -> str:
    match = re.search(rf"<dt>{label}</dt><dd>([^<]+)</dd>", html)
    assert match, f"no figure {label}"
    return match.group(1)


def _this_week(session, world, test_today):  # type: ignore[no-untyped-def]
    """Counted: 2 klotter in A + 1 (count 3) at kommun level = 5. Not counted: rejected, skollov, merged."""
    from api.reports.models import Report

    school, housing = world.organisations["1880"]
    monday = test_today - timedelta(days=test_today.weekday())
    kept = add_report(session, "klotter", monday, square="A", org=school.id)
    add_report(session, "klotter", monday, square="A", org=school.id)
    add_report(session, "skadegorelse", monday, square=None, org=school.id, count=3)
    rejected = add_report(session, "klotter", monday, square="B", org=housing.id, count=4)
    rejected.review_status = "avvisad"
    add_report(session, "skollov", monday, square=None, org=school.id, count=7)
    merged = add_report(session, "klotter", monday, square="A", org=school.id)
    merged.duplicate_of_id = kept.id
    session.add_all([rejected, merged])
    session.commit()
    assert len(session.exec(select(Report)).all()) == 6
    return monday


def test_the_start_page_counts_what_the_map_counts(client, world, session, test_today):  # type: ignore[no-untyped-def]
    monday = _this_week(session, world, test_today)
    # Last week published: the analyst's start page is on this week (the due week).
    from api.lagesbild.models import Lagesbild

    last = (monday - timedelta(days=7)).isocalendar()
    session.add(Lagesbild(kommun_code="1880", iso_week=f"{last[0]}-W{last[1]:02d}", status="publicerad"))
    session.commit()
    login(client, "analytiker@1880.example", PASSWORD)
    page = client.get("/start").text
    assert _figure(page, "Observationer") == "5"
    # Housing's only report was rejected: it still reported (as the lägesbild's completeness says).
    assert _figure(page, "Organisationer som rapporterat") == "2 av 2"
    label = "{}-W{:02d}".format(*monday.isocalendar()[:2])
    overview = statistics.week_overview(session=session, query=compose_module.week_query("1880", label), week=label)
    assert overview.total == 5
    # The map's numbers for the same week: its areas plus the kommun level.
    map_data = client.get(f"/lagesbild/{label}/kartdata.json").json()
    assert {a["code"]: a["count"] for a in map_data["areas"] if a["count"]} == {"1880A": 2}
    assert sum(a["count"] for a in map_data["areas"]) + overview.kommun_level_count == 5


def test_the_reporters_start_page_counts_its_own_counted_reports(client, world, session, test_today):  # type: ignore[no-untyped-def]
    _this_week(session, world, test_today)
    login(client, "inrapportor@1880.example", PASSWORD)  # the school's reporter
    page = client.get("/start").text
    assert _figure(page, "Er organisations observationer") == "5"
    assert "Ni har inte rapporterat" not in page
