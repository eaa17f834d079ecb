"""A small week of reports in Örebro (1880) for the review tests, inserted row by row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import pytest
from sqlmodel import Session, select

from api.areas import service as area_service
from api.areas.models import Area
from api.categories.models import Category
from api.reports.models import Report

WEEK = "2026-W47"  # 2026-11-16 .. 2026-11-22


def category_id(session: Session, kommun: str, code: str) -> int:
    return session.exec(
        select(Category.id).where(Category.kommun_code == kommun, Category.code == code)
    ).one()


def area_id(session: Session, kommun: str, code: str) -> int:
    area_set = area_service.active_area_set(session=session, kommun_code=kommun)
    return session.exec(select(Area.id).where(Area.area_set_id == area_set.id, Area.code == code)).one()


@dataclass
class Week:
    original: Report       # klotter, area A, school
    duplicate: Report      # same event from the housing company, flagged as a duplicate of `original`
    masked: Report         # skadegörelse, area D, personnummer masked
    kommun_level: Report   # no area, police feed, report_count 3
    last_week: Report      # 2026-W46: never in this week's inbox
    other_kommun: Report   # Alingsås, same week


def _report(session: Session, kommun: str, category: str, day: date, **values) -> Report:  # type: ignore[no-untyped-def]
    report = Report(kommun_code=kommun, category_id=category_id(session, kommun, category),
                    observed_date=day, source=values.pop("source", "form"), **values)
    session.add(report)
    session.flush()
    return report


@pytest.fixture()
def week(session, world) -> Week:  # type: ignore[no-untyped-def]
    school, housing = world.organisations["1880"]
    original = _report(session, "1880", "klotter", date(2026, 11, 16), observed_time=time(10, 0),
                       area_id=area_id(session, "1880", "1880A"), organisation_id=school.id,
                       place_text="Skolgården", description="Klotter på gaveln")
    duplicate = _report(session, "1880", "klotter", date(2026, 11, 16), observed_time=time(10, 20),
                        area_id=area_id(session, "1880", "1880A"), organisation_id=housing.id,
                        place_text="Skolgården", description="Nytt klotter på skolans gavel",
                        source="import", suspected_duplicate_of_id=original.id)
    masked = _report(session, "1880", "skadegorelse", date(2026, 11, 18),
                     area_id=area_id(session, "1880", "1880D"), organisation_id=school.id,
                     description="Krossad ruta, [personnummer borttaget]", personnummer_masked=True)
    kommun_level = _report(session, "1880", "misshandel", date(2026, 11, 20), source="police_feed",
                           report_count=3, description="Misshandel, Örebro")
    last_week = _report(session, "1880", "klotter", date(2026, 11, 15),
                        area_id=area_id(session, "1880", "1880A"), organisation_id=school.id)
    other = _report(session, "1489", "klotter", date(2026, 11, 17),
                    organisation_id=world.organisations["1489"][0].id, description="Alingsås")
    session.commit()
    return Week(original, duplicate, masked, kommun_level, last_week, other)
