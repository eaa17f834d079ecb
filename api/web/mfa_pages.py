"""The second factor: the code after the password, enrolment (required or chosen) and recovery codes.

Between the password and the code the login waits in a sealed, short-lived cookie (user id and where
to go next); no session exists until the second factor is given.
"""

from __future__ import annotations

from typing import Annotated, Any, NoReturn

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from api.audit import service as audit_service
from api.core.clock import current_clock
from api.core.config import Settings
from api.core.deps import SessionDep, SettingsDep
from api.core.errors import AppError, RateLimited
from api.core.sealing import seal, unseal
from api.mfa import service as mfa_service
from api.sso import service as sso_service
from api.users import service as user_service
from api.users.models import User
from api.users.principal import Principal
from api.web.deps import ALL_USER_ROLES, FormDep, _client_ip, allow, check_csrf, public
from api.web.layout import render
from api.web.login_session import complete_login, safe_next

router = APIRouter()

PENDING_COOKIE = "lagesbild_mfa"
PENDING_PURPOSE = "second-factor-login"
PENDING_SECONDS = 600
CODE_PATH = "/login/tvafaktor"
ENROL_PATH = "/login/tvafaktor/aktivera"
NO_STORE = {"Cache-Control": "no-store"}


def second_factor_redirect(
    request: Request, *, session: Session, settings: Settings, user: User, next_url: str
) -> Response | None:
    """After a correct password: where the login goes on when a second factor is needed, else None."""
    step = mfa_service.login_step(session=session, user=user)
    if step is None:
        return None
    session.commit()
    response = RedirectResponse(CODE_PATH if step == "code" else ENROL_PATH, status_code=303)
    response.set_cookie(
        PENDING_COOKIE,
        seal(settings.secret_key.get_secret_value(), PENDING_PURPOSE,
             {"user_id": user.id, "next_url": safe_next(next_url)}, now=current_clock().now()),
        max_age=PENDING_SECONDS, httponly=True, secure=settings.cookie_secure, samesite="strict",
        path="/login/tvafaktor",
    )
    return response


def _pending(request: Request, session: Session, settings: Settings) -> tuple[User, str] | None:
    data = unseal(settings.secret_key.get_secret_value(), PENDING_PURPOSE, request.cookies.get(PENDING_COOKIE),
                  now=current_clock().now(), max_age_seconds=PENDING_SECONDS)
    if data is None or not isinstance(data.get("user_id"), int):
        return None
    user = session.get(User, data["user_id"])
    if user is None or not user_service.may_sign_in(session=session, user=user):
        return None
    return user, safe_next(str(data.get("next_url", "/start")))


def _expired() -> NoReturn:
    raise AppError("Inloggningen har gått ut. Börja om från inloggningssidan.", status_code=400)


def _secret_key(settings: Settings) -> str:
    return settings.secret_key.get_secret_value()


# --- the code after the password -----------------------------------------------------------------

@router.get(CODE_PATH, dependencies=[Depends(public)])
def code_page(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    if _pending(request, session, settings) is None:
        _expired()
    return render(request, "mfa_code.html", {"error": ""}, principal=None)


@router.post(CODE_PATH, dependencies=[Depends(public)])
def submit_code(
    request: Request, session: SessionDep, settings: SettingsDep, form: FormDep, kod: Annotated[str, Form()] = ""
) -> Response:
    # A plain def, so off the event loop: a recovery code is checked against up to ten argon2 hashes.
    check_csrf(request, None, form)
    return _submit_code(request, session, settings, kod)


def _submit_code(request: Request, session: Session, settings: Settings, kod: str) -> Response:
    pending = _pending(request, session, settings)
    if pending is None:
        _expired()
    user, next_url = pending
    assert user.id is not None
    now = current_clock().now()
    ip = _client_ip(request)
    if mfa_service.recent_failed_codes(session=session, user_id=user.id, now=now) >= mfa_service.MAX_FAILED_CODES:
        audit_service.record(session=session, action="login_totp_locked", actor=user.email, user_id=user.id, ip=ip)
        session.commit()
        raise RateLimited()
    code = kod.strip()[:40]
    digits = "".join(code.split())
    if digits.isdigit():
        ok = mfa_service.verify_login_code(session=session, user=user, secret_key=_secret_key(settings),
                                           code=digits, now=now)
        method = "lösenord och TOTP-kod"
    else:
        ok = mfa_service.use_recovery_code(session=session, user_id=user.id, code=code, now=now)
        method = "lösenord och återställningskod"
    if not ok:
        audit_service.record(session=session, action=mfa_service.FAILED_CODE_ACTION, actor=user.email,
                             user_id=user.id, ip=ip)
        session.commit()
        return render(request, "mfa_code.html",
                      {"error": "Koden stämmer inte eller har redan använts. Försök igen."},
                      principal=None, status_code=401)
    response = complete_login(request, session=session, settings=settings, user=user, next_url=next_url,
                              method=method)
    response.delete_cookie(PENDING_COOKIE, path="/login/tvafaktor")
    return response


# --- enrolment: required at login, or chosen by a logged-in user ---------------------------------

def _enrol_context(session: Session, settings: Settings, user: User, action: str, error: str = "") -> dict[str, Any]:
    secret = mfa_service.enrolment_secret(session=session, user=user, secret_key=_secret_key(settings))
    session.commit()
    uri = mfa_service.provisioning_uri(secret=secret, email=user.email)
    return {
        "qr_svg": mfa_service.qr_svg(uri),
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "action": action,
        "error": error,
        "enabled": False,
    }


def _codes_page(request: Request, codes: list[str], next_url: str, principal: Principal | None) -> Response:
    response = render(request, "mfa_recovery_codes.html", {"codes": codes, "next_url": next_url},
                      principal=principal)
    response.headers.update(NO_STORE)
    return response


@router.get(ENROL_PATH, dependencies=[Depends(public)])
def required_enrolment_page(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    pending = _pending(request, session, settings)
    if pending is None:
        _expired()
    context = _enrol_context(session, settings, pending[0], ENROL_PATH)
    response = render(request, "mfa_enrol.html", {**context, "required": True}, principal=None)
    response.headers.update(NO_STORE)
    return response


@router.post(ENROL_PATH, dependencies=[Depends(public)])
def required_enrolment(
    request: Request, session: SessionDep, settings: SettingsDep, form: FormDep, kod: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(request, None, form)
    return _required_enrolment(request, session, settings, kod)


def _required_enrolment(request: Request, session: Session, settings: Settings, kod: str) -> Response:
    pending = _pending(request, session, settings)
    if pending is None:
        _expired()
    user, next_url = pending
    codes = _confirm(request, session, settings, user, kod)
    if codes is None:
        context = _enrol_context(session, settings, user, ENROL_PATH, error=_WRONG_CODE)
        return render(request, "mfa_enrol.html", {**context, "required": True}, principal=None, status_code=422)
    response = complete_login(request, session=session, settings=settings, user=user, next_url=next_url,
                              method="lösenord och ny TOTP", response=_codes_page(request, codes, next_url, None))
    response.delete_cookie(PENDING_COOKIE, path="/login/tvafaktor")
    return response


_WRONG_CODE = "Koden stämmer inte. Kontrollera att appen visar sex siffror och försök igen."


def _confirm(request: Request, session: Session, settings: Settings, user: User, code: str) -> list[str] | None:
    try:
        codes = mfa_service.confirm_enrolment(session=session, user=user, secret_key=_secret_key(settings),
                                              code=code.strip()[:40], now=current_clock().now())
    except AppError:
        return None
    audit_service.record(session=session, action="user.mfa_enrol", actor=user.email, user_id=user.id,
                         object_type="user", object_id=str(user.id), ip=_client_ip(request))
    session.commit()
    return codes


AnyUser = Annotated[Principal, Depends(allow(*ALL_USER_ROLES))]


@router.get("/konto/tvafaktor")
def account_page(request: Request, session: SessionDep, settings: SettingsDep, principal: AnyUser) -> Response:
    user = principal.user
    assert user is not None and user.id is not None
    if user.password_hash == sso_service.NO_PASSWORD:  # signs in only through the kommun's provider
        context: dict[str, Any] = {"sso_only": True}
    elif mfa_service.is_enabled(session=session, user_id=user.id):
        context = {
            "enabled": True,
            "unused_codes": mfa_service.unused_recovery_codes(session=session, user_id=user.id),
        }
    else:
        context = _enrol_context(session, settings, user, "/konto/tvafaktor")
    response = render(request, "mfa_enrol.html", {**context, "required": False}, principal=principal,
                      session=session)
    response.headers.update(NO_STORE)
    return response


@router.post("/konto/tvafaktor")
def account_enrol(
    request: Request, session: SessionDep, settings: SettingsDep, principal: AnyUser, form: FormDep,
    kod: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, principal, form)
    return _account_enrol(request, session, settings, principal, kod)


def _account_enrol(request: Request, session: Session, settings: Settings, principal: Principal, kod: str) -> Response:
    user = principal.user
    assert user is not None and user.id is not None
    if mfa_service.is_enabled(session=session, user_id=user.id):
        return RedirectResponse("/konto/tvafaktor", status_code=303)
    codes = _confirm(request, session, settings, user, kod)
    if codes is None:
        context = _enrol_context(session, settings, user, "/konto/tvafaktor", error=_WRONG_CODE)
        return render(request, "mfa_enrol.html", {**context, "required": False}, principal=principal,
                      session=session, status_code=422)
    return _codes_page(request, codes, "/start", principal)
