"""A local account's TOTP secret (encrypted), its recovery codes (hashed) and the kommun's requirement."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from api.core.time import utcnow


class UserTotp(SQLModel, table=True):
    """The user's authenticator: enabled once a code from it has been verified."""

    __tablename__ = "user_totp"

    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    # Fernet-encrypted with a key derived from LAGESBILD_SECRET_KEY (api.core.sealing); never in clear.
    secret_encrypted: str = Field(max_length=500)
    enabled_at: datetime | None = None
    # The last 30-second step a login used: a code is accepted once (no replay within its window).
    last_used_step: int | None = None
    created_at: datetime = Field(default_factory=utcnow)


class UserRecoveryCode(SQLModel, table=True):
    """One of the ten codes shown once at enrolment; argon2-hashed, usable once."""

    __tablename__ = "user_recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    code_hash: str = Field(max_length=255)
    used_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class KommunMfaPolicy(SQLModel, table=True):
    """Whether the kommun requires a second factor of its analytiker, polis and admin accounts."""

    __tablename__ = "kommun_mfa_policy"

    kommun_code: str = Field(foreign_key="kommun.code", primary_key=True, max_length=4, ondelete="CASCADE")
    require_totp: bool = False
    updated_at: datetime = Field(default_factory=utcnow)
