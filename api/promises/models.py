"""Medborgarlöften: the promise, its areas, åtaganden with a log, indicators and återkoppling."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.core.time import utcnow

PROMISE_STATUSES = {"utkast": "Utkast", "aktivt": "Aktivt", "avslutat": "Avslutat"}
DIRECTIONS = {"lower": "Lägre är bättre", "higher": "Högre är bättre"}
INDICATOR_KINDS = {"rapporter": "Beräknad från rapporter", "manuell": "Manuell"}


class Medborgarlofte(SQLModel, table=True):
    """A medborgarlöfte as published: kommun and police promise, for a period."""

    __tablename__ = "medborgarlofte"
    __table_args__ = (
        CheckConstraint("period_end_date >= period_start_date",
                        name="period_order"),
        CheckConstraint("aterkoppling_interval_days > 0",
                        name="aterkoppling_interval"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kommun_code: str = Field(foreign_key="kommun.code", index=True, max_length=4)
    title: str = Field(max_length=200)
    promise_text: str = Field(default="", sa_column=Column(Text, nullable=False))
    parties: str = Field(default="", max_length=300)
    period_start_date: date
    period_end_date: date
    status: str = Field(default="aktivt", max_length=20)
    aterkoppling_interval_days: int = Field(default=90)
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")


class MedborgarlofteArea(SQLModel, table=True):
    """Where the löfte applies: area codes (stable across area-set versions)."""

    __tablename__ = "medborgarlofte_area"

    medborgarlofte_id: int = Field(foreign_key="medborgarlofte.id", primary_key=True,
                                   ondelete="CASCADE")
    area_code: str = Field(primary_key=True, max_length=50)


class Atagande(SQLModel, table=True):
    """An activity with a target, e.g. 10 trygghetsvandringar."""

    __tablename__ = "atagande"
    __table_args__ = (CheckConstraint("target_count > 0", name="target_positive"),)

    id: int | None = Field(default=None, primary_key=True)
    kommun_code: str = Field(foreign_key="kommun.code", index=True, max_length=4)
    medborgarlofte_id: int = Field(foreign_key="medborgarlofte.id", index=True,
                                   ondelete="CASCADE")
    title: str = Field(max_length=200)
    target_count: int
    unit: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow)


class AtagandeLog(SQLModel, table=True):
    """Activity done towards an åtagande on a day."""

    __tablename__ = "atagande_log"
    __table_args__ = (CheckConstraint("done_count > 0", name="count_positive"),)

    id: int | None = Field(default=None, primary_key=True)
    kommun_code: str = Field(foreign_key="kommun.code", index=True, max_length=4)
    atagande_id: int = Field(foreign_key="atagande.id", index=True, ondelete="CASCADE")
    done_date: date
    done_count: int
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")


class LofteIndicator(SQLModel, table=True):
    """How a löfte is measured: computed from reports, or entered by hand ("manuell")."""

    __tablename__ = "lofte_indicator"
    __table_args__ = (
        CheckConstraint("kind IN ('rapporter', 'manuell')", name="kind"),
        CheckConstraint("direction IN ('lower', 'higher')", name="direction"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kommun_code: str = Field(foreign_key="kommun.code", index=True, max_length=4)
    medborgarlofte_id: int = Field(foreign_key="medborgarlofte.id", index=True,
                                   ondelete="CASCADE")
    kind: str = Field(max_length=20)
    name: str = Field(max_length=200)
    unit: str = Field(default="", max_length=100)
    # Report-based: comma-separated codes (empty area list: the whole kommun).
    category_codes: str = Field(default="", sa_column=Column(Text, nullable=False))
    area_codes: str = Field(default="", sa_column=Column(Text, nullable=False))
    period: str = Field(default="quarter", max_length=20)
    baseline_start_date: date | None = None
    baseline_end_date: date | None = None
    baseline_value: float | None = None
    target_value: float | None = None
    direction: str = Field(default="lower", max_length=10)
    created_at: datetime = Field(default_factory=utcnow)


class LofteIndicatorValue(SQLModel, table=True):
    """A manual indicator's value for one period (label like 2026-Q3 or 2026)."""

    __tablename__ = "lofte_indicator_value"
    __table_args__ = (
        UniqueConstraint("lofte_indicator_id", "period_label",
                         name="uq_lofte_indicator_value_period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kommun_code: str = Field(foreign_key="kommun.code", index=True, max_length=4)
    lofte_indicator_id: int = Field(foreign_key="lofte_indicator.id", index=True,
                                    ondelete="CASCADE")
    period_label: str = Field(max_length=20)
    value: float
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")


class Aterkoppling(SQLModel, table=True):
    """What was told to citizens about the löfte, when and through which channel."""

    __tablename__ = "aterkoppling"

    id: int | None = Field(default=None, primary_key=True)
    kommun_code: str = Field(foreign_key="kommun.code", index=True, max_length=4)
    medborgarlofte_id: int = Field(foreign_key="medborgarlofte.id", index=True,
                                   ondelete="CASCADE")
    aterkoppling_date: date
    channel: str = Field(max_length=100)
    communicated: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
