"""An organisation's own category words: chosen once in the import preview, listed and deleted here.

``POST /import/{id}/kategorier`` saves the choices made for the preview's unknown category texts
(for the batch's organisation) and sends the user back to the preview, which then resolves them.
``/kategorikopplingar`` lists every organisation's mappings for the analyst and the admin.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from api.categories import service as category_service
from api.core.deps import ClockDep, SessionDep
from api.core.errors import AppError
from api.imports import service
from api.imports.pages import ImportPrincipal, _batch, _preview_page
from api.organisations.models import Organisation
from api.users.principal import Principal
from api.web.deps import FormDep, _client_ip, allow, check_csrf
from api.web.layout import render

router = APIRouter()
MAPPING_ROLES = ("analytiker", "admin")
MappingPrincipal = Annotated[Principal, Depends(allow(*MAPPING_ROLES))]
_MAX_TEXTS = 500  # a preview shows at most this many unknown texts; more fields are ignored


@router.post("/import/{import_id}/kategorier")
def choose_categories(
    request: Request, session: SessionDep, principal: ImportPrincipal, form: FormDep, clock: ClockDep,
    import_id: int,
) -> Response:
    """Save the chosen category for each unknown text (empty: not now), then show the preview again."""
    check_csrf(request, principal, form)
    batch = _batch(session, principal, import_id)
    today = clock.today()
    if batch.status != "preview":
        return _preview_page(request, session, principal, batch, today=today, status_code=409,
                             message=service.AlreadyCommitted().message, message_kind="info")
    errors: dict[str, str] = {}
    saved = 0
    for i in range(_MAX_TEXTS):
        text, code = form.get(f"text_{i}"), form.get(f"category_{i}")
        if text is None:
            break
        if not code:
            continue
        try:
            mapping = category_service.save_mapping(
                session=session, kommun_code=batch.kommun_code, organisation_id=batch.organisation_id,
                text=str(text), category_code=str(code), actor=principal.actor,
                user_id=principal.user_id, ip=_client_ip(request),
            )
        except AppError as exc:
            errors[f"category_{i}"] = exc.message
            continue
        saved += mapping is not None
    if errors:
        session.rollback()
        return _preview_page(request, session, principal, batch, today=today, errors=errors,
                             status_code=422,
                             message="Inget sparades: rätta kategorivalen som är markerade nedan.")
    if not saved:
        return _preview_page(request, session, principal, batch, today=today, status_code=422,
                             errors={"category_0": "Välj en kategori för minst en text."},
                             message="Välj en kategori för minst en text.")
    session.commit()
    return RedirectResponse(f"/import/{batch.id}?klar=kategorier", status_code=303)


def _organisations(session: SessionDep, principal: Principal) -> list[Organisation]:
    return service.importing_organisations(
        session=session, kommun_code=principal.kommun_code, organisation_id=None
    )


@router.get("/kategorikopplingar")
def mappings_page(request: Request, session: SessionDep, principal: MappingPrincipal) -> Response:
    """Every organisation's own words for categories in the current kommun."""
    return _mappings_page(request, session, principal)


def _mappings_page(
    request: Request, session: SessionDep, principal: Principal, *, deleted: str = ""
) -> Response:
    organisations = _organisations(session, principal)
    names = {o.id: o.name for o in organisations if o.id is not None}
    rows = category_service.list_mappings(session=session, organisation_ids=list(names))
    groups: dict[int, list] = {}
    for mapping, category in rows:
        groups.setdefault(mapping.organisation_id, []).append((mapping, category))
    return render(
        request, "category_mappings.html",
        {"groups": [(names[org_id], items) for org_id, items in groups.items()], "deleted": deleted},
        principal=principal, session=session,
    )


@router.post("/kategorikopplingar/{mapping_id}/ta-bort")
def delete_mapping(
    request: Request, session: SessionDep, principal: MappingPrincipal, form: FormDep, mapping_id: int
) -> Response:
    """Forget one mapping; the organisation's next file asks about the text again."""
    check_csrf(request, principal, form)
    organisation_ids = [o.id for o in _organisations(session, principal) if o.id is not None]
    mapping = category_service.delete_mapping(
        session=session, kommun_code=principal.kommun_code, mapping_id=mapping_id,
        organisation_ids=organisation_ids, actor=principal.actor, user_id=principal.user_id,
        ip=_client_ip(request),
    )
    session.commit()
    return _mappings_page(request, session, principal, deleted=mapping.text)
