"""The job scheduler (APScheduler 3) and the lock that keeps it to one process per installation.

Only one scheduler may run at a time, even with several web workers or a separate
`lagesbild scheduler` process, or every job would run once per process. Each candidate process
takes `SchedulerLock` first and starts its scheduler only when it got it:

* PostgreSQL: a session-level advisory lock, `pg_try_advisory_lock(key)`, held on a connection
  of its own (autocommit, so it never sits idle in a transaction) for the scheduler's lifetime.
  The key is derived from the schema name, so installations sharing a server do not collide.
  If that connection drops, PostgreSQL releases the lock and another process may take it.
* SQLite: an exclusive, non-blocking `fcntl.flock` on `<data_dir>/scheduler.lock`. The
  operating system releases it when the process ends, even on a crash (POSIX only).

Locks are not retried by the web process: a worker that did not get the lock runs no scheduler.
`lagesbild scheduler` waits for the lock instead (a hot standby), see api/jobs/cli.py.

The process holding the lock writes a heartbeat every minute (api/jobs/heartbeat.py), which
`/healthz` reports, so monitoring sees a scheduler that has stopped.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import IO, Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy import text
from sqlalchemy.engine import Connection

from api.core.clock import Clock
from api.core.config import Settings
from api.core.db import Database
from api.jobs.heartbeat import HeartbeatThread
from api.jobs.registry import ScheduledJob, enabled_jobs, get_job
from api.jobs.runner import run_job

logger = logging.getLogger(__name__)

LOCK_FILE_NAME = "scheduler.lock"


class SchedulerLock:
    """The one-scheduler-per-installation lock (advisory lock or lock file, see module doc)."""

    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings
        self._connection: Connection | None = None
        self._file: IO[str] | None = None

    @property
    def held(self) -> bool:
        return self._connection is not None or self._file is not None

    def acquire(self) -> bool:
        """Take the lock if it is free; never waits."""
        if self.held:
            return True
        if self.database.engine.dialect.name == "postgresql":
            return self._acquire_postgresql()
        return self._acquire_file()

    def release(self) -> None:
        """Give the lock back (also released by the database or OS when the process ends)."""
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"),
                                         {"key": self._key(self._connection)})
            finally:
                self._connection.close()
                self._connection = None
        if self._file is not None:
            import fcntl

            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def _key(self, connection: Connection) -> int:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
        digest = hashlib.blake2b(f"lagesbild-scheduler:{schema}".encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big", signed=True)

    def _acquire_postgresql(self) -> bool:
        connection = self.database.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            got = connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key(connection)}
            ).scalar_one()
        except Exception:
            connection.close()
            raise
        if not got:
            connection.close()
            return False
        self._connection = connection
        return True

    def _acquire_file(self) -> bool:
        import fcntl

        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        handle = open(self.settings.data_dir / LOCK_FILE_NAME, "a+", encoding="utf-8")  # noqa: SIM115
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        return True


def run_scheduled(database: Database, settings: Settings, name: str,
                  jobs: list[ScheduledJob] | None = None) -> None:
    """What the scheduler calls: the job once, or once per kommun for per-kommun jobs."""
    job = get_job(name, jobs)
    if not job.per_kommun:
        run_job(database, settings, name, jobs=jobs)
        return
    from api.kommuner import service as kommun_service

    with database.session() as session:
        codes = [k.code for k in kommun_service.list_kommuner(session=session)]
    for code in codes:
        run_job(database, settings, name, kommun_code=code, jobs=jobs)


def build_scheduler(
    database: Database, settings: Settings, *, jobs: list[ScheduledJob] | None = None,
    scheduler_class: type[BaseScheduler] = BackgroundScheduler,
) -> BaseScheduler:
    """A scheduler (not started) with every job these settings enable, in local time."""
    scheduler = scheduler_class(
        timezone=settings.timezone,
        # A run missed while the process was down is run once on start, not once per missed slot.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 15 * 60},
    )
    for job in enabled_jobs(settings, jobs):
        scheduler.add_job(
            run_scheduled, trigger=job.trigger.build(settings), args=[database, settings, job.name, jobs],
            id=job.name, name=job.title, replace_existing=True,
        )
    return scheduler


@dataclass
class RunningScheduler:
    """A started scheduler, the lock it holds and its heartbeat."""

    scheduler: BaseScheduler
    lock: SchedulerLock
    heartbeat: HeartbeatThread | None = None

    def stop(self) -> None:
        """Stop the scheduler (waiting for a running job) and its heartbeat, and release the lock."""
        try:
            if self.heartbeat is not None:
                self.heartbeat.stop()
            if self.scheduler.running:
                self.scheduler.shutdown(wait=True)
        finally:
            self.lock.release()


def start_scheduler(
    database: Database, settings: Settings, *, jobs: list[ScheduledJob] | None = None,
    clock: Clock | None = None,
) -> RunningScheduler | None:
    """Start a background scheduler if the lock is free; None when another process holds it."""
    lock = SchedulerLock(database, settings)
    if not lock.acquire():
        logger.info("Schemaläggaren körs redan i en annan process; startar ingen här.")
        return None
    scheduler: BaseScheduler | None = None
    try:
        scheduler = build_scheduler(database, settings, jobs=jobs)
        scheduler.start()
        running_scheduler = scheduler
        heartbeat = HeartbeatThread(database, clock or settings.make_clock(),
                                    alive=lambda: bool(running_scheduler.running))
        heartbeat.start()
    except Exception:
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=False)
        lock.release()
        raise
    logger.info("Schemaläggaren startad med jobben: %s",
                ", ".join(j.id for j in scheduler.get_jobs()) or "inga")
    return RunningScheduler(scheduler, lock, heartbeat)


@asynccontextmanager
async def scheduler_lifespan(app: Any) -> AsyncIterator[None]:
    """The web app's lifespan: run the scheduler in this process when enabled and the lock is free."""
    settings: Settings = app.state.settings
    clock = getattr(app.state, "clock", None)
    running = start_scheduler(app.state.db, settings, clock=clock) if settings.scheduler_enabled else None
    app.state.scheduler = running
    try:
        yield
    finally:
        if running is not None:
            running.stop()
        app.state.scheduler = None
