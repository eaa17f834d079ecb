"""The inrapportör's weekly report form (/rapportera), receipt, week list and corrections."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from api.areas import service as area_service
from api.audit import service as audit_service
from api.core.deps import ClockDep, SessionDep
from api.core.errors import API_ERROR_RESPONSES, AppError, NotFound
from api.organisations import service as organisation_service
from api.reports import form_input, form_places
from api.reports import form_service as service
from api.reports.form_input import FormErrors
from api.users.principal import API_TOKEN_ROLE, Principal
from api.web.deps import ALL_USER_ROLES, FormDep, _client_ip, allow, check_csrf
from api.web.layout import render

router = APIRouter()
Reporter = Annotated[Principal, Depends(allow("inrapportor"))]
# An analyst may also report on behalf of an organisation of the kommun, picked in the form.
ReporterOrAnalyst = Annotated[Principal, Depends(allow("inrapportor", "analytiker"))]


def _organisation_id(session: Session, principal: Principal) -> int:
    """The inrapportör's own organisation."""
    organisation = service.reporter_organisation(
        session=session, organisation_id=principal.organisation_id,
        kommun_code=principal.kommun_code,
    )
    return organisation.id  # type: ignore[return-value]


def _reporting_for(session: Session, principal: Principal, chosen: object) -> int | None:
    """The organisation reported for: the inrapportör's own, or the one an analyst picked."""
    if principal.role != "analytiker":
        return _organisation_id(session, principal)
    if not str(chosen or "").isdigit():
        return None
    return service.reporter_organisation(  # type: ignore[return-value]
        session=session, organisation_id=int(str(chosen)), kommun_code=principal.kommun_code,
        on_behalf=True,
    ).id


def _with_organisation(url: str, principal: Principal, organisation_id: int) -> str:
    if principal.role != "analytiker":
        return url
    return f"{url}{'&' if '?' in url else '?'}organisation={organisation_id}"


def _map_config(request: Request, session: Session, kommun_code: str) -> dict[str, str]:
    """What the (optional) map needs: tiles, attribution and the kommun's extent in WGS84."""
    settings = request.app.state.settings
    areas = area_service.load_areas_frame(session=session, kommun_code=kommun_code)
    bounds = ""
    if len(areas):
        west, south, east, north = areas.to_crs(4326).total_bounds
        bounds = json.dumps([[round(south, 5), round(west, 5)], [round(north, 5), round(east, 5)]])
    return {"tile_url": settings.map_tile_url, "attribution": settings.map_tile_attribution,
            "bounds": bounds}


def _form_page(
    request: Request, session: Session, principal: Principal, *, week: service.Week, today: date,
    observations: list[dict[str, str]], token: str, organisation_id: int | None,
    errors: FormErrors | None = None, focus: int | None = None, nollrapport_error: str = "",
    nollrapport_done: str = "", status_code: int = 200,
) -> Response:
    analyst = principal.role == "analytiker"
    context: dict[str, Any] = {
        "week": week, "weeks": service.reporting_weeks(today), "today": today.isoformat(),
        "observations": observations, "token": token, "errors": errors or FormErrors(),
        "focus": focus, "nollrapport_error": nollrapport_error,
        "groups": service.category_groups(session=session, kommun_code=principal.kommun_code),
        "place_names": form_places.place_names(session=session, kommun_code=principal.kommun_code),
        "map": _map_config(request, session, principal.kommun_code),
        "has_nollrapport": organisation_id is not None and service.has_nollrapport(
            session=session, organisation_id=organisation_id, week=week),
        "organisation_id": organisation_id, "nollrapport_done": nollrapport_done,
        "organisation_error": analyst and organisation_id is None and bool(
            errors or nollrapport_error),
        "organisations": [o for o in organisation_service.list_organisations(
            session=session, kommun_code=principal.kommun_code) if o.active] if analyst else None,
    }
    return render(request, "report_form.html", context, principal=principal, session=session,
                  status_code=status_code)


def _default_date(week: service.Week, today_text: str) -> str:
    return today_text if week.monday.isoformat() <= today_text <= week.sunday.isoformat() else ""


@router.get("/rapportera")
def report_form(request: Request, session: SessionDep, principal: ReporterOrAnalyst, clock: ClockDep,
                vecka: str = "", organisation: str = "", nollrapport: str = "") -> Response:
    organisation_id = _reporting_for(session, principal, organisation)
    today = clock.today()
    week = service.reporting_week(vecka, today)
    blank = form_input.blank_observation(default_date=_default_date(week, today.isoformat()))
    return _form_page(request, session, principal, week=week, today=today, observations=[blank],
                      token=form_input.submission_token(None), organisation_id=organisation_id,
                      nollrapport_done=nollrapport)


@router.post("/rapportera")
def submit_report(request: Request, session: SessionDep,
                  principal: ReporterOrAnalyst, form: FormDep, clock: ClockDep) -> Response:
    check_csrf(request, principal, form)
    organisation_id = _reporting_for(session, principal, form.get("organisation"))
    today = clock.today()
    week = service.reporting_week(str(form.get("vecka", "")), today)
    token = form_input.submission_token(form.get("inskick"))
    observations = form_input.parse_observations(form) or [form_input.blank_observation()]
    action = str(form.get("atgard", "skicka"))
    if action == "lagg_till" and len(observations) < form_input.MAX_FORM_OBSERVATIONS:
        observations.append(
            form_input.blank_observation(default_date=_default_date(week, today.isoformat())))
        return _form_page(request, session, principal, week=week, today=today,
                          observations=observations,
                          token=token, focus=len(observations) - 1,
                          organisation_id=organisation_id)
    if action.startswith("ta_bort-") and action[8:].isdigit() and len(observations) > 1:
        index = min(int(action[8:]), len(observations) - 1)
        del observations[index]
        return _form_page(request, session, principal, week=week, today=today,
                          observations=observations,
                          token=token, focus=max(index - 1, 0),
                          organisation_id=organisation_id)
    if organisation_id is None:
        errors = FormErrors(general=["Välj vilken organisation rapporten gäller."])
        return _form_page(request, session, principal, week=week, today=today,
                          observations=observations,
                          token=token, errors=errors, organisation_id=None, status_code=422)
    result = service.submit_observations(
        session=session, kommun_code=principal.kommun_code, organisation_id=organisation_id,
        user_id=principal.user_id, observations=observations, week=week, token=token,
        today=today,
    )
    if result.errors:
        return _form_page(request, session, principal, week=week, today=today,
                          observations=observations,
                          token=token, errors=result.errors, organisation_id=organisation_id,
                          status_code=422)
    audit_service.record(
        session=session, action="report.create", actor=principal.actor,
        user_id=principal.user_id, kommun_code=principal.kommun_code, object_type="report",
        object_id=token, filter={"vecka": week.label, "sparade": result.stored,
                                 "redan_sparade": result.skipped},
        purpose="Veckorapport via formulär", ip=_client_ip(request),
    )
    session.commit()
    target = f"/rapportera/kvitto?inskick={token}"
    if result.removed_nollrapport:
        target += "&nollrapport=borttagen"
    if result.same_in_post:
        target += f"&lika={result.same_in_post}"
    return RedirectResponse(_with_organisation(target, principal, organisation_id),
                            status_code=303)


@router.post("/rapportera/nollrapport")
def submit_nollrapport(request: Request, session: SessionDep,
                       principal: ReporterOrAnalyst, form: FormDep, clock: ClockDep) -> Response:
    check_csrf(request, principal, form)
    organisation_id = _reporting_for(session, principal, form.get("organisation"))
    today = clock.today()
    week = service.reporting_week(str(form.get("vecka", "")), today)
    try:
        if organisation_id is None:
            raise AppError("Välj vilken organisation nollrapporten gäller.", status_code=422)
        stored = service.store_nollrapport(
            session=session, kommun_code=principal.kommun_code, organisation_id=organisation_id,
            user_id=principal.user_id, week=week,
        )
    except AppError as refused:
        observations = form_input.parse_observations(form) or [form_input.blank_observation()]
        return _form_page(request, session, principal, week=week, today=today,
                          observations=observations,
                          token=form_input.submission_token(form.get("inskick")),
                          organisation_id=organisation_id, nollrapport_error=refused.message,
                          status_code=refused.status_code)
    if stored:
        audit_service.record(
            session=session, action="nollrapport.create", actor=principal.actor,
            user_id=principal.user_id, kommun_code=principal.kommun_code,
            object_type="nollrapport", object_id=week.label, ip=_client_ip(request),
            filter={"organisation_id": organisation_id},
        )
    session.commit()
    done = "lamnad" if stored else "redan"
    if principal.role == "analytiker":  # the week list is the organisation's own view
        target = f"/rapportera?vecka={week.label}&nollrapport={done}"
    else:
        target = f"/rapportera/vecka/{week.label}?nollrapport={done}"
    return RedirectResponse(_with_organisation(target, principal, organisation_id),
                            status_code=303)


@router.get("/rapportera/kvitto")
def report_receipt(request: Request, session: SessionDep, principal: ReporterOrAnalyst,
                   inskick: str = "", nollrapport: str = "", organisation: str = "",
                   lika: str = "") -> Response:
    organisation_id = _reporting_for(session, principal, organisation)
    if organisation_id is None:
        raise NotFound("Kvittot finns inte.")
    rows = service.receipt(session=session, kommun_code=principal.kommun_code,
                           organisation_id=organisation_id, token=inskick)
    if not rows:
        raise NotFound("Kvittot finns inte. Se veckans rapporter i stället.")
    _audit_read(request, session, principal,
                {"inskick": inskick, "organisation_id": organisation_id}, "Kvitto efter inskick")
    session.commit()
    week = service.week_of(rows[0]["report"].observed_date)  # type: ignore[attr-defined]
    return render(request, "report_receipt.html",
                  {"rows": rows, "week": week, "removed_nollrapport": nollrapport == "borttagen",
                   "organisation_id": organisation_id,
                   "same_in_post": min(int(lika), 100) if lika.isdigit() else 0},
                  principal=principal, session=session)


def _audit_read(request: Request, session: Session, principal: Principal,
                filters: dict[str, object], purpose: str) -> None:
    audit_service.record(
        session=session, action="report.read", actor=principal.actor, user_id=principal.user_id,
        kommun_code=principal.kommun_code, object_type="report",
        filter={"organisation_id": principal.organisation_id, **filters}, purpose=purpose,
        ip=_client_ip(request),
    )


@router.get("/rapportera/vecka")
def this_week(principal: Reporter, clock: ClockDep) -> Response:
    return RedirectResponse(f"/rapportera/vecka/{service.week_of(clock.today()).label}",
                            status_code=303)


@router.get("/rapportera/vecka/{week}")
def week_list(request: Request, session: SessionDep, principal: Reporter, clock: ClockDep, week: str,
              nollrapport: str = "", andrad: str = "") -> Response:
    organisation_id = _organisation_id(session, principal)
    chosen = service.parse_week(week)
    rows = service.week_reports(session=session, kommun_code=principal.kommun_code,
                                organisation_id=organisation_id, week=chosen)
    _audit_read(request, session, principal, {"vecka": chosen.label}, "Veckans rapporter")
    session.commit()
    today = clock.today()
    context = {
        "week": chosen, "rows": rows, "nollrapport": nollrapport, "changed": andrad,
        "has_nollrapport": service.has_nollrapport(
            session=session, organisation_id=organisation_id, week=chosen),
        "previous": service.week_of(chosen.monday - timedelta(days=7)),
        "next": service.week_of(chosen.sunday + timedelta(days=1))
        if chosen.sunday < today else None,
        "can_report": chosen.label in {w.label for w in service.reporting_weeks(today)},
    }
    return render(request, "report_week.html", context, principal=principal, session=session)


def _edit_page(request: Request, session: Session, principal: Principal, report: Any,
               values: dict[str, str], *, today: date, errors: FormErrors | None = None,
               status_code: int = 200) -> Response:
    week = service.week_of(report.observed_date)
    context = {
        "report": report, "values": values, "errors": errors or FormErrors(), "week": week,
        "editable": service.is_editable(report), "today": today.isoformat(),
        "groups": service.category_groups(session=session, kommun_code=principal.kommun_code),
        "place_names": form_places.place_names(session=session, kommun_code=principal.kommun_code),
        "map": _map_config(request, session, principal.kommun_code),
        "row": service.report_rows(session, [report])[0],
    }
    return render(request, "report_edit.html", context, principal=principal, session=session,
                  status_code=status_code)


@router.get("/rapportera/rapport/{report_id}")
def edit_form(request: Request, session: SessionDep, principal: Reporter, clock: ClockDep,
              report_id: int) -> Response:
    report = service.own_report(session=session, kommun_code=principal.kommun_code,
                                organisation_id=_organisation_id(session, principal),
                                report_id=report_id)
    _audit_read(request, session, principal, {"report_id": report_id}, "Rätta rapport")
    session.commit()
    return _edit_page(request, session, principal, report, service.report_values(session, report),
                      today=clock.today())


@router.post("/rapportera/rapport/{report_id}")
def edit_submit(request: Request, session: SessionDep, principal: Reporter, form: FormDep, clock: ClockDep,
                report_id: int) -> Response:
    check_csrf(request, principal, form)
    report = service.own_report(session=session, kommun_code=principal.kommun_code,
                                organisation_id=_organisation_id(session, principal),
                                report_id=report_id)
    values = (form_input.parse_observations(form) or [form_input.blank_observation()])[0]
    today = clock.today()
    errors = service.update_report(session=session, report=report, values=values, today=today)
    if errors:
        return _edit_page(request, session, principal, report, values, today=today, errors=errors,
                          status_code=409 if not service.is_editable(report) else 422)
    audit_service.record(
        session=session, action="report.update", actor=principal.actor,
        user_id=principal.user_id, kommun_code=principal.kommun_code, object_type="report",
        object_id=report.id or "", purpose="Rättelse av inrapportör", ip=_client_ip(request),
    )
    session.commit()
    week = service.week_of(report.observed_date)
    return RedirectResponse(f"/rapportera/vecka/{week.label}?andrad={report.id}", status_code=303)


@router.get("/api/v1/places", summary="Platser i kommunens ortregister (autokomplettering)",
            responses=API_ERROR_RESPONSES)
def places(session: SessionDep,
           principal: Annotated[Principal, Depends(allow(*ALL_USER_ROLES, API_TOKEN_ROLE))],
           q: str = "", limit: int = 8) -> list[dict[str, object]]:
    return form_places.suggest_places(session=session, kommun_code=principal.kommun_code,
                                      query=q[:100], limit=max(1, min(limit, 20)))
