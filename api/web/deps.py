"""Request dependencies: who is asking (the principal) and what they may do.

Every route declares the roles it allows with `allow(...)` (or `public`); the access table in
docs/access.md is checked against these declarations by tests/api/test_access.py. The dependencies that
know no domain (settings, database session) are in api/core/deps.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session
from starlette.datastructures import FormData

from api.audit import service as audit_service
from api.core.client_address import client_address
from api.core.config import Settings
from api.core.deps import SessionDep
from api.core.errors import CsrfFailed, Forbidden, NotAuthenticated
from api.core.limits import refuse_nul_in_form
from api.core.security import csrf_token, csrf_valid
from api.core.time import utcnow
from api.users import service as user_service
from api.users.models import Role, User
from api.users.principal import API_TOKEN_ROLE, Principal

PUBLIC = "public"
ANON_CSRF_COOKIE = "lagesbild_csrf"


def session_cookie_name(settings: Settings) -> str:
    # The __Host- prefix pins the cookie to this host over HTTPS; plain HTTP cannot carry it.
    return "__Host-lagesbild" if settings.cookie_secure else "lagesbild_session"


def _client_ip(request: Request) -> str:
    """The real client's address: X-Forwarded-For is read only from LAGESBILD_TRUSTED_PROXIES."""
    peer = request.client.host if request.client else ""
    settings: Settings = request.app.state.settings
    return client_address(peer, request.headers.getlist("x-forwarded-for"), settings.trusted_proxy_networks)


def load_principal(request: Request, session: Session) -> Principal | None:
    """The principal behind the request's session cookie or bearer token, if any."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    settings: Settings = request.app.state.settings
    principal: Principal | None = None
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        principal = _principal_from_token(session, authorization[7:].strip())
    else:
        cookie = request.cookies.get(session_cookie_name(settings))
        if cookie:
            principal = _principal_from_cookie(session, cookie)
    request.state.principal = principal
    return principal


def _principal_from_cookie(session: Session, cookie: str) -> Principal | None:
    user_session = user_service.find_session(session=session, token=cookie)
    if user_session is None:
        return None
    user = session.get(User, user_session.user_id)
    if user is None or not user_service.may_sign_in(session=session, user=user):
        return None
    kommun_codes = user_service.granted_kommuner(session=session, user_id=user.id)  # type: ignore[arg-type]
    if user_session.current_kommun_code not in kommun_codes:
        return None
    return Principal(
        role=user.role,
        kommun_code=user_session.current_kommun_code,
        kommun_codes=kommun_codes,
        actor=user.email,
        user=user,
        user_session=user_session,
        organisation_id=user.organisation_id,
    )


def _principal_from_token(session: Session, token: str) -> Principal | None:
    # One Core query (token and organisation, both still valid): it runs on every API request.
    use = user_service.find_api_token_use(session=session, token=token)
    if use is None:
        return None
    now = utcnow()
    last = use.last_used_at
    if last is None or (now - (last if last.tzinfo else last.replace(tzinfo=now.tzinfo))).total_seconds() > 60:
        # At most once a minute: no write contention under load.
        user_service.touch_api_token(session=session, token_id=use.token_id, now=now)
    return Principal(
        role=API_TOKEN_ROLE,
        kommun_code=use.kommun_code,
        kommun_codes=[use.kommun_code],
        actor=f"token:{use.token_id}",
        organisation_id=use.organisation_id,
        api_token_id=use.token_id,
    )


def _log_denied(request: Request, principal: Principal | None, reason: str) -> None:
    # A separate transaction: the denial is kept even though the request itself fails. The
    # request's own transaction ends first, so the two never wait on each other's lock (SQLite).
    # Read the principal before the rollback: it expires the user row, and touching it afterwards would
    # start a new transaction on the request's connection and hold the write lock the audit session needs.
    actor = principal.actor if principal else "anonym"
    user_id = principal.user_id if principal else None
    kommun_code = principal.kommun_code if principal else None
    request_session = getattr(request.state, "db_session", None)
    if request_session is not None:
        request_session.rollback()
    with request.app.state.db.session() as audit_session:
        audit_service.record(
            session=audit_session,
            action="access_denied",
            actor=actor,
            user_id=user_id,
            kommun_code=kommun_code,
            object_type="route",
            object_id=f"{request.method} {request.url.path}"[:100],
            purpose=reason,
            ip=_client_ip(request),
        )
        audit_session.commit()


def authorize(request: Request, session: Session, allowed: frozenset[str]) -> Principal:
    """The request's principal if its role is allowed; otherwise the denial is logged and raised."""
    principal = load_principal(request, session)
    if principal is None:
        _log_denied(request, None, "ej inloggad")
        raise NotAuthenticated()
    if principal.role not in allowed:
        _log_denied(request, principal, f"rollen {principal.role} saknar behörighet")
        raise Forbidden()
    return principal


def allow(*roles: str) -> Callable[..., Principal]:
    """A dependency that admits only the given roles (API_TOKEN_ROLE for organisation tokens)."""
    allowed = frozenset(roles)

    def dependency(request: Request, session: SessionDep) -> Principal:
        principal = authorize(request, session, allowed)
        # End the authentication transaction: it persists the token's last use and holds no
        # read snapshot or lock while the route works (some routes write in their own session).
        session.commit()
        return principal

    dependency.allowed_roles = allowed  # type: ignore[attr-defined]
    return dependency


def authorized_in_route(*roles: str) -> Callable[[], Awaitable[None]]:
    """Declares the roles of a route that calls `authorize(request, session, roles)` itself.

    For a hot route that does its authentication and its work in one worker thread and one
    transaction (POST /api/v1/reports): the dependency only declares the roles, for the access table.
    """
    allowed = frozenset(roles)

    async def dependency() -> None:
        return None

    dependency.allowed_roles = allowed  # type: ignore[attr-defined]
    return dependency


async def public(request: Request) -> None:
    """Marks a route as open to everyone, logged in or not (login page, health, static files)."""


public.allowed_roles = frozenset({PUBLIC})  # type: ignore[attr-defined]

ALL_USER_ROLES = tuple(role.value for role in Role)


def csrf_binding(request: Request, principal: Principal | None) -> str:
    """What a CSRF token is bound to: the login session, or the anonymous pre-login cookie."""
    if principal is not None and principal.user_session is not None:
        return principal.user_session.token_hash
    return request.cookies.get(ANON_CSRF_COOKIE, "")


def template_csrf_token(request: Request, principal: Principal | None) -> str:
    settings: Settings = request.app.state.settings
    binding = csrf_binding(request, principal) or getattr(request.state, "new_anon_csrf", "")
    return csrf_token(settings.secret_key.get_secret_value(), binding) if binding else ""


async def posted_form(request: Request) -> FormData:
    """The posted form, read on the event loop (no database): routes that use it stay plain `def`.

    Starlette keeps the parsed form on the request, so routes with `Form()` fields read it once.
    """
    return await request.form()


FormDep = Annotated[FormData, Depends(posted_form)]


def check_csrf(request: Request, principal: Principal | None, form: FormData) -> None:
    """Refuse a form post whose CSRF token does not match the session (or pre-login cookie).

    Sync, like the routes that call it: a refusal is written to the audit log, off the event loop.
    """
    settings: Settings = request.app.state.settings
    refuse_nul_in_form(form)  # every form post passes here; PostgreSQL cannot store NUL
    submitted = request.headers.get("x-csrf-token")
    if submitted is None:
        value = form.get("csrf_token")
        submitted = value if isinstance(value, str) else None
    binding = csrf_binding(request, principal)
    if not binding or not csrf_valid(settings.secret_key.get_secret_value(), binding, submitted):
        _log_denied(request, principal, "CSRF-kontroll misslyckades")
        raise CsrfFailed()
