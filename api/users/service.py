"""Users, kommun grants, login sessions and API tokens."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from api.audit.models import AuditEvent
from api.core.errors import AppError
from api.core.security import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    new_token,
    token_hash,
    verify_password,
)
from api.core.time import utcnow
from api.users.models import ApiToken, Role, User, UserKommun, UserSession

# Argon2 verification of a dummy hash keeps the time of an unknown e-mail close to a wrong password.
_DUMMY_HASH = hash_password("dummy-password-for-timing")

MAX_FAILED_LOGINS_PER_ACCOUNT = 10
FAILED_LOGIN_WINDOW = timedelta(minutes=15)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    *,
    session: Session,
    name: str,
    email: str,
    password: str,
    role: Role | str,
    kommun_codes: list[str],
    organisation_id: int | None = None,
) -> User:
    """Create an active user granted the given kommuner."""
    role = Role(role)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AppError(f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken.")
    if role == Role.inrapportor and organisation_id is None:
        raise AppError("En inrapportör måste höra till en organisation.")
    if not kommun_codes:
        raise AppError("Användaren måste få tillgång till minst en kommun.")
    email = normalise_email(email)
    if session.exec(select(User).where(User.email == email)).first():
        raise AppError(f"Det finns redan en användare med e-postadressen {email}.")
    user = User(
        name=name.strip(),
        email=email,
        role=role.value,
        organisation_id=organisation_id,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    assert user.id is not None  # assigned by the flush
    for code in sorted(set(kommun_codes)):
        session.add(UserKommun(user_id=user.id, kommun_code=code))
    session.flush()
    return user


def granted_kommuner(*, session: Session, user_id: int) -> list[str]:
    rows = session.exec(
        select(UserKommun.kommun_code).where(UserKommun.user_id == user_id).order_by(
            UserKommun.kommun_code
        )
    )
    return list(rows)


def recent_failed_logins(*, session: Session, email: str, now: datetime) -> int:
    return session.exec(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.action == "login_failed",
            AuditEvent.actor == normalise_email(email),
            col(AuditEvent.occurred_at) >= now - FAILED_LOGIN_WINDOW,
        )
    ).one()


def authenticate(*, session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
    if user is None:
        verify_password(password, _DUMMY_HASH)
        return None
    if not verify_password(password, user.password_hash) or not user.active:
        return None
    return user


def open_session(*, session: Session, user: User, kommun_code: str, hours: int) -> str:
    """Start a server-side session; returns the cookie token (only its hash is stored)."""
    token = new_token()
    now = utcnow()
    session.add(
        UserSession(
            token_hash=token_hash(token),
            user_id=user.id,  # type: ignore[arg-type]
            current_kommun_code=kommun_code,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    session.flush()
    return token


def find_session(*, session: Session, token: str) -> UserSession | None:
    """The live session for a cookie token, or None if unknown, expired or revoked."""
    row = session.exec(select(UserSession).where(UserSession.token_hash == token_hash(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=utcnow().tzinfo)
    if expires <= utcnow():
        return None
    return row


def revoke_session(*, session: Session, user_session: UserSession) -> None:
    user_session.revoked_at = utcnow()
    session.add(user_session)


def create_api_token(*, session: Session, organisation_id: int, name: str) -> tuple[ApiToken, str]:
    """A new API token for an organisation; the clear token is returned once and never stored."""
    token = "lgb_" + new_token()
    row = ApiToken(organisation_id=organisation_id, name=name, token_hash=token_hash(token))
    session.add(row)
    session.flush()
    return row, token


def find_api_token(*, session: Session, token: str) -> ApiToken | None:
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    return row
