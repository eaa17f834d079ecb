"""Command line for police sources: `lagesbild police import | summary`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.core.clock import using_clock
from api.core.config import Settings
from api.core.db import Database, make_engine
from api.core.errors import AppError

police_app = typer.Typer(help="Polisens händelser och veckosammanställningar.", no_args_is_help=True)
console = Console()
FileArgument = Annotated[Path, typer.Argument(help="Filen att läsa in")]
KommunOption = Annotated[
    str | None, typer.Option("--kommun", help="Kommunkod (annars alla kommuner / den enda)")
]


def _database(settings: Settings) -> Database:
    from api.core import migrate

    database = Database(make_engine(settings))
    migrate.upgrade(database.engine)
    return database


def _read(file: Path) -> bytes:
    if not file.is_file():
        console.print(f"[red]Fel:[/red] Filen {file} finns inte.")
        raise typer.Exit(code=1)
    return file.read_bytes()


@police_app.command("import")
def police_import(file: FileArgument, kommun: KommunOption = None) -> None:
    """Läs in sparad JSON från Polisens händelseflöde (samma väg som det schemalagda jobbet)."""
    from api.kommuner import service as kommun_service
    from api.police import service

    data = _read(file)
    settings = Settings()
    database = _database(settings)
    try:
        with using_clock(settings.make_clock()), database.transaction() as session:
            codes = [kommun_service.resolve_kommun(session=session, code=kommun).code] if kommun else None
            imports = service.import_feed(session=session, data=data, kommun_codes=codes)
    except (AppError, ValueError) as exc:
        console.print(f"[red]Fel:[/red] {getattr(exc, 'message', exc)}")
        raise typer.Exit(code=1) from None
    table = Table(title=f"Polisens händelser från {file.name}")
    for column in ("Kommun", "Nya", "Redan sparade", "Utan område", "Sammanfattningar",
                   "Importeras inte", "Fel"):
        table.add_column(column)
    for item in imports:
        table.add_row(item.kommun_code, str(item.created), str(item.skipped), str(item.unplaced),
                      str(item.summaries), str(item.not_imported), str(len(item.errors)))
    console.print(table)
    console.print(f"created={sum(i.created for i in imports)} "
                  f"skipped={sum(i.skipped for i in imports)} "
                  f"unplaced={sum(i.unplaced for i in imports)}")
    for item in imports:
        for error in item.errors:
            console.print(f"{item.kommun_code}: {error.message}")


@police_app.command("summary")
def police_summary(file: FileArgument, kommun: KommunOption = None) -> None:
    """Läs in kommunpolisens veckosammanställning (CSV) som samlade antal."""
    from api.kommuner import service as kommun_service
    from api.police import service

    data = _read(file)
    settings = Settings()
    database = _database(settings)
    try:
        with using_clock(settings.make_clock()), database.transaction() as session:
            code = kommun_service.resolve_kommun(session=session, code=kommun).code
            result = service.import_summary(session=session, kommun_code=code, data=data)
            if result.errors:
                session.rollback()
    except AppError as exc:
        console.print(f"[red]Fel:[/red] {exc.message}")
        raise typer.Exit(code=1) from None
    if result.errors:
        console.print("[red]Filen lästes inte in – inget sparades:[/red]")
        for error in result.errors:
            console.print(f"  {error.message}")
        raise typer.Exit(code=1)
    console.print(f"{result.created} nya rader, {result.skipped} fanns redan, "
                  f"{result.zero_rows} rader med antal 0.")
