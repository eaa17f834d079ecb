"""Organisations that report (schools, socialtjänst, housing companies, väktare, the police …)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from api.core.time import utcnow


class OrganisationType(StrEnum):
    skola = "skola"
    socialtjanst = "socialtjanst"
    fastighetsbolag = "fastighetsbolag"
    polis = "polis"
    bevakning = "bevakning"
    kommunal_forvaltning = "kommunal_forvaltning"
    raddningstjanst = "raddningstjanst"
    ovrig = "ovrig"


ORGANISATION_TYPE_LABELS = {
    OrganisationType.skola: "Skola",
    OrganisationType.socialtjanst: "Socialtjänst",
    OrganisationType.fastighetsbolag: "Fastighetsbolag",
    OrganisationType.polis: "Polis",
    OrganisationType.bevakning: "Bevakning",
    OrganisationType.kommunal_forvaltning: "Kommunal förvaltning",
    OrganisationType.raddningstjanst: "Räddningstjänst",
    OrganisationType.ovrig: "Övrig",
}


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"
    __table_args__ = (UniqueConstraint("kommun_code", "name", name="uq_organisation_kommun_name"),)

    id: int | None = Field(default=None, primary_key=True)
    kommun_code: str = Field(foreign_key="kommun.code", index=True, max_length=4)
    name: str = Field(max_length=200)
    type: str = Field(max_length=40)
    expected_to_report: bool = True
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
