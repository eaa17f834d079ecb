"""The Körningar page: scheduled jobs and recent runs, so re-runs are visible."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.core.deps import SessionDep
from api.core.time import local_time
from api.jobs import service as job_service
from api.jobs.registry import ScheduledJob
from api.users.principal import Principal
from api.web.deps import allow
from api.web.layout import render

router = APIRouter()


@router.get("/korningar")
def runs_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Depends(allow("analytiker", "admin"))],
) -> Response:
    settings = request.app.state.settings
    installed: list[ScheduledJob] = request.app.state.jobs  # the app factory's list (api/schedule/jobs.py)
    titles = {job.name: job.title for job in installed}
    runs = [
        {
            "title": titles.get(run.job, run.job),
            "period": run.period,
            "status": job_service.STATUS_LABELS.get(run.status, run.status),
            "started": local_time(run.started_at, settings.timezone, seconds=True),
            "finished": local_time(run.finished_at, settings.timezone, seconds=True),
            "triggered_by": run.triggered_by,
            "message": run.message,
        }
        for run in job_service.recent_runs(session=session, kommun_code=principal.kommun_code)
    ]
    jobs = [
        {"name": job.name, "title": job.title, "when": job.trigger.describe(settings),
         "enabled": job.enabled(settings)}
        for job in installed
    ]
    scheduler_here = getattr(request.app.state, "scheduler", None) is not None
    return render(request, "jobs_runs.html",
                  {"runs": runs, "jobs": jobs, "scheduler_here": scheduler_here},
                  principal=principal, session=session)
