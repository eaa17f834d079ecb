"""Helpers for the medborgarlöften tests."""

from __future__ import annotations

from sqlmodel import select

from api.areas.models import Area
from api.categories.models import Category
from api.reports.models import Report


def add_report(session, world, category, day, *, area=None, kommun="1880", **fields):  # type: ignore[no-untyped-def]
    """One report straight into the table (the ingestion path is tested elsewhere)."""
    category_id = session.exec(
        select(Category.id).where(Category.kommun_code == kommun, Category.code == category)
    ).one()
    area_id = session.exec(select(Area.id).where(Area.code == area)).first() if area else None
    values = {"report_count": 1, "source": "form", "review_status": "godkand",
              "organisation_id": world.organisations[kommun][0].id, **fields}
    report = Report(kommun_code=kommun, category_id=category_id, observed_date=day,
                    area_id=area_id, **values)
    session.add(report)
    session.flush()
    return report
