"""Shared test data for the lägesbild tests: reports in the world's 2x2 squares of kommun 1880."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlmodel import Session, select

from api.areas.models import Area
from api.categories.models import Category
from api.reports.models import Report

WEEK = "2026-W47"
MONDAY = date(2026, 11, 16)
# A point inside each 1 km square (EPSG:3006).
SQUARE_POINTS = {"A": (510_500.0, 6_570_500.0), "B": (511_500.0, 6_570_500.0), "D": (511_500.0, 6_571_500.0)}


def category(session: Session, code: str) -> Category:
    return session.exec(select(Category).where(Category.kommun_code == "1880", Category.code == code)).one()


def add_report(
    session: Session, category_code: str, day: date, *, square: str | None, org: int | None,
    count: int = 1, description: str = "", hour: int | None = None,
) -> Report:
    area_id = None
    x = y = None
    if square:
        area_id = session.exec(select(Area.id).where(Area.code == f"1880{square}")).first()
        x, y = SQUARE_POINTS.get(square, (510_500.0, 6_571_500.0))
    report = Report(
        kommun_code="1880", category_id=category(session, category_code).id or 0, observed_date=day,
        observed_time=time(hour, 15) if hour is not None else None, organisation_id=org,
        area_id=area_id, x=x, y=y, report_count=count, source="form", review_status="godkand",
        description=description,
    )
    session.add(report)
    session.flush()
    return report


def week_of_reports(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    """One klotter a week in A for 12 weeks, then this week 5 klotter in A, 2 in D, 1 kommun level."""
    school = world.organisations["1880"][0].id
    for back in range(1, 13):
        add_report(session, "klotter", MONDAY - timedelta(weeks=back), square="A", org=school)
    for _ in range(5):
        add_report(session, "klotter", MONDAY + timedelta(days=2), square="A", org=school, hour=21,
                   description="Hemligt: Kalle Anka syntes")
    add_report(session, "klotter", MONDAY + timedelta(days=1), square="D", org=school, count=2)
    add_report(session, "klotter", MONDAY, square=None, org=school)
    session.commit()
