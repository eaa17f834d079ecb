"""The one query object behind the map, the tables, the CSV and the packages.

The same `ReportQuery` always gives the same reports frame (docs/data-contract.md), so every view of
a filter agrees. Scoping to what the principal may see is applied here, not in each view: the
kommun, an inrapportör's organisation, and a sensitive category's free text (`free_text_columns`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, and_, case, literal, select
from sqlmodel import Session

from api.areas.models import Area
from api.categories.models import Category
from api.reports.models import Report
from api.users.principal import Principal

COUNTED_STATUSES = ("ny", "godkand")
#: Who may read a sensitive category's free text (sexualbrott), and only inside Lägesbild:
#: no export carries it, whoever asks. Its counts are shown like any other category's.
SENSITIVE_TEXT_ROLES = frozenset({"analytiker"})


@dataclass(frozen=True)
class ReportQuery:
    """Filters: period, areas, categories, sources, organisations and review status."""

    kommun_code: str
    first_date: date
    last_date: date
    area_codes: tuple[str, ...] = ()
    category_codes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    organisation_ids: tuple[int, ...] = ()
    review_statuses: tuple[str, ...] = COUNTED_STATUSES
    # A report merged into another (duplicate_of_id) is one event: count it once.
    include_merged_duplicates: bool = False

    @classmethod
    def for_weeks(cls, kommun_code: str, first_monday: date, weeks: int = 1, **filters: object) -> ReportQuery:
        """The query for `weeks` ISO weeks starting on a Monday."""
        return cls(kommun_code, first_monday, first_monday + timedelta(days=7 * weeks - 1), **filters)  # type: ignore[arg-type]

    def scoped_to(self, principal: Principal) -> ReportQuery:
        """The query limited to what the principal may see (kommun; an inrapportör's organisation)."""
        query = replace(self, kommun_code=principal.kommun_code)
        if principal.role in ("inrapportor", "api_token"):
            query = replace(query, organisation_ids=(principal.organisation_id,))  # type: ignore[arg-type]
        return query

    def as_filter(self) -> dict[str, object]:
        """A JSON-friendly description for the audit log and artefact metadata."""
        values = asdict(self)
        values["first_date"] = self.first_date.isoformat()
        values["last_date"] = self.last_date.isoformat()
        return {key: list(value) if isinstance(value, tuple) else value for key, value in values.items()}


def may_read_sensitive_text(principal: Principal | None) -> bool:
    """Whether the principal may read a sensitive category's free text (None: an export)."""
    return principal is not None and principal.role in SENSITIVE_TEXT_ROLES


def free_text_columns(principal: Principal | None = None) -> list[ColumnElement[str]]:
    """The report's free text (place text, description) for a select joined with category.

    Empty for a sensitive category unless the principal may read it; exports pass no principal,
    so what leaves Lägesbild never carries a sensitive category's text.
    """
    report, category = Report.__table__, Category.__table__  # type: ignore[attr-defined]
    if may_read_sensitive_text(principal):
        return [report.c.place_text, report.c.description]
    return [
        case((category.c.sensitive.is_(True), literal("")), else_=column).label(column.name)
        for column in (report.c.place_text, report.c.description)
    ]


REPORT_FRAME_COLUMNS = [
    "report_id", "kommun_code", "area_code", "category_code", "observed_date", "observed_hour",
    "source", "organisation_id", "report_count", "x", "y", "is_context",
]


def query_conditions(query: ReportQuery) -> list[ColumnElement[bool]]:
    """The query's WHERE clause over report, area (outer-joined) and category.

    Every reader of report rows (the frame below, the streamed CSV) filters with exactly this.
    """
    report, area, category = Report.__table__, Area.__table__, Category.__table__  # type: ignore[attr-defined]
    conditions = [
        report.c.kommun_code == query.kommun_code,
        report.c.observed_date >= query.first_date,
        report.c.observed_date <= query.last_date,
    ]
    if query.review_statuses:
        conditions.append(report.c.review_status.in_(query.review_statuses))
    if not query.include_merged_duplicates:
        conditions.append(report.c.duplicate_of_id.is_(None))
    if query.sources:
        conditions.append(report.c.source.in_(query.sources))
    if query.organisation_ids:
        conditions.append(report.c.organisation_id.in_(query.organisation_ids))
    if query.category_codes:
        conditions.append(category.c.code.in_(query.category_codes))
    if query.area_codes:
        conditions.append(area.c.code.in_(query.area_codes))
    return conditions


def reports_frame(*, session: Session, query: ReportQuery) -> pd.DataFrame:
    """The reports matching the query as the contract's reports frame."""
    report, area, category = Report.__table__, Area.__table__, Category.__table__  # type: ignore[attr-defined]
    conditions = query_conditions(query)
    statement = (
        select(
            report.c.id.label("report_id"),
            report.c.kommun_code,
            area.c.code.label("area_code"),
            category.c.code.label("category_code"),
            report.c.observed_date,
            report.c.observed_time,
            report.c.source,
            report.c.organisation_id,
            report.c.report_count,
            report.c.x,
            report.c.y,
            category.c.is_context,
        )
        .select_from(report)
        .join(category, category.c.id == report.c.category_id)
        .outerjoin(area, area.c.id == report.c.area_id)
        .where(and_(*conditions))
        .order_by(report.c.id)
    )
    # Plain tuples: building the frame from Row objects is markedly slower in pandas.
    rows = [tuple(row) for row in session.connection().execute(statement)]
    frame = pd.DataFrame(rows, columns=[
        "report_id", "kommun_code", "area_code", "category_code", "observed_date", "observed_time",
        "source", "organisation_id", "report_count", "x", "y", "is_context",
    ])
    frame["report_id"] = frame["report_id"].astype("int64")
    frame["observed_date"] = pd.to_datetime(frame["observed_date"]).astype("datetime64[ns]")
    frame["observed_hour"] = pd.array(
        [t.hour if t is not None and not pd.isna(t) else None for t in frame.pop("observed_time")],
        dtype="Int64",
    )
    frame["organisation_id"] = pd.array(frame["organisation_id"], dtype="Int64")
    frame["report_count"] = frame["report_count"].astype("int64")
    frame["x"] = frame["x"].astype(float).fillna(np.nan)
    frame["y"] = frame["y"].astype(float).fillna(np.nan)
    frame["is_context"] = frame["is_context"].astype(bool)
    frame["area_code"] = frame["area_code"].astype(object).where(frame["area_code"].notna(), None)
    return frame[REPORT_FRAME_COLUMNS]


def categories_frame(*, session: Session, kommun_code: str) -> pd.DataFrame:
    """The kommun's categories as the contract's categories frame."""
    rows = session.connection().execute(
        select(
            Category.__table__.c.code,  # type: ignore[attr-defined]
            Category.__table__.c.name,  # type: ignore[attr-defined]
            Category.__table__.c.severity,  # type: ignore[attr-defined]
            Category.__table__.c.is_context,  # type: ignore[attr-defined]
            Category.__table__.c.active,  # type: ignore[attr-defined]
        )
        .where(Category.__table__.c.kommun_code == kommun_code)  # type: ignore[attr-defined]
        .order_by(Category.__table__.c.sort_order)  # type: ignore[attr-defined]
    ).all()
    return pd.DataFrame(rows, columns=["category_code", "category_name", "severity", "is_context", "active"])
