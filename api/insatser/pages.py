"""The insatser register: list (per area), detail, and the analyst's create and edit forms."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData

from api.audit import service as audit_service
from api.core.deps import SessionDep
from api.insatser import service
from api.insatser.models import INSATS_TYPE_LABELS
from api.organisations import service as organisation_service
from api.review import service as review_service
from api.users.principal import Principal
from api.web.deps import FormDep, _client_ip, allow, check_csrf
from api.web.layout import render

router = APIRouter()
Analyst = Annotated[Principal, Depends(allow("analytiker"))]
Reader = Annotated[Principal, Depends(allow("analytiker", "granskare", "polis"))]
LIST_FIELDS = ("omraden", "kategorier")


def _choices(session: Session, kommun_code: str) -> dict[str, Any]:
    areas = review_service.area_choices(session=session, kommun_code=kommun_code)
    categories = review_service.category_choices(session=session, kommun_code=kommun_code)
    return {
        "areas": areas,
        "area_names": {a.code: a.name for a in areas},
        "categories": categories,
        "category_names": {c.code: c.name for c in categories},
        "organisations": organisation_service.list_organisations(session=session,
                                                                 kommun_code=kommun_code),
        "types": {t.value: label for t, label in INSATS_TYPE_LABELS.items()},
        "statuses": {s.value: label for s, label in service.INSATS_STATUS_LABELS.items()},
    }


@router.get("/insatser")
def insats_list(request: Request, session: SessionDep, principal: Reader,
                omrade: str = "") -> Response:
    choices = _choices(session, principal.kommun_code)
    insatser = service.list_insatser(session=session, kommun_code=principal.kommun_code,
                                     area_code=omrade.strip() or None)
    return render(request, "insats_list.html",
                  {"insatser": insatser, "omrade": omrade.strip(),
                   "saved": request.query_params.get("sparad", ""), **choices},
                  principal=principal, session=session)


def _form_page(request: Request, session: Session, principal: Principal, *, action: str,
               heading: str, values: dict[str, Any], errors: dict[str, str] | None = None,
               status_code: int = 200) -> Response:
    return render(request, "insats_form.html",
                  {"action": action, "heading": heading, "values": values, "errors": errors or {},
                   **_choices(session, principal.kommun_code)},
                  principal=principal, session=session, status_code=status_code)


def _blank(area_code: str = "") -> dict[str, Any]:
    return {"titel": "", "typ": "", "beskrivning": "", "startdatum": "", "slutdatum": "",
            "organisation": "", "status": "planerad", "anteckningar": "",
            "omraden": [area_code] if area_code else [], "kategorier": []}


def _submitted(request: Request, principal: Principal, form: FormData) -> dict[str, Any]:
    check_csrf(request, principal, form)
    values: dict[str, Any] = {key: value for key, value in form.items()
                              if isinstance(value, str) and key not in LIST_FIELDS}
    for key in LIST_FIELDS:
        values[key] = [v for v in form.getlist(key) if isinstance(v, str)]
    return values


def _validate(session: Session, principal: Principal, values: dict[str, Any]):  # type: ignore[no-untyped-def]
    choices = _choices(session, principal.kommun_code)
    return service.validate_insats(
        values, values["omraden"], values["kategorier"],
        allowed_areas=set(choices["area_names"]),
        allowed_categories=set(choices["category_names"]),
        allowed_organisations={o.id for o in choices["organisations"]},
    )


def _audit(request: Request, session: Session, principal: Principal, action: str,
           view: service.InsatsView) -> None:
    audit_service.record(
        session=session, action=action, actor=principal.actor, user_id=principal.user_id,
        kommun_code=principal.kommun_code, object_type="insats", object_id=view.id,
        filter={"titel": view.title, "omraden": list(view.area_codes),
                "start": view.start_date.isoformat(),
                "slut": view.end_date.isoformat() if view.end_date else None},
        ip=_client_ip(request),
    )


@router.get("/insatser/ny")
def new_insats(request: Request, session: SessionDep, principal: Analyst,
               omrade: str = "") -> Response:
    return _form_page(request, session, principal, action="/insatser/ny",
                      heading="Registrera insats", values=_blank(omrade.strip()))


@router.post("/insatser/ny")
def create_insats(request: Request, session: SessionDep, principal: Analyst, form: FormDep) -> Response:
    values = _submitted(request, principal, form)
    data, errors = _validate(session, principal, values)
    if data is None:
        return _form_page(request, session, principal, action="/insatser/ny",
                          heading="Registrera insats", values=values, errors=errors,
                          status_code=422)
    view = service.create_insats(session=session, kommun_code=principal.kommun_code, data=data,
                                 created_by_id=principal.user_id)
    _audit(request, session, principal, "insats.create", view)
    session.commit()
    return RedirectResponse(f"/insatser/{view.id}?sparad=1", status_code=303)


@router.get("/insatser/{insats_id}")
def insats_detail(request: Request, session: SessionDep, principal: Reader,
                  insats_id: int) -> Response:
    view = service.get_insats(session=session, kommun_code=principal.kommun_code,
                              insats_id=insats_id)
    return render(request, "insats_detail.html",
                  {"insats": view, "saved": request.query_params.get("sparad", ""),
                   **_choices(session, principal.kommun_code)},
                  principal=principal, session=session)


def _values_of(view: service.InsatsView) -> dict[str, Any]:
    return {
        "titel": view.title, "typ": view.type, "beskrivning": view.description,
        "startdatum": view.start_date.isoformat(),
        "slutdatum": view.end_date.isoformat() if view.end_date else "",
        "organisation": str(view.responsible_organisation_id or ""), "status": view.status,
        "anteckningar": view.notes, "omraden": list(view.area_codes),
        "kategorier": list(view.category_codes),
    }


@router.get("/insatser/{insats_id}/andra")
def edit_insats(request: Request, session: SessionDep, principal: Analyst,
                insats_id: int) -> Response:
    view = service.get_insats(session=session, kommun_code=principal.kommun_code,
                              insats_id=insats_id)
    return _form_page(request, session, principal, action=f"/insatser/{insats_id}/andra",
                      heading=f"Ändra insats: {view.title}", values=_values_of(view))


@router.post("/insatser/{insats_id}/andra")
def update_insats(request: Request, session: SessionDep, principal: Analyst, form: FormDep,
                  insats_id: int) -> Response:
    values = _submitted(request, principal, form)
    current = service.get_insats(session=session, kommun_code=principal.kommun_code,
                                 insats_id=insats_id)
    data, errors = _validate(session, principal, values)
    if data is None:
        return _form_page(request, session, principal, action=f"/insatser/{insats_id}/andra",
                          heading=f"Ändra insats: {current.title}", values=values, errors=errors,
                          status_code=422)
    view = service.update_insats(session=session, kommun_code=principal.kommun_code,
                                 insats_id=insats_id, data=data)
    _audit(request, session, principal, "insats.update", view)
    session.commit()
    return RedirectResponse(f"/insatser/{view.id}?sparad=1", status_code=303)
