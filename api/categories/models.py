"""The observation taxonomy, editable per kommun (never forked in code)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from api.core.time import utcnow


class Category(SQLModel, table=True):
    __tablename__ = "category"
    __table_args__ = (UniqueConstraint("kommun_code", "code", name="uq_category_kommun_code"),)

    id: int | None = Field(default=None, primary_key=True)
    kommun_code: str = Field(foreign_key="kommun.code", index=True, max_length=4)
    code: str = Field(max_length=50)
    name: str = Field(max_length=200)
    help_text: str = Field(default="", max_length=500)
    parent_id: int | None = Field(default=None, foreign_key="category.id")
    is_context: bool = False
    # Sensitive (sexualbrott): free text is shown to analysts only and never exported; counts are
    # shown like any other category. Enforced in api/reports/query.py, not page by page.
    sensitive: bool = False
    severity: float = 1.0
    active: bool = True
    sort_order: int = 0


class CategoryMapping(SQLModel, table=True):
    """An organisation's own word for a category ("Narkotika misstänkt" → narkotika), chosen once.

    Used by that organisation's file imports and API submissions before the category names.
    """

    __tablename__ = "category_mapping"
    __table_args__ = (
        UniqueConstraint("organisation_id", "text_key", name="uq_category_mapping_organisation_text"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    text_key: str = Field(max_length=200)  #: ingest.values.normalise_key of the text
    text: str = Field(max_length=200)  #: the text as the organisation first wrote it
    category_id: int = Field(foreign_key="category.id", index=True)
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_by: str = Field(default="", max_length=200)  #: actor, e.g. "kommandoraden"
    created_at: datetime = Field(default_factory=utcnow)
