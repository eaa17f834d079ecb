"""/admin/anvandare: the kommun's users — list, and add an account with a first password."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from api.admin import user_forms
from api.admin._common import NO_STORE, Admin, audit, form_values, local
from api.core.deps import SessionDep
from api.core.time import utcnow
from api.organisations import service as organisation_service
from api.sso import service as sso_service
from api.users import invitations
from api.users import service as user_service
from api.users.models import User
from api.users.principal import Principal
from api.web.deps import FormDep
from api.web.layout import render

router = APIRouter()


@router.get("/admin/anvandare")
def user_list(request: Request, session: SessionDep, principal: Admin) -> Response:
    users = user_service.kommun_users(session=session, kommun_code=principal.kommun_code)
    ids = [user.id for user in users if user.id is not None]
    organisations = {o.id: o.name for o in organisation_service.list_organisations(
        session=session, kommun_code=principal.kommun_code)}
    return render(request, "admin_users.html", {
        "users": users, "roles": user_forms.ROLES, "organisations": organisations,
        "last_logins": user_service.last_logins(session=session, user_ids=ids),
        "locked": user_service.locked_user_ids(session=session, users=users, now=utcnow()),
        "local": local(request),
    }, principal=principal, session=session)


def _new_page(request: Request, session: Session, principal: Principal, *, values: dict[str, str],
              errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    return render(request, "admin_user_new.html", {
        "values": values, "errors": errors or {}, "roles": user_forms.ROLES,
        "organisations": user_forms.kommun_organisations(session, principal.kommun_code),
    }, principal=principal, session=session, status_code=status_code)


@router.get("/admin/anvandare/ny")
def new_user(request: Request, session: SessionDep, principal: Admin, organisation: str = "") -> Response:
    values = {"namn": "", "epost": "", "roll": "inrapportor" if organisation else "",
              "organisation": organisation.strip()}
    return _new_page(request, session, principal, values=values)


@router.post("/admin/anvandare/ny")
def create_user(request: Request, session: SessionDep, principal: Admin, form: FormDep) -> Response:
    values = form_values(request, principal, form)
    errors: dict[str, str] = {}
    account = user_forms.check_account(session, principal.kommun_code, values, errors)
    email = user_forms.check_email(session, values, errors)
    # The default is an invitation link; an admin who needs to may still set (or generate) a password.
    # A typed password means the admin chose to set it, whatever the radio says.
    by_link = values.get("forsta", "lank") != "losenord" and not values.get("losenord")
    password = "" if by_link else user_forms.check_password(values, errors, email=email,
                                                            name=values.get("namn", ""))
    if errors or account is None:
        values.pop("losenord", None)  # a password is never sent back to the browser
        return _new_page(request, session, principal, values=values, errors=errors, status_code=422)
    waiting = sso_service.waiting_account(session=session, email=email)
    if waiting is not None:  # first signed in by SSO (auto-provisioned): grant it, no password
        sso_service.grant_waiting_account(session=session, user=waiting, name=account.name, role=account.role,
                                          organisation_id=account.organisation_id, kommun_code=principal.kommun_code)
        audit(request, session, principal, "user.grant_sso", object_type="user", object_id=waiting.id or "",
              details={"epost": waiting.email, "roll": waiting.role, "organisation_id": waiting.organisation_id})
        session.commit()
        return RedirectResponse(f"/admin/anvandare/{waiting.id}?klart=andrad", status_code=303)
    generated = not password
    password = password or user_service.generate_password()
    user = user_service.create_user(
        session=session, name=account.name, email=email, password=password, role=account.role,
        kommun_codes=[principal.kommun_code], organisation_id=account.organisation_id,
    )
    how = "inbjudningslänk" if by_link else "slumpat" if generated else "angivet av administratören"
    audit(request, session, principal, "user.create", object_type="user", object_id=user.id or "",
          details={"epost": user.email, "roll": user.role, "organisation_id": user.organisation_id,
                   "losenord": how})
    if by_link:  # the random password above is never shown: the person chooses their own
        return invitation_once(request, session, principal, user, "Kontot är skapat")
    session.commit()
    if not generated:
        return RedirectResponse(f"/admin/anvandare/{user.id}?klart=skapad", status_code=303)
    return password_once(request, session, principal, user, password, "Kontot är skapat")


def invitation_once(request: Request, session: Session, principal: Principal, user: User,
                    heading: str) -> Response:
    """Create a one-time link for the account, log it, commit, and show the link once; never cached."""
    now = request.app.state.clock.now()
    invitation, token = invitations.create_invitation(session=session, user=user, now=now,
                                                      created_by_id=principal.user_id)
    audit(request, session, principal, "user.invite", object_type="user", object_id=user.id or "",
          details={"epost": user.email, "roll": user.role, "giltig_till": invitation.expires_at.isoformat(
              timespec="minutes")})
    session.commit()
    link = str(request.base_url).rstrip("/") + f"/inbjudan/{token}"
    response = render(request, "admin_invitation_once.html",
                      {"user": user, "link": link, "heading": heading, "hours": invitations.VALID_HOURS,
                       "expires": local(request)(invitation.expires_at)},
                      principal=principal, session=session)
    response.headers.update(NO_STORE)
    return response


def password_once(request: Request, session: Session, principal: Principal, user: User, password: str,
          heading: str) -> Response:
    """The page that shows a generated password once; never cached."""
    response = render(request, "admin_password_once.html",
                      {"user": user, "password": password, "heading": heading},
                      principal=principal, session=session)
    response.headers.update(NO_STORE)
    return response
