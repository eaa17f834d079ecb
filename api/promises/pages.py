"""Medborgarlöften pages: list, create, and the follow-up page with its forms."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData

from api.audit import service as audit_service
from api.core.deps import ClockDep, SessionDep
from api.promises import follow_up, service
from api.promises.models import DIRECTIONS, INDICATOR_KINDS, PROMISE_STATUSES, Medborgarlofte
from api.review import service as review_service
from api.users.principal import Principal
from api.web.deps import FormDep, _client_ip, allow, check_csrf
from api.web.layout import render

router = APIRouter()
Analyst = Annotated[Principal, Depends(allow("analytiker"))]
Reader = Annotated[Principal, Depends(allow("analytiker", "granskare", "polis"))]
LIST_FIELDS = ("omraden", "ind_kategorier", "ind_omraden")
FORMS = ("atagande", "aktivitet", "indikator", "varde", "aterkoppling")
# The message after a removal (`?borttaget=…`); `?sparad=…` says "Ändringen är sparad." except here.
REMOVED_MESSAGES = {
    "atagande": "Åtagandet och dess logg är borttagna.",
    "aktivitet": "Aktiviteten är borttagen ur loggen.",
    "indikator": "Indikatorn är borttagen.",
    "varde": "Värdet är borttaget.",
    "aterkoppling": "Återkopplingen är borttagen.",
}
SAVED_MESSAGES = {"avslutat": "Medborgarlöftet är avslutat. Uppföljningen finns kvar."}


def _choices(session: Session, kommun_code: str) -> dict[str, Any]:
    areas = review_service.area_choices(session=session, kommun_code=kommun_code)
    categories = review_service.category_choices(session=session, kommun_code=kommun_code)
    return {
        "areas": areas, "area_names": {a.code: a.name for a in areas},
        "categories": categories, "category_names": {c.code: c.name for c in categories},
        "statuses": PROMISE_STATUSES, "directions": DIRECTIONS, "kinds": INDICATOR_KINDS,
        "periods": service.PERIODS,
    }


def _submitted(request: Request, principal: Principal, form: FormData) -> dict[str, Any]:
    check_csrf(request, principal, form)
    values: dict[str, Any] = {key: value for key, value in form.items()
                              if isinstance(value, str) and key not in LIST_FIELDS}
    for key in LIST_FIELDS:
        values[key] = [v for v in form.getlist(key) if isinstance(v, str)]
    return values


def _audit(request: Request, session: Session, principal: Principal, action: str,
           object_id: int | None, filter: dict[str, Any], purpose: str = "") -> None:
    audit_service.record(
        session=session, action=action, actor=principal.actor, user_id=principal.user_id,
        kommun_code=principal.kommun_code, object_type="medborgarlofte", object_id=object_id or "",
        filter=filter, purpose=purpose, ip=_client_ip(request))


@router.get("/medborgarloften")
def promise_list(request: Request, session: SessionDep, principal: Reader, clock: ClockDep) -> Response:
    promises = follow_up.aterkoppling_overview(session=session, kommun_code=principal.kommun_code,
                                             today=clock.today())
    flashes = ([{"kind": "ok", "text": "Medborgarlöftet är borttaget."}]
               if request.query_params.get("borttaget") else [])
    return render(request, "promise_list.html", {"promises": promises, "statuses": PROMISE_STATUSES,
                                                 "flash_messages": flashes},
                  principal=principal, session=session)


def _new_page(request: Request, session: Session, principal: Principal, values: dict[str, Any],
              errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    return render(request, "promise_form.html",
                  {"values": values, "errors": errors or {},
                   **_choices(session, principal.kommun_code)},
                  principal=principal, session=session, status_code=status_code)


@router.get("/medborgarloften/ny")
def new_promise(request: Request, session: SessionDep, principal: Analyst) -> Response:
    blank = {"titel": "", "lofte": "", "parter": "", "startdatum": "", "slutdatum": "",
             "status": "aktivt", "intervall": "90", "omraden": []}
    return _new_page(request, session, principal, blank)


@router.post("/medborgarloften/ny")
def create_promise(request: Request, session: SessionDep, principal: Analyst, form: FormDep) -> Response:
    values = _submitted(request, principal, form)
    choices = _choices(session, principal.kommun_code)
    data, errors = service.validate_promise(values, values["omraden"],
                                            allowed_areas=set(choices["area_names"]))
    if data is None:
        return _new_page(request, session, principal, values, errors, status_code=422)
    promise = service.create_promise(session=session, kommun_code=principal.kommun_code, data=data,
                                     created_by_id=principal.user_id)
    _audit(request, session, principal, "promise.update", promise.id,
           {"andring": "skapat", "titel": promise.title, "omraden": data["area_codes"]})
    session.commit()
    return RedirectResponse(f"/medborgarloften/{promise.id}?sparad=1", status_code=303)


def _follow_up_page(request: Request, session: Session, principal: Principal,
                    promise: Medborgarlofte, *, today: date, form: str = "",
                    values: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
                    status_code: int = 200) -> Response:
    view = follow_up.follow_up_view(session=session, principal=principal, promise=promise, today=today)
    if view.report_filters:
        # Report-based indicators read report data: logged like every other read.
        _audit(request, session, principal, "report.read", promise.id,
               {"indikatorer": view.report_filters}, purpose="uppföljning av medborgarlöfte")
        session.commit()
    saved = request.query_params.get("sparad", "")
    done = (REMOVED_MESSAGES.get(request.query_params.get("borttaget", ""))
            or SAVED_MESSAGES.get(saved))
    return render(request, "promise_follow_up.html",
                  {"view": view, "promise": promise, "form": form, "values": values or {},
                   "errors": errors or {}, "saved": "" if done else saved,
                   "flash_messages": [{"kind": "ok", "text": done}] if done else [],
                   "sparkline": follow_up.sparkline, **_choices(session, principal.kommun_code)},
                  principal=principal, session=session, status_code=status_code)


@router.get("/medborgarloften/{promise_id}")
def promise_follow_up(request: Request, session: SessionDep, principal: Reader, clock: ClockDep,
                      promise_id: int) -> Response:
    promise = service.get_promise(session=session, kommun_code=principal.kommun_code,
                                  promise_id=promise_id)
    return _follow_up_page(request, session, principal, promise, today=clock.today())


def _write(request: Request, session: Session, principal: Principal, posted: FormData, promise_id: int,
           form: str, today: date) -> Response:
    values = _submitted(request, principal, posted)
    promise = service.get_promise(session=session, kommun_code=principal.kommun_code,
                                  promise_id=promise_id)
    row: Any
    if form == "atagande":
        row, errors = service.add_atagande(session=session, promise=promise, values=values)
    elif form == "aktivitet":
        row, errors = service.log_activity(session=session, promise=promise, values=values,
                                           user_id=principal.user_id)
    elif form == "indikator":
        choices = _choices(session, principal.kommun_code)
        row, errors = service.add_indicator(
            session=session, promise=promise, values=values,
            category_codes=values["ind_kategorier"], area_codes=values["ind_omraden"],
            allowed_categories=set(choices["category_names"]),
            allowed_areas=set(choices["area_names"]))
    elif form == "varde":
        row, errors = service.add_indicator_value(session=session, promise=promise,
                                                  values=values, user_id=principal.user_id)
    else:
        row, errors = service.add_aterkoppling(session=session, promise=promise, values=values,
                                               user_id=principal.user_id)
    if row is None:
        return _follow_up_page(request, session, principal, promise, today=today, form=form,
                               values=values, errors=errors, status_code=422)
    _audit(request, session, principal, "promise.update", promise.id,
           {"andring": form, "id": row.id})
    session.commit()
    return RedirectResponse(f"/medborgarloften/{promise.id}?sparad={form}#{form}",
                            status_code=303)


@router.post("/medborgarloften/{promise_id}/atagande")
def add_atagande(request: Request, session: SessionDep, principal: Analyst, form: FormDep,
                 clock: ClockDep, promise_id: int) -> Response:
    return _write(request, session, principal, form, promise_id, "atagande", clock.today())


@router.post("/medborgarloften/{promise_id}/aktivitet")
def log_activity(request: Request, session: SessionDep, principal: Analyst, form: FormDep,
                 clock: ClockDep, promise_id: int) -> Response:
    return _write(request, session, principal, form, promise_id, "aktivitet", clock.today())


@router.post("/medborgarloften/{promise_id}/indikator")
def add_indicator(request: Request, session: SessionDep, principal: Analyst, form: FormDep,
                  clock: ClockDep, promise_id: int) -> Response:
    return _write(request, session, principal, form, promise_id, "indikator", clock.today())


@router.post("/medborgarloften/{promise_id}/varde")
def add_indicator_value(request: Request, session: SessionDep, principal: Analyst, form: FormDep,
                        clock: ClockDep, promise_id: int) -> Response:
    return _write(request, session, principal, form, promise_id, "varde", clock.today())


@router.post("/medborgarloften/{promise_id}/aterkoppling")
def add_aterkoppling(request: Request, session: SessionDep, principal: Analyst, form: FormDep,
                     clock: ClockDep, promise_id: int) -> Response:
    return _write(request, session, principal, form, promise_id, "aterkoppling", clock.today())
