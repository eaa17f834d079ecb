"""Request dependencies that know no domain: the settings, the database session, ids in range.

Who is asking and what they may do (the principal, `allow(...)`, `public`, CSRF) is in api/web/deps.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
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
