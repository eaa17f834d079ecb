"""The scheduler: one per installation (advisory lock / lock file), triggers in local time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app as cli_app
from api.core.db import Database, make_engine
from api.jobs.registry import JobOutcome, ScheduledJob, cron
from api.jobs.scheduler import SchedulerLock
from api.main import create_app
from api.schedule.jobs import JOBS, build_scheduler
from tests.conftest import database_url_for, login, make_test_settings, set_cli_environment
from tests.factories import PASSWORD


@pytest.fixture()
def settings(test_settings, tmp_path):  # type: ignore[no-untyped-def]
    return test_settings.model_copy(update={"data_dir": tmp_path})


def test_lock_refuses_a_second_holder_until_released(database, settings):
    first, second = SchedulerLock(database, settings), SchedulerLock(database, settings)
    assert first.acquire() is True
    try:
        assert second.acquire() is False
        assert not second.held
    finally:
        first.release()
    assert second.acquire() is True
    second.release()


def test_build_scheduler_uses_enabled_jobs_and_local_time(database, settings):
    # The police feed is off by default; the Monday draft of the lägesbild is always scheduled.
    assert [job.id for job in build_scheduler(database, settings).get_jobs()] == [
        "lagesbild_draft", "kvartalspaket", "gallring", "importfiler"]
    enabled = settings.model_copy(update={"police_feed_enabled": True,
                                          "police_feed_interval_minutes": 15})
    draft = ScheduledJob("draft", "Utkast", cron(day_of_week="mon", hour=6),
                         lambda _: JobOutcome(), per_kommun=True)
    scheduler = build_scheduler(database, enabled, jobs=[*JOBS, draft])
    assert isinstance(scheduler, BackgroundScheduler)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"police_feed", "lagesbild_draft", "kvartalspaket", "gallring", "importfiler",
                         "draft"}
    assert jobs["police_feed"].trigger.interval.total_seconds() == 15 * 60
    now = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)  # a Saturday
    next_fire = jobs["draft"].trigger.get_next_fire_time(None, now)
    assert next_fire.isoformat() == "2026-11-23T06:00:00+01:00"  # Monday 06:00 Europe/Stockholm
    assert draft.trigger.describe(enabled) == "måndagar 06:00"
    assert JOBS[0].trigger.describe(enabled) == "var 15:e minut"
    assert cron(month="1,4,7,10", day=2, hour=7).describe(enabled) == "den 2:e i månad 1,4,7,10 07:00"


def test_web_app_lifespan_runs_the_scheduler_only_when_the_lock_is_free(database, settings, world):
    on = settings.model_copy(update={"scheduler_enabled": True, "police_feed_enabled": True})
    app = create_app(on, database=database)
    with TestClient(app, base_url="https://testserver") as client:
        running = app.state.scheduler
        assert running is not None and running.scheduler.running
        assert sorted(job.id for job in running.scheduler.get_jobs()) == [
            "gallring", "importfiler", "kvartalspaket", "lagesbild_draft", "police_feed"]
        # A second web worker gets no scheduler while the first holds the lock.
        other = create_app(on, database=database)
        with TestClient(other, base_url="https://testserver"):
            assert other.state.scheduler is None
        login(client, world.user("analytiker").email, PASSWORD)
        page = client.get("/korningar")
        assert "Schemaläggaren körs i webbservern." in page.text
        assert "Polisens händelser (polisen.se)" in page.text and "var 30:e minut" in page.text
    assert app.state.scheduler is None
    after = SchedulerLock(database, settings)
    assert after.acquire() is True  # released on shutdown
    after.release()


def test_scheduler_command_refuses_when_another_process_holds_the_lock(tmp_path, monkeypatch, test_today):
    url = database_url_for(tmp_path, "scheduler_cli_" + tmp_path.name[-10:])
    settings = make_test_settings(url, tmp_path)
    set_cli_environment(monkeypatch, url, tmp_path, test_today)
    database = Database(make_engine(settings))
    holder = SchedulerLock(database, settings)
    assert holder.acquire()
    try:
        result = CliRunner().invoke(cli_app, ["scheduler", "--no-wait"])
    finally:
        holder.release()
        database.engine.dispose()
    assert result.exit_code == 1, result.output
    assert "En annan process kör redan schemaläggaren." in result.output


def test_jobs_list_and_run_commands(tmp_path, monkeypatch, test_today):
    url = database_url_for(tmp_path, "jobs_cli_" + tmp_path.name[-10:])
    set_cli_environment(monkeypatch, url, tmp_path, test_today)
    listing = CliRunner().invoke(cli_app, ["jobs", "list"])
    assert listing.exit_code == 0 and "police_feed" in listing.output and "nej" in listing.output
    # The feed is off (the default): a manual run is recorded as skipped, polisen.se is not called.
    run = CliRunner().invoke(cli_app, ["jobs", "run", "police_feed"])
    assert run.exit_code == 0, run.output
    assert "police_feed" in run.output and "hoppades över" in run.output and "avstängt" in run.output
    unknown = CliRunner().invoke(cli_app, ["jobs", "run", "saknas"])
    assert unknown.exit_code == 1 and "Jobbet 'saknas' finns inte" in unknown.output
