"""File imports: upload → preview → commit, shared by the web pages and the command line.

A file is kept as an ``ImportBatch`` (status ``preview``) only when it can be read; a rejected file
(too large, too many rows, not a spreadsheet, zip bomb, one enormous cell, binary junk) writes
nothing at all, not even a batch row. The preview re-reads the stored bytes each time and runs the
store inside a savepoint that is always rolled back, so its counts (new rows, rows with errors,
rows already imported) are exactly what a commit would do. A commit claims the batch with one
conditional UPDATE (so it happens once, even for two simultaneous clicks) and stores through
``api.reports.service.store_records``; in strict mode a single bad row means nothing is stored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import update
from sqlmodel import Session, col, select

from api.areas import service as area_service
from api.audit import service as audit_service
from api.categories import service as category_service
from api.core.errors import AppError, Forbidden, NotFound
from api.core.time import utcnow
from api.imports.models import ImportBatch, ImportTemplate
from api.organisations.models import Organisation
from api.reports import service as report_service
from api.reports.service import StoreOutcome, StoreRejected
from ingest.file_import import FIELDS, find_header_row, preview_import, propose_mapping
from ingest.records import ReportRecord, RowError
from ingest.tabular import DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, ImportRejected, read_table
from ingest.values import is_blank, normalise_key

MAX_UPLOAD_BYTES = DEFAULT_MAX_BYTES  # 10 MB
MAX_ROWS = DEFAULT_MAX_ROWS  # 50 000
# Rows per store_records call (drives the CLI progress bar). Not smaller: each call re-reads the
# date window for duplicate flagging, so 1 000-row chunks made 50 000 rows take minutes, not ~25 s.
STORE_CHUNK = 10_000

#: Mapping fields in the order the preview shows them, with the Swedish label users read.
FIELD_LABELS: dict[str, str] = {
    "category": "Kategori",
    "date": "Datum",
    "time": "Klockslag",
    "place": "Plats",
    "description": "Beskrivning",
    "x": "X / östlig koordinat",
    "y": "Y / nordlig koordinat",
    "lat": "Latitud (WGS 84)",
    "lon": "Longitud (WGS 84)",
    "count": "Antal inblandade",
    "external_id": "Externt id (ärendenummer)",
    "area": "Område",
}
REQUIRED_FIELDS = ("category", "date")
assert set(FIELD_LABELS) == set(FIELDS), "FIELD_LABELS must cover ingest.file_import.FIELDS"

__all__ = ["ImportRejected", "StoreRejected"]


class AlreadyCommitted(AppError):
    """A batch is committed once; a second commit is refused."""

    status_code = 409

    def __init__(self) -> None:
        super().__init__("Den här importen är redan genomförd. Inget sparades en gång till.")


@dataclass
class Analysis:
    """A file read with a mapping: the valid records, their row numbers and the row report."""

    headers: list[str]
    mapping: dict[str, str]
    header_row: int
    rows_total: int
    records: list[ReportRecord] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  #: file row number of each record
    errors: list[RowError] = field(default_factory=list)
    mapping_problems: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    kind: str = "csv"
    encoding: str | None = None
    delimiter: str | None = None
    would_create: int | None = None  #: set by dry_run / commit
    would_skip: int | None = None

    @property
    def ready(self) -> bool:
        """True when the mapping names a column for every required field."""
        return not self.mapping_problems

    @property
    def error_rows(self) -> int:
        """Number of distinct rows with at least one error."""
        return len({e.row for e in self.errors})


# --- reading a file -----------------------------------------------------------------------------


def file_hash(data: bytes) -> str:
    """SHA-256 hex digest of the file content."""
    return hashlib.sha256(data).hexdigest()


def check_mapping(mapping: dict[str, str], headers: list[str]) -> dict[str, str]:
    """Swedish problems with a mapping, per field (empty when it can be used)."""
    problems: dict[str, str] = {}
    known = {normalise_key(h) for h in headers if h}
    for name, header in mapping.items():
        if name not in FIELDS:
            problems[name] = f"Okänt fält \"{name}\"."
        elif normalise_key(header) not in known:
            problems[name] = f"Kolumnen \"{header}\" finns inte i filen."
    for name in REQUIRED_FIELDS:
        if name not in mapping:
            problems[name] = f"Välj vilken kolumn som innehåller {FIELD_LABELS[name].lower()}."
    for a, b in (("x", "y"), ("lat", "lon")):
        if (a in mapping) != (b in mapping):
            missing = b if a in mapping else a
            problems[missing] = (
                f"Välj kolumnen för {FIELD_LABELS[missing].lower()} också: båda koordinaterna behövs."
            )
    return problems


def clean_mapping(raw: dict[str, str]) -> dict[str, str]:
    """Keep known fields with a non-empty header (what a mapping form or template may carry)."""
    return {k: str(v).strip() for k, v in raw.items() if k in FIELDS and not is_blank(v)}


def analyse(
    *,
    session: Session,
    data: bytes,
    kommun_code: str,
    organisation_id: int,
    today: date,
    mapping: dict[str, str] | None = None,
) -> Analysis:
    """Read and validate ``data`` with ``mapping`` (default: proposed from the headers).

    Raises ``ImportRejected`` (Swedish message) when the file as a whole cannot be used.
    """
    table = read_table(data, max_bytes=MAX_UPLOAD_BYTES, max_rows=MAX_ROWS)
    mapping = clean_mapping(mapping or {})
    header_idx = find_header_row(table.rows, set(mapping.values()) or None)
    headers = ["" if is_blank(c) else str(c).strip() for c in table.rows[header_idx]]
    if not mapping:
        mapping = propose_mapping(headers)
        if mapping:  # the same header search preview_import will do with this mapping
            header_idx = find_header_row(table.rows, set(mapping.values()))
    body_rows = [
        table.row_numbers[i]
        for i in range(header_idx + 1, len(table.rows))
        if any(not is_blank(c) for c in table.rows[i])
    ]
    analysis = Analysis(
        headers=headers, mapping=mapping, header_row=table.row_numbers[header_idx],
        rows_total=len(body_rows), notes=list(table.notes), kind=table.kind,
        encoding=table.encoding, delimiter=table.delimiter,
    )
    analysis.mapping_problems = check_mapping(mapping, headers)
    if not analysis.ready:
        return analysis
    areas = area_service.load_areas_frame(session=session, kommun_code=kommun_code)
    categories = category_service.list_categories(session=session, kommun_code=kommun_code)
    preview = preview_import(
        data,
        kommun_code=kommun_code,
        categories={c.code: c.name for c in categories},
        today=today,
        mapping=mapping,
        areas=dict(zip(areas.area_code, areas.area_name, strict=True)) if len(areas) else None,
        organisation_id=organisation_id,
        max_bytes=MAX_UPLOAD_BYTES,
        max_rows=MAX_ROWS,
    )
    records = list(preview.result.records)
    bad_rows = {e.row for e in preview.result.errors}
    rows = [r for r in body_rows if r not in bad_rows]
    if len(rows) != len(records):  # cannot happen while preview_import keeps one record per row
        raise AppError("Radnumren i filen kunde inte räknas ut.", status_code=500)
    analysis.records, analysis.rows = records, rows
    analysis.errors = list(preview.result.errors)
    analysis.notes = list(preview.notes)
    return analysis


# --- storing ------------------------------------------------------------------------------------


def _store(
    session: Session,
    analysis: Analysis,
    *,
    kommun_code: str,
    organisation_id: int,
    submitted_by_id: int | None,
    progress: Callable[[int], None] | None,
) -> StoreOutcome:
    total = StoreOutcome()
    for start in range(0, len(analysis.records), STORE_CHUNK):
        chunk = analysis.records[start : start + STORE_CHUNK]
        outcome = report_service.store_records(
            session=session,
            kommun_code=kommun_code,
            records=chunk,
            organisation_id=organisation_id,
            submitted_by_id=submitted_by_id,
            rows=analysis.rows[start : start + STORE_CHUNK],
            strict=False,  # strictness is decided over the whole file below
        )
        total.created_ids += outcome.created_ids
        total.skipped += outcome.skipped
        total.errors += outcome.errors
        total.masked += outcome.masked
        total.flagged_duplicates += outcome.flagged_duplicates
        if progress is not None:
            progress(len(chunk))
    return total


def _merge_errors(analysis: Analysis, store_errors: list[RowError]) -> None:
    analysis.errors = sorted(
        analysis.errors + store_errors, key=lambda e: (e.row if e.row is not None else 0)
    )


def dry_run(
    *,
    session: Session,
    analysis: Analysis,
    kommun_code: str,
    organisation_id: int,
    progress: Callable[[int], None] | None = None,
) -> Analysis:
    """Fill in what a commit would do (new, skipped, placement errors); nothing is kept."""
    if not analysis.ready:
        return analysis
    savepoint = session.begin_nested()
    try:
        outcome = _store(session, analysis, kommun_code=kommun_code,
                         organisation_id=organisation_id, submitted_by_id=None, progress=progress)
    finally:
        savepoint.rollback()
    _merge_errors(analysis, outcome.errors)
    analysis.would_create = len(outcome.created_ids)
    analysis.would_skip = len(outcome.skipped)
    return analysis


def store_file(
    *,
    session: Session,
    analysis: Analysis,
    kommun_code: str,
    organisation_id: int,
    strict: bool,
    submitted_by_id: int | None,
    progress: Callable[[int], None] | None = None,
    before_store: Callable[[], None] | None = None,
) -> StoreOutcome:
    """Store the valid rows in a savepoint; strict: raise ``StoreRejected`` and keep nothing.

    ``before_store`` runs inside the same savepoint first (the web commit claims its batch there,
    so a strict refusal also undoes the claim).
    """
    if not analysis.ready:
        raise AppError("Välj kolumner för kategori och datum innan du importerar.")
    if strict and analysis.errors:
        raise StoreRejected(analysis.errors)
    savepoint = session.begin_nested()
    try:
        if before_store is not None:
            before_store()
        outcome = _store(session, analysis, kommun_code=kommun_code,
                         organisation_id=organisation_id, submitted_by_id=submitted_by_id,
                         progress=progress)
        if strict and outcome.errors:
            raise StoreRejected(outcome.errors)
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
    _merge_errors(analysis, outcome.errors)
    analysis.would_create = len(outcome.created_ids)
    analysis.would_skip = len(outcome.skipped)
    return outcome


# --- organisations, batches and templates ---------------------------------------------------------


def importing_organisations(
    *, session: Session, kommun_code: str, organisation_id: int | None
) -> list[Organisation]:
    """Active organisations one may import for: one's own, or (None) all of the kommun."""
    query = select(Organisation).where(
        Organisation.kommun_code == kommun_code, Organisation.active == True  # noqa: E712
    )
    if organisation_id is not None:
        query = query.where(Organisation.id == organisation_id)
    return list(session.exec(query.order_by(Organisation.name)))


def resolve_organisation(
    *, session: Session, kommun_code: str, own_organisation_id: int | None, is_reporter: bool,
    requested: str | int | None,
) -> Organisation:
    """The organisation an import is for; an inrapportör only ever gets their own."""
    if is_reporter:
        if own_organisation_id is None:
            raise Forbidden("Ditt konto är inte kopplat till någon organisation.")
        if requested not in (None, "", own_organisation_id, str(own_organisation_id)):
            raise Forbidden("Du kan bara importera för din egen organisation.")
        requested = own_organisation_id
    if requested in (None, "") or not str(requested).isdigit():
        raise AppError("Välj vilken organisation filen kommer från.", status_code=422)
    found = importing_organisations(
        session=session, kommun_code=kommun_code, organisation_id=int(requested)
    )
    if not found:
        raise AppError("Organisationen finns inte i kommunen.", status_code=422)
    return found[0]


def create_batch(
    *,
    session: Session,
    kommun_code: str,
    organisation_id: int,
    uploaded_by_id: int | None,
    filename: str,
    data: bytes,
    analysis: Analysis,
    status: str = "preview",
) -> ImportBatch:
    """Keep an uploaded, readable file for preview and commit."""
    batch = ImportBatch(
        kommun_code=kommun_code,
        organisation_id=organisation_id,
        uploaded_by_id=uploaded_by_id,
        filename=(filename or "fil")[:300],
        file_hash=file_hash(data),
        content=data,
        status=status,
        mapping_json=json.dumps(analysis.mapping, ensure_ascii=False),
        rows_total=analysis.rows_total,
        rows_valid=len(analysis.records),
        rows_error=analysis.error_rows,
    )
    session.add(batch)
    session.flush()
    return batch


def batch_mapping(batch: ImportBatch) -> dict[str, str]:
    """The batch's column mapping as a dict."""
    return clean_mapping(json.loads(batch.mapping_json or "{}"))


def get_batch(
    *, session: Session, import_id: int, kommun_code: str, organisation_id: int | None
) -> ImportBatch:
    """A batch of the kommun (and of the organisation, for an inrapportör), else 404."""
    query = select(ImportBatch).where(
        ImportBatch.id == import_id, ImportBatch.kommun_code == kommun_code
    )
    if organisation_id is not None:
        query = query.where(ImportBatch.organisation_id == organisation_id)
    batch = session.exec(query).first()
    if batch is None:
        raise NotFound("Importen finns inte.")
    return batch


def list_batches(
    *, session: Session, kommun_code: str, organisation_id: int | None, limit: int = 20
) -> list[ImportBatch]:
    """The latest batches in scope, newest first."""
    query = select(ImportBatch).where(ImportBatch.kommun_code == kommun_code)
    if organisation_id is not None:
        query = query.where(ImportBatch.organisation_id == organisation_id)
    return list(session.exec(query.order_by(col(ImportBatch.id).desc()).limit(limit)))


def earlier_commit(*, session: Session, batch: ImportBatch) -> ImportBatch | None:
    """An earlier committed batch of the same file for the same organisation, if any."""
    return session.exec(
        select(ImportBatch).where(
            ImportBatch.organisation_id == batch.organisation_id,
            ImportBatch.file_hash == batch.file_hash,
            ImportBatch.status == "committed",
            ImportBatch.id != batch.id,
        ).order_by(col(ImportBatch.id).desc())
    ).first()


def set_mapping(*, session: Session, batch: ImportBatch, mapping: dict[str, str]) -> None:
    """Change the column mapping of a batch that is still in preview."""
    if batch.status != "preview":
        raise AlreadyCommitted()
    batch.mapping_json = json.dumps(clean_mapping(mapping), ensure_ascii=False)
    session.add(batch)
    session.flush()


def commit_batch(
    *,
    session: Session,
    batch: ImportBatch,
    analysis: Analysis,
    strict: bool,
    user_id: int | None,
    actor: str,
    ip: str = "",
) -> StoreOutcome:
    """Store the batch's valid rows once, record the counts and audit ``import.commit``."""
    if batch.status != "preview":
        raise AlreadyCommitted()
    now = utcnow()

    def claim() -> None:
        claimed = session.execute(
            update(ImportBatch)
            .where(col(ImportBatch.id) == batch.id, col(ImportBatch.status) == "preview")
            .values(status="committed", committed_at=now)
            # The in-memory batch keeps "preview" until the store succeeded (see below).
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        if claimed != 1:
            raise AlreadyCommitted()

    outcome = store_file(
        session=session, analysis=analysis, kommun_code=batch.kommun_code,
        organisation_id=batch.organisation_id, strict=strict, submitted_by_id=user_id,
        before_store=claim,
    )
    batch.status, batch.committed_at, batch.strict = "committed", now, strict
    record_counts(batch, analysis, outcome)
    session.add(batch)
    audit_service.record(
        session=session, action="import.commit", actor=actor, user_id=user_id,
        kommun_code=batch.kommun_code, object_type="import_batch", object_id=batch.id or "",
        filter={"organisation_id": batch.organisation_id, "strict": strict,
                "created": batch.rows_created, "skipped": batch.rows_skipped,
                "errors": batch.rows_error},
        purpose="filimport", ip=ip,
    )
    session.flush()
    return outcome


def record_counts(batch: ImportBatch, analysis: Analysis, outcome: StoreOutcome) -> None:
    """Copy the outcome of a commit onto the batch row."""
    batch.rows_total = analysis.rows_total
    batch.rows_created = len(outcome.created_ids)
    batch.rows_skipped = len(outcome.skipped)
    batch.rows_valid = batch.rows_created + batch.rows_skipped
    batch.rows_error = analysis.error_rows


def list_templates(*, session: Session, organisation_ids: list[int]) -> list[ImportTemplate]:
    """Saved column mappings of these organisations, by name."""
    if not organisation_ids:
        return []
    return list(session.exec(
        select(ImportTemplate)
        .where(col(ImportTemplate.organisation_id).in_(organisation_ids))
        .order_by(ImportTemplate.name)
    ))


def get_template(
    *, session: Session, organisation_id: int, template_id: int | None = None,
    name: str | None = None,
) -> ImportTemplate:
    """An organisation's template by id or name (404 with a Swedish message otherwise)."""
    query = select(ImportTemplate).where(ImportTemplate.organisation_id == organisation_id)
    query = query.where(ImportTemplate.id == template_id) if template_id is not None else (
        query.where(ImportTemplate.name == (name or "").strip()))
    template = session.exec(query).first()
    if template is None:
        raise NotFound(f"Kolumnmallen {name or template_id} finns inte för organisationen.")
    return template


def template_mapping(template: ImportTemplate) -> dict[str, str]:
    """The template's mapping as a dict."""
    return clean_mapping(json.loads(template.mapping_json or "{}"))


def save_template(
    *, session: Session, organisation_id: int, name: str, mapping: dict[str, str]
) -> tuple[ImportTemplate, bool]:
    """Save (or overwrite) an organisation's named mapping; returns (template, created)."""
    name = " ".join(name.split())
    if not name:
        raise AppError("Ge mallen ett namn.", status_code=422)
    if len(name) > 200:
        raise AppError("Mallens namn får vara högst 200 tecken.", status_code=422)
    existing = session.exec(
        select(ImportTemplate).where(
            ImportTemplate.organisation_id == organisation_id, ImportTemplate.name == name
        )
    ).first()
    template = existing or ImportTemplate(organisation_id=organisation_id, name=name)
    template.mapping_json = json.dumps(clean_mapping(mapping), ensure_ascii=False, sort_keys=True)
    session.add(template)
    session.flush()
    return template, existing is None
