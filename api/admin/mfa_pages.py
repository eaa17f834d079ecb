"""The admin's side of the second factor: reset a user's authenticator, require TOTP in the kommun."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.admin._common import Admin, audit, form_values
from api.admin.user_account_pages import _done, _user
from api.core.clock import current_clock
from api.core.deps import SessionDep
from api.mfa import service as mfa_service
from api.web.deps import FormDep

router = APIRouter()


@router.post("/admin/anvandare/{user_id}/tvafaktor/aterstall")
def reset_second_factor(
    request: Request, session: SessionDep, principal: Admin, form: FormDep, user_id: int
) -> Response:
    form_values(request, principal, form)
    user = _user(session, principal, user_id, write=True)
    removed = mfa_service.reset(session=session, user_id=user_id)
    audit(request, session, principal, "user.mfa_reset", object_type="user", object_id=user_id,
          details={"epost": user.email, "fanns": removed})
    session.commit()
    return _done(user_id, "tvafaktor")


@router.post("/admin/kommun/tvafaktor")
def kommun_requirement(request: Request, session: SessionDep, principal: Admin, form: FormDep) -> Response:
    values = form_values(request, principal, form)
    require = values.get("krav_tvafaktor") == "ja"
    mfa_service.set_kommun_requirement(session=session, kommun_code=principal.kommun_code, require=require,
                                       now=current_clock().now())
    audit(request, session, principal, "kommun.mfa_requirement", object_type="kommun",
          object_id=principal.kommun_code, details={"krav_tvafaktor": require})
    session.commit()
    return RedirectResponse("/admin/kommun?sparat=1", status_code=303)
