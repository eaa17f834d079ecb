"""The admin's page for the areas' population (SCB's table): the web twin of `areas population`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from api.areas import population as population_service
from api.audit import service as audit_service
from api.core.deps import SessionDep
from api.core.errors import AppError
from api.users.principal import Principal
from api.web.deps import FormDep, _client_ip, allow, check_csrf
from api.web.layout import render

router = APIRouter()

ADMIN = ("admin",)
MAX_POPULATION_BYTES = 2 * 1024 * 1024


def _page(request: Request, session: SessionDep, principal: Principal, *, result=None,  # type: ignore[no-untyped-def]
          errors: list[str] | None = None, filename: str = "", status_code: int = 200) -> Response:
    frame = population_service.area_population(session=session, kommun_code=principal.kommun_code)
    known = frame.dropna(subset=["population"])
    return render(
        request, "admin_population.html",
        {"result": result, "errors": errors or [], "filename": filename, "areas": len(frame),
         "with_population": len(known),
         "year": int(known["population_year"].max()) if len(known) else None,
         "sources": sorted(set(known["population_source"].dropna())),
         "max_mb": MAX_POPULATION_BYTES // (1024 * 1024)},
        principal=principal, session=session, status_code=status_code,
    )


@router.get("/admin/befolkning")
def population_page(
    request: Request, session: SessionDep, principal: Annotated[Principal, Depends(allow(*ADMIN))],
) -> Response:
    return _page(request, session, principal)


@router.post("/admin/befolkning")
def population_upload(
    request: Request, session: SessionDep, principal: Annotated[Principal, Depends(allow(*ADMIN))],
    form: FormDep,
) -> Response:
    check_csrf(request, principal, form)
    upload = form.get("fil")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, session, principal, status_code=422,
                     errors=["Fältet 'fil': välj en CSV-fil från SCB:s statistikdatabas."])
    filename = upload.filename[:200]
    data = upload.file.read(MAX_POPULATION_BYTES + 1)  # a sync route: the spooled file, read directly
    if len(data) > MAX_POPULATION_BYTES:
        message = f"Fältet 'fil': filen är för stor (högst {MAX_POPULATION_BYTES // (1024 * 1024)} MB)."
        return _page(request, session, principal, status_code=422, filename=filename, errors=[message])
    if not data.strip():
        return _page(request, session, principal, status_code=422, filename=filename,
                     errors=["Fältet 'fil': filen är tom."])
    try:
        result = population_service.import_population(
            session=session, kommun_code=principal.kommun_code, data=data)
    except AppError as exc:
        session.rollback()  # nothing written half-way: the service checks every row first
        return _page(request, session, principal, status_code=422, filename=filename,
                     errors=[exc.message])
    audit_service.record(
        session=session, action="area.population_import", actor=principal.actor,
        user_id=principal.user_id, kommun_code=principal.kommun_code, object_type="file",
        object_id=filename[:100],
        filter={"ar": result.year, "omraden": result.matched, "andra_rader": result.ignored,
                "saknas": len(result.missing)},
        ip=_client_ip(request),
    )
    session.commit()
    return _page(request, session, principal, result=result, filename=filename)
