"""The kommun's editable mapping from police event `type` to its categories."""

from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class PoliceTypeMapping(SQLModel, table=True):
    __tablename__ = "police_type_mapping"
    __table_args__ = (
        UniqueConstraint("kommun_code", "police_type", name="uq_police_type_mapping_kommun_type"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kommun_code: str = Field(foreign_key="kommun.code", index=True, max_length=4)
    police_type: str = Field(max_length=100)
    category_code: str | None = Field(default=None, max_length=50, description="None: not imported")


class BrottskodMapping(SQLModel, table=True):
    """The kommun's own choice for a brottskod (over `ingest.brottskoder`'s defaults)."""

    __tablename__ = "brottskod_mapping"
    __table_args__ = (
        UniqueConstraint("kommun_code", "brottskod", name="uq_brottskod_mapping_kommun_code"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kommun_code: str = Field(foreign_key="kommun.code", index=True, max_length=4)
    brottskod: str = Field(max_length=10)
    # The rubricering as the police wrote it, kept from the file that brought an unknown code.
    brottskod_text: str = Field(default="", max_length=200)
    category_code: str | None = Field(default=None, max_length=50, description="None: not imported")
