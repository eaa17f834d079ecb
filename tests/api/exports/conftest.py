"""A week of reports in kommun 1880 (2026-W47) and, on request, its published lägesbild."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from api.areas.models import Area
from api.categories.models import Category
from api.lagesbild import service as lagesbild_service
from api.lagesbild.compose import week_query
from api.reports.models import Report

WEEK = "2026-W47"
MONDAY = date(2026, 11, 16)


def add_report(session, world, category, day, *, area=None, kommun="1880", **fields):  # type: ignore[no-untyped-def]
    """One report straight into the table (the ingestion path is tested elsewhere)."""
    category_id = session.exec(
        select(Category.id).where(Category.kommun_code == kommun, Category.code == category)
    ).one()
    area_id = session.exec(select(Area.id).where(Area.code == area)).first() if area else None
    values = {"report_count": 1, "source": "form", "review_status": "godkand",
              "organisation_id": world.organisations[kommun][0].id, **fields}
    report = Report(kommun_code=kommun, category_id=category_id, observed_date=day, area_id=area_id,
                    **values)
    session.add(report)
    session.flush()
    return report


@pytest.fixture()
def week_reports(session, world):  # type: ignore[no-untyped-def]
    """A: klotter 1 + 2, skadegörelse 1; B: klotter 1; kommun level: klotter 1. C and D: nothing."""
    add_report(session, world, "klotter", MONDAY, area="1880A", x=510_500.0, y=6_570_500.0)
    add_report(session, world, "klotter", date(2026, 11, 18), area="1880A", report_count=2)
    add_report(session, world, "skadegorelse", date(2026, 11, 19), area="1880A")
    add_report(session, world, "klotter", date(2026, 11, 20), area="1880B")
    add_report(session, world, "klotter", date(2026, 11, 21))
    session.commit()
    return WEEK


def publish_week(session, world, *, statuses=None, motiveringar=None, texts=None):  # type: ignore[no-untyped-def]
    """Draft, save statuses and texts, and publish 2026-W47 as the analyst; the published row."""
    analyst = world.user("analytiker")
    draft = lagesbild_service.draft_lagesbild(session=session, kommun_code="1880", week=WEEK,
                                              created_by=analyst.email)
    query = week_query("1880", WEEK)
    snapshot = lagesbild_service.view(session=session, lagesbild=draft, query=query)
    data = lagesbild_service.DraftInput(statuses=statuses or {}, motiveringar=motiveringar or {},
                                        **(texts or {}))
    assert lagesbild_service.save_draft(session=session, lagesbild=draft, snapshot=snapshot,
                                        data=data, user_id=analyst.id, query=query) == {}
    lagesbild_service.publish(session=session, lagesbild=draft, query=query, user=analyst)
    session.commit()
    return draft
