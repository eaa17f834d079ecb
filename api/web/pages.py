"""Login, logout and switching the current kommun."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.audit import service as audit_service
from api.core.deps import SessionDep, SettingsDep
from api.core.errors import AppError
from api.core.security import new_token
from api.core.time import utcnow
from api.users import login_throttle
from api.users import service as user_service
from api.users.principal import Principal
from api.web.deps import (
    ALL_USER_ROLES,
    ANON_CSRF_COOKIE,
    FormDep,
    _client_ip,
    allow,
    check_csrf,
    load_principal,
    public,
    session_cookie_name,
)
from api.web.layout import render
from api.web.login_session import SSO_LOGOUT_COOKIE, sso_logout_url
from api.web.mfa_pages import second_factor_redirect

router = APIRouter()


def _safe_next(target: str) -> str:
    """Only local paths are followed after login (no open redirect)."""
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/start"
    return target


@router.get("/login", dependencies=[Depends(public)])
def login_page(request: Request, session: SessionDep, next: str = "/start") -> Response:
    if load_principal(request, session) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _login_form(request, next_url=_safe_next(next))


def _login_form(
    request: Request, *, next_url: str, error: str = "", email: str = "", status_code: int = 200
) -> Response:
    anon = request.cookies.get(ANON_CSRF_COOKIE)
    if not anon:
        anon = new_token()
        request.state.new_anon_csrf = anon
    response = render(
        request,
        "login.html",
        {"next_url": next_url, "error": error, "email": email},
        principal=None,
        status_code=status_code,
    )
    settings = request.app.state.settings
    response.set_cookie(
        ANON_CSRF_COOKIE, anon, httponly=True, secure=settings.cookie_secure, samesite="strict",
        path="/",
    )
    return response


@router.post("/login", dependencies=[Depends(public)])
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    form: FormDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/start",
) -> Response:
    check_csrf(request, None, form)
    ip = _client_ip(request)
    next_url = _safe_next(next)
    refusal = login_throttle.login_refusal(
        session=session, limiter=request.app.state.login_limiter, address_limit=settings.login_rate_limit,
        account_limit=settings.login_account_rate_limit, email=user_service.normalise_email(email)[:200],
        address=ip, now=utcnow(),
    )
    # A refused or failed login names the account it was aimed at (when there is one), so the
    # account's kommuner see it in their log; a guessed address belongs to no kommun.
    target_id = user_service.account_id(session=session, email=email[:320])
    if refusal is not None:
        audit_service.record(session=session, action=refusal.action, actor=email[:200], user_id=target_id, ip=ip)
        session.commit()
        response = _login_form(request, next_url=next_url, error=refusal.message, email=email, status_code=429)
        response.headers["Retry-After"] = str(refusal.retry_after)
        return response
    user = user_service.authenticate(session=session, email=email, password=password)
    if user is None:
        audit_service.record(
            session=session,
            action="login_failed",
            actor=user_service.normalise_email(email)[:200],
            user_id=target_id,
            ip=ip,
        )
        session.commit()
        return _login_form(
            request,
            next_url=next_url,
            error="Fel e-postadress eller lösenord.",
            email=email,
            status_code=401,
        )
    second_factor = second_factor_redirect(request, session=session, settings=settings, user=user, next_url=next_url)
    if second_factor is not None:
        return second_factor
    kommun_codes = user_service.granted_kommuner(session=session, user_id=user.id)  # type: ignore[arg-type]
    if not kommun_codes:
        raise AppError("Ditt konto har inte tillgång till någon kommun. Kontakta administratören.")
    token = user_service.open_session(
        session=session, user=user, kommun_code=kommun_codes[0], hours=settings.session_hours
    )
    audit_service.record(
        session=session, action="login", actor=user.email, user_id=user.id, ip=ip,
        kommun_code=kommun_codes[0],
    )
    session.commit()
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(
        session_cookie_name(settings),
        token,
        max_age=settings.session_hours * 3600,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        path="/",
    )
    response.delete_cookie(ANON_CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Annotated[Principal, Depends(allow(*ALL_USER_ROLES))],
    form: FormDep,
) -> Response:
    check_csrf(request, principal, form)
    if principal.user_session is not None:
        user_service.revoke_session(session=session, user_session=principal.user_session)
    audit_service.record(
        session=session, action="logout", actor=principal.actor, user_id=principal.user_id,
        ip=_client_ip(request),
    )
    session.commit()
    response = RedirectResponse(sso_logout_url(request, settings) or "/login", status_code=303)
    response.delete_cookie(session_cookie_name(settings), path="/", secure=settings.cookie_secure)
    response.delete_cookie(SSO_LOGOUT_COOKIE, path="/", secure=settings.cookie_secure)
    return response


@router.post("/kommun")
def switch_kommun(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Depends(allow(*ALL_USER_ROLES))],
    form: FormDep,
    kommun_code: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, principal, form)
    if kommun_code not in principal.kommun_codes:
        raise AppError("Du har inte tillgång till den kommunen.", status_code=403)
    assert principal.user_session is not None
    principal.user_session.current_kommun_code = kommun_code
    session.add(principal.user_session)
    session.commit()
    return RedirectResponse("/start", status_code=303)
