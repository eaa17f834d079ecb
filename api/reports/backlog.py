"""The review backlog: how many of a week's reports still wait for the analyst."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, func, select

from api.reports.models import Report, ReviewStatus


def unreviewed_count(*, session: Session, kommun_code: str, monday: date) -> int:
    """Reports of the week still waiting for review (ny and not merged into another)."""
    return int(session.exec(
        select(func.count()).select_from(Report).where(
            Report.kommun_code == kommun_code, Report.review_status == ReviewStatus.ny,
            col(Report.duplicate_of_id).is_(None),
            Report.observed_date >= monday, Report.observed_date <= monday + timedelta(days=6),
        )
    ).one())
