"""No database work on the event loop: routes and dependencies that may touch it are plain `def`.

FastAPI runs a `def` route or dependency in its threadpool and an `async def` one on the event loop,
where a single wait (a lock, a slow query, argon2) stops every other request (issue 11: twenty logins
froze the server for two minutes). An `async` route or dependency is allowed only when it is listed
here with the reason: it awaits the request body and hands its database work to the threadpool, or it
never touches the database.
"""

from __future__ import annotations

import inspect

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from api.core.deps import get_clock, get_settings, row_ids_in_range
from api.health.routes import healthz
from api.imports.pages import upload
from api.reports.api_routes import SUBMIT_ACCESS, submit_reports
from api.routes import ROUTERS
from api.web.deps import posted_form, public

# Await the body (or nothing), then run the database work with run_in_threadpool / to_thread.
ASYNC_ROUTES = {submit_reports, upload, healthz}
# Read only the request: no database. SUBMIT_ACCESS only declares the roles (the route authorizes in its thread).
ASYNC_DEPENDENCIES = {posted_form, get_settings, get_clock, row_ids_in_range, public, SUBMIT_ACCESS}


def _dependencies(dependant: Dependant):  # type: ignore[no-untyped-def]
    for sub in dependant.dependencies:
        yield sub.call
        yield from _dependencies(sub)


def test_only_the_listed_routes_and_dependencies_run_on_the_event_loop() -> None:
    routes = [route for router in ROUTERS for route in router.routes if isinstance(route, APIRoute)]
    assert len(routes) > 50
    async_routes = {route.endpoint for route in routes if inspect.iscoroutinefunction(route.endpoint)}
    assert async_routes == ASYNC_ROUTES
    async_dependencies = {
        call for route in routes for call in _dependencies(route.dependant)
        if call is not None and (inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call))
    }
    # row_ids_in_range is added to every router by create_app, outside the routers' own routes.
    assert async_dependencies | {row_ids_in_range} == ASYNC_DEPENDENCIES
