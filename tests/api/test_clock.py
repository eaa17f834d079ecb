"""The one clock: weeks at awkward dates, and the app's clock reaching routes, column defaults, jobs and
commands (sync routes run in a threadpool, jobs in APScheduler's threads, where a ContextVar does not
follow by itself)."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlmodel import select
from typer.testing import CliRunner

from analysis.weeks import shift_week
from api.audit.models import AuditEvent
from api.cli import app as cli_app
from api.core.clock import SYSTEM_CLOCK, Clock, current_clock, using_clock
from api.core.config import Settings
from api.core.db import Database, make_engine
from api.core.deps import ClockDep
from api.core.time import utcnow
from api.jobs.models import JobRun
from api.jobs.registry import JobContext, JobOutcome, ScheduledJob, every
from api.jobs.scheduler import build_scheduler
from api.kommuner.models import Kommun
from api.lagesbild.models import Lagesbild
from api.main import create_app
from api.users.models import UserSession
from tests.conftest import (
    TEST_SECRET,
    database_url_for,
    drop_schema,
    login,
    make_test_settings,
    set_cli_environment,
)
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates


def _other_day(test_today: date) -> date:
    """A day the app runs on that is not the suite's own (so a leak of either clock shows)."""
    return date(2026, 12, 31) if test_today != date(2026, 12, 31) else date(2028, 2, 29)


def _local_date(moment: datetime, clock: Clock) -> date:
    """A stored moment's local date (SQLite hands timestamps back naive, in UTC)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(clock.zone).date()


@pytest.mark.parametrize(("day", "week", "monday"), [
    (date(2026, 12, 31), "2026-W53", date(2026, 12, 28)),  # a Thursday in a 53-week year
    (date(2027, 1, 3), "2026-W53", date(2026, 12, 28)),    # Sunday: still the old ISO year
    (date(2027, 1, 4), "2027-W01", date(2027, 1, 4)),      # Monday of the next ISO year
    (date(2028, 2, 29), "2028-W09", date(2028, 2, 28)),    # a leap day
])
def test_week_and_monday_at_awkward_dates(day: date, week: str, monday: date) -> None:
    clock = Clock.fixed(day)
    assert (clock.today(), clock.week_label(), clock.monday()) == (day, week, monday)


def test_a_fixed_clock_is_one_moment_seen_in_the_installations_zone() -> None:
    late = Clock.parse("2026-12-31T23:30")  # local (Stockholm, CET): 22:30 UTC
    assert late.now() == datetime(2026, 12, 31, 22, 30, tzinfo=UTC)
    assert late.today() == date(2026, 12, 31) and late.week_label() == "2026-W53"
    # The same moment in Helsinki is already the next day (and the next ISO year's week 53 still).
    assert late.with_timezone("Europe/Helsinki").today() == date(2027, 1, 1)
    assert late.local_midnight(date(2027, 1, 1)) == datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
    # A date alone is 12:00 local: far from midnight on either side of a DST change.
    assert Clock.fixed(date(2026, 3, 29)).local_now().hour == 12
    assert Clock.parse("2026-12-31") == Clock.fixed(date(2026, 12, 31))
    assert Clock.parse("2026-12-31") != Clock.fixed(date(2027, 1, 4))
    assert "2026, 12, 31, 11, 0" in repr(Clock.fixed(date(2026, 12, 31)))


def test_settings_make_the_clock_and_refuse_bad_values() -> None:
    settings = Settings(environment="test", secret_key=TEST_SECRET, clock_at="2028-02-29")
    assert settings.make_clock() == Clock.fixed(date(2028, 2, 29))
    assert Settings(environment="test", secret_key=TEST_SECRET).make_clock().source is SYSTEM_CLOCK.source
    with pytest.raises(ValidationError, match="LAGESBILD_CLOCK_AT kan inte tolkas"):
        Settings(environment="test", secret_key=TEST_SECRET, clock_at="31/12 2026")
    with pytest.raises(ValidationError, match="LAGESBILD_TIMEZONE"):
        Settings(environment="test", secret_key=TEST_SECRET, timezone="Europa/Örebro")


def test_the_apps_clock_reaches_sync_and_async_routes_and_column_defaults(  # type: ignore[no-untyped-def]
    test_settings, database, session, world, test_today
):
    clock = Clock.fixed(_other_day(test_today))
    app = create_app(test_settings, database=database, clock=clock)

    def stamp(request: Request, dependency: Clock) -> dict[str, str]:
        with request.app.state.db.session() as own:  # a row whose occurred_at is a column default
            event = AuditEvent(action="clock.test", actor="test", object_id=request.url.path)
            own.add(event)
            own.commit()
            return {"dependency": dependency.today().isoformat(), "current": current_clock().today().isoformat(),
                    "utcnow": utcnow().isoformat(), "stored": _local_date(event.occurred_at, clock).isoformat()}

    def sync_route(request: Request, dependency: ClockDep) -> dict[str, str]:  # FastAPI: a threadpool
        return stamp(request, dependency)

    async def async_route(request: Request, dependency: ClockDep) -> dict[str, str]:  # the event loop
        return stamp(request, dependency)

    app.add_api_route("/test/clock/sync", sync_route)
    app.add_api_route("/test/clock/async", async_route)
    expected = {"dependency": clock.today().isoformat(), "current": clock.today().isoformat(),
                "utcnow": clock.now().isoformat(), "stored": clock.today().isoformat()}
    with TestClient(app, base_url="https://testserver") as client:
        assert client.get("/test/clock/sync").json() == expected
        assert client.get("/test/clock/async").json() == expected
        # Real routes: the login (async) stores a session, the lägesbild page (sync) drafts the week.
        login(client, world.user("analytiker").email, PASSWORD)
        page = client.get(f"/lagesbild/{clock.week_label()}")
        assert page.status_code == 200
        # /granska opens the week that is due: last week, as long as it is not published.
        due = shift_week(clock.week_label(), -1)
        assert client.get("/granska", follow_redirects=False).headers["location"] == f"/granska/{due}"
        # "Next week" is not offered on the clock's own week: it has not begun.
        assert client.get(f"/lagesbild/{shift_week(clock.week_label(), 1)}").status_code == 404
    user_session = session.exec(select(UserSession).where(UserSession.user_id == world.user("analytiker").id)).one()
    draft = session.exec(select(Lagesbild).where(Lagesbild.iso_week == clock.week_label())).one()
    reads = session.exec(select(AuditEvent).where(AuditEvent.action.in_(("login", "report.read")))).all()  # type: ignore[attr-defined]
    assert _local_date(user_session.created_at, clock) == clock.today()
    assert _local_date(draft.created_at, clock) == clock.today()
    assert reads and {_local_date(event.occurred_at, clock) for event in reads} == {clock.today()}


def test_scheduler_threads_run_jobs_on_the_apps_clock(database, test_settings, world, test_today):  # type: ignore[no-untyped-def]
    clock = Clock.fixed(datetime.combine(_other_day(test_today), datetime.min.time()).replace(hour=2, minute=30))
    seen: dict[str, object] = {}
    ran = threading.Event()

    def probe(context: JobContext) -> JobOutcome:
        seen.update(context=context.clock, current=current_clock(), thread=threading.current_thread().name)
        ran.set()
        return JobOutcome(message=f"Körd {context.clock.today()}.")

    jobs = [ScheduledJob("probe", "Klockprov", every(minutes=60), probe)]
    assert current_clock() != clock  # the test's own clock is the suite's
    scheduler = build_scheduler(database, test_settings, jobs=jobs, clock=clock)
    scheduler.start()
    try:
        scheduler.get_job("probe").modify(next_run_time=datetime.now(UTC))  # fire now, in its thread
        assert ran.wait(30), "APScheduler did not run the job"
    finally:
        scheduler.shutdown(wait=True)
    assert seen["context"] == clock and seen["current"] == clock
    assert seen["thread"] != threading.current_thread().name
    with database.session() as session:
        run = session.exec(select(JobRun).where(JobRun.job == "probe")).one()
    assert run.period == clock.local_now().strftime("%Y-%m-%dT%H:%M")
    assert run.message == f"Körd {clock.today()}." and _local_date(run.started_at, clock) == clock.today()


def test_a_command_runs_on_lagesbild_clock_at(tmp_path, monkeypatch, test_today):  # type: ignore[no-untyped-def]
    day = _other_day(test_today)
    url = database_url_for(tmp_path, "clock_cli_" + tmp_path.name[-10:])
    set_cli_environment(monkeypatch, url, tmp_path, day)
    result = CliRunner().invoke(cli_app, ["kommun", "add", "1880", "Örebro"])
    assert result.exit_code == 0, result.output
    database = Database(make_engine(make_test_settings(url, tmp_path)))
    try:
        with database.session() as session:
            kommun = session.get(Kommun, "1880")
            assert kommun is not None and _local_date(kommun.created_at, Clock.fixed(day)) == day
    finally:
        database.engine.dispose()
        drop_schema(url)


def test_using_clock_nests_and_restores() -> None:
    outer, inner = Clock.fixed(date(2026, 12, 31)), Clock.fixed(date(2027, 1, 4))
    with using_clock(outer):
        with using_clock(inner):
            assert current_clock() == inner
        assert current_clock() == outer
