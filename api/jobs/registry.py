"""What a scheduled job is (ScheduledJob, JobContext, JobOutcome, triggers, period labels) and lookups.

The installation's jobs are an explicit list, not import side effects: `JOBS` in api/schedule/jobs.py,
assembled at the top from each domain's jobs.py and passed down to the runner, the scheduler, the
Körningar page and the command line. Adding a job is one entry there, e.g. issue 5's Monday draft::

    ScheduledJob("lagesbild_draft", "Utkast till veckans lägesbild", cron(day_of_week="mon", hour=6),
                 draft_job, per_kommun=True, period=previous_week, once_per_period=True),

A job function takes a `JobContext` (an open session in the run's transaction, the settings, the
period, the kommun for per-kommun jobs and the run's `Clock`) and returns a `JobOutcome`; raising marks
the run failed and rolls its writes back (api/jobs/runner.py). A job takes "now" and "today" from
`context.clock`, never from the system.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import Session

from api.core.clock import Clock
from api.core.config import Settings
from api.core.errors import NotFound


@dataclass
class JobContext:
    """What a job function gets: its transaction's session and the run's parameters."""

    session: Session
    settings: Settings
    period: str
    kommun_code: str | None
    run_id: int
    #: The run's clock (the app's, the scheduler's or the command's); also the current clock meanwhile.
    clock: Clock
    triggered_by: str = "scheduler"
    #: httpx transport for jobs that fetch over HTTP (tests pass an httpx.MockTransport).
    http_transport: Any = None


@dataclass
class JobOutcome:
    """How a run ended: `succeeded` or `skipped` (failures are exceptions), with a Swedish message."""

    status: str = "succeeded"
    message: str = ""
    artefact: str = ""


@dataclass(frozen=True)
class Trigger:
    """A cron or interval schedule, built with the installation's time zone."""

    kind: str  # "cron" or "interval"
    fields: dict[str, Any] = field(default_factory=dict)
    minutes_setting: str | None = None

    def build(self, settings: Settings) -> BaseTrigger:
        """The APScheduler trigger for these settings."""
        if self.kind == "cron":
            return CronTrigger(timezone=settings.timezone, **self.fields)
        minutes = getattr(settings, self.minutes_setting) if self.minutes_setting else None
        return IntervalTrigger(minutes=minutes or self.fields["minutes"], timezone=settings.timezone)

    def describe(self, settings: Settings) -> str:
        """The schedule in Swedish, for the Körningar page."""
        if self.kind == "interval":
            minutes = getattr(settings, self.minutes_setting) if self.minutes_setting else None
            return f"var {minutes or self.fields['minutes']}:e minut"
        days = {"mon": "måndagar", "tue": "tisdagar", "wed": "onsdagar", "thu": "torsdagar",
                "fri": "fredagar", "sat": "lördagar", "sun": "söndagar"}
        clock = f"{int(self.fields.get('hour', 0)):02d}:{int(self.fields.get('minute', 0)):02d}"
        if "day" in self.fields:  # a day of the month, in some months
            months = self.fields.get("month")
            when = f"den {self.fields['day']}:e" + (f" i månad {months}" if months else " varje månad")
            return f"{when} {clock}"
        day = days.get(str(self.fields.get("day_of_week", "")), "varje dag")
        return f"{day} {clock}"


def cron(**fields: Any) -> Trigger:
    """A cron trigger in local time: `cron(day_of_week="mon", hour=6)`."""
    fields.setdefault("minute", 0)
    return Trigger("cron", fields)


def every(*, minutes: int | None = None, setting: str | None = None) -> Trigger:
    """An interval trigger of fixed minutes, or read from a Settings field."""
    return Trigger("interval", {"minutes": minutes}, minutes_setting=setting)


def minute_period(local_now: datetime) -> str:
    """Period label for frequent jobs: the local start minute, "2026-11-21T06:30"."""
    return local_now.strftime("%Y-%m-%dT%H:%M")


def current_week(local_now: datetime) -> str:
    """Period label: the ISO week of now, "2026-W47"."""
    year, week, _ = local_now.isocalendar()
    return f"{year}-W{week:02d}"


def previous_week(local_now: datetime) -> str:
    """Period label: the ISO week before now (a Monday job drafts last week)."""
    return current_week(local_now - timedelta(days=7))


def local_date(local_now: datetime) -> str:
    """Period label for a nightly job: the local date, "2026-11-22"."""
    return local_now.date().isoformat()


def always(_settings: Settings) -> bool:
    return True


@dataclass(frozen=True)
class ScheduledJob:
    """One job: name, schedule, function and whether this installation runs it."""

    name: str
    title: str
    trigger: Trigger
    run: Callable[[JobContext], JobOutcome]
    enabled: Callable[[Settings], bool] = always
    period: Callable[[datetime], str] = minute_period
    #: Run once per kommun in the installation (JobContext.kommun_code set), else once in all.
    per_kommun: bool = False
    #: A second run for the same job, kommun and period is recorded as skipped, not repeated.
    once_per_period: bool = False


def get_job(name: str, jobs: list[ScheduledJob]) -> ScheduledJob:
    """The job with this name among `jobs`."""
    for job in jobs:
        if job.name == name:
            return job
    known = ", ".join(j.name for j in jobs)
    raise NotFound(f"Jobbet '{name}' finns inte. Kända jobb: {known}.")


def enabled_jobs(settings: Settings, jobs: list[ScheduledJob]) -> list[ScheduledJob]:
    """The jobs among `jobs` that this installation's settings switch on."""
    return [job for job in jobs if job.enabled(settings)]
