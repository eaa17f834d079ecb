"""The audit trail: logins, denied access, every read and export of report data. Append-only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from api.core.time import utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    # The admin's log page filters a kommun's events newest first; the table grows with every read.
    # The login delay counts one account's recent failures on every attempt (users.login_throttle).
    __table_args__ = (
        Index("ix_audit_event_kommun_code_occurred_at", "kommun_code", "occurred_at"),
        Index("ix_audit_event_actor_action_occurred_at", "actor", "action", "occurred_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(default_factory=utcnow, index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    actor: str = Field(max_length=200, description="user e-mail, 'token:<id>' or 'system'")
    action: str = Field(max_length=50, index=True)
    object_type: str = Field(default="", max_length=50)
    object_id: str = Field(default="", max_length=100)
    kommun_code: str | None = Field(default=None, max_length=4)
    filter: str = Field(default="", max_length=4000, description="JSON of the query filter")
    purpose: str = Field(default="", max_length=1000)
    ip: str = Field(default="", max_length=64)
