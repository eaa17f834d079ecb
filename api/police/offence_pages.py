"""Pages for polisanmälda brott: the extract upload (unknown codes mapped in place) and the brottskod table."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from api.audit import service as audit_service
from api.categories import service as category_service
from api.core.deps import SessionDep
from api.police import offences
from api.users.principal import Principal
from api.web.deps import FormDep, _client_ip, allow, check_csrf
from api.web.layout import render

router = APIRouter()

UPLOAD_ROLES = ("polis", "analytiker")
MAPPING_ROLES = ("analytiker", "admin")
MAX_EXTRACT_BYTES = 10 * 1024 * 1024
NOT_IMPORTED = "-"  # the select value for "importeras inte"
UPLOAD_URL = "/polis/polisanmalda-brott"
MAPPING_URL = "/polis/brottskoder"


def _categories(session, principal):  # type: ignore[no-untyped-def]
    return [c for c in category_service.list_categories(session=session, kommun_code=principal.kommun_code)
            if not c.is_context]


def _upload_context(session, principal, **extra):  # type: ignore[no-untyped-def]
    return {"result": None, "errors": [], "filename": "", "categories": _categories(session, principal),
            "not_imported": NOT_IMPORTED, "describe": offences.describe_import,
            "can_map": principal.role in MAPPING_ROLES, **extra}


@router.get(UPLOAD_URL)
def upload_page(
    request: Request, session: SessionDep, principal: Annotated[Principal, Depends(allow(*UPLOAD_ROLES))],
) -> Response:
    return render(request, "police_offences.html", _upload_context(session, principal),
                  principal=principal, session=session)


def _code_choices(form: FormData) -> dict[str, str | None]:
    """The unknown codes mapped on the refused page: `kod:1234` = category code or "-"."""
    choices: dict[str, str | None] = {}
    for key, value in form.multi_items():
        if key.startswith("kod:") and isinstance(value, str) and value:
            choices[key[4:][:10]] = None if value == NOT_IMPORTED else value
    return choices


@router.post(UPLOAD_URL)
def upload(
    request: Request, session: SessionDep, principal: Annotated[Principal, Depends(allow(*UPLOAD_ROLES))],
    form: FormDep,
) -> Response:
    check_csrf(request, principal, form)
    upload_file = form.get("fil")
    if not isinstance(upload_file, UploadFile) or not upload_file.filename:
        return _refused(request, session, principal, "", "Välj en CSV-fil med polisanmälda brott (fältet Fil).")
    filename = upload_file.filename
    data = upload_file.file.read(MAX_EXTRACT_BYTES + 1)  # a sync route: the spooled file, read directly
    if len(data) > MAX_EXTRACT_BYTES:
        return _refused(request, session, principal, filename, "Filen är för stor (högst 10 MB).")
    if not data.strip():
        return _refused(request, session, principal, filename, "Filen är tom.")
    choices = _code_choices(form)
    if principal.role not in MAPPING_ROLES:  # the polis uploads; the analyst maps codes
        choices = {}
    result = offences.import_offences(
        session=session, kommun_code=principal.kommun_code, data=data, submitted_by_id=principal.user_id,
        category_map=choices or None,
    )
    if result.stored_nothing:
        # The file itself is not kept: mapping the codes is sent together with the file again.
        session.rollback()
        return render(request, "police_offences.html",
                      _upload_context(session, principal, result=result, filename=filename,
                                      errors=[e.message for e in result.errors]),
                      principal=principal, session=session, status_code=422)
    audit_service.record(
        session=session, action="police_offences.upload", actor=principal.actor, user_id=principal.user_id,
        kommun_code=principal.kommun_code, object_type="file", object_id=filename[:100],
        filter={"skapade": result.created, "fanns_redan": result.skipped, "brottskoder": sorted(choices)},
        ip=_client_ip(request),
    )
    session.commit()
    return render(request, "police_offences.html",
                  _upload_context(session, principal, result=result, filename=filename),
                  principal=principal, session=session)


def _refused(request, session, principal, filename: str, message: str) -> Response:  # type: ignore[no-untyped-def]
    return render(request, "police_offences.html",
                  _upload_context(session, principal, filename=filename, errors=[message]),
                  principal=principal, session=session, status_code=422)


def _mapping_context(session, principal, **extra):  # type: ignore[no-untyped-def]
    categories = _categories(session, principal)
    return {
        "rows": offences.list_brottskod_rows(session=session, kommun_code=principal.kommun_code),
        "categories": categories,
        "category_names": {c.code: c.name for c in categories},
        "not_imported": NOT_IMPORTED,
        "saved": None,
        "errors": {},
        "new_code": "",
        "new_text": "",
        "new_category": "",
        **extra,
    }


@router.get(MAPPING_URL)
def mapping_page(
    request: Request, session: SessionDep, principal: Annotated[Principal, Depends(allow(*MAPPING_ROLES))],
) -> Response:
    return render(request, "police_brottskoder.html", _mapping_context(session, principal),
                  principal=principal, session=session)


@router.post(MAPPING_URL)
def mapping_save(
    request: Request, session: SessionDep, principal: Annotated[Principal, Depends(allow(*MAPPING_ROLES))],
    form: FormDep,
) -> Response:
    check_csrf(request, principal, form)
    known = {r.brottskod for r in offences.list_brottskod_rows(session=session, kommun_code=principal.kommun_code)}
    choices = {code: category for code, category in _code_choices(form).items() if code in known}
    errors: dict[str, str] = {}
    texts: dict[str, str] = {}
    new_code = str(form.get("ny_kod") or "").strip()
    new_text = " ".join(str(form.get("ny_text") or "").split())[:200]
    new_category = str(form.get("ny_kategori") or "")
    if new_code:
        if not (new_code.isdigit() and len(new_code) == 4):
            errors["ny_kod"] = "Brottskoden ska vara fyra siffror, t.ex. 1203."
        elif new_code in known:
            errors["ny_kod"] = f"Brottskoden {new_code} finns redan i listan."
        else:
            choices[new_code] = None if new_category == NOT_IMPORTED else new_category
            texts[new_code] = new_text
    changed: list[str] = []
    if not errors:
        try:
            changed = offences.save_brottskod_mapping(session=session, kommun_code=principal.kommun_code,
                                                      choices=choices, texts=texts)
        except ValueError as exc:
            errors["form"] = str(exc)[:1].upper() + str(exc)[1:] + "."
    if errors:
        session.rollback()
        return render(request, "police_brottskoder.html",
                      _mapping_context(session, principal, errors=errors, new_code=new_code, new_text=new_text,
                                       new_category=new_category),
                      principal=principal, session=session, status_code=422)
    audit_service.record(
        session=session, action="brottskod_mapping.update", actor=principal.actor, user_id=principal.user_id,
        kommun_code=principal.kommun_code, object_type="brottskod_mapping", filter={"brottskoder": changed},
        ip=_client_ip(request),
    )
    session.commit()
    return render(request, "police_brottskoder.html", _mapping_context(session, principal, saved=changed),
                  principal=principal, session=session)
