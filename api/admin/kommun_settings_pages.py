"""The admin's settings page for the current kommun: analysis period and gallring of free text."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from api.core.deps import SessionDep
from api.gallring import service as gallring_service
from api.kommuner import settings_service as service
from api.mfa import service as mfa_service
from api.users.principal import Principal
from api.web.deps import FormDep, _client_ip, allow, check_csrf
from api.web.layout import render

router = APIRouter()

ADMIN = ("admin",)


def _page(request: Request, session: SessionDep, principal: Principal, *, values: dict[str, str],
          errors: dict[str, str] | None = None, saved: bool = False, status_code: int = 200) -> Response:
    kommun = service.get_kommun(session=session, kommun_code=principal.kommun_code)
    removed, last_removed = gallring_service.removed_so_far(session=session, kommun_code=kommun.code)
    return render(
        request, "kommun_settings.html",
        {"kommun": kommun, "values": values, "errors": errors or {}, "saved": saved,
         "removed": removed, "last_removed": last_removed.date().isoformat() if last_removed else "",
         "period_kinds": service.PERIOD_KINDS, "min_months": service.RETENTION_MIN_MONTHS,
         "max_months": service.RETENTION_MAX_MONTHS,
         "require_totp": mfa_service.kommun_requires_totp(session=session, kommun_code=kommun.code)},
        principal=principal, session=session, status_code=status_code,
    )


@router.get("/admin/kommun")
def settings_page(
    request: Request, session: SessionDep, principal: Annotated[Principal, Depends(allow(*ADMIN))],
    sparat: int = 0,
) -> Response:
    kommun = service.get_kommun(session=session, kommun_code=principal.kommun_code)
    values = {"analysperiod": kommun.period_kind,
              "gallring": "" if kommun.retention_months is None else str(kommun.retention_months)}
    return _page(request, session, principal, values=values, saved=bool(sparat))


@router.post("/admin/kommun")
def settings_save(
    request: Request, session: SessionDep, principal: Annotated[Principal, Depends(allow(*ADMIN))], form: FormDep,
) -> Response:
    check_csrf(request, principal, form)
    values = {"analysperiod": str(form.get("analysperiod", "")).strip()[:20],
              "gallring": str(form.get("gallring", "")).strip()[:20]}
    settings, errors = service.parse_settings(period_kind=values["analysperiod"], retention=values["gallring"])
    if settings is None:
        return _page(request, session, principal, values=values, errors=errors, status_code=422)
    service.update_settings(session=session, kommun_code=principal.kommun_code, settings=settings,
                            actor=principal.actor, user_id=principal.user_id, ip=_client_ip(request))
    session.commit()
    return RedirectResponse("/admin/kommun?sparat=1", status_code=303)
