"""Each scheduled or on-demand run is a row, so a re-run is safe and visible."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from api.core.time import utcnow


class JobRun(SQLModel, table=True):
    __tablename__ = "job_run"

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=100, index=True)
    kommun_code: str | None = Field(default=None, foreign_key="kommun.code", max_length=4)
    period: str = Field(default="", max_length=50)
    status: str = Field(default="running", max_length=20)
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    artefact: str = Field(default="", max_length=1000)
    message: str = Field(default="", max_length=4000)
    triggered_by: str = Field(default="scheduler", max_length=200)


class SchedulerHeartbeat(SQLModel, table=True):
    """The running scheduler's sign of life: one row per installation, rewritten every minute.

    `/healthz` reports its age; the row stays when the scheduler stops, so the age keeps growing.
    """

    __tablename__ = "scheduler_heartbeat"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: int = Field(default=1, primary_key=True)
    host: str = Field(default="", max_length=255)
    pid: int = 0
    started_at: datetime
    beat_at: datetime
