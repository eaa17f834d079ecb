"""The health check behind `/healthz`: database reachable, migrations at head, scheduler heartbeat.

Two small queries (the alembic version and the heartbeat row), no report data. The scheduler
only degrades the answer: a web container must not be restarted because the scheduler's
container is down, so a stale heartbeat is reported but keeps the status code 200.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from api.core import migrate
from api.core.clock import Clock
from api.core.db import Database
from api.jobs import heartbeat as heartbeat_service

logger = logging.getLogger(__name__)

# The scheduler beats every minute; five missed beats (or a job blocking SQLite's write lock that
# long) make it stale.
STALE_AFTER_SECONDS = 5 * 60

OK = "ok"
DEGRADED = "degraded"
FAILED = "fel"


@dataclass(frozen=True)
class Health:
    """The result of one check; `as_json()` is the body of `/healthz`."""

    database_ok: bool
    current_revision: str | None
    head_revision: str | None
    heartbeat_age_seconds: float | None
    checked_at: str

    @property
    def migrations_at_head(self) -> bool:
        return self.database_ok and self.current_revision == self.head_revision

    @property
    def scheduler_status(self) -> str:
        """`ok`, `stale` (no beat for STALE_AFTER_SECONDS) or `never` (no scheduler has run)."""
        if self.heartbeat_age_seconds is None:
            return "never"
        return "stale" if self.heartbeat_age_seconds > STALE_AFTER_SECONDS else OK

    @property
    def status(self) -> str:
        """`fel` when the database or its migrations are wrong; `degraded` when only the scheduler is."""
        if not self.migrations_at_head:
            return FAILED
        return OK if self.scheduler_status == OK else DEGRADED

    @property
    def http_status(self) -> int:
        return 503 if self.status == FAILED else 200

    def as_json(self) -> dict[str, Any]:
        age = self.heartbeat_age_seconds
        return {
            "status": self.status,
            "message": self._message(),
            "checked_at": self.checked_at,
            "database": {"status": OK if self.database_ok else FAILED},
            "migrations": {
                "status": OK if self.migrations_at_head else FAILED,
                "current": self.current_revision,
                "head": self.head_revision,
            },
            "scheduler": {
                "status": self.scheduler_status,
                "heartbeat_age_seconds": None if age is None else round(age, 1),
                "stale_after_seconds": STALE_AFTER_SECONDS,
            },
        }

    def _message(self) -> str:
        if not self.database_ok:
            return "Databasen svarar inte."
        if not self.migrations_at_head:
            return "Databasen är inte migrerad till senaste versionen (kör `lagesbild db upgrade`)."
        if self.scheduler_status == "never":
            return "Ingen schemaläggare har körts i installationen."
        if self.scheduler_status == "stale":
            return f"Schemaläggaren har inte gett livstecken på {int(self.heartbeat_age_seconds or 0) // 60} minuter."
        return "Allt fungerar."


def check(*, database: Database, clock: Clock, head_revision: str | None) -> Health:
    """Ask the database for its revision and the scheduler's last beat; never raises for a dead database."""
    now = clock.now()
    try:
        with database.session() as session:
            current = migrate.current_revision(session.connection())
            beat_at = None
            if current == head_revision:  # behind head, the heartbeat table may not exist yet
                last = heartbeat_service.last_beat(session=session)
                beat_at = last.beat_at if last is not None else None
    except SQLAlchemyError as exc:
        # The message may carry the database URL's host and user: log it, never return it.
        logger.warning("Hälsokontrollen når inte databasen: %s", exc.__class__.__name__)
        return Health(False, None, head_revision, None, now.isoformat())
    age = None if beat_at is None else max(0.0, (now - beat_at).total_seconds())
    return Health(True, current, head_revision, age, now.isoformat())
