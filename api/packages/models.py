"""Kvartalsanalys packages: one row per generated package (period, filter, who, when, checksum)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from api.core.time import utcnow


class AnalysisPackage(SQLModel, table=True):
    __tablename__ = "analysis_package"

    id: int | None = Field(default=None, primary_key=True)
    kommun_code: str = Field(foreign_key="kommun.code", index=True, max_length=4)
    period: str = Field(max_length=10, index=True, description="2026-Q3 or 2026-T2")
    filter_json: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=20)  # pending, running, done, failed
    progress: int = Field(default=0, description="percent done, for the status page")
    message: str = Field(default="", sa_column=Column(Text, nullable=False))
    artefact_path: str = Field(default="", max_length=500, description="relative to the data directory")
    checksum: str = Field(default="", max_length=64, description="SHA-256 of the ZIP")
    size_bytes: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(default="system", max_length=320)
    finished_at: datetime | None = None
