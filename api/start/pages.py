"""The start page: what the user can do, and this week in their kommun."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from analysis.weeks import week_start
from api.core.deps import ClockDep, SessionDep
from api.lagesbild import service as lagesbild_service
from api.start import checklist
from api.start import service as start_service
from api.users.principal import Principal
from api.web.deps import ALL_USER_ROLES, allow, load_principal, public
from api.web.layout import render

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
    clock: ClockDep,
) -> Response:
    today = clock.today()
    weekly = None
    if principal.role == "analytiker":
        # The analyst's page is about the week that is due, not the one that has just begun.
        weekly = checklist.weekly_checklist(session=session, kommun_code=principal.kommun_code,
                                            current_week=clock.week_label())
        today = week_start(weekly.week)
    summary = start_service.week_summary(session=session, principal=principal, today=today)
    tasks = start_service.ROLE_TASKS.get(principal.role, [])
    return render(
        request, "start.html", {"summary": summary, "tasks": tasks, "checklist": weekly},
        principal=principal, session=session,
    )


@router.get("/granska")
def review_due_week(
    session: SessionDep, principal: Annotated[Principal, Depends(allow("analytiker"))], clock: ClockDep,
) -> Response:
    """Granska opens the week that is due (last week until it is published), as the checklist does."""
    due = lagesbild_service.due_week(session=session, kommun_code=principal.kommun_code,
                                     current_week=clock.week_label())
    return RedirectResponse(f"/granska/{due}", status_code=303)
