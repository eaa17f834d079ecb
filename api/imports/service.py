"""File imports: upload → preview → commit, shared by the web pages and the command line.

A file is kept as an ``ImportBatch`` (status ``preview``) only when it can be read; a rejected file
(too large, too many rows, not a spreadsheet, zip bomb, one enormous cell, binary junk) writes
nothing at all, not even a batch row. Reading and storing rows live in ``api.imports.staging``
(re-exported here). A commit claims the batch with one conditional UPDATE (so it happens once,
even for two simultaneous clicks) and stores through ``api.reports.service.store_records``; in
strict mode a single bad row means nothing is stored and the batch stays in preview.

The uploaded bytes may hold personnummer in clear, so they live only while the preview needs them:
the commit empties ``content`` in the same UPDATE that claims the batch, and an upload older than
``Settings.upload_retention_hours`` (24 h at most) is emptied and marked ``expired`` by the hourly
job (``api.imports.jobs``) or when it is next opened. Name, size and SHA-256 stay.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import case, func, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import QueryableAttribute, defer
from sqlmodel import Session, col, select

from api.audit import service as audit_service
from api.core.errors import AppError, Forbidden, NotFound
from api.core.time import utcnow
from api.imports.models import ImportBatch, ImportTemplate
from api.imports.staging import (
    FIELD_LABELS,
    MAX_ROWS,
    MAX_UNKNOWN_SHOWN,
    MAX_UPLOAD_BYTES,
    REQUIRED_FIELDS,
    Analysis,
    analyse,
    check_mapping,
    clean_mapping,
    dry_run,
    file_hash,
    map_points,
    place_records,
    store_file,
)
from api.organisations.models import Organisation
from api.reports.service import StoreOutcome, StoreRejected
from ingest.tabular import ImportRejected

__all__ = [
    "FIELD_LABELS", "MAX_ROWS", "MAX_UNKNOWN_SHOWN", "MAX_UPLOAD_BYTES", "REQUIRED_FIELDS", "AlreadyCommitted",
    "Analysis", "ImportRejected", "StoreRejected", "analyse", "check_mapping", "clean_mapping",
    "dry_run", "map_points", "place_records", "store_file",
]


class UploadExpired(AppError):
    """The raw file of a preview is gone (expired): it must be uploaded again."""

    status_code = 410

    def __init__(self, hours: int) -> None:
        super().__init__(
            f"Förhandsgranskningen har gått ut: uppladdade filer sparas i högst {hours} timmar och "
            "filen är nu borttagen. Ladda upp filen igen."
        )


class AlreadyCommitted(AppError):
    """A batch is committed once; a second commit is refused."""

    status_code = 409

    def __init__(self) -> None:
        super().__init__("Den här importen är redan genomförd. Inget sparades en gång till.")


# --- organisations, batches and templates ---------------------------------------------------------

# SQLModel types the class attribute as the field's Python type; it is SQLAlchemy's instrumented attribute.
_CONTENT = cast(QueryableAttribute[bytes], ImportBatch.content)


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
        file_size=len(data),
        # Only a preview needs the bytes; a batch recorded as committed (the command line) never keeps them.
        content=data if status == "preview" else b"",
        content_removed_at=None if status == "preview" else utcnow(),
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
    """The latest batches in scope, newest first (without the uploaded files' bytes)."""
    query = select(ImportBatch).options(defer(_CONTENT)).where(
        ImportBatch.kommun_code == kommun_code
    )
    if organisation_id is not None:
        query = query.where(ImportBatch.organisation_id == organisation_id)
    return list(session.exec(query.order_by(col(ImportBatch.id).desc()).limit(limit)))


def earlier_commit(*, session: Session, batch: ImportBatch) -> ImportBatch | None:
    """An earlier committed batch of the same file for the same organisation, if any."""
    return session.exec(
        select(ImportBatch).options(defer(_CONTENT)).where(
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
            # The raw file goes in the same statement: nothing unmasked outlives the commit.
            .values(status="committed", committed_at=now, content=b"", content_removed_at=now)
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
    batch.content, batch.content_removed_at = b"", now
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


# --- keeping no raw file longer than the preview needs it ----------------------------------------


def upload_expiry(*, now: datetime, hours: int) -> datetime:
    """Uploads created before this moment have outlived their preview."""
    return now - timedelta(hours=hours)


def expire_if_old(*, session: Session, batch: ImportBatch, now: datetime, hours: int) -> bool:
    """Empty an outlived preview's file and mark it ``expired``; True when it did (the caller commits)."""
    created = batch.created_at if batch.created_at.tzinfo else batch.created_at.replace(tzinfo=now.tzinfo)
    if batch.status != "preview" or created >= upload_expiry(now=now, hours=hours):
        return False
    batch.content, batch.content_removed_at, batch.status = b"", now, "expired"
    session.add(batch)
    session.flush()
    return True


def remove_outlived_files(*, session: Session, now: datetime, hours: int) -> int:
    """Empty every raw file no preview needs any more; returns how many were emptied.

    That is every upload past ``hours`` (a preview then becomes ``expired``) and any file still kept
    on a committed or cancelled batch (from before files were emptied at commit).
    """
    keeps_file = func.length(ImportBatch.content) > 0
    outlived = (col(ImportBatch.status) != "preview") | (
        col(ImportBatch.created_at) < upload_expiry(now=now, hours=hours))
    result = cast(CursorResult[Any], session.execute(
        update(ImportBatch).where(keeps_file, outlived)
        .values(content=b"", content_removed_at=now,
                status=case((col(ImportBatch.status) == "preview", "expired"),
                            else_=col(ImportBatch.status)))
        .execution_options(synchronize_session=False)
    ))
    session.expire_all()
    return int(result.rowcount)
