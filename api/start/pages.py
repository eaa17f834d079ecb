"""The start page: what the user can do, and this week in their kommun."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from api.core.deps import ALL_USER_ROLES, Principal, SessionDep, allow, load_principal, public
from api.core.templating import render
from api.core.time import utcnow
from api.start import service as start_service

router = APIRouter()


@router.get("/", dependencies=[Depends(public)])
def root(request: Request, session: SessionDep) -> Response:
    target = "/start" if load_principal(request, session) else "/login"
    return RedirectResponse(target, status_code=303)


@router.get("/start")
def start(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Depends(allow(*ALL_USER_ROLES))],
) -> Response:
    settings = request.app.state.settings
    today = start_service.local_today(settings.timezone, utcnow())
    summary = start_service.week_summary(session=session, principal=principal, today=today)
    tasks = start_service.ROLE_TASKS.get(principal.role, [])
    return render(
        request, "start.html", {"summary": summary, "tasks": tasks}, principal=principal,
        session=session,
    )
