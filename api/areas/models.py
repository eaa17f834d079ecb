"""Area sets (DeSO, RegSO or the kommun's own EST-områden), their polygons and the gazetteer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.core.time import utcnow


class AreaSet(SQLModel, table=True):
    """One version of a kommun's areas; exactly one set per kommun is active."""

    __tablename__ = "area_set"
    __table_args__ = (
        UniqueConstraint("kommun_code", "name", "version", name="uq_area_set_kommun_name_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kommun_code: str = Field(foreign_key="kommun.code", index=True, max_length=4)
    name: str = Field(max_length=200)
    version: int = 1
    source: str = Field(default="", max_length=500)
    active: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class Area(SQLModel, table=True):
    """A polygon in EPSG:3006, stored as WKB so SQLite and PostgreSQL give the same answers."""

    __tablename__ = "area"
    __table_args__ = (UniqueConstraint("area_set_id", "code", name="uq_area_set_code"),)

    id: int | None = Field(default=None, primary_key=True)
    area_set_id: int = Field(foreign_key="area_set.id", index=True, ondelete="CASCADE")
    code: str = Field(max_length=50)
    name: str = Field(max_length=200)
    geometry_wkb: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    # Optional denominator for rates (SCB's population, imported with `lagesbild areas population`).
    population: int | None = Field(default=None, ge=0)
    population_year: int | None = None
    # Where the population comes from, shown wherever it is used ("Källa: SCB"; the demo kommun's
    # invented figures say "Demo: påhittade invånartal").
    population_source: str | None = Field(default=None, max_length=200)


class Place(SQLModel, table=True):
    """A gazetteer entry: people report places by name."""

    __tablename__ = "place"
    __table_args__ = (UniqueConstraint("kommun_code", "name", name="uq_place_kommun_name"),)

    id: int | None = Field(default=None, primary_key=True)
    kommun_code: str = Field(foreign_key="kommun.code", index=True, max_length=4)
    name: str = Field(max_length=200)
    aliases: str = Field(default="", max_length=2000, description="'|'-separated alternative names")
    x: float | None = None
    y: float | None = None
    area_id: int | None = Field(default=None, foreign_key="area.id", ondelete="SET NULL")
