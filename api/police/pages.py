"""Pages for police sources: the weekly summary upload and the editable type mapping."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from api.audit import service as audit_service
from api.categories import service as category_service
from api.core.deps import SessionDep
from api.police import service as police_service
from api.users.principal import Principal
from api.web.deps import FormDep, _client_ip, allow, check_csrf
from api.web.layout import render

router = APIRouter()

SUMMARY_ROLES = ("polis", "analytiker")
MAPPING_ROLES = ("analytiker", "admin")
MAX_SUMMARY_BYTES = 2 * 1024 * 1024
NOT_IMPORTED = "-"  # the select value for "importeras inte"


@router.get("/polis/veckosammanstallning")
def summary_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Depends(allow(*SUMMARY_ROLES))],
) -> Response:
    return render(request, "police_summary.html", {"result": None, "errors": []},
                  principal=principal, session=session)


@router.post("/polis/veckosammanstallning")
def summary_upload(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Depends(allow(*SUMMARY_ROLES))],
    form: FormDep,
) -> Response:
    check_csrf(request, principal, form)
    upload = form.get("fil")
    errors: list[dict[str, object]] = []
    data = b""
    filename = ""
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors.append({"row": None, "message": "Välj en CSV-fil med veckans sammanställning."})
    else:
        filename = upload.filename
        data = upload.file.read(MAX_SUMMARY_BYTES + 1)  # a sync route: the spooled file, read directly
        if len(data) > MAX_SUMMARY_BYTES:
            errors.append({"row": None, "message": "Filen är för stor (högst 2 MB)."})
        elif not data.strip():
            errors.append({"row": None, "message": "Filen är tom."})
    if errors:
        return _summary_errors(request, session, principal, errors)
    result = police_service.import_summary(
        session=session, kommun_code=principal.kommun_code, data=data,
        submitted_by_id=principal.user_id,
    )
    if result.errors:
        session.rollback()
        return _summary_errors(
            request, session, principal,
            [{"row": e.row, "message": e.message} for e in result.errors],
        )
    audit_service.record(
        session=session, action="police_summary.upload", actor=principal.actor,
        user_id=principal.user_id, kommun_code=principal.kommun_code, object_type="file",
        object_id=filename[:100], filter={"skapade": result.created, "fanns_redan": result.skipped},
        ip=_client_ip(request),
    )
    session.commit()
    return render(request, "police_summary.html", {"result": result, "errors": [],
                                                   "filename": filename},
                  principal=principal, session=session)


def _summary_errors(request, session, principal, errors):  # type: ignore[no-untyped-def]
    return render(request, "police_summary.html", {"result": None, "errors": errors},
                  principal=principal, session=session, status_code=422)


def _mapping_context(session, principal, **extra):  # type: ignore[no-untyped-def]
    categories = [
        c for c in category_service.list_categories(session=session,
                                                     kommun_code=principal.kommun_code)
        if not c.is_context
    ]
    return {
        "rows": police_service.list_type_rows(session=session, kommun_code=principal.kommun_code),
        "categories": categories,
        "category_names": {c.code: c.name for c in categories},
        "not_imported": NOT_IMPORTED,
        "saved": None,
        "errors": {},
        "new_type": "",
        "new_category": "",
        "chosen": {},
        **extra,
    }


@router.get("/polis/handelsetyper")
def mapping_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Depends(allow(*MAPPING_ROLES))],
) -> Response:
    return render(request, "police_types.html", _mapping_context(session, principal),
                  principal=principal, session=session)


@router.post("/polis/handelsetyper")
def mapping_save(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Depends(allow(*MAPPING_ROLES))],
    form: FormDep,
) -> Response:
    check_csrf(request, principal, form)
    known = {
        row.police_type
        for row in police_service.list_type_rows(session=session, kommun_code=principal.kommun_code)
    }
    choices: dict[str, str | None] = {}
    chosen: dict[str, str] = {}
    for key, value in form.multi_items():
        if key.startswith("typ:") and key[4:] in known and isinstance(value, str):
            chosen[key[4:]] = value
            choices[key[4:]] = None if value == NOT_IMPORTED else value
    errors: dict[str, str] = {}
    new_type = " ".join(str(form.get("ny_typ") or "").split())
    new_category = str(form.get("ny_kategori") or "")
    if new_type:
        if len(new_type) > 100:
            errors["ny_typ"] = "Typens namn får vara högst 100 tecken."
        elif new_type.casefold() in {t.casefold() for t in known}:
            errors["ny_typ"] = f"Typen '{new_type}' finns redan i listan."
        else:
            choices[new_type] = None if new_category == NOT_IMPORTED else new_category
    try:
        changed = [] if errors else police_service.save_type_mapping(
            session=session, kommun_code=principal.kommun_code, choices=choices
        )
    except ValueError:
        errors["form"] = "En vald kategori finns inte längre. Ladda om sidan och försök igen."
    if errors:
        session.rollback()
        context = _mapping_context(session, principal, errors=errors, new_type=new_type,
                                   new_category=new_category, chosen=chosen)
        return render(request, "police_types.html", context, principal=principal,
                      session=session, status_code=422)
    audit_service.record(
        session=session, action="police_type_mapping.update", actor=principal.actor,
        user_id=principal.user_id, kommun_code=principal.kommun_code,
        object_type="police_type_mapping", filter={"typer": changed}, ip=_client_ip(request),
    )
    session.commit()
    return render(request, "police_types.html", _mapping_context(session, principal, saved=changed),
                  principal=principal, session=session)
