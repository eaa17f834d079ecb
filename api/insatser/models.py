"""Insatser: what is being done, where, when, by whom, against which problems."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from api.core.time import utcnow


class InsatsType(StrEnum):
    belysning = "belysning"
    vaktarrondering = "vaktarrondering"
    faltarbete = "faltarbete"
    klottersanering = "klottersanering"
    trygghetsvandring = "trygghetsvandring"
    social_insats = "social_insats"
    ovrig = "ovrig"


INSATS_TYPE_LABELS = {
    InsatsType.belysning: "Belysning",
    InsatsType.vaktarrondering: "Väktarrondering",
    InsatsType.faltarbete: "Fältarbete",
    InsatsType.klottersanering: "Klottersanering",
    InsatsType.trygghetsvandring: "Trygghetsvandring",
    InsatsType.social_insats: "Social insats",
    InsatsType.ovrig: "Övrig insats",
}


class InsatsStatus(StrEnum):
    planerad = "planerad"
    pagaende = "pagaende"
    avslutad = "avslutad"


class Insats(SQLModel, table=True):
    __tablename__ = "insats"

    id: int | None = Field(default=None, primary_key=True)
    kommun_code: str = Field(foreign_key="kommun.code", index=True, max_length=4)
    title: str = Field(max_length=200)
    type: str = Field(max_length=40)
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    start_date: date
    end_date: date | None = None
    responsible_organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    status: str = Field(default=InsatsStatus.planerad, max_length=20)
    notes: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")


class InsatsArea(SQLModel, table=True):
    """Where: area codes (stable across area-set versions)."""

    __tablename__ = "insats_area"

    insats_id: int = Field(foreign_key="insats.id", primary_key=True, ondelete="CASCADE")
    area_code: str = Field(primary_key=True, max_length=50)


class InsatsCategory(SQLModel, table=True):
    """Which categories (problems) the insats targets."""

    __tablename__ = "insats_category"

    insats_id: int = Field(foreign_key="insats.id", primary_key=True, ondelete="CASCADE")
    category_code: str = Field(primary_key=True, max_length=50)


class InsatsUppfoljning(SQLModel, table=True):
    """The analyst's qualitative follow-up of an insats, next to the measured effect."""

    __tablename__ = "insats_uppfoljning"

    id: int | None = Field(default=None, primary_key=True)
    insats_id: int = Field(foreign_key="insats.id", index=True, ondelete="CASCADE")
    note: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
