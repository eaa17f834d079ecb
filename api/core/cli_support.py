"""What every command of the command line shares: the console, a Swedish error exit, a migrated database.

The command modules (api/<domain>/cli.py, api/schedule/cli.py) import this; api/cli.py assembles them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from sqlmodel import Session

from api.core import migrate
from api.core.clock import Clock, using_clock
from api.core.config import Settings
from api.core.db import Database, make_engine
from api.core.errors import AppError

console = Console()
KommunOption = Annotated[
    str | None, typer.Option("--kommun", help="Kommunkod (kan utelämnas om installationen har en kommun)")
]


def fail(message: str) -> None:
    """End the command with a Swedish error message and exit code 1."""
    console.print(f"[red]Fel:[/red] {message}")
    raise typer.Exit(code=1)


def upgraded_database(settings: Settings) -> Database:
    """The installation's database, migrated to the latest version."""
    database = Database(make_engine(settings))
    migrate.upgrade(database.engine)
    return database


@contextmanager
def work(*, write: bool = True, settings: Settings | None = None, clock: Clock | None = None) -> Iterator[Session]:
    """A session on the migrated database (one transaction when writing), under the command's clock.

    The clock (default `settings.make_clock()`, fixed when LAGESBILD_CLOCK_AT is set) is current for the
    whole block, so `created_at` and every "today" agree. A user error (AppError) ends the command
    with its Swedish message and exit code 1.
    """
    settings = settings or Settings()
    database = upgraded_database(settings)
    try:
        with using_clock(clock or settings.make_clock()), (
            database.transaction() if write else database.session()
        ) as session:
            yield session
    except AppError as exc:
        fail(exc.message)
