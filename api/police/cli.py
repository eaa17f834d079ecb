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


offences_app = typer.Typer(help="Polisanmälda brott: utdrag ur polisens register.", no_args_is_help=True)
police_app.add_typer(offences_app, name="offences")


@offences_app.command("import")
def offences_import(
    file: FileArgument,
    kommun: KommunOption = None,
    category_map: Annotated[Path | None, typer.Option(
        "--category-map", help="CSV med kolumnerna brottskod;kategori (kategorins kod, '-' = importeras inte)")] = None,
) -> None:
    """Läs in polisanmälda brott (CSV, en rad per brott eller antal); DeSO-rader summeras till kommunens områden."""
    from api.kommuner import service as kommun_service
    from api.police import offences

    data = _read(file)
    choices = None
    if category_map is not None:
        try:
            choices = offences.read_category_map(_read(category_map))
        except ValueError as exc:
            console.print(f"[red]Fel:[/red] {exc}")
            raise typer.Exit(code=1) from None
    settings = Settings()
    database = _database(settings)
    try:
        with using_clock(settings.make_clock()), database.transaction() as session:
            code = kommun_service.resolve_kommun(session=session, code=kommun).code
            result = offences.import_offences(session=session, kommun_code=code, data=data,
                                              category_map=choices)
            if result.stored_nothing:
                session.rollback()
    except AppError as exc:
        console.print(f"[red]Fel:[/red] {exc.message}")
        raise typer.Exit(code=1) from None
    used = ", ".join(f"{header} → {what}" for what, header in result.columns.items())
    console.print(f"Kolumner: {used}.")
    if result.ignored_columns:
        console.print(f"Används inte: {', '.join(result.ignored_columns)}.")
    if result.stored_nothing:
        console.print("[red]Filen lästes inte in – inget sparades:[/red]")
        for error in result.errors:
            console.print(f"  {error.message}")
        if result.unknown_codes:
            console.print("  Brottskoder utan kategori (koppla dem med --category-map eller på sidan Brottskoder):")
            for unknown in result.unknown_codes:
                console.print(f"    {unknown.brottskod} {unknown.text}: {unknown.rows} rader, {unknown.offences} brott")
        raise typer.Exit(code=1)
    console.print(offences.describe_import(result))


@offences_app.command("deso")
def offences_deso(
    file: FileArgument,
    kommun: KommunOption = None,
    code_field: Annotated[str, typer.Option("--code-field", help="Fältet med DeSO-kod")] = "desokod",
    filter_field: Annotated[
        str | None, typer.Option("--only-where", help="FÄLT=VÄRDE: bara matchande områden")
    ] = None,
) -> None:
    """Läs in SCB:s DeSO-områden för kommunen (Källa: SCB); de används för att summera DeSO-rader, inte som karta."""
    from api.areas import service as area_service
    from api.kommuner import service as kommun_service
    from api.police import offences

    settings = Settings()
    database = _database(settings)
    try:
        with using_clock(settings.make_clock()), database.transaction() as session:
            code = kommun_service.resolve_kommun(session=session, code=kommun).code
            areas = area_service.read_area_file(file, code_field=code_field, name_field=code_field,
                                                only_where=filter_field)
            area_set = offences.import_deso_areas(session=session, kommun_code=code, areas=areas,
                                                  source=f"{file.name} (Källa: SCB)")
    except AppError as exc:
        console.print(f"[red]Fel:[/red] {exc.message}")
        raise typer.Exit(code=1) from None
    console.print(f"{len(areas)} DeSO-områden sparade som '{area_set.name}' version {area_set.version} "
                  "(inte kommunens aktiva indelning).")
