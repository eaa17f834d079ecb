"""A kommun, identified by its SCB code; every kommun-owned row points here."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from api.core.time import utcnow


class Kommun(SQLModel, table=True):
    __tablename__ = "kommun"

    code: str = Field(primary_key=True, min_length=4, max_length=4)
    name: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow)
