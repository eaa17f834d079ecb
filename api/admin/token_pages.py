"""/admin/api-nycklar: the organisations' API tokens — list, create (secret shown once), revoke."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from api.admin import user_forms
from api.admin._common import NO_STORE, Admin, audit, form_values, local, parse_id
from api.core.deps import SessionDep
from api.organisations import service as organisation_service
from api.users import service as user_service
from api.users.principal import Principal
from api.web.deps import FormDep
from api.web.layout import render

router = APIRouter()

DONE = {"aterkallad": "API-nyckeln är återkallad och fungerar inte längre."}


def _page(request: Request, session: Session, principal: Principal, *, values: dict[str, str],
          errors: dict[str, str] | None = None, secret: str = "", created: object = None,
          status_code: int = 200) -> Response:
    all_organisations = organisation_service.list_organisations(session=session, kommun_code=principal.kommun_code)
    response = render(request, "admin_tokens.html", {
        "tokens": user_service.kommun_api_tokens(session=session, kommun_code=principal.kommun_code),
        "organisations": {o.id: o for o in all_organisations},
        "active_organisations": user_forms.kommun_organisations(session, principal.kommun_code),
        "values": values, "errors": errors or {}, "secret": secret, "created": created,
        "done": DONE.get(request.query_params.get("klart", ""), ""), "local": local(request),
    }, principal=principal, session=session, status_code=status_code)
    if secret:
        response.headers.update(NO_STORE)
    return response


@router.get("/admin/api-nycklar")
def token_list(request: Request, session: SessionDep, principal: Admin) -> Response:
    return _page(request, session, principal, values={"namn": "", "organisation": ""})


@router.post("/admin/api-nycklar")
def create_token(request: Request, session: SessionDep, principal: Admin, form: FormDep) -> Response:
    values = form_values(request, principal, form)
    errors: dict[str, str] = {}
    name = values.get("namn", "").strip()
    if not name:
        errors["namn"] = "Namn: skriv vad nyckeln används till, till exempel fastighetssystemet."
    elif len(name) > 200:
        errors["namn"] = "Namn: högst 200 tecken."
    organisation_id = parse_id(values.get("organisation", ""))
    if organisation_id not in {o.id for o in user_forms.kommun_organisations(session, principal.kommun_code)}:
        errors["organisation"] = "Organisation: välj en av kommunens aktiva organisationer."
    if errors or organisation_id is None:
        return _page(request, session, principal, values=values, errors=errors, status_code=422)
    row, secret = user_service.create_api_token(session=session, organisation_id=organisation_id, name=name)
    audit(request, session, principal, "api_token.create", object_type="api_token", object_id=row.id or "",
          details={"namn": name, "organisation_id": organisation_id})
    session.commit()
    return _page(request, session, principal, values={"namn": "", "organisation": ""}, secret=secret,
                 created=row)


@router.post("/admin/api-nycklar/{token_id}/aterkalla")
def revoke_token(request: Request, session: SessionDep, principal: Admin, form: FormDep, token_id: int) -> Response:
    form_values(request, principal, form)
    row = user_service.get_kommun_api_token(session=session, kommun_code=principal.kommun_code, token_id=token_id)
    if user_service.revoke_api_token(session=session, api_token=row):
        audit(request, session, principal, "api_token.revoke", object_type="api_token", object_id=token_id,
              details={"namn": row.name, "organisation_id": row.organisation_id})
    session.commit()
    return RedirectResponse("/admin/api-nycklar?klart=aterkallad", status_code=303)
