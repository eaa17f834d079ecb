"""`lagesbild backup FIL` and `lagesbild restore FIL [--force]`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.core.config import Settings


def backup_command(
    file: Annotated[Path, typer.Argument(help="Filen som säkerhetskopian skrivs till (ersätts om den finns)")],
) -> None:
    """Säkerhetskopiera hela databasen till en fil (kan köras medan Lägesbild är igång)."""
    from api.backup import service

    try:
        result = service.backup(settings=Settings(), target=file)
    except service.BackupError as exc:
        typer.echo(f"Fel: {exc.message}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"Säkerhetskopia sparad: {result.path}")
    typer.echo(f"Storlek: {_size(result.size_bytes)} ({result.size_bytes} byte)")
    typer.echo(f"SHA-256: {result.sha256}")


def restore_command(
    file: Annotated[Path, typer.Argument(help="Säkerhetskopian att återställa")],
    force: Annotated[bool, typer.Option(
        "--force", help="Ersätt innehållet även om databasen inte är tom")] = False,
) -> None:
    """Återställ databasen från en säkerhetskopia (stoppa webbserver och schemaläggare först)."""
    from api.backup import service

    try:
        result = service.restore(settings=Settings(), source=file, force=force)
    except service.BackupError as exc:
        typer.echo(f"Fel: {exc.message}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"Återställd från {result.path} (SHA-256 {result.sha256}).")
    typer.echo(f"Databasversion i säkerhetskopian: {result.backup_revision}; nu migrerad till senaste versionen.")
    typer.echo(f"{len(result.row_counts)} tabeller, {result.total_rows} rader.")


def _size(size: int) -> str:
    """Bytes in the largest unit under 1024, Swedish decimal comma: `12,3 MB`."""
    value, unit = float(size), "byte"
    for larger in ("kB", "MB", "GB"):
        if value < 1024:
            break
        value, unit = value / 1024, larger
    return f"{size} byte" if unit == "byte" else f"{value:.1f} {unit}".replace(".", ",")
