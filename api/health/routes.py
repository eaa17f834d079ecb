"""`GET /healthz` for the container health check and monitoring (public, JSON, never cached)."""

from __future__ import annotations

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


@router.get("/healthz", dependencies=[Depends(public)],
            responses={503: {"description": "Databasen svarar inte eller är inte på senaste migreringen"}})
def healthz(request: Request) -> JSONResponse:
    """200 `ok`/`degraded` while the database answers at the newest migration; 503 `fel` otherwise."""
    clock: Clock = getattr(request.app.state, "clock", None) or current_clock()
    health = health_service.check(database=request.app.state.db, clock=clock,
                                  head_revision=_head_revision(request))
    return JSONResponse(health.as_json(), status_code=health.http_status,
                        headers={"Cache-Control": "no-store"})
