"""The command line: `lagesbild serve | demo | db upgrade | kommun add | users add | areas import …`."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlmodel import Session

from api.backup.cli import backup_command, restore_command
from api.core.config import Settings
from api.core.db import Database, make_engine
from api.core.errors import AppError
from api.gallring.cli import gallring_command
from api.imports.cli import import_command
from api.jobs.cli import jobs_app, scheduler_command
from api.organisations.models import OrganisationType
from api.packages.cli import package_command
from api.police.cli import police_app

app = typer.Typer(help="Lägesbild – kommunens brottsförebyggande lägesbild.", no_args_is_help=True)
db_app = typer.Typer(help="Databasen.", no_args_is_help=True)
kommun_app = typer.Typer(help="Kommuner i installationen.", no_args_is_help=True)
users_app = typer.Typer(help="Användare.", no_args_is_help=True)
orgs_app = typer.Typer(help="Organisationer som rapporterar.", no_args_is_help=True)
areas_app = typer.Typer(help="Områden (DeSO, RegSO, egna EST-områden).", no_args_is_help=True)
categories_app = typer.Typer(help="Kategorier.", no_args_is_help=True)
tokens_app = typer.Typer(help="API-nycklar för systemintegrationer.", no_args_is_help=True)
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

console = Console()
KommunOption = Annotated[
    str | None, typer.Option("--kommun", help="Kommunkod (kan utelämnas om installationen har en kommun)")
]


def _database(settings: Settings) -> Database:
    return Database(make_engine(settings))


def _fail(message: str) -> None:
    console.print(f"[red]Fel:[/red] {message}")
    raise typer.Exit(code=1)


@contextmanager
def _work(*, write: bool = True) -> Iterator[Session]:
    """A session on the migrated database (one transaction when writing).

    A user error (AppError) ends the command with its Swedish message and exit code 1.
    """
    database = _upgrade(Settings())
    try:
        with database.transaction() if write else database.session() as session:
            yield session
    except AppError as exc:
        _fail(exc.message)


def _upgrade(settings: Settings) -> Database:
    from api.core import migrate

    database = _database(settings)
    migrate.upgrade(database.engine)
    return database


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Adress att lyssna på")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
) -> None:
    """Starta webbservern."""
    import uvicorn

    from api.main import create_app

    settings = Settings()
    _upgrade(settings)
    uvicorn.run(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        proxy_headers=True,
    )


@app.command()
def demo(
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Ladda demokommunen och avsluta")] = False,
) -> None:
    """Skapa databasen, ladda demokommunen (Örebro) och starta servern."""
    from api.demo.loader import DEMO_PASSWORDS, load_demo

    settings = Settings()
    if settings.environment == "production":
        _fail("Demodata laddas inte i produktion.")
    database = _upgrade(settings)
    with database.transaction() as session:
        summary = load_demo(session=session, progress=console.print, period_kind=settings.period_kind)
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
def db_upgrade() -> None:
    """Kör databasmigreringarna till senaste version."""
    _upgrade(Settings())
    console.print("Databasen är uppdaterad.")


@kommun_app.command("add")
def kommun_add(
    code: str, name: str,
    period: Annotated[str | None, typer.Option(
        "--period", help="Analysperiod: kvartal eller tertial (förval: LAGESBILD_PERIOD_KIND, annars kvartal)",
    )] = None,
) -> None:
    """Lägg till en kommun (SCB-kod och namn) med standardkategorierna."""
    from api.kommuner import service

    with _work() as session:
        kommun = service.add_kommun(session=session, code=code, name=name,
                                    period_kind=period or Settings().period_kind)
        console.print(f"Kommunen {kommun.code} {kommun.name} är tillagd ({kommun.period_kind}).")


@orgs_app.command("add")
def organisations_add(
    name: str,
    type: Annotated[str, typer.Option("--type", help=", ".join(t.value for t in OrganisationType))],
    kommun: KommunOption = None,
) -> None:
    """Lägg till en organisation som rapporterar."""
    from api.kommuner import service as kommun_service
    from api.organisations import service

    with _work() as session:
        code = kommun_service.resolve_kommun(session=session, code=kommun).code
        organisation = service.create_organisation(
            session=session, kommun_code=code, name=name, type=type
        )
        console.print(f"Organisationen {organisation.name} (id {organisation.id}) är tillagd.")


@orgs_app.command("list")
def organisations_list(kommun: KommunOption = None) -> None:
    """Lista kommunens organisationer."""
    from api.kommuner import service as kommun_service
    from api.organisations import service

    with _work(write=False) as session:
        code = kommun_service.resolve_kommun(session=session, code=kommun).code
        table = Table(title=f"Organisationer i {code}")
        for column in ("Id", "Namn", "Typ", "Aktiv"):
            table.add_column(column)
        for org in service.list_organisations(session=session, kommun_code=code):
            table.add_row(str(org.id), org.name, service.type_label(org.type), "ja" if org.active else "nej")
        console.print(table)


@users_app.command("add")
def users_add(
    email: str,
    name: Annotated[str, typer.Option("--name", help="Namn")],
    role: Annotated[str, typer.Option("--role", help="inrapportor, granskare, analytiker, polis, admin")],
    kommun: Annotated[
        list[str] | None, typer.Option("--kommun", help="Kommunkod; upprepa för flera, 'alla' för alla")
    ] = None,
    organisation: Annotated[str | None, typer.Option("--organisation", help="Organisationens id eller namn")] = None,
    password: Annotated[str | None, typer.Option("--password", help="Lösenord (annars frågas det efter)")] = None,
) -> None:
    """Lägg till en användare."""
    from api.kommuner import service as kommun_service
    from api.organisations import service as org_service
    from api.users import service
    from api.users.models import Role

    if role not in {r.value for r in Role}:
        _fail(f"Okänd roll '{role}'. Välj en av: {', '.join(r.value for r in Role)}.")
    with _work() as session:
        if kommun and "alla" in kommun:
            codes = [k.code for k in kommun_service.list_kommuner(session=session)]
        elif kommun:
            codes = [kommun_service.resolve_kommun(session=session, code=c).code for c in kommun]
        else:
            codes = [kommun_service.resolve_kommun(session=session, code=None).code]
        organisation_id = None
        if organisation:
            organisation_id = org_service.find_organisation(
                session=session, kommun_code=codes[0], name_or_id=organisation
            ).id
        secret = password or getpass.getpass("Lösenord: ")
        user = service.create_user(
            session=session, name=name, email=email, password=secret, role=role,
            kommun_codes=codes, organisation_id=organisation_id,
        )
        console.print(f"Användaren {user.email} ({role}) är tillagd för {', '.join(codes)}.")


@tokens_app.command("add")
def tokens_add(
    organisation: Annotated[str, typer.Option("--organisation", help="Organisationens id eller namn")],
    name: Annotated[str, typer.Option("--name", help="Vad nyckeln används till")],
    kommun: KommunOption = None,
) -> None:
    """Skapa en API-nyckel för en organisation (visas en gång, lagras hashad)."""
    from api.kommuner import service as kommun_service
    from api.organisations import service as org_service
    from api.users import service

    with _work() as session:
        code = kommun_service.resolve_kommun(session=session, code=kommun).code
        org = org_service.find_organisation(session=session, kommun_code=code, name_or_id=organisation)
        _, token = service.create_api_token(
            session=session, organisation_id=org.id, name=name  # type: ignore[arg-type]
        )
        console.print(f"API-nyckel för {org.name} (spara den nu, den visas inte igen):\n{token}")


@areas_app.command("import")
def areas_import(
    file: Annotated[Path, typer.Argument(help="GeoPackage, GeoJSON eller Shapefile, valfritt koordinatsystem")],
    code_field: Annotated[str, typer.Option("--code-field", help="Fältet med områdeskod")],
    name_field: Annotated[str, typer.Option("--name-field", help="Fältet med områdesnamn")],
    kommun: KommunOption = None,
    set_name: Annotated[str | None, typer.Option("--set-name", help="Områdesindelningens namn")] = None,
    filter_field: Annotated[
        str | None, typer.Option("--only-where", help="FÄLT=VÄRDE: importera bara matchande områden")
    ] = None,
) -> None:
    """Importera områden; de omprojiceras till SWEREF 99 TM (EPSG:3006) och blir kommunens aktiva indelning."""
    from api.areas import service
    from api.kommuner import service as kommun_service

    with _work() as session:
        code = kommun_service.resolve_kommun(session=session, code=kommun).code
        areas = service.read_area_file(
            file, code_field=code_field, name_field=name_field, only_where=filter_field
        )
        with console.status(f"Importerar {len(areas)} områden …"):
            area_set = service.import_area_set(
                session=session, kommun_code=code, areas=areas,
                name=set_name or file.stem, source=f"{file.name}",
            )
        console.print(
            f"{len(areas)} områden importerade som '{area_set.name}' version {area_set.version} (EPSG:3006)."
        )
        from api.reports import service as report_service

        with console.status("Placerar om lagrade rapporter i de nya områdena …"):
            moved = report_service.reassign_areas(session=session, kommun_code=code)
        console.print(f"{moved} rapporter bytte område.")


@categories_app.command("list")
def categories_list(kommun: KommunOption = None) -> None:
    """Lista kommunens kategorier."""
    from api.categories import service
    from api.kommuner import service as kommun_service

    with _work(write=False) as session:
        code = kommun_service.resolve_kommun(session=session, code=kommun).code
        table = Table(title=f"Kategorier i {code}")
        for column in ("Kod", "Namn", "Kontextfaktor", "Vikt", "Aktiv"):
            table.add_column(column)
        for c in service.list_categories(session=session, kommun_code=code, include_inactive=True):
            table.add_row(
                c.code, c.name, "ja" if c.is_context else "", f"{c.severity:g}", "ja" if c.active else "nej"
            )
        console.print(table)
