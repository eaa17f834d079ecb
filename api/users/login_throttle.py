"""Progressive delay after failed logins, per account and client address (instead of a hard lock).

After FREE_FAILURES wrong passwords for one account from one address, the next attempt for that
account from that address waits BASE_DELAY, and each further failure doubles the wait up to MAX_DELAY.
Failures from other addresses never delay anyone else: an attacker guessing at the admin's password
from one place cannot keep the admin from logging in from another. The count restarts after a
successful login of the account from that address, after an admin's unlock (every address), and once
the failures are older than FAILURE_MEMORY. Everything is read from audit_event (`login_failed` rows
carry the actor's e-mail and the address), so it holds across web workers and restarts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, func, select

from api.audit.models import AuditEvent
from api.core.ratelimit import LoginLimiter
from api.users.models import User

FREE_FAILURES = 5
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)
FAILURE_MEMORY = timedelta(hours=24)
UNLOCK_ACTION = "user.unlock"
FAILED_ACTION = "login_failed"
SUCCESS_ACTION = "login"


def delay_after(failures: int) -> timedelta:
    """How long to wait after the `failures`-th consecutive failure.

    >>> [int(delay_after(n).total_seconds()) for n in (4, 5, 6, 7, 9, 10, 30)]
    [0, 30, 60, 120, 480, 900, 900]
    """
    if failures < FREE_FAILURES:
        return timedelta(0)
    doublings = failures - FREE_FAILURES
    if doublings >= 10:  # far past the cap; keeps 2**n small
        return MAX_DELAY
    return min(BASE_DELAY * 2**doublings, MAX_DELAY)


@dataclass(frozen=True)
class Failures:
    """The failures that count for one account from one address: how many, and the latest."""

    count: int
    last_at: datetime | None

    def wait(self, now: datetime) -> timedelta:
        """How much longer the next attempt must wait (zero: it may go ahead)."""
        if self.last_at is None:
            return timedelta(0)
        remaining = _aware(self.last_at) + delay_after(self.count) - now
        return max(remaining, timedelta(0))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite hands back naive UTC


def _last_unlock_at(session: Session, email: str) -> datetime | None:
    user_id = session.exec(select(User.id).where(User.email == email)).first()
    if user_id is None:
        return None
    return session.exec(
        select(func.max(AuditEvent.occurred_at)).where(
            AuditEvent.action == UNLOCK_ACTION,
            AuditEvent.object_type == "user",
            AuditEvent.object_id == str(user_id),
        )
    ).one()


def _last_success_at(session: Session, email: str, address: str) -> datetime | None:
    return session.exec(
        select(func.max(AuditEvent.occurred_at)).where(
            AuditEvent.action == SUCCESS_ACTION, AuditEvent.actor == email, AuditEvent.ip == address,
        )
    ).one()


def failures(*, session: Session, email: str, address: str, now: datetime) -> Failures:
    """The failed logins of the account (normalised e-mail) from `address` that count now.

    A reset (unlock, success) at the same instant as a failure clears it: with a fixed clock
    (LAGESBILD_CLOCK_AT or the tests') every event has the same instant, and the failures an admin
    saw before unlocking are the ones meant.
    """
    since = now - FAILURE_MEMORY
    resets = [moment for moment in (_last_unlock_at(session, email), _last_success_at(session, email, address))
              if moment is not None and _aware(moment) >= since]
    after = col(AuditEvent.occurred_at) > max(resets) if resets else col(AuditEvent.occurred_at) >= since
    count, last_at = session.exec(
        select(func.count(), func.max(AuditEvent.occurred_at)).where(
            AuditEvent.action == FAILED_ACTION, AuditEvent.actor == email, AuditEvent.ip == address, after,
        )
    ).one()
    return Failures(count=count, last_at=last_at)


def delayed_addresses(*, session: Session, email: str, now: datetime) -> dict[str, timedelta]:
    """Every address whose next attempt on the account must still wait, with how long (for admins)."""
    since = now - FAILURE_MEMORY
    addresses = session.exec(
        select(AuditEvent.ip).where(
            AuditEvent.action == FAILED_ACTION, AuditEvent.actor == email,
            col(AuditEvent.occurred_at) >= since,
        ).group_by(col(AuditEvent.ip)).having(func.count() >= FREE_FAILURES)
    ).all()
    waits = {address: failures(session=session, email=email, address=address, now=now).wait(now)
             for address in addresses}
    return {address: wait for address, wait in waits.items() if wait > timedelta(0)}


def delayed_user_ids(*, session: Session, users: list[User], now: datetime) -> set[int]:
    """The ids of the users with at least one address delayed now (one query, more only for suspects)."""
    by_email = {user.email: user for user in users if user.id is not None}
    if not by_email:
        return set()
    suspects = session.exec(
        select(AuditEvent.actor).where(
            AuditEvent.action == FAILED_ACTION, col(AuditEvent.actor).in_(list(by_email)),
            col(AuditEvent.occurred_at) >= now - FAILURE_MEMORY,
        ).group_by(col(AuditEvent.actor), col(AuditEvent.ip)).having(func.count() >= FREE_FAILURES)
    ).all()
    return {by_email[email].id for email in set(suspects)  # type: ignore[misc]
            if delayed_addresses(session=session, email=email, now=now)}


def seconds(wait: timedelta) -> int:
    """A wait in whole seconds, rounded up (what Retry-After and the message say)."""
    whole = int(wait.total_seconds())
    return whole + (1 if wait.total_seconds() > whole else 0)


@dataclass(frozen=True)
class Refusal:
    """Why a login attempt is refused before its password is checked: the audit action, the wait in
    whole seconds (Retry-After) and the message for the user."""

    action: str
    retry_after: int
    message: str


def _try_again(retry_after: int) -> str:
    unit = "sekund" if retry_after == 1 else "sekunder"
    return f"Försök igen om {retry_after} {unit}."


def login_refusal(
    *, session: Session, limiter: LoginLimiter, address_limit: str, account_limit: str,
    email: str, address: str, now: datetime,
) -> Refusal | None:
    """Whether a login attempt for `email` (normalised) from `address` must wait, checked cheapest first:
    the address's rate limit, the progressive delay for this account from this address, then the
    account's rate limit (attempts refused earlier do not count against the account, so one noisy
    address cannot use up the real user's allowance)."""
    if not limiter.hit_address(address_limit, address):
        wait = limiter.retry_after(address_limit, address)
        return Refusal("login_rate_limited", wait,
                       f"För många inloggningsförsök från din adress. {_try_again(wait)}")
    pending = failures(session=session, email=email, address=address, now=now).wait(now)
    if pending > timedelta(0):
        wait = seconds(pending)
        return Refusal("login_throttled", wait,
                       f"För många misslyckade inloggningar för kontot. {_try_again(wait)}")
    if not limiter.hit_account(account_limit, email):
        wait = limiter.retry_after(account_limit, email, scope="login-account")
        return Refusal("login_rate_limited", wait,
                       f"För många inloggningsförsök för kontot. {_try_again(wait)}")
    return None
