"""`lagesbild package 2026-Q3 [--kommun CODE]`: generate a kvartalsanalys package with a progress bar."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

from api.core.clock import using_clock
from api.core.config import Settings
from api.core.errors import AppError

console = Console()


def package_command(
    period: Annotated[str | None, typer.Argument(
        help="Kvartal (2026-Q3) eller tertial (2026-T2); förvalt är kommunens senast avslutade period",
    )] = None,
    kommun: Annotated[
        str | None, typer.Option("--kommun", help="Kommunkod (kan utelämnas om installationen har en kommun)")
    ] = None,
    omrade: Annotated[
        list[str] | None, typer.Option("--omrade", help="Urval: områdeskod (kan upprepas)")
    ] = None,
    kategori: Annotated[
        list[str] | None, typer.Option("--kategori", help="Urval: kategorikod (kan upprepas)")
    ] = None,
) -> None:
    """Skapa kvartalsanalysens paket (PDF, CSV, GeoPackage och karta i en ZIP-fil)."""
    settings = Settings()
    with using_clock(settings.make_clock()) as clock:
        _generate(settings, clock.today(), period, kommun, omrade or [], kategori or [])


def _generate(settings: Settings, today: date, period: str | None, kommun: str | None, omrade: list[str],
              kategori: list[str]) -> None:
    """The command's work, with today from the command's clock."""
    from api.core import migrate
    from api.core.db import Database, make_engine
    from api.kommuner import service as kommun_service
    from api.packages import selection, service

    database = Database(make_engine(settings))
    migrate.upgrade(database.engine)
    try:
        label = service.validate_period(period) if period else ""
        with database.session() as session:
            resolved = kommun_service.resolve_kommun(session=session, code=kommun)
            code, kind = resolved.code, resolved.period_kind
            package_filter, errors = selection.validate_filter(
                session=session, kommun_code=code, area_codes=omrade, category_codes=kategori)
        if errors:
            raise ValueError(" ".join(errors.values()))
        # Without a period: the kommun's last finished quarter or tertial.
        label = label or service.default_period(kind, today)
    except (ValueError, AppError) as error:
        console.print(f"[red]Fel:[/red] {error}")
        raise typer.Exit(code=1) from error
    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(f"Kvartalsanalys {code} {label}", total=100)

        def step(percent: int, message: str) -> None:
            progress.update(task, completed=percent, description=f"{label}: {message}")

        try:
            package = service.generate_package(database=database, settings=settings, kommun_code=code,
                                               period=label, today=today, created_by="kommandorad", progress=step,
                                               package_filter=package_filter)
        except Exception as error:  # noqa: BLE001 - the row already says failed; the user gets why
            console.print(f"[red]Fel:[/red] Paketet kunde inte skapas: {error}")
            raise typer.Exit(code=1) from error
    # Plain lines, not wrapped by rich: scripts read the path and checksum.
    typer.echo(f"Paketet är klart: {service.artefact_file(settings, package)}")
    typer.echo(f"SHA-256: {package.checksum}")
