"""/inbjudan/{token}: a new account opens its one-time link and chooses its own password.

Open to everyone (the person has no login yet); the form carries the pre-login CSRF token like the
login form. An unknown, used or expired link is one 404, so the page tells nothing about accounts.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from api.audit import service as audit_service
from api.core.deps import ClockDep, SessionDep
from api.core.errors import NotFound
from api.core.security import new_token
from api.users import invitations
from api.users.models import User
from api.users.password_policy import password_problem
from api.web.deps import ANON_CSRF_COOKIE, FormDep, _client_ip, check_csrf, public
from api.web.layout import render

router = APIRouter()
GONE = ("Länken fungerar inte: den är redan använd, har gått ut eller är fel. Be administratören om en ny "
        "inbjudningslänk.")
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache", "Referrer-Policy": "no-referrer"}


def _form(request: Request, user: User, *, error: str = "", status_code: int = 200) -> Response:
    anon = request.cookies.get(ANON_CSRF_COOKIE)
    if not anon:
        anon = new_token()
        request.state.new_anon_csrf = anon
    response = render(request, "invitation_accept.html", {"user": user, "error": error},
                      principal=None, status_code=status_code)
    settings = request.app.state.settings
    response.set_cookie(ANON_CSRF_COOKIE, anon, httponly=True, secure=settings.cookie_secure,
                        samesite="strict", path="/")
    response.headers.update(NO_STORE)
    return response


def _open(session: Session, token: str, clock) -> tuple:  # type: ignore[no-untyped-def, type-arg]
    found = invitations.open_invitation(session=session, token=token, now=clock.now())
    if found is None:
        raise NotFound(GONE)
    return found


@router.get("/inbjudan/{token}", dependencies=[Depends(public)])
def invitation_page(request: Request, session: SessionDep, clock: ClockDep, token: str) -> Response:
    _, user = _open(session, token, clock)
    return _form(request, user)


@router.post("/inbjudan/{token}", dependencies=[Depends(public)])
def accept_invitation(request: Request, session: SessionDep, clock: ClockDep, form: FormDep,
                      token: str) -> Response:
    check_csrf(request, None, form)
    invitation, user = _open(session, token, clock)
    password = form.get("losenord")
    repeat = form.get("losenord_igen")
    password = password if isinstance(password, str) else ""
    repeat = repeat if isinstance(repeat, str) else ""
    problem = password_problem(password, email=user.email, name=user.name) if password else (
        "Skriv ett lösenord.")
    if problem:
        return _form(request, user, error=f"Lösenord: {problem}", status_code=422)
    if repeat != password:
        return _form(request, user, error="Upprepa lösenordet: de två lösenorden är inte lika.", status_code=422)
    invitations.accept_invitation(session=session, invitation=invitation, user=user, password=password,
                                  now=clock.now())
    audit_service.record(session=session, action="user.invite_accept", actor=user.email, user_id=user.id,
                         object_type="user", object_id=user.id or "", ip=_client_ip(request))
    session.commit()
    return RedirectResponse("/login?inbjudan=klar", status_code=303)
