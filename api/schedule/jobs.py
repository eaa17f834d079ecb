"""The installation's scheduled jobs: one explicit list, passed down to the machinery in api.jobs."""

from __future__ import annotations

from functools import partial

from api.core.config import Settings
from api.gallring.jobs import gallring_job
from api.imports.jobs import upload_expiry_job
from api.jobs import registry, runner, scheduler
from api.jobs.registry import ScheduledJob, cron, every, local_date, previous_week
from api.lagesbild.jobs import draft_job
from api.packages.jobs import package_job
from api.police.jobs import poll_feed_job


def _police_feed_enabled(settings: Settings) -> bool:
    return settings.police_feed_enabled


JOBS: list[ScheduledJob] = [
    ScheduledJob(
        "police_feed", "Polisens händelser (polisen.se)", every(setting="police_feed_interval_minutes"),
        poll_feed_job, enabled=_police_feed_enabled,
    ),
    ScheduledJob("lagesbild_draft", "Utkast till förra veckans lägesbild", cron(day_of_week="mon", hour=6),
                 draft_job, per_kommun=True, period=previous_week, once_per_period=True),
    ScheduledJob("kvartalspaket", "Kvartalsanalysens paket för förra perioden",
                 cron(month="1,4,5,7,9,10", day=2, hour=7), package_job,
                 per_kommun=True, period=lambda now: now.strftime("%Y-%m"), once_per_period=True),
    ScheduledJob("gallring", "Gallring av fritext enligt informationshanteringsplanen",
                 cron(hour=2, minute=30), gallring_job, per_kommun=True, period=local_date,
                 once_per_period=True),
    ScheduledJob("importfiler", "Borttagning av uppladdade importfiler som ingen förhandsgranskning behöver",
                 every(minutes=60), upload_expiry_job),
]

# The machinery bound to this list, for callers at the top (the command line, tests, a shell).
get_job = partial(registry.get_job, jobs=JOBS)
run_job = partial(runner.run_job, jobs=JOBS)
build_scheduler = partial(scheduler.build_scheduler, jobs=JOBS)
start_scheduler = partial(scheduler.start_scheduler, jobs=JOBS)
