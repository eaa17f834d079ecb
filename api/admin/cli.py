"""The administrator's commands: kommuner, organisations, users, API tokens, areas and categories.

The command-line side of the admin pages (api/admin/*_pages.py): `lagesbild kommun add`,
`organisations add | list`, `users add`, `tokens add`, `areas import | population`, `categories list`.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.areas import service as area_service
from api.categories import service as category_service
from api.core.cli_support import KommunOption, console, fail, work
from api.core.config import Settings
from api.kommuner import service as kommun_service
from api.organisations import service as org_service
from api.organisations.models import OrganisationType
from api.reports import service as report_service
from api.users import service as user_service
from api.users.models import Role

kommun_app = typer.Typer(help="Kommuner i installationen.", no_args_is_help=True)
users_app = typer.Typer(help="Användare.", no_args_is_help=True)
orgs_app = typer.Typer(help="Organisationer som rapporterar.", no_args_is_help=True)
areas_app = typer.Typer(help="Områden (DeSO, RegSO, egna EST-områden).", no_args_is_help=True)
categories_app = typer.Typer(help="Kategorier.", no_args_is_help=True)
tokens_app = typer.Typer(help="API-nycklar för systemintegrationer.", no_args_is_help=True)


@kommun_app.command("add")
def kommun_add(
    code: str,
    name: Annotated[str | None, typer.Argument(help="Kommunens namn (kontrolleras mot SCB:s lista)")] = None,
    period: Annotated[str | None, typer.Option(
        "--period", help="Analysperiod: kvartal eller tertial (förval: LAGESBILD_PERIOD_KIND, annars kvartal)",
    )] = None,
) -> None:
    """Lägg till en kommun (SCB-kod, och namn som kontrolleras mot SCB:s lista) med standardkategorierna."""
    with work() as session:
        kommun = kommun_service.add_kommun(session=session, code=code, name=name,
                                           period_kind=period or Settings().period_kind)
        console.print(f"Kommunen {kommun.code} {kommun.name} är tillagd ({kommun.period_kind}).")


@orgs_app.command("add")
def organisations_add(
    name: str,
    type: Annotated[str, typer.Option("--type", help=", ".join(t.value for t in OrganisationType))],
    kommun: KommunOption = None,
) -> None:
    """Lägg till en organisation som rapporterar."""
    with work() as session:
        code = kommun_service.resolve_kommun(session=session, code=kommun).code
        organisation = org_service.create_organisation(
            session=session, kommun_code=code, name=name, type=type
        )
        console.print(f"Organisationen {organisation.name} (id {organisation.id}) är tillagd.")


@orgs_app.command("list")
def organisations_list(kommun: KommunOption = None) -> None:
    """Lista kommunens organisationer."""
    with work(write=False) as session:
        code = kommun_service.resolve_kommun(session=session, code=kommun).code
        table = Table(title=f"Organisationer i {code}")
        for column in ("Id", "Namn", "Typ", "Aktiv"):
            table.add_column(column)
        for org in org_service.list_organisations(session=session, kommun_code=code):
            table.add_row(str(org.id), org.name, org_service.type_label(org.type), "ja" if org.active else "nej")
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
    if role not in {r.value for r in Role}:
        fail(f"Okänd roll '{role}'. Välj en av: {', '.join(r.value for r in Role)}.")
    with work() as session:
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
        user = user_service.create_user(
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
    with work() as session:
        code = kommun_service.resolve_kommun(session=session, code=kommun).code
        org = org_service.find_organisation(session=session, kommun_code=code, name_or_id=organisation)
        _, token = user_service.create_api_token(
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
    with work() as session:
        code = kommun_service.resolve_kommun(session=session, code=kommun).code
        areas, left_out = area_service.read_kommun_area_file(
            file, kommun_code=code, code_field=code_field, name_field=name_field, only_where=filter_field
        )
        if left_out:
            console.print(f"{left_out} områden i andra kommuner än {code} lämnades utanför.")
        with console.status(f"Importerar {len(areas)} områden …"):
            area_set = area_service.import_area_set(
                session=session, kommun_code=code, areas=areas,
                name=set_name or file.stem, source=f"{file.name}",
            )
        console.print(
            f"{len(areas)} områden importerade som '{area_set.name}' version {area_set.version} (EPSG:3006)."
        )
        with console.status("Placerar om lagrade rapporter i de nya områdena …"):
            moved = report_service.reassign_areas(session=session, kommun_code=code)
        console.print(f"{moved} rapporter bytte område.")


@areas_app.command("population")
def areas_population(
    file: Annotated[Path, typer.Argument(help="CSV från SCB:s statistikdatabas: region;ålder;kön;år")],
    kommun: KommunOption = None,
) -> None:
    """Läs in befolkning per område (SCB) som nämnare: hotspots per 1 000 invånare."""
    from api.areas.population import import_population

    with work() as session:
        code = kommun_service.resolve_kommun(session=session, code=kommun).code
        result = import_population(session=session, kommun_code=code, data=file.read_bytes())
        console.print(f"Befolkning {result.year} inläst för {result.matched} områden"
                      f"{f'; {result.ignored} rader för andra områden hoppades över' if result.ignored else ''}.")
        if result.missing:
            console.print(f"{len(result.missing)} områden saknar befolkning ({', '.join(result.missing[:10])}); "
                          "hotspots räknas på antal tills alla områden har en.")


@categories_app.command("list")
def categories_list(kommun: KommunOption = None) -> None:
    """Lista kommunens kategorier."""
    with work(write=False) as session:
        code = kommun_service.resolve_kommun(session=session, code=kommun).code
        table = Table(title=f"Kategorier i {code}")
        for column in ("Kod", "Namn", "Kontextfaktor", "Vikt", "Aktiv"):
            table.add_column(column)
        for c in category_service.list_categories(session=session, kommun_code=code, include_inactive=True):
            table.add_row(
                c.code, c.name, "ja" if c.is_context else "", f"{c.severity:g}", "ja" if c.active else "nej"
            )
        console.print(table)
