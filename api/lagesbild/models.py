"""The weekly lägesbild: a draft the analyst edits, then immutable published versions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.core.time import utcnow


class LagesbildStatus(StrEnum):
    utkast = "utkast"
    publicerad = "publicerad"


class AreaStatus(StrEnum):
    gron = "grön"
    gul = "gul"
    orange = "orange"
    rod = "röd"


class Lagesbild(SQLModel, table=True):
    """One version of a kommun's weekly lägesbild.

    Version 1 starts as a draft; publishing freezes numbers, statuses, texts and map data in
    `snapshot_json`. A later correction is a new version (draft, then published); earlier published
    versions stay as they were, so the history is visible.
    """

    __tablename__ = "lagesbild"
    __table_args__ = (
        UniqueConstraint("kommun_code", "iso_week", "version", name="uq_lagesbild_kommun_week_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kommun_code: str = Field(foreign_key="kommun.code", index=True, max_length=4)
    iso_week: str = Field(max_length=8, index=True)
    version: int = 1
    status: str = Field(default=LagesbildStatus.utkast, max_length=20)
    vad_har_hant: str = Field(default="", sa_column=Column(Text, nullable=False))
    prognos: str = Field(default="", sa_column=Column(Text, nullable=False))
    vad_gors: str = Field(default="", sa_column=Column(Text, nullable=False))
    filter_json: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    snapshot_json: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(default="system", max_length=320)
    published_at: datetime | None = None
    published_by_id: int | None = Field(default=None, foreign_key="user.id")


class AreaAssessment(SQLModel, table=True):
    """Lägesbedömning: the suggested status with its reasons and the analyst's status with motivering."""

    __tablename__ = "area_assessment"
    __table_args__ = (
        UniqueConstraint("lagesbild_id", "area_code", name="uq_area_assessment_lagesbild_area"),
    )

    id: int | None = Field(default=None, primary_key=True)
    lagesbild_id: int = Field(foreign_key="lagesbild.id", index=True, ondelete="CASCADE")
    area_code: str = Field(max_length=50)
    suggested_status: str = Field(max_length=10)
    suggested_reasons_json: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    status: str | None = Field(default=None, max_length=10)
    motivering: str = Field(default="", sa_column=Column(Text, nullable=False))
    assessed_by_id: int | None = Field(default=None, foreign_key="user.id")
    assessed_at: datetime | None = None
