"""A kommun, identified by its SCB code; every kommun-owned row points here."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from api.core.time import utcnow


class Kommun(SQLModel, table=True):
    __tablename__ = "kommun"

    code: str = Field(primary_key=True, min_length=4, max_length=4)
    name: str = Field(max_length=100)
    # The kommun's own rhythm for the analysis package: kvartal (default) or tertial.
    period_kind: str = Field(default="kvartal", max_length=10, sa_column_kwargs={"server_default": "kvartal"})
    # Gallring per the kommun's informationshanteringsplan: free text is removed from reports older than
    # this many months while the counts remain. None = no automatic gallring.
    retention_months: int | None = Field(default=None, ge=1)
    created_at: datetime = Field(default_factory=utcnow)
