"""run_job records each run in job_run: succeeded, failed (writes rolled back) or skipped."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from api.core.clock import Clock
from api.core.errors import NotFound
from api.jobs.models import JobRun
from api.jobs.registry import JobContext, JobOutcome, ScheduledJob, cron, every, previous_week
from api.jobs.runner import run_job
from api.organisations.models import Organisation

pytestmark = pytest.mark.dates

MONDAY_0600 = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # 06:00 in Stockholm, 2026-W48


def _add_organisation(context: JobContext) -> JobOutcome:
    context.session.add(Organisation(kommun_code=context.kommun_code, name=f"Org {context.period}",
                                     type="ovrig"))
    return JobOutcome(message="Lade till en organisation.", artefact=f"org:{context.period}")


def _fail_after_writing(context: JobContext) -> JobOutcome:
    context.session.add(Organisation(kommun_code="1880", name="Halvfärdig", type="ovrig"))
    context.session.flush()
    raise RuntimeError("något gick sönder")


JOBS = [
    ScheduledJob("draft", "Utkast", cron(day_of_week="mon", hour=6), _add_organisation,
                 per_kommun=True, period=previous_week, once_per_period=True),
    ScheduledJob("boom", "Går sönder", every(minutes=5), _fail_after_writing),
]


def test_success_records_period_artefact_and_commits_the_writes(database, test_settings, session,
                                                                 world):
    run = run_job(database, test_settings, "draft", kommun_code="1880", jobs=JOBS,
                  clock=Clock.fixed(MONDAY_0600), triggered_by="test")
    assert (run.status, run.period, run.kommun_code) == ("succeeded", "2026-W47", "1880")
    assert run.artefact == "org:2026-W47" and run.message == "Lade till en organisation."
    assert run.started_at == MONDAY_0600 and run.finished_at == MONDAY_0600
    assert session.exec(select(Organisation).where(Organisation.name == "Org 2026-W47")).one()


def test_once_per_period_job_is_skipped_on_rerun_unless_forced(database, test_settings, session,
                                                               world):
    run_job(database, test_settings, "draft", "2026-W47", kommun_code="1880", jobs=JOBS)
    again = run_job(database, test_settings, "draft", "2026-W47", kommun_code="1880", jobs=JOBS)
    assert again.status == "skipped" and "Redan klar för perioden 2026-W47" in again.message
    other_kommun = run_job(database, test_settings, "draft", "2026-W47", kommun_code="1489",
                           jobs=JOBS)
    assert other_kommun.status == "succeeded"
    statuses = session.exec(select(JobRun.status).where(JobRun.job == "draft").order_by(JobRun.id))
    assert list(statuses) == ["succeeded", "skipped", "succeeded"]


def test_failure_is_recorded_and_the_jobs_writes_are_rolled_back(database, test_settings, session,
                                                                 world):
    run = run_job(database, test_settings, "boom", jobs=JOBS)
    assert run.status == "failed"
    assert run.message == "RuntimeError: något gick sönder"
    assert run.finished_at is not None
    assert session.exec(select(Organisation).where(Organisation.name == "Halvfärdig")).first() is None


def test_unknown_job_is_a_swedish_error(database, test_settings):
    with pytest.raises(NotFound, match="Jobbet 'saknas' finns inte"):
        run_job(database, test_settings, "saknas", jobs=JOBS)


def test_scheduled_per_kommun_job_runs_once_for_each_kommun(database, test_settings, session, world):
    from api.jobs.scheduler import run_scheduled

    run_scheduled(database, test_settings, "draft", JOBS)
    runs = session.exec(select(JobRun).where(JobRun.job == "draft")).all()
    assert sorted((r.kommun_code, r.status, r.triggered_by) for r in runs) == [
        ("1489", "succeeded", "scheduler"), ("1880", "succeeded", "scheduler"),
    ]
