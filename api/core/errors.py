"""Errors a user can meet, written for that user (Swedish), and the handlers that render them."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.core.db import is_busy

# Seconds a client is asked to wait after a 503 for a busy database (the lock wait is a few seconds).
BUSY_RETRY_AFTER_SECONDS = 2
BUSY_MESSAGE = "Systemet är hårt belastat just nu. Försök igen om en liten stund."


class AppError(Exception):
    """A failure with a Swedish message for the user and an HTTP status."""

    status_code = 400

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code


class NotFound(AppError):
    status_code = 404


class NotAuthenticated(AppError):
    status_code = 401

    def __init__(self, message: str = "Du behöver logga in.") -> None:
        super().__init__(message)


class Forbidden(AppError):
    status_code = 403

    def __init__(self, message: str = "Du har inte behörighet till den här sidan.") -> None:
        super().__init__(message)


class CsrfFailed(AppError):
    status_code = 403

    def __init__(self) -> None:
        super().__init__(
            "Formuläret kunde inte verifieras (CSRF). Ladda om sidan och försök igen."
        )


class RateLimited(AppError):
    status_code = 429

    def __init__(self, message: str = "", *, retry_after: int | None = None) -> None:
        if not message:
            message = "För många inloggningsförsök. Vänta en stund och försök igen."
            if retry_after:
                message = f"För många inloggningsförsök. Försök igen om {retry_after} sekunder."
        super().__init__(message)
        self.headers = {"Retry-After": str(retry_after)} if retry_after else {}


_PYDANTIC_MESSAGES_SV = {
    "missing": "Fältet måste fyllas i.",
    "string_too_short": "Värdet är för kort.",
    "string_too_long": "Värdet är för långt.",
    "int_parsing": "Ange ett heltal.",
    "float_parsing": "Ange ett tal.",
    "date_from_datetime_parsing": "Ange ett datum (ÅÅÅÅ-MM-DD).",
    "date_parsing": "Ange ett datum (ÅÅÅÅ-MM-DD).",
    "time_parsing": "Ange en tid (TT:MM).",
    "greater_than_equal": "Värdet är för litet.",
    "less_than_equal": "Värdet är för stort.",
    "json_invalid": "Ogiltig JSON.",
    "model_attributes_type": "Fel format.",
    "enum": "Ogiltigt val.",
    "literal_error": "Ogiltigt val.",
    "multiple_values": "Parametern får bara anges en gång.",
}


def validation_errors_sv(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Pydantic errors as a machine-readable list with a field path, a code and a Swedish message."""
    items = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query")]
        code = str(error.get("type", "invalid"))
        items.append(
            {
                "field": ".".join(location),
                "code": code,
                "message": _PYDANTIC_MESSAGES_SV.get(code, "Ogiltigt värde."),
            }
        )
    return items


class FieldErrorOut(BaseModel):
    """One refused value: where (a field, parameter or header), a stable code, a Swedish message."""

    field: str = Field(
        description="Fältet, parametern eller huvudet, t.ex. `observationer[0].datum`; tomt för hela begäran"
    )
    code: str = Field(description="Felkod för maskiner, t.ex. `future_date`, `missing`, `json_invalid`")
    message: str = Field(description="Meddelande på svenska")
    row: int | None = Field(default=None, description="Observationens nummer (1, 2, …) när felet gäller en rad")


class ErrorOut(BaseModel):
    """The body of every JSON error (401, 403, 404, 405, 422 …): a Swedish summary and, for 422, the fields."""

    detail: str = Field(description="Sammanfattning på svenska")
    errors: list[FieldErrorOut] = Field(default_factory=list, description="Felen fält för fält (vid 422)")


def _error_response(description: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": description}


# What every JSON API route may answer besides success; routes add their own 422 description and example.
API_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _error_response(
        "Inte inloggad: API-nyckel (`Authorization: Bearer …`) eller inloggning saknas eller gäller inte"
    ),
    403: _error_response("Rollen eller API-nyckeln har inte behörighet till anropet"),
    422: _error_response("Ogiltiga uppgifter: en lista med fält, felkod och meddelande på svenska"),
    503: {**_error_response(
        "Databasen är hårt belastad just nu: skicka samma begäran igen (med samma Idempotency-Key) efter "
        "Retry-After sekunder"
    ), "headers": {"Retry-After": {"description": "Sekunder att vänta", "schema": {"type": "integer"}}}},
}


def _allow_header(request: Request) -> dict[str, str]:
    """`Allow` with every method of every route on the request's path (RFC 9110), when the app lists them."""
    routes = getattr(request.app.state, "route_methods", None)
    if not routes:
        return {}
    methods = {m for pattern, route_methods in routes if pattern.match(request.url.path) for m in route_methods}
    return {"Allow": ", ".join(sorted(methods))} if methods else {}


def _wants_html(request: Request) -> bool:
    """Pages answer with HTML; everything under /api/ answers with JSON."""
    return not request.url.path.startswith("/api/")


def install_error_handlers(app: FastAPI) -> None:
    """Register handlers so user input never produces a 500 and messages are Swedish."""

    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> Response:
        if isinstance(exc, NotAuthenticated) and _wants_html(request):
            target = request.url.path
            if request.url.query:
                target += "?" + request.url.query
            from urllib.parse import quote

            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        if _wants_html(request):
            templates = request.app.state.templates
            return templates.TemplateResponse(
                request,
                "error.html",
                {"status_code": exc.status_code, "message": exc.message},
                status_code=exc.status_code,
                headers=getattr(exc, "headers", None),
            )
        return JSONResponse(
            {"detail": exc.message}, status_code=exc.status_code, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = validation_errors_sv(list(exc.errors()))
        if _wants_html(request):
            templates = request.app.state.templates
            message = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
            return templates.TemplateResponse(
                request,
                "error.html",
                {"status_code": 422, "message": f"Ogiltiga uppgifter – {message}"},
                status_code=422,
            )
        return JSONResponse({"detail": "Ogiltiga uppgifter.", "errors": errors}, status_code=422)

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _number_too_large(request: Request, exc: Exception) -> Response:
        # Safety net: a number from the request too large for a database integer (SQLite raises OverflowError
        # binding it; PostgreSQL "integer out of range", SQLSTATE 22003). Routes check their own numbers;
        # this keeps a missed one from becoming a 500. Any other DataError is a bug and stays one.
        if isinstance(exc, DataError) and getattr(exc.orig, "sqlstate", None) != "22003":
            raise exc
        message = "Ett tal i förfrågan är för stort."
        if _wants_html(request):
            templates = request.app.state.templates
            return templates.TemplateResponse(
                request, "error.html", {"status_code": 422, "message": message}, status_code=422
            )
        return JSONResponse({"detail": message}, status_code=422)

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeoutError)
    async def _database_busy(request: Request, exc: Exception) -> Response:
        # SQLite's write lock or the connection pool stayed taken past its timeout: the transaction
        # rolled back, so the same request (the API with its Idempotency-Key) can simply be sent again.
        # Any other OperationalError (a database that is down) stays a 500.
        if not is_busy(exc):
            raise exc
        headers = {"Retry-After": str(BUSY_RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
        if _wants_html(request):
            templates = request.app.state.templates
            return templates.TemplateResponse(
                request, "error.html", {"status_code": 503, "message": BUSY_MESSAGE},
                status_code=503, headers=headers,
            )
        return JSONResponse({"detail": BUSY_MESSAGE}, status_code=503, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        messages = {404: "Sidan finns inte.", 405: "Metoden är inte tillåten."}
        message = messages.get(exc.status_code, str(exc.detail))
        if exc.status_code == 405:
            exc.headers = {**(exc.headers or {}), **_allow_header(request)}
        if _wants_html(request):
            templates = request.app.state.templates
            return templates.TemplateResponse(
                request,
                "error.html",
                {"status_code": exc.status_code, "message": message},
                status_code=exc.status_code,
                headers=exc.headers,
            )
        # A 405 keeps Starlette's `Allow` header (RFC 9110): the client learns which methods exist.
        return JSONResponse({"detail": message}, status_code=exc.status_code, headers=exc.headers)
