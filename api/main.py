"""The application factory: create_app(settings) builds everything; nothing happens at import time."""

from __future__ import annotations

from fastapi import Depends, FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles

from api.core.config import Settings
from api.core.db import Database, make_engine
from api.core.deps import row_ids_in_range
from api.core.errors import install_error_handlers
from api.core.ratelimit import LoginLimiter
from api.core.templating import make_templates
from api.resources import frontend_path
from api.routes import ROUTERS


def create_app(settings: Settings, *, database: Database | None = None) -> FastAPI:
    """Build the web application for these settings (tests pass their own database)."""
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
    app.state.db = database or Database(make_engine(settings))
    app.state.templates = make_templates()
    app.state.login_limiter = LoginLimiter()
    # The job scheduler starts with the app when enabled and no other process holds its lock.
    from api.jobs.scheduler import scheduler_lifespan

    app.router.lifespan_context = scheduler_lifespan
    install_error_handlers(app)
    # Compresses pages, JSON and static assets; responses that are already gzipped pass untouched.
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.mount("/static", StaticFiles(directory=str(frontend_path("static"))), name="static")
    for router in ROUTERS:
        app.include_router(router, dependencies=[Depends(row_ids_in_range)])
    _document_request_shapes(app)
    return app


def _document_request_shapes(app: FastAPI) -> None:
    """Add the JSON API's request models (validated by ingest.form) to the OpenAPI components."""
    from api.reports.schemas import openapi_components

    generate = app.openapi

    def openapi() -> dict:  # type: ignore[type-arg]
        if app.openapi_schema is None:
            schema = generate()
            schema.setdefault("components", {}).setdefault("schemas", {}).update(openapi_components())
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
