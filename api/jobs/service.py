"""Job runs: the `job_run` history a run writes and the Körningar page reads."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, or_, select

from api.jobs.models import JobRun

STATUS_LABELS = {
    "running": "pågår",
    "succeeded": "klar",
    "failed": "misslyckades",
    "skipped": "hoppades över",
}


def start_run(
    *, session: Session, job: str, period: str, kommun_code: str | None, triggered_by: str,
    started_at: datetime,
) -> JobRun:
    """Record that a run has started (status running)."""
    run = JobRun(
        job=job, period=period, kommun_code=kommun_code, triggered_by=triggered_by[:200],
        status="running", started_at=started_at,
    )
    session.add(run)
    session.flush()
    return run


def finish_run(
    *, session: Session, run_id: int, status: str, finished_at: datetime, message: str = "",
    artefact: str = "",
) -> JobRun:
    """Record how a run ended."""
    run = session.get(JobRun, run_id)
    assert run is not None, f"job_run {run_id} vanished"
    run.status = status
    run.finished_at = finished_at
    run.message = message[:4000]
    run.artefact = artefact[:1000]
    session.add(run)
    session.flush()
    return run


def has_succeeded(*, session: Session, job: str, period: str, kommun_code: str | None) -> bool:
    """Whether this job already succeeded for this kommun and period."""
    query = select(JobRun.id).where(
        JobRun.job == job, JobRun.period == period, JobRun.status == "succeeded"
    )
    query = query.where(
        JobRun.kommun_code == kommun_code if kommun_code else col(JobRun.kommun_code).is_(None)
    )
    return session.exec(query).first() is not None


def call_times(
    *, session: Session, job: str, since: datetime, exclude_run_id: int | None = None
) -> list[datetime]:
    """When earlier runs of a job called out, for rate limits that must survive restarts.

    Every run that was not skipped counts as one call (a run that failed before calling counts
    too: over-counting only makes us more polite). The call time is the run's finish (or start,
    for a run still going or cut off), which is never earlier than the call itself.
    """
    rows = session.exec(
        select(JobRun).where(
            JobRun.job == job,
            JobRun.status != "skipped",
            col(JobRun.started_at) >= since,
        )
    ).all()
    return sorted(
        (run.finished_at or run.started_at) for run in rows if run.id != exclude_run_id
    )


def recent_runs(*, session: Session, kommun_code: str, limit: int = 100) -> list[JobRun]:
    """The latest runs for this kommun and installation-wide runs (kommun not set), newest first."""
    return list(
        session.exec(
            select(JobRun)
            .where(or_(JobRun.kommun_code == kommun_code, col(JobRun.kommun_code).is_(None)))
            .order_by(col(JobRun.started_at).desc(), col(JobRun.id).desc())
            .limit(limit)
        )
    )
