"""The Monday job drafts last week's lägesbild per kommun, once, with a job_run row per run."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from api.core.clock import Clock
from api.jobs.models import JobRun
from api.lagesbild.models import Lagesbild
from api.schedule.jobs import get_job, run_job
from tests.api.lagesbild.helpers import week_of_reports

pytestmark = pytest.mark.dates

MONDAY_0600 = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # 06:00 in Stockholm, Monday of 2026-W48


def test_registered_for_monday_six_per_kommun(test_settings):
    job = get_job("lagesbild_draft")
    assert job.per_kommun and job.once_per_period
    assert job.trigger.describe(test_settings) == "måndagar 06:00"


def test_monday_job_drafts_previous_week_idempotently(database, test_settings, session, world):
    week_of_reports(session, world)
    first = run_job(database, test_settings, "lagesbild_draft", kommun_code="1880",
                    clock=Clock.fixed(MONDAY_0600), triggered_by="test")
    assert (first.status, first.period, first.artefact) == ("succeeded", "2026-W47", "/lagesbild/2026-W47")
    forced = run_job(database, test_settings, "lagesbild_draft", kommun_code="1880",
                     clock=Clock.fixed(MONDAY_0600), force=True)
    assert forced.status == "skipped" and forced.message == "Lägesbilden för 2026-W47 finns redan."
    other = run_job(database, test_settings, "lagesbild_draft", kommun_code="1489",
                    clock=Clock.fixed(MONDAY_0600))
    assert other.status == "succeeded"
    drafts = session.exec(select(Lagesbild.kommun_code, Lagesbild.iso_week, Lagesbild.version)).all()
    assert sorted(drafts) == [("1489", "2026-W47", 1), ("1880", "2026-W47", 1)]
    runs = session.exec(select(JobRun.status).where(JobRun.job == "lagesbild_draft").order_by(JobRun.id))
    assert list(runs) == ["succeeded", "skipped", "succeeded"]


def test_a_manual_run_without_kommun_drafts_every_kommun(database, test_settings, session, world):
    run = run_job(database, test_settings, "lagesbild_draft", "2026-W46", triggered_by="kommandoraden")
    assert run.status == "succeeded" and run.message == "Utkast till lägesbild för 2026-W46 skapat (2 av 2 kommuner)."
    weeks = session.exec(select(Lagesbild.kommun_code).where(Lagesbild.iso_week == "2026-W46")).all()
    assert sorted(weeks) == ["1489", "1880"]
