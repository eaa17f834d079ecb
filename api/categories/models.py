"""The observation taxonomy, editable per kommun (never forked in code)."""

from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


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
