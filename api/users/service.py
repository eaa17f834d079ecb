"""Users, kommun grants, login sessions and API tokens."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from api.audit.models import AuditEvent
from api.core.errors import AppError, NotFound
from api.core.security import (
    hash_password,
    new_token,
    token_hash,
    verify_password,
)
from api.core.time import utcnow
from api.organisations.models import Organisation
from api.users import login_throttle
from api.users.models import ApiToken, Role, User, UserKommun, UserSession
from api.users.password_policy import password_problem

# Argon2 verification of a dummy hash keeps the time of an unknown e-mail close to a wrong password.
_DUMMY_HASH = hash_password("dummy-password-for-timing")

UNLOCK_ACTION = login_throttle.UNLOCK_ACTION


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
    problem = password_problem(password, email=normalise_email(email), name=name)
    if problem:
        raise AppError(problem)
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


def account_id(*, session: Session, email: str) -> int | None:
    """The id of the account with this e-mail (any state), or None: who a failed login was aimed at."""
    return session.exec(select(User.id).where(User.email == normalise_email(email))).first()


def authenticate(*, session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
    if user is None:
        verify_password(password, _DUMMY_HASH)
        return None
    if not verify_password(password, user.password_hash) or not may_sign_in(session=session, user=user):
        return None
    return user


def may_sign_in(*, session: Session, user: User) -> bool:
    """An active user whose organisation, if any, is active: deactivating an organisation locks its people out."""
    if not user.active:
        return False
    if user.organisation_id is None:
        return True
    organisation = session.get(Organisation, user.organisation_id)
    return organisation is not None and organisation.active


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


@dataclass(frozen=True)
class ApiTokenUse:
    """A valid API token and its organisation, as one request's authentication reads them."""

    token_id: int
    organisation_id: int
    kommun_code: str
    last_used_at: datetime | None


_TOKENS = ApiToken.__table__  # type: ignore[attr-defined]
_ORGANISATIONS = Organisation.__table__  # type: ignore[attr-defined]
# Built once; one round trip per API request (the token, its organisation, both still valid).
_TOKEN_USE = sa_select(
    _TOKENS.c.id, _TOKENS.c.organisation_id, _ORGANISATIONS.c.kommun_code, _TOKENS.c.last_used_at
).join_from(_TOKENS, _ORGANISATIONS, _ORGANISATIONS.c.id == _TOKENS.c.organisation_id).where(
    _TOKENS.c.token_hash == bindparam("token_hash"), _TOKENS.c.revoked_at.is_(None), _ORGANISATIONS.c.active
)
_TOUCH_TOKEN = _TOKENS.update().where(_TOKENS.c.id == bindparam("token_id")).values(last_used_at=bindparam("now"))


def find_api_token_use(*, session: Session, token: str) -> ApiTokenUse | None:
    """The token's use if it is unrevoked and its organisation active (read fresh on every request)."""
    row = session.connection().execute(_TOKEN_USE, {"token_hash": token_hash(token)}).first()
    return ApiTokenUse(int(row[0]), int(row[1]), row[2], row[3]) if row is not None else None


def touch_api_token(*, session: Session, token_id: int, now: datetime) -> None:
    """Record the token's last use."""
    session.connection().execute(_TOUCH_TOKEN, {"token_id": token_id, "now": now})


# --- administration of a kommun's accounts (the admin pages) -----------------------------------

# Letters and digits that cannot be mistaken for each other when read aloud or copied by hand.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_password() -> str:
    """A random 16-character initial password in groups of four ("abcd-efgh-…"), shown once."""
    chars = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(16))
    return "-".join(chars[i:i + 4] for i in range(0, 16, 4))


def kommun_users(*, session: Session, kommun_code: str) -> list[User]:
    """Every user granted the kommun, by name."""
    return list(
        session.exec(
            select(User)
            .join(UserKommun, UserKommun.user_id == User.id)  # type: ignore[arg-type]
            .where(UserKommun.kommun_code == kommun_code)
            .order_by(User.name, User.email)
        )
    )


def get_kommun_user(*, session: Session, kommun_code: str, user_id: int) -> User:
    """A user granted the kommun; NotFound for anyone else (another kommun's user looks absent)."""
    user = session.exec(
        select(User)
        .join(UserKommun, UserKommun.user_id == User.id)  # type: ignore[arg-type]
        .where(UserKommun.kommun_code == kommun_code, User.id == user_id)
    ).first()
    if user is None:
        raise NotFound("Användaren finns inte i kommunen.")
    return user


def last_logins(*, session: Session, user_ids: list[int]) -> dict[int, datetime]:
    """Each user's latest successful login, from the audit trail (users never logged in are absent)."""
    if not user_ids:
        return {}
    rows = session.exec(
        select(AuditEvent.user_id, func.max(AuditEvent.occurred_at))
        .where(AuditEvent.action == "login", col(AuditEvent.user_id).in_(user_ids))
        .group_by(col(AuditEvent.user_id))
    ).all()
    return {user_id: moment for user_id, moment in rows if user_id is not None}


def is_locked(*, session: Session, user: User, now: datetime) -> bool:
    """Whether failed logins delay the account's next attempt from some address now (login_throttle)."""
    return bool(login_throttle.delayed_addresses(session=session, email=user.email, now=now))


def locked_user_ids(*, session: Session, users: list[User], now: datetime) -> set[int]:
    """The ids of the users whose logins from some address are delayed now."""
    return login_throttle.delayed_user_ids(session=session, users=users, now=now)


def count_active_admins(*, session: Session, kommun_code: str) -> int:
    """How many active admins the kommun has."""
    return session.exec(
        select(func.count())
        .select_from(User)
        .join(UserKommun, UserKommun.user_id == User.id)  # type: ignore[arg-type]
        .where(UserKommun.kommun_code == kommun_code, User.role == Role.admin.value,
               User.active == True)  # noqa: E712
    ).one()


def account_change_problem(
    *, session: Session, actor_user_id: int | None, target: User, new_role: str | None = None,
    deactivate: bool = False,
) -> str | None:
    """Why a role change or deactivation is not allowed (self, or a kommun's last admin), or None."""
    losing_admin = target.role == Role.admin.value and target.active and (
        deactivate or (new_role is not None and new_role != Role.admin.value)
    )
    if target.id == actor_user_id and deactivate:
        return "Du kan inte inaktivera ditt eget konto."
    if target.id == actor_user_id and losing_admin:
        return "Du kan inte ta bort din egen administratörsroll."
    if losing_admin:
        for code in granted_kommuner(session=session, user_id=target.id):  # type: ignore[arg-type]
            if count_active_admins(session=session, kommun_code=code) <= 1:
                return f"{target.email} är den sista aktiva administratören i kommunen {code}."
    return None


def set_password(*, session: Session, user: User, password: str) -> None:
    """Replace the user's password (argon2 hash; the clear text is never stored)."""
    problem = password_problem(password, email=user.email, name=user.name)
    if problem:
        raise AppError(problem)
    user.password_hash = hash_password(password)
    session.add(user)


def revoke_user_sessions(*, session: Session, user_id: int, keep_session_id: int | None = None) -> int:
    """End every live session of the user (except `keep_session_id`); returns how many were ended."""
    now = utcnow()
    rows = session.exec(
        select(UserSession).where(
            UserSession.user_id == user_id,
            UserSession.revoked_at == None,  # noqa: E711
            col(UserSession.expires_at) > now,
        )
    ).all()
    ended = 0
    for row in rows:
        if row.id != keep_session_id:
            row.revoked_at = now
            session.add(row)
            ended += 1
    return ended


def kommun_api_tokens(*, session: Session, kommun_code: str) -> list[ApiToken]:
    """The API tokens of the kommun's organisations, newest first."""
    return list(
        session.exec(
            select(ApiToken)
            .join(Organisation, Organisation.id == ApiToken.organisation_id)  # type: ignore[arg-type]
            .where(Organisation.kommun_code == kommun_code)
            .order_by(col(ApiToken.created_at).desc(), col(ApiToken.id).desc())
        )
    )


def get_kommun_api_token(*, session: Session, kommun_code: str, token_id: int) -> ApiToken:
    """One of the kommun's API tokens; NotFound for another kommun's."""
    row = session.exec(
        select(ApiToken)
        .join(Organisation, Organisation.id == ApiToken.organisation_id)  # type: ignore[arg-type]
        .where(Organisation.kommun_code == kommun_code, ApiToken.id == token_id)
    ).first()
    if row is None:
        raise NotFound("API-nyckeln finns inte i kommunen.")
    return row


def revoke_api_token(*, session: Session, api_token: ApiToken) -> bool:
    """Revoke the token from now on; False if it already was."""
    if api_token.revoked_at is not None:
        return False
    api_token.revoked_at = utcnow()
    session.add(api_token)
    return True
