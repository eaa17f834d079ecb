"""The command line, assembled: `lagesbild serve | demo | db upgrade | kommun add | users add | jobs …`.

The commands live next to what they work on (api/admin/cli.py, api/<domain>/cli.py, api/schedule/cli.py)
and share api/core/cli_support.py; this module only puts them together, plus the three that run or set
up the whole application (serve, demo, db upgrade), which need the app factory or every domain.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from api.admin.cli import areas_app, categories_app, kommun_app, orgs_app, tokens_app, users_app
from api.backup.cli import backup_command, restore_command
from api.core.cli_support import console, fail, upgraded_database
from api.core.clock import using_clock
from api.core.config import Settings
from api.gallring.cli import gallring_command
from api.imports.cli import import_command
from api.packages.cli import package_command
from api.police.cli import police_app
from api.schedule.cli import jobs_app, scheduler_command

app = typer.Typer(help="Lägesbild – kommunens brottsförebyggande lägesbild.", no_args_is_help=True)
db_app = typer.Typer(help="Databasen.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(kommun_app, name="kommun")
app.add_typer(users_app, name="users")
app.add_typer(orgs_app, name="organisations")
app.add_typer(areas_app, name="areas")
app.add_typer(categories_app, name="categories")
app.add_typer(tokens_app, name="tokens")
app.add_typer(jobs_app, name="jobs")
app.add_typer(police_app, name="police")
app.command("import")(import_command)
app.command("scheduler")(scheduler_command)
app.command("package")(package_command)
app.command("gallring")(gallring_command)
app.command("backup")(backup_command)
app.command("restore")(restore_command)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Adress att lyssna på")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
) -> None:
    """Starta webbservern."""
    import uvicorn

    from api.core.client_address import uvicorn_proxy_options
    from api.main import create_app

    settings = Settings()
    upgraded_database(settings)
    uvicorn.run(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        server_header=False,  # no "server: uvicorn" banner
        # X-Forwarded-Proto/-For only from LAGESBILD_TRUSTED_PROXIES, as api.core.client_address reads them.
        **uvicorn_proxy_options(settings.trusted_proxy_networks),
    )


@app.command()
def demo(
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Ladda demokommunen och avsluta")] = False,
) -> None:
    """Skapa databasen, ladda demokommunen (Örebro) och starta servern."""
    from api.demo.loader import DEMO_PASSWORDS, load_demo

    settings = Settings()
    if settings.environment == "production":
        fail("Demodata laddas inte i produktion.")
    database = upgraded_database(settings)
    clock = settings.make_clock()  # LAGESBILD_CLOCK_AT dates the demo (and the server) for training
    with using_clock(clock), database.transaction() as session:
        summary = load_demo(session=session, today=clock.today(), progress=console.print,
                            period_kind=settings.period_kind)
    console.print(f"\n[bold]Demokommun:[/bold] {summary}", soft_wrap=True)
    table = Table(title="Demoinloggningar (en per roll)")
    table.add_column("Roll")
    table.add_column("E-post")
    table.add_column("Lösenord")
    for role, (email, password) in DEMO_PASSWORDS.items():
        table.add_row(role, email, password)
    console.print(table)
    if no_serve:
        return
    console.print(f"\nÖppna http://{settings.host}:{settings.port}/ i webbläsaren.\n")
    serve(None, None)


@db_app.command("upgrade")
def dbupgraded_database() -> None:
    """Kör databasmigreringarna till senaste version."""
    upgraded_database(Settings())
    console.print("Databasen är uppdaterad.")
