"""A report: one observation (or one aggregate police-summary row), and the weekly nollrapport."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.core.time import utcnow
from ingest.records import MAX_DESCRIPTION_CHARS, MAX_EXTERNAL_ID_CHARS, MAX_PLACE_TEXT_CHARS


class Source(StrEnum):
    form = "form"
    api = "api"
    import_ = "import"
    police_feed = "police_feed"
    police_summary = "police_summary"
    police_offences = "police_offences"


class ReviewStatus(StrEnum):
    ny = "ny"
    godkand = "godkand"
    avvisad = "avvisad"


class ObservedPeriod(StrEnum):
    dag = "dag"
    vecka = "vecka"


class Report(SQLModel, table=True):
    __tablename__ = "report"
    __table_args__ = (
        UniqueConstraint("organisation_id", "external_id", name="uq_report_organisation_external_id"),
        Index("ix_report_kommun_observed_date", "kommun_code", "observed_date"),
        # The duplicate-candidate look-ups of api.reports.service.flag_likely_duplicates.
        Index("ix_report_area_category_date", "area_id", "category_id", "observed_date"),
        Index("ix_report_kommun_category_date_x", "kommun_code", "category_id", "observed_date", "x"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kommun_code: str = Field(foreign_key="kommun.code", max_length=4)
    category_id: int = Field(foreign_key="category.id", index=True)

    observed_date: date
    observed_time: time | None = None
    observed_period: str = Field(default=ObservedPeriod.dag, max_length=10)

    submitted_at: datetime = Field(default_factory=utcnow)
    submitted_by_id: int | None = Field(default=None, foreign_key="user.id")
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)

    area_id: int | None = Field(default=None, foreign_key="area.id", index=True, ondelete="SET NULL")
    x: float | None = None
    y: float | None = None
    place_id: int | None = Field(default=None, foreign_key="place.id", ondelete="SET NULL")
    place_text: str = Field(default="", max_length=MAX_PLACE_TEXT_CHARS)
    description: str = Field(default="", max_length=MAX_DESCRIPTION_CHARS)
    involved_count: int | None = Field(default=None, ge=0)
    report_count: int = Field(default=1, ge=1)

    source: str = Field(max_length=20)
    external_id: str | None = Field(default=None, max_length=MAX_EXTERNAL_ID_CHARS)
    content_hash: str | None = Field(default=None, max_length=64, index=True)
    review_status: str = Field(default=ReviewStatus.ny, max_length=20)
    review_note: str = Field(default="", max_length=1000)
    reviewed_by_id: int | None = Field(default=None, foreign_key="user.id")
    reviewed_at: datetime | None = None
    duplicate_of_id: int | None = Field(default=None, foreign_key="report.id")
    suspected_duplicate_of_id: int | None = Field(default=None, foreign_key="report.id")
    source_url: str = Field(default="", max_length=500)
    personnummer_masked: bool = False
    privacy_flag: bool = False
    # Set when gallring removed the free text (description, place text, review note); counts remain.
    text_removed_at: datetime | None = None


class Nollrapport(SQLModel, table=True):
    """"Inget att rapportera denna vecka": silence and nothing-happened must be distinguishable."""

    __tablename__ = "nollrapport"
    __table_args__ = (
        UniqueConstraint("organisation_id", "iso_week", name="uq_nollrapport_organisation_week"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kommun_code: str = Field(foreign_key="kommun.code", index=True, max_length=4)
    organisation_id: int = Field(foreign_key="organisation.id")
    iso_week: str = Field(max_length=8)
    submitted_at: datetime = Field(default_factory=utcnow)
    submitted_by_id: int | None = Field(default=None, foreign_key="user.id")


class IdempotencyKey(SQLModel, table=True):
    """A retried API request with the same key returns the first result and stores nothing new."""

    __tablename__ = "idempotency_key"
    __table_args__ = (
        UniqueConstraint("organisation_id", "key", name="uq_idempotency_key_organisation_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    key: str = Field(max_length=200)
    request_hash: str = Field(max_length=64)
    status_code: int = 201
    response_json: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
