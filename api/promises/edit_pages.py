"""Medborgarlöften pages for the analyst's changes: edit and remove a löfte and what is under it.

A row with rows under it (the löfte, an åtagande, an indicator) is removed from a confirmation page
that names what goes with it; a single log entry, value or återkoppling has a plain "Ta bort" button
and a Swedish message afterwards. Every change is audited against the löfte.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from api.core.deps import SessionDep
from api.promises import editing, pages, service
from api.promises.models import Medborgarlofte
from api.promises.pages import Analyst
from api.users.principal import Principal
from api.web.deps import FormDep, check_csrf
from api.web.layout import render

router = APIRouter()
BASE = "/medborgarloften/{promise_id}"


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def _number_text(value: float | None) -> str:
    """A stored number as the analyst would type it (decimal comma, no trailing .0)."""
    if value is None:
        return ""
    return (str(int(value)) if float(value).is_integer() else str(value)).replace(".", ",")


def _promise(session: Session, principal: Principal, promise_id: int) -> Medborgarlofte:
    return service.get_promise(session=session, kommun_code=principal.kommun_code,
                               promise_id=promise_id)


def _done(request: Request, session: Session, principal: Principal, promise: Medborgarlofte,
          change: dict[str, Any], *, action: str = "promise.update", url: str = "") -> Response:
    pages._audit(request, session, principal, action, promise.id, change)
    session.commit()
    return RedirectResponse(url or f"/medborgarloften/{promise.id}?sparad=1", status_code=303)


def _confirm(request: Request, session: Session, principal: Principal, promise: Medborgarlofte, *,
             heading: str, lead: str, items: list[str], action: str, button: str,
             close: bool = False) -> Response:
    return render(request, "promise_confirm.html",
                  {"promise": promise, "heading": heading, "lead": lead, "items": items,
                   "action": action, "button": button, "close": close},
                  principal=principal, session=session)


# The löfte itself.

def _promise_form(request: Request, session: Session, principal: Principal,
                  promise: Medborgarlofte, values: dict[str, Any],
                  errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    return render(request, "promise_form.html",
                  {"values": values, "errors": errors or {}, "promise": promise,
                   "form_action": f"/medborgarloften/{promise.id}/andra",
                   **pages._choices(session, principal.kommun_code)},
                  principal=principal, session=session, status_code=status_code)


@router.get(BASE + "/andra")
def edit_promise(request: Request, session: SessionDep, principal: Analyst,
                 promise_id: int) -> Response:
    promise = _promise(session, principal, promise_id)
    values = {"titel": promise.title, "lofte": promise.promise_text, "parter": promise.parties,
              "startdatum": promise.period_start_date.isoformat(),
              "slutdatum": promise.period_end_date.isoformat(), "status": promise.status,
              "intervall": str(promise.aterkoppling_interval_days),
              "omraden": editing.area_codes(session, promise)}
    return _promise_form(request, session, principal, promise, values)


@router.post(BASE + "/andra")
def update_promise(request: Request, session: SessionDep, principal: Analyst, form: FormDep,
                   promise_id: int) -> Response:
    values = pages._submitted(request, principal, form)
    promise = _promise(session, principal, promise_id)
    # Areas from an earlier area set stay selectable on the löfte that already has them.
    allowed = set(pages._choices(session, principal.kommun_code)["area_names"])
    allowed |= set(editing.area_codes(session, promise))
    data, errors = service.validate_promise(values, values["omraden"], allowed_areas=allowed)
    if data is None:
        return _promise_form(request, session, principal, promise, values, errors, 422)
    changes = editing.update_promise(session=session, promise=promise, data=data)
    return _done(request, session, principal, promise, {"andring": "löfte ändrat", "falt": changes})


@router.get(BASE + "/ta-bort")
def confirm_delete_promise(request: Request, session: SessionDep, principal: Analyst,
                           promise_id: int) -> Response:
    promise = _promise(session, principal, promise_id)
    found = editing.contents(session=session, promise=promise)
    items = [f"{_plural(found.ataganden, 'åtagande', 'åtaganden')} med "
             f"{_plural(found.logs, 'loggad aktivitet', 'loggade aktiviteter')}",
             f"{_plural(found.indicators, 'indikator', 'indikatorer')} med "
             f"{_plural(found.values, 'infört värde', 'införda värden')}",
             _plural(found.aterkopplingar, "loggad återkoppling", "loggade återkopplingar")]
    return _confirm(request, session, principal, promise,
                    heading=f"Ta bort medborgarlöftet {promise.title}?",
                    lead="Löftet tas bort för alltid, och med det:", items=items,
                    action=f"/medborgarloften/{promise.id}/ta-bort",
                    button="Ta bort medborgarlöftet", close=promise.status != "avslutat")


@router.post(BASE + "/ta-bort")
def delete_promise(request: Request, session: SessionDep, principal: Analyst, form: FormDep,
                   promise_id: int) -> Response:
    check_csrf(request, principal, form)
    promise = _promise(session, principal, promise_id)
    removed = editing.delete_promise(session=session, promise=promise)
    return _done(request, session, principal, promise, {"andring": "löfte borttaget", **removed},
                 action="promise.delete", url="/medborgarloften?borttaget=1")


@router.post(BASE + "/avsluta")
def close_promise(request: Request, session: SessionDep, principal: Analyst, form: FormDep,
                  promise_id: int) -> Response:
    check_csrf(request, principal, form)
    promise = _promise(session, principal, promise_id)
    changes = editing.close_promise(session=session, promise=promise)
    return _done(request, session, principal, promise, {"andring": "löfte avslutat", "falt": changes},
                 url=f"/medborgarloften/{promise.id}?sparad=avslutat")


# Åtaganden and their activity log.

def _atagande_form(request: Request, session: Session, principal: Principal,
                   promise: Medborgarlofte, atagande: Any, values: dict[str, Any],
                   errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    done = sum(log.done_count for log in editing.atagande_logs(session, atagande))
    return render(request, "promise_atagande_form.html",
                  {"promise": promise, "atagande": atagande, "done": done, "values": values,
                   "errors": errors or {}},
                  principal=principal, session=session, status_code=status_code)


@router.get(BASE + "/atagande/{atagande_id}/andra")
def edit_atagande(request: Request, session: SessionDep, principal: Analyst, promise_id: int,
                  atagande_id: int) -> Response:
    promise = _promise(session, principal, promise_id)
    atagande = editing.get_atagande(session=session, promise=promise, atagande_id=atagande_id)
    values = {"atagande_titel": atagande.title, "atagande_mal": str(atagande.target_count),
              "atagande_enhet": atagande.unit}
    return _atagande_form(request, session, principal, promise, atagande, values)


@router.post(BASE + "/atagande/{atagande_id}/andra")
def update_atagande(request: Request, session: SessionDep, principal: Analyst, form: FormDep,
                    promise_id: int, atagande_id: int) -> Response:
    values = pages._submitted(request, principal, form)
    promise = _promise(session, principal, promise_id)
    atagande = editing.get_atagande(session=session, promise=promise, atagande_id=atagande_id)
    changes, errors = editing.update_atagande(session=session, atagande=atagande, values=values)
    if changes is None:
        return _atagande_form(request, session, principal, promise, atagande, values, errors, 422)
    return _done(request, session, principal, promise,
                 {"andring": "åtagande ändrat", "id": atagande.id, "falt": changes},
                 url=f"/medborgarloften/{promise.id}?sparad=1#ataganden")


@router.get(BASE + "/atagande/{atagande_id}/ta-bort")
def confirm_delete_atagande(request: Request, session: SessionDep, principal: Analyst,
                            promise_id: int, atagande_id: int) -> Response:
    promise = _promise(session, principal, promise_id)
    atagande = editing.get_atagande(session=session, promise=promise, atagande_id=atagande_id)
    logs = editing.atagande_logs(session, atagande)
    done = sum(log.done_count for log in logs)
    return _confirm(request, session, principal, promise,
                    heading=f"Ta bort åtagandet {atagande.title}?",
                    lead=f"Målet är {atagande.target_count} {atagande.unit}. Med åtagandet tas "
                         "dess logg bort:",
                    items=[f"{_plural(len(logs), 'loggad aktivitet', 'loggade aktiviteter')}, "
                           f"sammanlagt {done} {atagande.unit}"],
                    action=f"/medborgarloften/{promise.id}/atagande/{atagande.id}/ta-bort",
                    button="Ta bort åtagandet")


@router.post(BASE + "/atagande/{atagande_id}/ta-bort")
def delete_atagande(request: Request, session: SessionDep, principal: Analyst, form: FormDep,
                    promise_id: int, atagande_id: int) -> Response:
    check_csrf(request, principal, form)
    promise = _promise(session, principal, promise_id)
    atagande = editing.get_atagande(session=session, promise=promise, atagande_id=atagande_id)
    removed = editing.delete_atagande(session=session, atagande=atagande)
    return _done(request, session, principal, promise, {"andring": "åtagande borttaget", **removed},
                 url=f"/medborgarloften/{promise.id}?borttaget=atagande#ataganden")


@router.post(BASE + "/aktivitet/{log_id}/ta-bort")
def delete_log(request: Request, session: SessionDep, principal: Analyst, form: FormDep, promise_id: int,
               log_id: int) -> Response:
    check_csrf(request, principal, form)
    promise = _promise(session, principal, promise_id)
    removed = editing.delete_log(session=session, promise=promise, log_id=log_id)
    return _done(request, session, principal, promise, {"andring": "aktivitet borttagen", **removed},
                 url=f"/medborgarloften/{promise.id}?borttaget=aktivitet#ataganden")


# Indicators, their values and återkoppling.

def _indicator_form(request: Request, session: Session, principal: Principal,
                    promise: Medborgarlofte, indicator: Any, values: dict[str, Any],
                    errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    return render(request, "promise_indicator_form.html",
                  {"promise": promise, "indicator": indicator, "values": values,
                   "errors": errors or {}, "fixed_kind": indicator.kind,
                   **pages._choices(session, principal.kommun_code)},
                  principal=principal, session=session, status_code=status_code)


def _codes(text: str) -> list[str]:
    return [code for code in text.split(",") if code]


@router.get(BASE + "/indikator/{indicator_id}/andra")
def edit_indicator(request: Request, session: SessionDep, principal: Analyst, promise_id: int,
                   indicator_id: int) -> Response:
    promise = _promise(session, principal, promise_id)
    ind = editing.get_indicator(session=session, promise=promise, indicator_id=indicator_id)
    values = {"ind_typ": ind.kind, "ind_namn": ind.name, "ind_period": ind.period,
              "ind_riktning": ind.direction, "ind_mal": _number_text(ind.target_value),
              "ind_enhet": ind.unit, "ind_kategorier": _codes(ind.category_codes),
              "ind_omraden": _codes(ind.area_codes),
              "ind_bas_start": ind.baseline_start_date.isoformat() if ind.baseline_start_date else "",
              "ind_bas_slut": ind.baseline_end_date.isoformat() if ind.baseline_end_date else "",
              "ind_bas_varde": _number_text(ind.baseline_value)}
    return _indicator_form(request, session, principal, promise, ind, values)


@router.post(BASE + "/indikator/{indicator_id}/andra")
def update_indicator(request: Request, session: SessionDep, principal: Analyst, form: FormDep,
                     promise_id: int, indicator_id: int) -> Response:
    values = pages._submitted(request, principal, form)
    promise = _promise(session, principal, promise_id)
    ind = editing.get_indicator(session=session, promise=promise, indicator_id=indicator_id)
    choices = pages._choices(session, principal.kommun_code)
    changes, errors = editing.update_indicator(
        session=session, indicator=ind, values=values, category_codes=values["ind_kategorier"],
        area_codes=values["ind_omraden"],
        allowed_categories=set(choices["category_names"]) | set(_codes(ind.category_codes)),
        allowed_areas=set(choices["area_names"]) | set(_codes(ind.area_codes)))
    if changes is None:
        return _indicator_form(request, session, principal, promise, ind, values, errors, 422)
    return _done(request, session, principal, promise,
                 {"andring": "indikator ändrad", "id": ind.id, "falt": changes},
                 url=f"/medborgarloften/{promise.id}?sparad=1#indikatorer-heading")


@router.get(BASE + "/indikator/{indicator_id}/ta-bort")
def confirm_delete_indicator(request: Request, session: SessionDep, principal: Analyst,
                             promise_id: int, indicator_id: int) -> Response:
    promise = _promise(session, principal, promise_id)
    ind = editing.get_indicator(session=session, promise=promise, indicator_id=indicator_id)
    if ind.kind == "manuell":
        count = len(editing.indicator_values(session, ind))
        lead, items = "Med indikatorn tas dess värden bort:", [
            _plural(count, "infört värde", "införda värden")]
    else:
        lead, items = "Indikatorn beräknas från rapporterna. Rapporterna påverkas inte.", []
    return _confirm(request, session, principal, promise,
                    heading=f"Ta bort indikatorn {ind.name}?", lead=lead, items=items,
                    action=f"/medborgarloften/{promise.id}/indikator/{ind.id}/ta-bort",
                    button="Ta bort indikatorn")


@router.post(BASE + "/indikator/{indicator_id}/ta-bort")
def delete_indicator(request: Request, session: SessionDep, principal: Analyst, form: FormDep,
                     promise_id: int, indicator_id: int) -> Response:
    check_csrf(request, principal, form)
    promise = _promise(session, principal, promise_id)
    ind = editing.get_indicator(session=session, promise=promise, indicator_id=indicator_id)
    removed = editing.delete_indicator(session=session, indicator=ind)
    return _done(request, session, principal, promise, {"andring": "indikator borttagen", **removed},
                 url=f"/medborgarloften/{promise.id}?borttaget=indikator#indikatorer-heading")


@router.post(BASE + "/varde/{value_id}/ta-bort")
def delete_indicator_value(request: Request, session: SessionDep, principal: Analyst, form: FormDep,
                           promise_id: int, value_id: int) -> Response:
    check_csrf(request, principal, form)
    promise = _promise(session, principal, promise_id)
    removed = editing.delete_indicator_value(session=session, promise=promise, value_id=value_id)
    return _done(request, session, principal, promise, {"andring": "värde borttaget", **removed},
                 url=f"/medborgarloften/{promise.id}?borttaget=varde#indikatorer-heading")


@router.post(BASE + "/aterkoppling/{aterkoppling_id}/ta-bort")
def delete_aterkoppling(request: Request, session: SessionDep, principal: Analyst, form: FormDep,
                        promise_id: int, aterkoppling_id: int) -> Response:
    check_csrf(request, principal, form)
    promise = _promise(session, principal, promise_id)
    removed = editing.delete_aterkoppling(session=session, promise=promise,
                                          aterkoppling_id=aterkoppling_id)
    return _done(request, session, principal, promise,
                 {"andring": "återkoppling borttagen", **removed},
                 url=f"/medborgarloften/{promise.id}?borttaget=aterkoppling#aterkopplingar-heading")
