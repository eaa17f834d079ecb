"""Request dependencies that know no domain: the settings, the database session, ids in range, single values.

Who is asking and what they may do (the principal, `allow(...)`, `public`, CSRF) is in api/web/deps.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from sqlmodel import Session

from api.core.clock import Clock
from api.core.config import Settings
from api.core.errors import NotFound
from ingest.records import MAX_ROW_ID

# The dependencies that only read the request are `async`: a sync one would wait for a threadpool
# worker, and under load (every worker busy) even /healthz would queue behind the database work.


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


async def get_clock(request: Request) -> Clock:
    """The app's clock: every route's "now", "today" and "this week" (`create_app(clock=...)`)."""
    return request.app.state.clock  # type: ignore[no-any-return]


def get_session(request: Request) -> Iterator[Session]:
    # Sync (threadpool): closing a session rolls back on its connection, which is database I/O.
    with request.app.state.db.session() as session:
        request.state.db_session = session
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ClockDep = Annotated[Clock, Depends(get_clock)]


async def row_ids_in_range(request: Request) -> None:
    """Every route: a path id (``*_id``) that is a whole number outside 1..MAX_ROW_ID names nothing: 404."""
    for name, value in request.path_params.items():
        if not name.endswith("_id"):
            continue
        text = str(value).strip()
        if text.lstrip("+-").isdigit() and not 0 < int(text) <= MAX_ROW_ID:
            raise NotFound("Det du söker finns inte.")


async def single_query_values(request: Request) -> None:
    """JSON API routes: a query parameter the route takes once, given twice (`?limit=1&limit=2`), is a 422
    naming it. FastAPI would silently use the last value; the OpenAPI document says one value."""
    if not request.url.path.startswith("/api/"):
        return
    dependant = getattr(request.scope.get("route"), "dependant", None)
    if dependant is None:
        return
    counts = Counter(key for key, _ in request.query_params.multi_items())
    repeated = [field.alias for field in _query_fields(dependant)
                if counts[field.alias] > 1 and not _takes_many(field.field_info.annotation)]
    if repeated:
        raise RequestValidationError([
            {"type": "multiple_values", "loc": ("query", name), "msg": "given more than once", "input": None}
            for name in repeated
        ])


def _query_fields(dependant: Any) -> list[Any]:
    fields = list(dependant.query_params)
    for sub in dependant.dependencies:
        fields.extend(_query_fields(sub))
    return fields


def _takes_many(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin in (Union, UnionType):
        return any(_takes_many(argument) for argument in get_args(annotation))
    if origin is Annotated:
        return _takes_many(get_args(annotation)[0])
    return origin in (list, set, frozenset, tuple) or annotation in (list, set, frozenset, tuple)
