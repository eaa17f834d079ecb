"""Run one job and record it in `job_run`: running → succeeded / failed / skipped.

The start is committed on its own, so a run that crashes or hangs stays visible as "pågår". The
job's writes and its "succeeded" row commit together; on an exception the writes roll back and
the row is marked failed with the error. Jobs are written to be idempotent (the police feed
skips events already stored), and `once_per_period` jobs skip a period that already succeeded, so
re-running anything is safe.
"""

from __future__ import annotations

import logging
from typing import Any

from api.core.clock import Clock, using_clock
from api.core.config import Settings
from api.core.db import Database
from api.jobs import service as job_service
from api.jobs.models import JobRun
from api.jobs.registry import JobContext, JobOutcome, ScheduledJob, get_job

logger = logging.getLogger(__name__)


def run_job(
    database: Database,
    settings: Settings,
    name: str,
    period: str | None = None,
    kommun_code: str | None = None,
    triggered_by: str = "scheduler",
    *,
    clock: Clock | None = None,
    http_transport: Any = None,
    force: bool = False,
    jobs: list[ScheduledJob],
) -> JobRun:
    """Run the job of `jobs` with this name once for a period (default: from now); return its job_run row.

    The clock (default: `settings.make_clock()`) is the job's `context.clock` and the current clock
    for the whole run, so the job's dates and its rows' `created_at` agree, in whatever thread.
    """
    job = get_job(name, jobs)
    clock = (clock or settings.make_clock()).with_timezone(settings.timezone)
    with using_clock(clock):
        return _run(database, settings, job, period, kommun_code, triggered_by, clock=clock,
                    http_transport=http_transport, force=force)


def _run(
    database: Database, settings: Settings, job: ScheduledJob, period: str | None, kommun_code: str | None,
    triggered_by: str, *, clock: Clock, http_transport: Any, force: bool,
) -> JobRun:
    name = job.name
    started = clock.now()
    if period is None:
        period = job.period(clock.local_now())
    with database.transaction() as session:
        run = job_service.start_run(
            session=session, job=name, period=period, kommun_code=kommun_code,
            triggered_by=triggered_by, started_at=started,
        )
        run_id: int = run.id  # type: ignore[assignment]
    try:
        with database.transaction() as session:
            if job.once_per_period and not force and job_service.has_succeeded(
                session=session, job=name, period=period, kommun_code=kommun_code
            ):
                outcome = JobOutcome("skipped", f"Redan klar för perioden {period}.")
            else:
                outcome = job.run(
                    JobContext(
                        session=session, settings=settings, period=period,
                        kommun_code=kommun_code, run_id=run_id, clock=clock,
                        triggered_by=triggered_by, http_transport=http_transport,
                    )
                )
            return job_service.finish_run(
                session=session, run_id=run_id, status=outcome.status, finished_at=clock.now(),
                message=outcome.message, artefact=outcome.artefact,
            )
    except Exception as exc:  # a job's failure is recorded, never kills the scheduler
        logger.exception("Jobbet %s (%s) misslyckades", name, period)
        with database.transaction() as session:
            return job_service.finish_run(
                session=session, run_id=run_id, status="failed", finished_at=clock.now(),
                message=f"{type(exc).__name__}: {exc}",
            )
