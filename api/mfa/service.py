"""TOTP (RFC 6238, pyotp) for local accounts: enrolment, codes at login, recovery codes, admin reset.

The secret is stored Fernet-encrypted with a key derived from LAGESBILD_SECRET_KEY (a database copy
alone does not give the secrets; changing the secret key means everyone enrols again). Recovery codes
are argon2-hashed like passwords. Time comes from the caller (the injected clock), never the system.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

import pyotp
import segno
from sqlmodel import Session, col, func, select

from api.audit.models import AuditEvent
from api.core.errors import AppError
from api.core.sealing import decrypt_text, encrypt_text
from api.core.security import hash_password, verify_password
from api.mfa.models import KommunMfaPolicy, UserRecoveryCode, UserTotp
from api.users import service as user_service
from api.users.models import Role, User

ISSUER_NAME = "Lägesbild"
SECRET_PURPOSE = "totp-secret"
STEP_SECONDS = 30
VALID_WINDOW = 1  # one step either side: a phone whose clock is up to 30 s off still works
RECOVERY_CODE_COUNT = 10
REQUIRED_FOR_ROLES = frozenset({Role.analytiker.value, Role.polis.value, Role.admin.value})
MAX_FAILED_CODES = 10
FAILED_CODE_WINDOW = timedelta(minutes=15)
FAILED_CODE_ACTION = "login_totp_failed"
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


# --- enrolment ------------------------------------------------------------------------------------

def _row(session: Session, user_id: int) -> UserTotp | None:
    return session.get(UserTotp, user_id)


def is_enabled(*, session: Session, user_id: int) -> bool:
    """Whether the user has a verified authenticator."""
    row = _row(session, user_id)
    return row is not None and row.enabled_at is not None


def enrolment_secret(*, session: Session, user: User, secret_key: str) -> str:
    """The secret for the user's enrolment in progress (made on first call, the same on a reload)."""
    assert user.id is not None
    row = _row(session, user.id)
    if row is not None and row.enabled_at is not None:
        raise AppError("Tvåstegsverifiering är redan aktiverad för kontot.", status_code=409)
    if row is not None:
        try:
            return decrypt_text(secret_key, SECRET_PURPOSE, row.secret_encrypted)
        except ValueError:
            session.delete(row)  # sealed with an old secret key: start over
            session.flush()
    secret = pyotp.random_base32()
    session.add(UserTotp(user_id=user.id, secret_encrypted=encrypt_text(secret_key, SECRET_PURPOSE, secret)))
    session.flush()
    return secret


def provisioning_uri(*, secret: str, email: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER_NAME)


def qr_svg(uri: str) -> str:
    """The QR code of `uri` as an inline SVG element, made here (no outside service sees the secret)."""
    return str(segno.make(uri, error="m").svg_inline(scale=5, border=2, title="QR-kod för autentiseringsappen"))


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def confirm_enrolment(*, session: Session, user: User, secret_key: str, code: str, now: datetime) -> list[str]:
    """Enable TOTP if `code` fits the enrolment secret; returns the new recovery codes (shown once)."""
    secret = enrolment_secret(session=session, user=user, secret_key=secret_key)
    if _matching_step(secret, code, now) is None:
        raise AppError("Koden stämmer inte. Kontrollera att appen visar sex siffror och försök igen.",
                       status_code=422)
    row = _row(session, user.id)  # type: ignore[arg-type]
    assert row is not None
    row.enabled_at = now
    session.add(row)
    return new_recovery_codes(session=session, user_id=user.id)  # type: ignore[arg-type]


# --- login ----------------------------------------------------------------------------------------

def verify_login_code(*, session: Session, user: User, secret_key: str, code: str, now: datetime) -> bool:
    """Whether `code` is a current TOTP code not used before; records its step so it is not reused."""
    row = _row(session, user.id)  # type: ignore[arg-type]
    if row is None or row.enabled_at is None:
        return False
    try:
        secret = decrypt_text(secret_key, SECRET_PURPOSE, row.secret_encrypted)
    except ValueError:
        return False
    step = _matching_step(secret, code, now)
    if step is None or (row.last_used_step is not None and step <= row.last_used_step):
        return False
    row.last_used_step = step
    session.add(row)
    return True


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def new_recovery_codes(*, session: Session, user_id: int) -> list[str]:
    """Replace the user's recovery codes with ten new ones (returned in clear once, stored hashed)."""
    for old in session.exec(select(UserRecoveryCode).where(UserRecoveryCode.user_id == user_id)).all():
        session.delete(old)
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        session.add(UserRecoveryCode(user_id=user_id, code_hash=hash_password(raw)))
    session.flush()
    return codes


def use_recovery_code(*, session: Session, user_id: int, code: str, now: datetime) -> bool:
    """Whether `code` is one of the user's unused recovery codes; it is used up if so."""
    raw = normalise_recovery_code(code)
    if len(raw) != 10:
        return False
    unused = session.exec(
        select(UserRecoveryCode).where(UserRecoveryCode.user_id == user_id, UserRecoveryCode.used_at == None)  # noqa: E711
    ).all()
    for row in unused:
        if verify_password(raw, row.code_hash):
            row.used_at = now
            session.add(row)
            return True
    return False


def unused_recovery_codes(*, session: Session, user_id: int) -> int:
    return session.exec(
        select(func.count()).select_from(UserRecoveryCode).where(
            UserRecoveryCode.user_id == user_id, UserRecoveryCode.used_at == None  # noqa: E711
        )
    ).one()


def recent_failed_codes(*, session: Session, user_id: int, now: datetime) -> int:
    """Wrong second-factor codes for the account in the last 15 minutes."""
    return session.exec(
        select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == FAILED_CODE_ACTION, AuditEvent.user_id == user_id,
            col(AuditEvent.occurred_at) >= now - FAILED_CODE_WINDOW,
        )
    ).one()


# --- the kommun's requirement and the admin's reset ----------------------------------------------

def kommun_requires_totp(*, session: Session, kommun_code: str) -> bool:
    row = session.get(KommunMfaPolicy, kommun_code)
    return row is not None and row.require_totp


def set_kommun_requirement(*, session: Session, kommun_code: str, require: bool, now: datetime) -> None:
    row = session.get(KommunMfaPolicy, kommun_code) or KommunMfaPolicy(kommun_code=kommun_code)
    row.require_totp = require
    row.updated_at = now
    session.add(row)


def login_step(*, session: Session, user: User) -> str | None:
    """What a password login still needs: "code" (TOTP is on), "enrol" (required but missing) or None."""
    assert user.id is not None
    if is_enabled(session=session, user_id=user.id):
        return "code"
    if user.role in REQUIRED_FOR_ROLES:
        for code in user_service.granted_kommuner(session=session, user_id=user.id):
            if kommun_requires_totp(session=session, kommun_code=code):
                return "enrol"
    return None


def reset(*, session: Session, user_id: int) -> bool:
    """Remove the user's authenticator and recovery codes (an admin's reset); False if there was none."""
    row = _row(session, user_id)
    codes = session.exec(select(UserRecoveryCode).where(UserRecoveryCode.user_id == user_id)).all()
    for code in codes:
        session.delete(code)
    if row is not None:
        session.delete(row)
    session.flush()
    return row is not None or bool(codes)
