"""Users, their kommun grants, server-side sessions and per-organisation API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from api.core.time import utcnow


class Role(StrEnum):
    inrapportor = "inrapportor"
    granskare = "granskare"
    analytiker = "analytiker"
    polis = "polis"
    admin = "admin"


ROLE_LABELS = {
    Role.inrapportor: "Inrapportör",
    Role.granskare: "Granskare (BRÅ-grupp)",
    Role.analytiker: "Säkerhetshandläggare",
    Role.polis: "Polis (samverkanspart)",
    Role.admin: "Administratör",
}
# The role in running text ("Anna Berg (säkerhetshandläggare) godkände …"): DOMAIN.md's names.
ROLE_NAMES = {
    Role.inrapportor.value: "inrapportör",
    Role.granskare.value: "granskare",
    Role.analytiker.value: "säkerhetshandläggare",
    Role.polis.value: "polis",
    Role.admin.value: "administratör",
}


class User(SQLModel, table=True):
    __tablename__ = "user"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    email: str = Field(max_length=320, unique=True, index=True)
    role: str = Field(max_length=20)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    active: bool = True
    password_hash: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow)


class UserKommun(SQLModel, table=True):
    """A grant: the user may work in this kommun."""

    __tablename__ = "user_kommun"

    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    kommun_code: str = Field(foreign_key="kommun.code", primary_key=True, max_length=4)


class UserSession(SQLModel, table=True):
    """A server-side login session; the cookie holds a random token, the table only its hash."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    current_kommun_code: str = Field(foreign_key="kommun.code", max_length=4)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None


class ApiToken(SQLModel, table=True):
    """A system integration's credential for one organisation; stored as a SHA-256 hash."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=200)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None


class UserInvitation(SQLModel, table=True):
    """A one-time link with which a new account sets its own password; the table holds only the token's hash."""

    __tablename__ = "user_invitation"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
