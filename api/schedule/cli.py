"""Command line for jobs: `lagesbild scheduler`, `lagesbild jobs list | run`."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.core.config import Settings
from api.core.db import Database, make_engine
from api.core.errors import AppError
from api.jobs.service import STATUS_LABELS
from api.schedule.jobs import JOBS, run_job, start_scheduler

jobs_app = typer.Typer(help="Schemalagda jobb och deras körningar.", no_args_is_help=True)
console = Console()
LOCK_RETRY_SECONDS = 30


def _database(settings: Settings) -> Database:
    from api.core import migrate

    database = Database(make_engine(settings))
    migrate.upgrade(database.engine)
    return database


def scheduler_command(
    once: Annotated[bool, typer.Option("--no-wait", help="Avsluta om en annan schemaläggare körs")] = False,
) -> None:
    """Kör schemaläggaren i en egen process (produktion; stäng av den i webbservern)."""
    settings = Settings()
    clock = settings.make_clock()
    database = _database(settings)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    running = start_scheduler(database, settings, clock=clock)
    while running is None:
        if once:
            console.print("En annan process kör redan schemaläggaren.")
            raise typer.Exit(code=1)
        console.print(f"En annan process kör schemaläggaren; försöker igen om {LOCK_RETRY_SECONDS} s.")
        if stop.wait(LOCK_RETRY_SECONDS):
            return
        running = start_scheduler(database, settings, clock=clock)
    names = ", ".join(job.id for job in running.scheduler.get_jobs()) or "inga aktiverade jobb"
    console.print(f"Schemaläggaren körs ({settings.timezone}): {names}. Avsluta med Ctrl-C.")
    try:
        stop.wait()
    finally:
        running.stop()
        console.print("Schemaläggaren har stoppats.")


@jobs_app.command("list")
def jobs_list() -> None:
    """Lista jobben och om de är aktiverade."""
    settings = Settings()
    table = Table(title="Schemalagda jobb")
    for column in ("Namn", "Beskrivning", "När", "Aktiverat"):
        table.add_column(column)
    for job in JOBS:
        table.add_row(job.name, job.title, job.trigger.describe(settings),
                      "ja" if job.enabled(settings) else "nej")
    console.print(table)


@jobs_app.command("run")
def jobs_run(
    name: str,
    period: Annotated[str | None, typer.Option("--period", help="Period, t.ex. 2026-W47")] = None,
    kommun: Annotated[str | None, typer.Option("--kommun", help="Kommunkod (för jobb per kommun)")] = None,
    force: Annotated[bool, typer.Option("--force", help="Kör även om perioden redan är klar")] = False,
) -> None:
    """Kör ett jobb nu (körningen sparas och syns under Körningar)."""
    settings = Settings()
    database = _database(settings)
    try:
        run = run_job(database, settings, name, period, kommun_code=kommun,
                      triggered_by="kommandoraden", force=force, clock=settings.make_clock())
    except AppError as exc:
        console.print(f"[red]Fel:[/red] {exc.message}")
        raise typer.Exit(code=1) from None
    console.print(f"{run.job} {run.period}: {STATUS_LABELS.get(run.status, run.status)}. {run.message}")
    if run.status == "failed":
        raise typer.Exit(code=1)
