"""Single sign-on pages: send the browser to the kommun's OpenID provider and take the answer back."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from api.audit import service as audit_service
from api.core.clock import current_clock
from api.core.deps import SessionDep, SettingsDep
from api.core.errors import NotFound
from api.core.sealing import seal, unseal
from api.sso import service as sso_service
from api.sso.client import OidcError, PendingLogin
from api.web.deps import _client_ip, public
from api.web.login_session import (
    SSO_LOGOUT_COOKIE,
    SSO_LOGOUT_PURPOSE,
    base_url,
    complete_login,
    oidc_client,
    safe_next,
)
from api.web.pages import _login_form

router = APIRouter()

PENDING_COOKIE = "lagesbild_oidc"
PENDING_PURPOSE = "oidc-login"
PENDING_SECONDS = 600  # time to sign in at the provider
CALLBACK_PATH = "/login/sso/callback"


def _redirect_uri(request: Request) -> str:
    return f"{base_url(request)}{CALLBACK_PATH}"


@router.get("/login/sso", dependencies=[Depends(public)])
def sso_start(request: Request, settings: SettingsDep, session: SessionDep, next: str = "/start") -> Response:
    if not settings.oidc_enabled:
        raise NotFound("Inloggning med kommunens inloggningstjänst är inte aktiverad.")
    try:
        url, pending = oidc_client(request).begin(redirect_uri=_redirect_uri(request), next_url=safe_next(next))
    except OidcError as error:
        _audit_failure(request, session, error, actor="")
        return _login_form(request, next_url=safe_next(next), error=error.message, status_code=502)
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        PENDING_COOKIE,
        seal(settings.secret_key.get_secret_value(), PENDING_PURPOSE, pending.as_dict(), now=current_clock().now()),
        max_age=PENDING_SECONDS, httponly=True, secure=settings.cookie_secure, samesite="lax", path="/login/sso",
    )
    return response


@router.get(CALLBACK_PATH, dependencies=[Depends(public)])
def sso_callback(
    request: Request, settings: SettingsDep, session: SessionDep, code: str = "", state: str = "",
    error: str = "", iss: str = "",
) -> Response:
    if not settings.oidc_enabled:
        raise NotFound("Inloggning med kommunens inloggningstjänst är inte aktiverad.")
    now = current_clock().now()
    sealed = unseal(settings.secret_key.get_secret_value(), PENDING_PURPOSE, request.cookies.get(PENDING_COOKIE),
                    now=now, max_age_seconds=PENDING_SECONDS)
    pending = PendingLogin.from_dict(sealed) if sealed else None
    actor = ""
    try:
        if pending is None:
            raise OidcError("Inloggningen har gått ut eller startades inte här. Börja om från inloggningssidan.",
                            "no pending login")
        if error:
            raise OidcError("Inloggningen avbröts hos kommunens inloggningstjänst. Försök igen.",
                            f"provider error {error[:100]}")
        client = oidc_client(request)
        claims, id_token = client.finish(
            redirect_uri=_redirect_uri(request), pending=pending, state=state, code=code, now=now, iss=iss
        )
        actor = str(claims.get(settings.oidc_email_claim, ""))[:200]
        user = sso_service.account_for_login(
            session=session, claims=claims, email_claim=settings.oidc_email_claim,
            auto_provision=settings.oidc_auto_provision, ip=_client_ip(request),
        )
    except OidcError as failure:
        session.rollback()
        _audit_failure(request, session, failure, actor=actor)
        response = _login_form(request, next_url="/start", error=failure.message, status_code=400)
        response.delete_cookie(PENDING_COOKIE, path="/login/sso")
        return response
    response = complete_login(request, session=session, settings=settings, user=user,
                              next_url=pending.next_url, method="oidc")
    response.delete_cookie(PENDING_COOKIE, path="/login/sso")
    response.set_cookie(
        SSO_LOGOUT_COOKIE,
        seal(settings.secret_key.get_secret_value(), SSO_LOGOUT_PURPOSE, {"id_token": id_token}, now=now),
        max_age=settings.session_hours * 3600, httponly=True, secure=settings.cookie_secure, samesite="lax",
        path="/",
    )
    return response


def _audit_failure(request: Request, session: SessionDep, failure: OidcError, *, actor: str) -> None:
    audit_service.record(session=session, action="login_sso_failed", actor=actor or "anonym",
                         ip=_client_ip(request), purpose=failure.reason[:200])
    session.commit()
