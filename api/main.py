"""The application factory: create_app(settings) builds everything; nothing happens at import time."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from api.core.clock import Clock, ClockMiddleware
from api.core.config import Settings
from api.core.db import Database, make_engine
from api.core.deps import row_ids_in_range, single_query_values
from api.core.errors import install_error_handlers
from api.core.limits import BodyLimitMiddleware, url_text_is_clean
from api.core.ratelimit import LoginLimiter
from api.core.security_headers import SecurityHeadersMiddleware
from api.core.templating import make_templates
from api.core.text_guard import install_text_guard
from api.jobs.scheduler import scheduler_lifespan
from api.reports.schemas import openapi_components
from api.resources import frontend_path
from api.routes import ROUTERS
from api.schedule.jobs import JOBS


def create_app(
    settings: Settings, *, database: Database | None = None, clock: Clock | None = None
) -> FastAPI:
    """Build the web application for these settings (tests pass their own database and clock).

    The clock (default: `settings.make_clock()`) is `app.state.clock`, handed to routes by
    `ClockDep`, to the scheduler's jobs, and made the current clock of every request.
    """
    app = FastAPI(
        title="Lägesbild",
        description="Kommunens brottsförebyggande lägesbild i EST-modellen.",
        version="0.1.0",
        docs_url=None,  # Swagger UI loads from a CDN; the schema is at /api/openapi.json
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    # Always in the installation's zone: a clock built elsewhere keeps its moment, not its zone.
    app.state.clock = (clock or settings.make_clock()).with_timezone(settings.timezone)
    app.state.db = database or Database(make_engine(settings))
    app.state.templates = make_templates()
    app.state.login_limiter = LoginLimiter()
    app.state.jobs = JOBS  # read by the scheduler lifespan and the Körningar page
    # The job scheduler starts with the app when enabled and no other process holds its lock.
    app.router.lifespan_context = scheduler_lifespan
    install_error_handlers(app)
    install_text_guard()  # text that does not fit its column: 422 instead of a database error
    # Compresses pages, JSON and static assets; responses that are already gzipped pass untouched.
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    # Counts request bytes as they stream in and answers 413 past the limit, before any buffering.
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes,
                       max_upload_bytes=settings.max_upload_bytes)
    # Outermost of ours: column defaults (created_at …) read the app's clock in every request.
    app.add_middleware(ClockMiddleware, clock=app.state.clock)
    # Outermost: every response the app answers, error pages and static files included.
    app.add_middleware(
        SecurityHeadersMiddleware, tile_url=settings.map_tile_url, https=settings.served_over_https,
        sign_in_url=settings.oidc_issuer if settings.oidc_enabled else None,
    )
    app.mount("/static", StaticFiles(directory=str(frontend_path("static"))), name="static")
    for router in ROUTERS:
        _document_only_the_json_api(router)
        app.include_router(router, dependencies=[Depends(row_ids_in_range), Depends(url_text_is_clean),
                                                 Depends(single_query_values)])
    # Every route's path pattern and methods: a 405 names all methods of the path, not only those of the
    # first route that matched it (GET and POST /login are two routes).
    app.state.route_methods = [
        (route.path_regex, frozenset(route.methods or ()))
        for router in ROUTERS for route in router.routes if isinstance(route, APIRoute)
    ]
    _document_request_shapes(app)
    return app


def is_documented_path(path: str) -> bool:
    """True for the routes in the OpenAPI document: the JSON API under /api/ and /healthz."""
    return path.startswith("/api/") or path == "/healthz"


def _document_only_the_json_api(router: APIRouter) -> None:
    """Leave the HTML pages (forms for people, with CSRF and redirects) out of the OpenAPI document.

    The document is for system integrations; a page documented as JSON was wrong for every client
    that read it (issue 11). New pages stay out without anyone having to remember a flag.
    """
    for route in router.routes:
        if isinstance(route, APIRoute) and not is_documented_path(route.path):
            route.include_in_schema = False


def _document_request_shapes(app: FastAPI) -> None:
    """Add the JSON API's request models (validated by ingest.form) to the OpenAPI components."""
    generate = app.openapi

    def openapi() -> dict:  # type: ignore[type-arg]
        if app.openapi_schema is None:
            schema = generate()
            schema.setdefault("components", {}).setdefault("schemas", {}).update(openapi_components())
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
