"""/admin/organisationer: the kommun's reporting organisations — list, add, edit, (de)activate."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, col, func, select
from starlette.datastructures import FormData

from api.admin._common import Admin, audit, form_values
from api.core.deps import SessionDep
from api.core.errors import AppError
from api.organisations import service as organisation_service
from api.organisations.models import ORGANISATION_TYPE_LABELS, Organisation, OrganisationType
from api.users.models import ApiToken, User
from api.users.principal import Principal
from api.web.deps import FormDep
from api.web.layout import render

router = APIRouter()

TYPES = {kind.value: label for kind, label in ORGANISATION_TYPE_LABELS.items()}
DONE = {
    "skapad": "Organisationen är tillagd.",
    "andrad": "Ändringarna är sparade.",
    "inaktiverad": "Organisationen är inaktiverad. Dess API-nycklar fungerar inte längre.",
    "aktiverad": "Organisationen är aktiv igen.",
}


def _counts(session: Session, kommun_code: str) -> tuple[dict[int, int], dict[int, int]]:
    """Users and live API tokens per organisation of the kommun."""
    users = dict(
        session.exec(
            select(User.organisation_id, func.count())
            .join(Organisation, Organisation.id == User.organisation_id)  # type: ignore[arg-type]
            .where(Organisation.kommun_code == kommun_code)
            .group_by(col(User.organisation_id))
        ).all()
    )
    tokens = dict(
        session.exec(
            select(ApiToken.organisation_id, func.count())
            .join(Organisation, Organisation.id == ApiToken.organisation_id)  # type: ignore[arg-type]
            .where(Organisation.kommun_code == kommun_code, ApiToken.revoked_at == None)  # noqa: E711
            .group_by(col(ApiToken.organisation_id))
        ).all()
    )
    return users, tokens  # type: ignore[return-value]


def _list_page(request: Request, session: Session, principal: Principal, *, values: dict[str, str],
               errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    users, tokens = _counts(session, principal.kommun_code)
    return render(request, "admin_organisations.html", {
        "organisations": organisation_service.list_organisations(session=session,
                                                                 kommun_code=principal.kommun_code),
        "types": TYPES, "user_counts": users, "token_counts": tokens, "values": values,
        "errors": errors or {}, "done": DONE.get(request.query_params.get("klart", ""), ""),
    }, principal=principal, session=session, status_code=status_code)


def _validate(values: dict[str, str]) -> dict[str, str]:
    errors = {}
    if not values.get("namn", "").strip():
        errors["namn"] = "Namn: skriv organisationens namn."
    elif len(values["namn"].strip()) > 200:
        errors["namn"] = "Namn: högst 200 tecken."
    if values.get("typ", "") not in {kind.value for kind in OrganisationType}:
        errors["typ"] = "Typ: välj en typ i listan."
    return errors


@router.get("/admin/organisationer")
def organisation_list(request: Request, session: SessionDep, principal: Admin) -> Response:
    return _list_page(request, session, principal, values={"namn": "", "typ": "", "rapporterar": "ja"})


@router.post("/admin/organisationer")
def create_organisation(request: Request, session: SessionDep, principal: Admin, form: FormDep) -> Response:
    values = form_values(request, principal, form)
    errors = _validate(values)
    if not errors:
        try:
            organisation = organisation_service.create_organisation(
                session=session, kommun_code=principal.kommun_code, name=values["namn"],
                type=values["typ"], expected_to_report=values.get("rapporterar") == "ja",
            )
        except AppError as error:
            errors["namn"] = f"Namn: {error.message}"
    if errors:
        return _list_page(request, session, principal, values=values, errors=errors, status_code=422)
    audit(request, session, principal, "organisation.create", object_type="organisation",
          object_id=organisation.id or "", details={"namn": organisation.name, "typ": organisation.type,
                                                    "rapporterar": organisation.expected_to_report})
    session.commit()
    return RedirectResponse("/admin/organisationer?klart=skapad", status_code=303)


def _edit_page(request: Request, session: Session, principal: Principal, organisation: Organisation, *,
               values: dict[str, Any], errors: dict[str, str] | None = None,
               status_code: int = 200) -> Response:
    members = session.exec(select(User).where(User.organisation_id == organisation.id).order_by(User.name)).all()
    return render(request, "admin_organisation_edit.html", {
        "organisation": organisation, "types": TYPES, "values": values, "errors": errors or {},
        "members": members,
    }, principal=principal, session=session, status_code=status_code)


@router.get("/admin/organisationer/{organisation_id}")
def edit_organisation(request: Request, session: SessionDep, principal: Admin, organisation_id: int) -> Response:
    organisation = organisation_service.get_organisation(
        session=session, kommun_code=principal.kommun_code, organisation_id=organisation_id)
    values = {"namn": organisation.name, "typ": organisation.type,
              "rapporterar": "ja" if organisation.expected_to_report else ""}
    return _edit_page(request, session, principal, organisation, values=values)


@router.post("/admin/organisationer/{organisation_id}")
def update_organisation(request: Request, session: SessionDep, principal: Admin, form: FormDep,
                        organisation_id: int) -> Response:
    values = form_values(request, principal, form)
    organisation = organisation_service.get_organisation(
        session=session, kommun_code=principal.kommun_code, organisation_id=organisation_id)
    errors = _validate(values)
    changes: dict[str, tuple[object, object]] = {}
    if not errors:
        try:
            changes = organisation_service.update_organisation(
                session=session, organisation=organisation, name=values["namn"], type=values["typ"],
                expected_to_report=values.get("rapporterar") == "ja",
            )
        except AppError as error:
            errors["namn"] = f"Namn: {error.message}"
    if errors:
        return _edit_page(request, session, principal, organisation, values=values, errors=errors,
                          status_code=422)
    if changes:
        audit(request, session, principal, "organisation.update", object_type="organisation",
              object_id=organisation_id,
              details={field: {"fore": before, "efter": after} for field, (before, after) in changes.items()})
    session.commit()
    return RedirectResponse("/admin/organisationer?klart=andrad", status_code=303)


def _set_active(request: Request, session: Session, principal: Principal, form: FormData, organisation_id: int,
                active: bool) -> Response:
    form_values(request, principal, form)
    organisation = organisation_service.get_organisation(
        session=session, kommun_code=principal.kommun_code, organisation_id=organisation_id)
    if organisation_service.set_organisation_active(session=session, organisation=organisation, active=active):
        audit(request, session, principal, "organisation.activate" if active else "organisation.deactivate",
              object_type="organisation", object_id=organisation_id, details={"namn": organisation.name})
    session.commit()
    return RedirectResponse(f"/admin/organisationer?klart={'aktiverad' if active else 'inaktiverad'}",
                            status_code=303)


@router.post("/admin/organisationer/{organisation_id}/inaktivera")
def deactivate_organisation(request: Request, session: SessionDep, principal: Admin, form: FormDep,
                            organisation_id: int) -> Response:
    return _set_active(request, session, principal, form, organisation_id, False)


@router.post("/admin/organisationer/{organisation_id}/aktivera")
def activate_organisation(request: Request, session: SessionDep, principal: Admin, form: FormDep,
                          organisation_id: int) -> Response:
    return _set_active(request, session, principal, form, organisation_id, True)
