"""File import pages: upload (/import) → preview (/import/{id}) → commit (/import/{id}/commit)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from api.audit import service as audit_service
from api.categories import service as category_service
from api.core.clock import Clock
from api.core.deps import ClockDep, SessionDep
from api.core.errors import AppError
from api.core.time import local_time
from api.imports import service
from api.imports.models import ImportBatch
from api.organisations.models import Organisation
from api.users.principal import Principal
from api.web.deps import FormDep, _client_ip, allow, check_csrf
from api.web.layout import render
from ingest.tabular import ImportRejected

router = APIRouter()
IMPORT_ROLES = ("inrapportor", "analytiker")
ImportPrincipal = Annotated[Principal, Depends(allow(*IMPORT_ROLES))]

# Multipart framing and the other form fields need a little room beyond the file itself.
_FORM_OVERHEAD = 64 * 1024
_READ_CHUNK = 256 * 1024
_SIZE_MESSAGE = (
    "Filen är för stor. Största tillåtna storlek är {mb} MB; dela upp filen eller ta bort "
    "kolumner som inte behövs."
)
_MAX_ERRORS_SHOWN = 500


def _scope_org(principal: Principal) -> int | None:
    """The organisation an inrapportör is limited to; None (the whole kommun) for an analytiker."""
    return principal.organisation_id if principal.role == "inrapportor" else None


def _local_time(request: Request, value: datetime | None) -> str:
    return local_time(value, request.app.state.settings.timezone)


def _size_mb() -> str:
    return f"{service.MAX_UPLOAD_BYTES / (1024 * 1024):g}".replace(".", ",")


# --- upload -------------------------------------------------------------------------------------


def _upload_page(
    request: Request, session: Session, principal: Principal, *, errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None, status_code: int = 200,
) -> Response:
    scope = _scope_org(principal)
    organisations = service.importing_organisations(
        session=session, kommun_code=principal.kommun_code, organisation_id=scope
    )
    names = {o.id: o.name for o in organisations if o.id is not None}
    templates = service.list_templates(session=session, organisation_ids=list(names))
    batches = service.list_batches(
        session=session, kommun_code=principal.kommun_code, organisation_id=scope
    )
    return render(
        request,
        "import_upload.html",
        {
            "organisations": organisations,
            "org_names": names,
            "templates": templates,
            "batches": [
                {"batch": b, "uploaded": _local_time(request, b.created_at),
                 "organisation": names.get(b.organisation_id, "")}
                for b in batches
            ],
            "choose_organisation": principal.role != "inrapportor",
            "errors": errors or {},
            "values": values or {},
            "max_mb": _size_mb(),
            "max_rows": f"{service.MAX_ROWS:,}".replace(",", "\u00a0"),
        },
        principal=principal,
        session=session,
        status_code=status_code,
    )


@router.get("/import")
def upload_page(request: Request, session: SessionDep, principal: ImportPrincipal) -> Response:
    return _upload_page(request, session, principal)


async def _drain(request: Request, limit: int) -> None:
    """Read and drop an oversize body (bounded), so the browser sees our answer, not a reset."""
    seen = 0
    async for chunk in request.stream():
        seen += len(chunk)
        if seen > limit:
            break


async def _read_upload(upload: UploadFile) -> bytes:
    """The uploaded bytes, refusing as soon as the size cap is passed."""
    parts: list[bytes] = []
    size = 0
    while chunk := await upload.read(_READ_CHUNK):
        size += len(chunk)
        if size > service.MAX_UPLOAD_BYTES:
            raise ImportRejected(_SIZE_MESSAGE.format(mb=_size_mb()))
        parts.append(chunk)
    return b"".join(parts)


@router.post("/import")
async def upload(
    request: Request, session: SessionDep, principal: ImportPrincipal, clock: ClockDep
) -> Response:
    """Async only to read the body; everything that touches the database runs in the threadpool."""
    # The size cap is checked on the declared length before the body is parsed (and spooled).
    length = request.headers.get("content-length")
    cap = service.MAX_UPLOAD_BYTES + _FORM_OVERHEAD
    if length is None or not length.isdigit():
        return await run_in_threadpool(_upload_page, request, session, principal, status_code=411, errors={
            "file": "Webbläsaren skickade ingen filstorlek. Försök igen med en annan webbläsare."})
    if int(length) > cap:
        await _drain(request, 4 * cap)
        return await run_in_threadpool(_upload_page, request, session, principal, status_code=413,
                                       errors={"file": _SIZE_MESSAGE.format(mb=_size_mb())})
    form = await request.form()
    await run_in_threadpool(check_csrf, request, principal, form)
    upload_file = form.get("file")
    data: bytes | None = None
    read_error = ""
    if isinstance(upload_file, UploadFile) and upload_file.filename:
        try:
            data = await _read_upload(upload_file)
        except ImportRejected as exc:
            read_error = exc.message_sv
    return await run_in_threadpool(
        _store_upload, request, session, principal, form, data=data, read_error=read_error, today=clock.today()
    )


def _store_upload(
    request: Request, session: Session, principal: Principal, form: FormData, *, data: bytes | None,
    read_error: str, today: date,
) -> Response:
    """The upload's database half: check the choices, analyse the file, keep the batch."""
    values = {k: str(form.get(k) or "") for k in ("organisation_id", "template_id")}
    errors: dict[str, str] = {}
    try:
        organisation = service.resolve_organisation(
            session=session, kommun_code=principal.kommun_code,
            own_organisation_id=principal.organisation_id,
            is_reporter=principal.role == "inrapportor", requested=values["organisation_id"] or None,
        )
    except AppError as exc:
        if exc.status_code == 403:
            raise
        errors["organisation_id"] = exc.message
        organisation = None
    mapping: dict[str, str] | None = None
    if organisation is not None and values["template_id"]:
        try:
            template = service.get_template(
                session=session, organisation_id=organisation.id,  # type: ignore[arg-type]
                template_id=int(values["template_id"]) if values["template_id"].isdigit() else -1,
            )
            mapping = service.template_mapping(template)
        except AppError:
            errors["template_id"] = "Mallen hör inte till den valda organisationen."
    upload_file = form.get("file")
    if read_error:
        errors["file"] = read_error
    elif data is None or not isinstance(upload_file, UploadFile):
        errors["file"] = "Välj en CSV- eller Excel-fil (xlsx) att ladda upp."
    if errors or organisation is None or data is None:
        return _upload_page(request, session, principal, errors=errors, values=values,
                            status_code=422)
    try:
        analysis = service.analyse(
            session=session, data=data, kommun_code=principal.kommun_code,
            organisation_id=organisation.id, today=today, mapping=mapping,  # type: ignore[arg-type]
        )
    except ImportRejected as exc:  # nothing is written for a file that cannot be read
        key = "template_id" if mapping and "mallen" in exc.message_sv else "file"
        return _upload_page(request, session, principal, errors={key: exc.message_sv},
                            values=values, status_code=422)
    batch = service.create_batch(
        session=session, kommun_code=principal.kommun_code, organisation_id=organisation.id,  # type: ignore[arg-type]
        uploaded_by_id=principal.user_id, filename=upload_file.filename or "",  # type: ignore[union-attr]
        data=data, analysis=analysis,
    )
    audit_service.record(
        session=session, action="import.upload", actor=principal.actor, user_id=principal.user_id,
        kommun_code=principal.kommun_code, object_type="import_batch", object_id=batch.id or "",
        filter={"organisation_id": organisation.id, "rows": analysis.rows_total},
        purpose="filimport", ip=_client_ip(request),
    )
    session.commit()
    return RedirectResponse(f"/import/{batch.id}", status_code=303)


# --- preview, mapping and commit ------------------------------------------------------------------


def _retention_hours(request: Request) -> int:
    return int(request.app.state.settings.upload_retention_hours)


def _batch(request: Request, session: Session, principal: Principal, import_id: int,
           clock: Clock) -> ImportBatch:
    """The batch in scope; a preview past its time loses its file here, not only in the hourly job."""
    batch = service.get_batch(
        session=session, import_id=import_id, kommun_code=principal.kommun_code,
        organisation_id=_scope_org(principal),
    )
    if service.expire_if_old(session=session, batch=batch, now=clock.now(),
                             hours=_retention_hours(request)):
        session.commit()
    return batch


def _no_file_left(request: Request, batch: ImportBatch) -> str:
    """Why a batch can no longer be previewed (its file is gone), or "" while it can."""
    if batch.status in ("expired", "cancelled"):
        return service.UploadExpired(_retention_hours(request)).message
    return ""


def _analyse(
    session: Session, batch: ImportBatch, mapping: dict[str, str], today: date
) -> service.Analysis:
    analysis = service.analyse(
        session=session, data=batch.content, kommun_code=batch.kommun_code,
        organisation_id=batch.organisation_id, today=today, mapping=mapping,
    )
    service.place_records(analysis)
    # Also for a committed batch: its rows then show as already imported, its errors as before.
    return service.dry_run(session=session, analysis=analysis, kommun_code=batch.kommun_code,
                           organisation_id=batch.organisation_id)


def _preview_page(
    request: Request, session: Session, principal: Principal, batch: ImportBatch, *, today: date,
    mapping: dict[str, str] | None = None, errors: dict[str, str] | None = None,
    message: str = "", message_kind: str = "error", strict: bool | None = None,
    template_name: str = "", status_code: int = 200, analysis: service.Analysis | None = None,
) -> Response:
    rejected = _no_file_left(request, batch)
    # Only a preview still has its file: a committed batch shows the counts recorded at commit.
    if analysis is None and batch.status == "preview":
        wanted = mapping if mapping is not None else service.batch_mapping(batch)
        try:
            analysis = _analyse(session, batch, wanted, today)
        except ImportRejected as exc:
            rejected = exc.message_sv
            if wanted:  # fall back to the proposed columns so the user can choose again
                try:
                    analysis = _analyse(session, batch, {}, today)
                except ImportRejected:
                    analysis = None
    organisation = session.get(Organisation, batch.organisation_id)
    earlier = service.earlier_commit(session=session, batch=batch) if batch.status == "preview" else None
    flashes = [{"kind": message_kind, "text": message}] if message else []
    done = request.query_params.get("klar")
    if done == "mall":
        flashes.append({"kind": "ok", "text": "Kolumnmallen är sparad. Välj den nästa gång du "
                                              "laddar upp en fil från samma system."})
    elif done == "kategorier":
        flashes.append({"kind": "ok", "text": "Kategorivalen är sparade för organisationen och gäller "
                                              "även nästa fil."})
    elif done == "import" and batch.status == "committed":
        flashes.append({"kind": "ok", "text": "Importen är klar."})
    context: dict[str, Any] = {
        "batch": batch,
        "analysis": analysis,
        "rejected": rejected,
        "organisation_name": organisation.name if organisation else "",
        "field_labels": service.FIELD_LABELS,
        "required_fields": service.REQUIRED_FIELDS,
        "errors": {**(analysis.mapping_problems if analysis else {}), **(errors or {})},
        "flash_messages": flashes,
        "strict": batch.strict if strict is None else strict,
        "template_name": template_name,
        "earlier": earlier,
        "earlier_at": _local_time(request, earlier.committed_at) if earlier else "",
        "uploaded_at": _local_time(request, batch.created_at),
        "committed_at": _local_time(request, batch.committed_at),
        "max_errors": _MAX_ERRORS_SHOWN,
        "max_unknown": service.MAX_UNKNOWN_SHOWN,
        "sample": analysis.records[:10] if analysis else [],
        "sample_areas": [
            analysis.area_names.get(code, code) if code else "kommunnivå"
            for code in analysis.record_areas[:10]
        ] if analysis else [],
        "map_json": _map_json(analysis) if analysis and batch.status == "preview" else "",
        "tile_url": request.app.state.settings.map_tile_url,
        "tile_attribution": request.app.state.settings.map_tile_attribution,
        "category_names": {
            c.code: c.name
            for c in category_service.list_categories(session=session, kommun_code=batch.kommun_code)
        },
    }
    return render(request, "import_preview.html", context, principal=principal, session=session,
                  status_code=status_code)


def _map_json(analysis: service.Analysis) -> str:
    """The preview map's points as JSON safe inside a <script type="application/json"> element."""
    points = service.map_points(analysis)
    if not points:
        return ""
    with_point = sum(1 for r in analysis.records if r.x is not None)
    payload = {"points": points, "total": with_point}
    return json.dumps(payload, ensure_ascii=False).replace("</", "<\\/")


@router.get("/import/{import_id}")
def preview_page(
    request: Request, session: SessionDep, principal: ImportPrincipal, clock: ClockDep, import_id: int
) -> Response:
    batch = _batch(request, session, principal, import_id, clock)
    return _preview_page(request, session, principal, batch, today=clock.today())


@router.post("/import/{import_id}/mapping")
def change_mapping(
    request: Request, session: SessionDep, principal: ImportPrincipal, form: FormDep, clock: ClockDep, import_id: int
) -> Response:
    check_csrf(request, principal, form)
    batch = _batch(request, session, principal, import_id, clock)
    today = clock.today()
    mapping = service.clean_mapping(
        {name: str(form.get(f"map_{name}") or "") for name in service.FIELD_LABELS}
    )
    if _no_file_left(request, batch):
        return _preview_page(request, session, principal, batch, today=today, status_code=410)
    if batch.status != "preview":
        return _preview_page(request, session, principal, batch, today=today, status_code=409,
                             message=service.AlreadyCommitted().message)
    saving_template = form.get("action") == "template"
    name = str(form.get("template_name") or "")
    try:
        analysis = service.analyse(
            session=session, data=batch.content, kommun_code=batch.kommun_code,
            organisation_id=batch.organisation_id, today=today, mapping=mapping,
        )
    except ImportRejected as exc:
        return _preview_page(request, session, principal, batch, today=today, message=exc.message_sv,
                             template_name=name, status_code=422)
    if not saving_template:
        service.set_mapping(session=session, batch=batch, mapping=mapping)
        session.commit()
        return RedirectResponse(f"/import/{batch.id}", status_code=303)
    problems = analysis.mapping_problems
    errors: dict[str, str] = {}
    if problems:
        errors["template_name"] = "Mallen kan inte sparas förrän kolumnerna nedan är rätt valda."
    else:
        try:
            service.save_template(session=session, organisation_id=batch.organisation_id,
                                  name=name, mapping=mapping)
        except AppError as exc:
            errors["template_name"] = exc.message
    if errors:
        return _preview_page(request, session, principal, batch, today=today, mapping=mapping,
                             errors={**problems, **errors}, template_name=name, status_code=422)
    service.set_mapping(session=session, batch=batch, mapping=mapping)
    session.commit()
    return RedirectResponse(f"/import/{batch.id}?klar=mall", status_code=303)


@router.post("/import/{import_id}/commit")
def commit(
    request: Request, session: SessionDep, principal: ImportPrincipal, form: FormDep, clock: ClockDep, import_id: int
) -> Response:
    check_csrf(request, principal, form)
    batch = _batch(request, session, principal, import_id, clock)
    today = clock.today()
    strict = bool(form.get("strict"))
    if _no_file_left(request, batch):
        return _preview_page(request, session, principal, batch, today=today, status_code=410)
    if batch.status != "preview":
        return _preview_page(request, session, principal, batch, today=today, status_code=409,
                             message=service.AlreadyCommitted().message, message_kind="info")
    try:
        analysis = service.analyse(
            session=session, data=batch.content, kommun_code=batch.kommun_code,
            organisation_id=batch.organisation_id, today=today,
            mapping=service.batch_mapping(batch),
        )
        service.commit_batch(
            session=session, batch=batch, analysis=analysis, strict=strict,
            user_id=principal.user_id, actor=principal.actor, ip=_client_ip(request),
        )
    except ImportRejected as exc:
        return _preview_page(request, session, principal, batch, today=today, message=exc.message_sv,
                             strict=strict, status_code=422)
    except service.AlreadyCommitted as exc:
        session.rollback()
        batch = _batch(request, session, principal, import_id, clock)
        return _preview_page(request, session, principal, batch, today=today, status_code=409,
                             message=exc.message, message_kind="info")
    except service.StoreRejected as exc:
        rows = len({e.row for e in exc.errors})
        message = (f"Inget sparades: {rows} {'rad har' if rows == 1 else 'rader har'} fel. Rätta "
                   "filen och ladda upp den igen, eller avmarkera ”Spara inget om någon rad har "
                   "fel” för att spara de rader som är rätt.")
        return _preview_page(request, session, principal, batch, today=today, message=message, strict=strict,
                             status_code=422)
    except AppError as exc:
        return _preview_page(request, session, principal, batch, today=today, message=exc.message,
                             strict=strict, status_code=422)
    session.commit()
    return RedirectResponse(f"/import/{batch.id}?klar=import", status_code=303)
