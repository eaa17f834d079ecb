"""`lagesbild gallring [--kommun CODE] [--dry-run]`: remove old free text now, or count what would go."""

from __future__ import annotations

from typing import Annotated

import typer

from api.core.cli_support import work
from api.core.config import Settings
from api.gallring import service
from api.kommuner import service as kommun_service


def gallring_command(
    kommun: Annotated[str | None, typer.Option(
        "--kommun", help="Kommunkod (förval: alla kommuner med automatisk gallring)")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Visa bara hur många rader som skulle gallras; inget ändras")] = False,
) -> None:
    """Gallra fritext enligt kommunens informationshanteringsplan (samma som det nattliga jobbet)."""
    settings = Settings()
    clock = settings.make_clock()
    today = clock.today()
    with work(write=not dry_run, settings=settings, clock=clock) as session:
        if kommun is not None:
            codes = [kommun_service.resolve_kommun(session=session, code=kommun).code]
        else:
            codes = service.kommuner_with_retention(session=session)
            if not codes:
                typer.echo("Ingen kommun har automatisk gallring inställd (Inställningar, /admin/kommun).")
                return
        for code in codes:
            result = service.apply_retention(session=session, kommun_code=code, today=today,
                                             timezone=clock.timezone, now=clock.now(), dry_run=dry_run,
                                             actor="kommandorad")
            if result.retention_months is None:
                typer.echo(f"{code}: ingen automatisk gallring inställd; inget gallrat.")
                continue
            verb = "skulle gallras" if dry_run else "gallrade"
            typer.echo(
                f"{code}: {result.reports} rapporter, {result.import_batches} importfiler och "
                f"{result.idempotency_keys} API-svar {verb} (inkomna före {result.cutoff}, "
                f"{result.retention_months} månader)."
            )
