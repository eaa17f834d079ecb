"""One-time invitation links: a new account chooses its own password instead of being given one.

The token is shown once to the admin (like an API key) and only its SHA-256 hash is stored. A link
works once and until it expires; opening an expired, used or unknown link is the same "not found".
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from api.core.security import new_token, token_hash
from api.users import service as user_service
from api.users.models import User, UserInvitation

VALID_HOURS = 72


def _aware(moment: datetime, like: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=like.tzinfo)


def create_invitation(
    *, session: Session, user: User, now: datetime, created_by_id: int | None, hours: int = VALID_HOURS
) -> tuple[UserInvitation, str]:
    """A new link for the user; earlier unused links of the user stop working. Returns the row and the token."""
    for old in session.exec(select(UserInvitation).where(
            UserInvitation.user_id == user.id, col(UserInvitation.used_at).is_(None))):
        old.expires_at = now
        session.add(old)
    token = new_token()
    invitation = UserInvitation(token_hash=token_hash(token), user_id=user.id,  # type: ignore[arg-type]
                                created_by_id=created_by_id, created_at=now,
                                expires_at=now + timedelta(hours=hours))
    session.add(invitation)
    session.flush()
    return invitation, token


def open_invitation(*, session: Session, token: str, now: datetime) -> tuple[UserInvitation, User] | None:
    """The unused, unexpired invitation for a token and its active account, or None."""
    if not token or len(token) > 200:
        return None
    invitation = session.exec(select(UserInvitation).where(UserInvitation.token_hash == token_hash(token))).first()
    if invitation is None or invitation.used_at is not None or _aware(invitation.expires_at, now) <= now:
        return None
    user = session.get(User, invitation.user_id)
    if user is None or not user.active:
        return None
    return invitation, user


def accept_invitation(*, session: Session, invitation: UserInvitation, user: User, password: str,
                      now: datetime) -> None:
    """Set the account's own password and spend the link (the caller checked the password policy)."""
    user_service.set_password(session=session, user=user, password=password)
    invitation.used_at = now
    session.add(invitation)
    user_service.revoke_user_sessions(session=session, user_id=user.id)  # type: ignore[arg-type]
