"""Finishing a login: open the server-side session and set its cookie (SSO and second-factor pages).

The password form in pages.py does the same inline; these are the steps after it, shared by the
routes that complete a login on another request (OpenID callback, TOTP code, forced enrolment).
"""

from __future__ import annotations

from urllib.parse import urlencode, urlparse

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from api.audit import service as audit_service
from api.core.config import Settings
from api.core.errors import AppError
from api.core.sealing import unseal
from api.core.time import utcnow
from api.sso.client import OidcClient, OidcError
from api.users import service as user_service
from api.users.models import User
from api.web.deps import ANON_CSRF_COOKIE, _client_ip, session_cookie_name


def safe_next(target: str) -> str:
    """Only local paths are followed after login (no open redirect)."""
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/start"
    return target


def complete_login(
    request: Request, *, session: Session, settings: Settings, user: User, next_url: str, method: str,
    response: Response | None = None,
) -> Response:
    """Open a session for `user` in their first kommun, audit it (`method`: how they proved who they are)."""
    kommun_codes = user_service.granted_kommuner(session=session, user_id=user.id)  # type: ignore[arg-type]
    if not kommun_codes:
        session.commit()  # an auto-provisioned account is kept, waiting for an admin's grant
        raise AppError(
            "Ditt konto har inte tillgång till någon kommun ännu. Be kommunens administratör att ge dig "
            "behörighet.",
            status_code=403,
        )
    token = user_service.open_session(
        session=session, user=user, kommun_code=kommun_codes[0], hours=settings.session_hours
    )
    audit_service.record(
        session=session, action="login", actor=user.email, user_id=user.id, ip=_client_ip(request),
        kommun_code=kommun_codes[0], purpose=method,
    )
    session.commit()
    response = response or RedirectResponse(safe_next(next_url), status_code=303)
    response.set_cookie(
        session_cookie_name(settings), token, max_age=settings.session_hours * 3600, httponly=True,
        secure=settings.cookie_secure, samesite="lax", path="/",
    )
    response.delete_cookie(ANON_CSRF_COOKIE, path="/")
    return response


# --- single sign-on: the client, and logging out at the provider --------------------------------

SSO_LOGOUT_COOKIE = "lagesbild_sso"
SSO_LOGOUT_PURPOSE = "oidc-logout"


def oidc_client(request: Request) -> OidcClient:
    """The installation's OpenID client (made on first use; tests may put one with a transport there)."""
    client: OidcClient | None = getattr(request.app.state, "oidc_client", None)
    if client is None:
        client = OidcClient(request.app.state.settings)
        request.app.state.oidc_client = client
    return client


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def sso_logout_url(request: Request, settings: Settings) -> str | None:
    """Where to send the browser after a local logout: the provider's end_session_endpoint, if the
    session came from single sign-on and the provider has one (the id_token is the hint)."""
    if not settings.oidc_enabled:
        return None
    sealed = unseal(
        settings.secret_key.get_secret_value(), SSO_LOGOUT_PURPOSE, request.cookies.get(SSO_LOGOUT_COOKIE),
        now=utcnow(), max_age_seconds=settings.session_hours * 3600,
    )
    if sealed is None or not isinstance(sealed.get("id_token"), str):
        return None
    try:
        endpoint = oidc_client(request).metadata().end_session_endpoint
    except OidcError:
        return None
    if not endpoint:
        return None
    query = urlencode({
        "id_token_hint": sealed["id_token"],
        "post_logout_redirect_uri": f"{base_url(request)}/login",
        "client_id": settings.oidc_client_id or "",
    })
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
