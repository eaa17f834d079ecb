"""`lagesbild import FILE --org ORG`: the file import from the command line (same path as the web)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.core.clock import using_clock
from api.core.config import Settings
from api.core.errors import AppError
from api.core.time import utcnow
from api.imports import service
from ingest.tabular import ImportRejected

app = typer.Typer(help="Filimport (CSV/XLSX).")
console = Console()
_MAX_ERRORS_PRINTED = 50
_MAX_MAP_BYTES = 1024 * 1024


def _print_report(analysis: service.Analysis) -> None:
    if not analysis.errors:
        return
    table = Table(title=f"Radrapport: {analysis.error_rows} rader med fel")
    for column in ("Rad", "Kolumn", "Värde", "Orsak"):
        table.add_column(column)
    for error in analysis.errors[:_MAX_ERRORS_PRINTED]:
        table.add_row(
            "" if error.row is None else str(error.row), error.column or "",
            "" if error.value is None else str(error.value), error.message,
        )
    console.print(table)
    if len(analysis.errors) > _MAX_ERRORS_PRINTED:
        console.print(f"… och {len(analysis.errors) - _MAX_ERRORS_PRINTED} fel till.")


def _print_columns(analysis: service.Analysis) -> None:
    """Every column of the file and what it is used as, so nothing is dropped silently."""
    table = Table(title="Kolumner i filen")
    table.add_column("Kolumn")
    table.add_column("Används som")
    for header, use in analysis.columns:
        table.add_row(header, use)
    console.print(table)
    if analysis.coordinate_note:
        console.print(analysis.coordinate_note)


def _read_file(path: Path) -> bytes:
    """The file's bytes, refusing before reading when it is larger than the upload cap."""
    if not path.is_file():
        raise ImportRejected(f"Filen {path} finns inte.")
    if path.stat().st_size > service.MAX_UPLOAD_BYTES:
        raise ImportRejected(
            f"Filen är för stor. Största tillåtna storlek är "
            f"{service.MAX_UPLOAD_BYTES // (1024 * 1024)} MB."
        )
    with path.open("rb") as handle:
        return handle.read(service.MAX_UPLOAD_BYTES + 1)


def import_command(
    file: Annotated[Path, typer.Argument(help="CSV- eller Excel-fil (xlsx)")],
    org: Annotated[str, typer.Option("--org", help="Organisationens id eller namn")],
    kommun: Annotated[
        str | None, typer.Option("--kommun", help="Kommunkod (kan utelämnas om installationen har en kommun)")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Visa vad som skulle sparas, men spara inget")
    ] = False,
    lenient: Annotated[
        bool, typer.Option("--lenient", help="Spara raderna som är rätt även om andra rader har fel")
    ] = False,
    template: Annotated[
        str | None, typer.Option("--template", help="Namnet på organisationens sparade kolumnmall")
    ] = None,
    category_map: Annotated[
        Path | None,
        typer.Option("--category-map", help="CSV med kolumnerna text;kategori (kategorins kod): "
                                            "organisationens egna ord, sparas för organisationen"),
    ] = None,
) -> None:
    """Importera observationer från en CSV- eller Excel-fil (samma kontroller som i webben)."""
    settings = Settings()
    with using_clock(settings.make_clock()) as clock:
        _import(settings, clock.today(), file=file, org=org, kommun=kommun, dry_run=dry_run,
                lenient=lenient, template=template, category_map=category_map)


def _save_category_map(session, path: Path, code: str, organisation, dry_run: bool) -> None:  # type: ignore[no-untyped-def]
    """Read MAP.csv and save its lines as the organisation's mappings (all or none; errors name the line)."""
    from api.categories import service as category_service
    from ingest.category_vocabulary import CategoryMapError, read_category_map

    if not path.is_file():
        raise ImportRejected(f"Kategorifilen {path} finns inte.")
    if path.stat().st_size > _MAX_MAP_BYTES:
        raise ImportRejected(f"Kategorifilen är för stor (högst {_MAX_MAP_BYTES // 1024} kB).")
    codes = {c.code: c.name for c in category_service.list_categories(session=session, kommun_code=code)}
    try:
        lines = read_category_map(path.read_bytes(), codes=codes)
    except CategoryMapError as exc:
        for problem in exc.problems:
            console.print(f"[red]Fel i {path.name}:[/red] {problem}")
        raise AppError("Kategorifilen kunde inte användas; inget importerades.") from exc
    problems: list[str] = []
    saved = 0
    for line in lines:
        try:
            mapping = category_service.save_mapping(
                session=session, kommun_code=code, organisation_id=organisation.id, text=line.text,
                category_code=line.code, actor="kommandoraden",
            )
        except AppError as exc:
            problems.append(f"Rad {line.line}: {exc.message}")
            continue
        saved += mapping is not None
    if problems:
        session.rollback()
        for problem in problems:
            console.print(f"[red]Fel i {path.name}:[/red] {problem}")
        raise AppError("Kategorifilen kunde inte användas; inget importerades.")
    if dry_run:
        console.print(f"{saved} kategorikopplingar skulle sparas för {organisation.name} (provkörning).")
        return
    session.commit()  # remembered for the organisation even if the import below is refused
    console.print(f"{saved} kategorikopplingar sparades för {organisation.name}.")


def _print_unknown_categories(analysis: service.Analysis) -> None:
    """The file's unknown category texts with suggestions, and how to map them once."""
    if not analysis.unknown_categories:
        return
    table = Table(title="Okända kategorier (välj en gång med --category-map eller i webben)")
    for column in ("Text i filen", "Rader", "Förslag (kod)"):
        table.add_column(column)
    for unknown in analysis.unknown_categories:
        table.add_row(unknown.text, str(unknown.rows),
                      ", ".join(f"{s.name} ({s.code})" for s in unknown.suggestions) or "inga förslag")
    console.print(table)


def _import(settings: Settings, today: date, *, file: Path, org: str, kommun: str | None, dry_run: bool,
            lenient: bool, template: str | None, category_map: Path | None = None) -> None:
    """The import, with today (the latest allowed observation date) from the command's clock."""
    from api.core import migrate
    from api.core.db import Database, make_engine
    from api.kommuner import service as kommun_service
    from api.organisations import service as org_service

    database = Database(make_engine(settings))
    migrate.upgrade(database.engine)
    try:
        data = _read_file(file)
        with database.session() as session:
            code = kommun_service.resolve_kommun(session=session, code=kommun).code
            organisation = org_service.find_organisation(
                session=session, kommun_code=code, name_or_id=org
            )
            if category_map is not None:
                _save_category_map(session, category_map, code, organisation, dry_run)
            mapping = None
            if template:
                mapping = service.template_mapping(service.get_template(
                    session=session, organisation_id=organisation.id, name=template  # type: ignore[arg-type]
                ))
            with console.status("Läser och kontrollerar filen …"):
                analysis = service.analyse(
                    session=session, data=data, kommun_code=code,
                    organisation_id=organisation.id, today=today, mapping=mapping,  # type: ignore[arg-type]
                )
            _print_columns(analysis)
            if not analysis.ready:
                for problem in analysis.mapping_problems.values():
                    console.print(f"[red]Fel:[/red] {problem}")
                console.print("Kolumner i filen: " + ", ".join(h for h in analysis.headers if h))
                console.print("Spara en kolumnmall i webben och ange den med --template.")
                raise typer.Exit(code=1)
            strict = not lenient
            with _progress() as progress:
                task = progress.add_task("Sparar rader" if not dry_run else "Provkör",
                                         total=len(analysis.records))

                def advance(n: int) -> None:
                    progress.advance(task, n)

                if dry_run:
                    service.dry_run(session=session, analysis=analysis, kommun_code=code,
                                    organisation_id=organisation.id, progress=advance)  # type: ignore[arg-type]
                    outcome = None
                else:
                    outcome = service.store_file(
                        session=session, analysis=analysis, kommun_code=code,
                        organisation_id=organisation.id, strict=strict,  # type: ignore[arg-type]
                        submitted_by_id=None, progress=advance,
                    )
            _print_report(analysis)
            _print_unknown_categories(analysis)
            if dry_run:
                session.rollback()
                console.print(
                    f"Provkörning (inget sparades): {analysis.rows_total} rader, "
                    f"{analysis.would_create} nya, {analysis.would_skip} fanns redan, "
                    f"{analysis.error_rows} med fel."
                )
                if strict and analysis.errors:
                    console.print("Med strikt läge skulle inget sparas; använd --lenient för att "
                                  "spara de rader som är rätt.")
                    raise typer.Exit(code=1)
                return
            assert outcome is not None
            _record_batch(session, file, data, analysis, outcome, code, organisation.id, strict)  # type: ignore[arg-type]
            session.commit()
            console.print(
                f"Klart: {len(outcome.created_ids)} rader sparades, {len(outcome.skipped)} fanns "
                f"redan och hoppades över, {analysis.error_rows} rader hade fel."
            )
    except ImportRejected as exc:
        _fail(exc.message_sv)
    except service.StoreRejected as exc:
        analysis.errors = exc.errors
        _print_report(analysis)
        _print_unknown_categories(analysis)
        _fail(f"{len({e.row for e in exc.errors})} rader har fel; inget sparades. "
              "Använd --lenient för att spara de rader som är rätt.")
    except AppError as exc:
        _fail(exc.message)
    finally:
        database.engine.dispose()


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console)


def _record_batch(session, file, data, analysis, outcome, code, organisation_id, strict) -> None:  # type: ignore[no-untyped-def]
    """A committed ImportBatch row and an audit event, as for an import in the web."""
    from api.audit import service as audit_service

    batch = service.create_batch(
        session=session, kommun_code=code, organisation_id=organisation_id, uploaded_by_id=None,
        filename=file.name, data=data, analysis=analysis, status="committed",
    )
    batch.strict, batch.committed_at = strict, utcnow()
    service.record_counts(batch, analysis, outcome)
    session.add(batch)
    audit_service.record(
        session=session, action="import.commit", actor="kommandoraden",
        kommun_code=code, object_type="import_batch", object_id=batch.id or "",
        filter={"organisation_id": organisation_id, "strict": strict,
                "created": batch.rows_created, "skipped": batch.rows_skipped,
                "errors": batch.rows_error},
        purpose="filimport",
    )
    session.flush()


def _fail(message: str) -> None:
    console.print(f"[red]Fel:[/red] {message}")
    raise typer.Exit(code=1)


app.command("import")(import_command)
