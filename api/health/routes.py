"""`GET /healthz` for the container health check and monitoring (public, JSON, never cached)."""

from __future__ import annotations

from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from api.core import migrate
from api.core.clock import Clock, current_clock
from api.health import service as health_service
from api.web.deps import public

router = APIRouter()


def _head_revision(request: Request) -> str | None:
    # The scripts do not change while the process runs: read them once per app.
    state = request.app.state
    if not hasattr(state, "migration_head"):
        state.migration_head = migrate.head_revision(state.db.engine)
    head: str | None = state.migration_head
    return head


def _limiter(request: Request) -> CapacityLimiter:
    # Its own two threads: when every worker of the shared threadpool is busy (a burst of logins
    # hashing passwords), monitoring still gets its answer at once instead of queueing behind them.
    state = request.app.state
    if not hasattr(state, "health_limiter"):
        state.health_limiter = CapacityLimiter(2)
    limiter: CapacityLimiter = state.health_limiter
    return limiter


@router.get("/healthz", dependencies=[Depends(public)],
            responses={503: {"description": "Databasen svarar inte eller är inte på senaste migreringen"}})
async def healthz(request: Request) -> JSONResponse:
    """200 `ok`/`degraded` while the database answers at the newest migration; 503 `fel` otherwise.

    Two reads, no lock (api/core/db.py), in a threadpool of its own.
    """
    clock: Clock = getattr(request.app.state, "clock", None) or current_clock()

    def check() -> health_service.Health:
        return health_service.check(database=request.app.state.db, clock=clock,
                                    head_revision=_head_revision(request))

    health = await to_thread.run_sync(check, limiter=_limiter(request))
    return JSONResponse(health.as_json(), status_code=health.http_status,
                        headers={"Cache-Control": "no-store"})
