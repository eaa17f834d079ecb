"""/admin/anvandare/{user_id}: one account — role, password, lock, sessions, (de)activation.

Role, password and active flag belong to the account, not to one kommun. An admin may change them
only when every kommun the account is granted is also granted to the admin; otherwise an admin of one
kommun could take over (or lock out) an account that works in another.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, col, func, select

from api.admin import user_forms
from api.admin._common import Admin, audit, form_values, local
from api.admin.user_pages import invitation_once, password_once
from api.core.deps import SessionDep
from api.core.errors import AppError
from api.core.time import utcnow
from api.mfa import service as mfa_service
from api.organisations.models import Organisation
from api.users import service as user_service
from api.users.models import User, UserSession
from api.users.principal import Principal
from api.web.deps import FormDep
from api.web.layout import render

router = APIRouter()

DONE = {
    "skapad": "Kontot är skapat med det lösenord du angav.",
    "andrad": "Ändringarna är sparade.",
    "inaktiverad": "Kontot är inaktiverat och utloggat överallt.",
    "aktiverad": "Kontot är aktivt igen.",
    "upplast": "Kontot är upplåst. Användaren kan logga in igen.",
    "losenord": "Lösenordet är bytt. Användaren är utloggad från alla andra inloggningar.",
    "utloggad": "Kontots inloggningar är avslutade.",
    "tvafaktor": ("Tvåstegsverifieringen är återställd. Användaren aktiverar den igen vid nästa inloggning "
                  "eller på sidan Tvåstegsverifiering."),
}


def _manageable(session: Session, principal: Principal, user: User) -> bool:
    granted = set(user_service.granted_kommuner(session=session, user_id=user.id))  # type: ignore[arg-type]
    return granted <= set(principal.kommun_codes)


def _live_sessions(session: Session, user_id: int) -> int:
    return session.exec(
        select(func.count()).select_from(UserSession).where(
            UserSession.user_id == user_id, UserSession.revoked_at == None,  # noqa: E711
            col(UserSession.expires_at) > utcnow(),
        )
    ).one()


def _detail_page(request: Request, session: Session, principal: Principal, user: User, *,
                 values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                 status_code: int = 200) -> Response:
    organisations = user_forms.kommun_organisations(session, principal.kommun_code)
    current_organisation = None
    if user.organisation_id is not None:
        current_organisation = session.get(Organisation, user.organisation_id)
    if values is None:
        values = {"namn": user.name, "roll": user.role, "organisation": str(user.organisation_id or "")}
    assert user.id is not None
    return render(request, "admin_user_detail.html", {
        "user": user, "values": values, "errors": errors or {}, "roles": user_forms.ROLES,
        "organisations": organisations, "current_organisation": current_organisation,
        "kommuner": user_service.granted_kommuner(session=session, user_id=user.id),
        "manageable": _manageable(session, principal, user),
        "locked": user_service.is_locked(session=session, user=user, now=utcnow()),
        "last_login": user_service.last_logins(session=session, user_ids=[user.id]).get(user.id),
        "live_sessions": _live_sessions(session, user.id), "is_self": user.id == principal.user_id,
        "has_totp": mfa_service.is_enabled(session=session, user_id=user.id),
        "done": DONE.get(request.query_params.get("klart", ""), ""), "local": local(request),
    }, principal=principal, session=session, status_code=status_code)


def _user(session: Session, principal: Principal, user_id: int, *, write: bool = False) -> User:
    user = user_service.get_kommun_user(session=session, kommun_code=principal.kommun_code, user_id=user_id)
    if write and not _manageable(session, principal, user):
        raise AppError("Kontot har tillgång även till kommuner som du inte administrerar. Ändringen görs av "
                       "en administratör med tillgång till alla kontots kommuner.", status_code=403)
    return user


def _done(user_id: int, what: str) -> Response:
    return RedirectResponse(f"/admin/anvandare/{user_id}?klart={what}", status_code=303)


@router.get("/admin/anvandare/{user_id}")
def user_detail(request: Request, session: SessionDep, principal: Admin, user_id: int) -> Response:
    return _detail_page(request, session, principal, _user(session, principal, user_id))


@router.post("/admin/anvandare/{user_id}")
def update_user(request: Request, session: SessionDep, principal: Admin, form: FormDep, user_id: int) -> Response:
    values = form_values(request, principal, form)
    user = _user(session, principal, user_id, write=True)
    errors: dict[str, str] = {}
    account = user_forms.check_account(session, principal.kommun_code, values, errors)
    if account is not None:
        problem = user_service.account_change_problem(
            session=session, actor_user_id=principal.user_id, target=user, new_role=account.role)
        if problem:
            errors["roll"] = f"Roll: {problem}"
    if errors or account is None:
        return _detail_page(request, session, principal, user, values=values, errors=errors, status_code=422)
    changes = {field: {"fore": getattr(user, attribute), "efter": value}
               for field, attribute, value in (("namn", "name", account.name), ("roll", "role", account.role),
                                               ("organisation_id", "organisation_id", account.organisation_id))
               if getattr(user, attribute) != value}
    user.name, user.role, user.organisation_id = account.name, account.role, account.organisation_id
    session.add(user)
    if changes:
        audit(request, session, principal, "user.update", object_type="user", object_id=user_id, details=changes)
    session.commit()
    return _done(user_id, "andrad")


@router.post("/admin/anvandare/{user_id}/inaktivera")
def deactivate_user(request: Request, session: SessionDep, principal: Admin, form: FormDep, user_id: int) -> Response:
    form_values(request, principal, form)
    user = _user(session, principal, user_id, write=True)
    if not user.active:
        return _done(user_id, "inaktiverad")
    problem = user_service.account_change_problem(
        session=session, actor_user_id=principal.user_id, target=user, deactivate=True)
    if problem:
        return _detail_page(request, session, principal, user, errors={"konto": problem}, status_code=409)
    user.active = False
    session.add(user)
    ended = user_service.revoke_user_sessions(session=session, user_id=user_id)
    audit(request, session, principal, "user.deactivate", object_type="user", object_id=user_id,
          details={"epost": user.email, "avslutade_inloggningar": ended})
    session.commit()
    return _done(user_id, "inaktiverad")


@router.post("/admin/anvandare/{user_id}/aktivera")
def activate_user(request: Request, session: SessionDep, principal: Admin, form: FormDep, user_id: int) -> Response:
    form_values(request, principal, form)
    user = _user(session, principal, user_id, write=True)
    if not user.active:
        user.active = True
        session.add(user)
        audit(request, session, principal, "user.activate", object_type="user", object_id=user_id,
              details={"epost": user.email})
        session.commit()
    return _done(user_id, "aktiverad")


@router.post("/admin/anvandare/{user_id}/las-upp")
def unlock_user(request: Request, session: SessionDep, principal: Admin, form: FormDep, user_id: int) -> Response:
    form_values(request, principal, form)
    user = _user(session, principal, user_id, write=True)
    # The unlock is itself the record the delay check reads (see api.users.login_throttle.failures).
    audit(request, session, principal, user_service.UNLOCK_ACTION, object_type="user", object_id=user_id,
          details={"epost": user.email})
    session.commit()
    return _done(user_id, "upplast")


@router.post("/admin/anvandare/{user_id}/losenord")
def reset_password(request: Request, session: SessionDep, principal: Admin, form: FormDep, user_id: int) -> Response:
    values = form_values(request, principal, form)
    user = _user(session, principal, user_id, write=True)
    errors: dict[str, str] = {}
    password = user_forms.check_password(values, errors, email=user.email, name=user.name)
    if errors:
        return _detail_page(request, session, principal, user, errors=errors, status_code=422)
    generated = not password
    password = password or user_service.generate_password()
    user_service.set_password(session=session, user=user, password=password)
    keep = principal.user_session.id if principal.user_session and user.id == principal.user_id else None
    ended = user_service.revoke_user_sessions(session=session, user_id=user_id, keep_session_id=keep)
    audit(request, session, principal, "user.password_reset", object_type="user", object_id=user_id,
          details={"epost": user.email, "losenord": "slumpat" if generated else "angivet av administratören",
                   "avslutade_inloggningar": ended})
    session.commit()
    if not generated:
        return _done(user_id, "losenord")
    return password_once(request, session, principal, user, password, "Nytt lösenord")


@router.post("/admin/anvandare/{user_id}/logga-ut")
def revoke_sessions(request: Request, session: SessionDep, principal: Admin, form: FormDep, user_id: int) -> Response:
    form_values(request, principal, form)
    user = _user(session, principal, user_id, write=True)
    keep = principal.user_session.id if principal.user_session and user.id == principal.user_id else None
    ended = user_service.revoke_user_sessions(session=session, user_id=user_id, keep_session_id=keep)
    audit(request, session, principal, "user.sessions_revoked", object_type="user", object_id=user_id,
          details={"epost": user.email, "avslutade_inloggningar": ended})
    session.commit()
    return _done(user_id, "utloggad")


@router.post("/admin/anvandare/{user_id}/inbjudan")
def new_invitation(request: Request, session: SessionDep, principal: Admin, form: FormDep, user_id: int) -> Response:
    """A new one-time link for an account the admin may manage (an earlier unused link stops working)."""
    form_values(request, principal, form)
    user = _user(session, principal, user_id, write=True)
    return invitation_once(request, session, principal, user, "Ny inbjudningslänk")
