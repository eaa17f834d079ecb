"""The scheduler's heartbeat: a row rewritten every minute while the scheduler runs.

`/healthz` reads its age to tell monitoring whether the scheduled jobs are running, without
having to reach the scheduler's process (which may be a container of its own).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from api.core.clock import Clock
from api.core.db import Database
from api.jobs.models import SchedulerHeartbeat

logger = logging.getLogger(__name__)

BEAT_SECONDS = 60
HEARTBEAT_ID = 1


def beat(*, database: Database, clock: Clock, started_at: datetime | None = None) -> datetime:
    """Record that the scheduler is alive now (one short transaction); returns the beat time.

    `started_at` marks a (re)start by this process: host, pid and start time are replaced.
    """
    now = clock.now()
    with database.transaction() as session:
        values: dict[str, object] = {"beat_at": now}
        if started_at is not None:
            values.update(host=socket.gethostname()[:255], pid=os.getpid(), started_at=started_at)
        updated = session.execute(
            update(SchedulerHeartbeat).where(col(SchedulerHeartbeat.id) == HEARTBEAT_ID).values(**values)
        )
        if updated.rowcount == 0:  # type: ignore[attr-defined]
            session.add(SchedulerHeartbeat(
                id=HEARTBEAT_ID, host=socket.gethostname()[:255], pid=os.getpid(),
                started_at=started_at or now, beat_at=now,
            ))
    return now


def last_beat(*, session: Session) -> SchedulerHeartbeat | None:
    """The installation's heartbeat row, or None when no scheduler has ever run."""
    return session.exec(select(SchedulerHeartbeat).where(SchedulerHeartbeat.id == HEARTBEAT_ID)).first()


class HeartbeatThread:
    """Beats once on start and then every `interval` seconds until stopped (a daemon thread).

    `alive` is asked before each beat, so a scheduler that stopped running stops beating.
    A failed beat (database briefly away) is logged and retried at the next interval.
    """

    def __init__(self, database: Database, clock: Clock, *, alive: Callable[[], bool] | None = None,
                 interval: float = BEAT_SECONDS) -> None:
        self.database = database
        self.clock = clock
        self.alive = alive or (lambda: True)
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Beat now (so `/healthz` sees the new scheduler at once), then in the background."""
        try:
            beat(database=self.database, clock=self.clock, started_at=self.clock.now())
        except Exception:  # noqa: BLE001 - the jobs run regardless; health shows the missing beat
            logger.exception("Schemaläggarens första livstecken kunde inte skrivas.")
        self._thread = threading.Thread(target=self._run, name="scheduler-heartbeat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop beating; the row stays, so its age shows how long the scheduler has been gone."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            if not self.alive():
                continue
            try:
                beat(database=self.database, clock=self.clock)
            except Exception:  # noqa: BLE001 - the next beat tries again; health shows the gap
                logger.exception("Schemaläggarens livstecken kunde inte skrivas.")
