"""The review inbox pages (/granska): the week's reports, and the analyst's actions on each."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData

from analysis.weeks import parse_iso_week, week_start
from api.audit import service as audit_service
from api.core.deps import SessionDep
from api.core.errors import AppError, NotFound
from api.organisations import service as organisation_service
from api.review import bulk, service
from api.review.service import InboxFilter
from api.users.principal import Principal
from api.web.deps import FormDep, _client_ip, allow, check_csrf
from api.web.layout import render

router = APIRouter()
Analyst = Annotated[Principal, Depends(allow("analytiker"))]
PURPOSE = "Granskning av veckans rapporter"
FILTER_KEYS = ("omrade", "kategori", "organisation", "kalla", "status", "flaggade")
DONE_MESSAGES = {
    "godkand": "Rapport {id} är godkänd.",
    "rattad": "Rapport {id} är ändrad.",
    "oforandrad": "Rapport {id}: inget ändrades.",
    "avvisad": "Rapport {id} är avvisad.",
    "sammanslagen": "Rapport {id} är sammanslagen och räknas inte längre för sig.",
    "ater": "Sammanslagningen av rapport {id} är ångrad; rapporten räknas igen.",
    "alla": "{id} rapporter godkändes.",
    "rattad-godkand": "Rapport {id} är ändrad och godkänd.",
    "markerade-godkann": "{id} markerade rapporter godkändes.",
    "markerade-kategori": "{id} markerade rapporter fick ny kategori.",
    "markerade-omrade": "{id} markerade rapporter fick nytt område.",
    "markerade-avvisa": "{id} markerade rapporter avvisades.",
}


def _week(text: str) -> tuple[str, Any]:
    try:
        label = parse_iso_week(text).label
    except ValueError as exc:
        raise NotFound(f"Veckan finns inte: {exc}") from exc
    return label, week_start(label)


def _filter_query(raw: str) -> str:
    """Only the inbox's own filter keys survive the round trip through a form."""
    pairs = [(k, v) for k, v in parse_qsl(raw, keep_blank_values=False) if k in FILTER_KEYS]
    return urlencode(pairs)


def _back(week: str, filter_query: str, **done: object) -> RedirectResponse:
    query = "&".join(part for part in (filter_query, urlencode(done)) if part)
    anchor = f"#rapport-{done['rapport']}" if "rapport" in done else ""
    return RedirectResponse(f"/granska/{week}{'?' + query if query else ''}{anchor}", status_code=303)


def _audit_change(request: Request, session: Session, principal: Principal, report_id: int | str,
                  changes: dict[str, Any]) -> None:
    audit_service.record(
        session=session, action="report.review", actor=principal.actor, user_id=principal.user_id,
        kommun_code=principal.kommun_code, object_type="report", object_id=report_id,
        filter=changes, purpose=PURPOSE, ip=_client_ip(request),
    )


def _inbox(request: Request, session: Session, principal: Principal, week: str, filters: InboxFilter,
           *, errors: dict[int, dict[str, str]] | None = None,
           values: dict[int, dict[str, str]] | None = None, status_code: int = 200,
           bulk_error: tuple[str, str] | None = None, bulk_values: dict[str, object] | None = None,
           ) -> Response:
    monday = week_start(week)
    rows = service.inbox_rows(session=session, principal=principal, monday=monday,
                              filters=filters)
    audit_service.record(
        session=session, action="report.read", actor=principal.actor, user_id=principal.user_id,
        kommun_code=principal.kommun_code, object_type="review_inbox", object_id=week,
        filter={"vecka": week, **filters.as_dict()}, purpose=PURPOSE, ip=_client_ip(request),
    )
    session.commit()
    params = request.query_params
    done = params.get("utfort", "")
    message = DONE_MESSAGES[done].format(id=params.get("rapport", params.get("antal", ""))) \
        if done in DONE_MESSAGES else ""
    year, number = parse_iso_week(week)
    context = {
        "week": week, "week_number": number, "year": year, "monday": monday,
        "sunday": monday.fromordinal(monday.toordinal() + 6),
        "previous_week": _shift(week, -1), "next_week": _shift(week, 1),
        "rows": rows, "filters": filters, "filter_query": urlencode(filters.query_pairs()),
        "areas": service.area_choices(session=session, kommun_code=principal.kommun_code),
        "categories": service.category_choices(session=session, kommun_code=principal.kommun_code),
        "organisations": organisation_service.list_organisations(
            session=session, kommun_code=principal.kommun_code),
        "sources": service.SOURCE_LABELS, "statuses": service.STATUS_LABELS,
        "kommunniva": service.KOMMUNNIVA,
        "counted": service.counted_total(session=session, kommun_code=principal.kommun_code,
                                         monday=monday),
        "open_ids": [r.id for r in rows if r.review_status == "ny" and not r.duplicate_of_id],
        "errors": errors or {}, "values": values or {}, "message": message,
        "bulk_actions": bulk.ACTIONS, "bulk_error": bulk_error,
        "bulk_values": bulk_values or {"atgard": "", "ny_kategori": "", "nytt_omrade": "",
                                       "motivering": "", "rapporter": []},
    }
    return render(request, "review_inbox.html", context, principal=principal, session=session,
                  status_code=status_code)


def _shift(week: str, weeks: int) -> str:
    from analysis.weeks import shift_week

    return shift_week(week, weeks)


@router.get("/granska/{week}")
def inbox(request: Request, session: SessionDep, principal: Analyst, week: str) -> Response:
    label, _ = _week(week)
    if label != week:
        query = request.url.query
        return RedirectResponse(f"/granska/{label}{'?' + query if query else ''}", status_code=303)
    filters = InboxFilter.from_params(dict(request.query_params))
    return _inbox(request, session, principal, label, filters)


def _form(request: Request, principal: Principal, form: FormData) -> dict[str, str]:
    check_csrf(request, principal, form)
    return {key: value for key, value in form.items() if isinstance(value, str)}


@router.post("/granska/{week}/rapport/{report_id}/godkann")
def accept(request: Request, session: SessionDep, principal: Analyst, posted: FormDep, week: str,
           report_id: int) -> Response:
    form = _form(request, principal, posted)
    label, _ = _week(week)
    changes = service.accept(session=session, kommun_code=principal.kommun_code,
                             report_id=report_id, user_id=principal.user_id)
    _audit_change(request, session, principal, report_id, changes)
    session.commit()
    return _back(label, _filter_query(form.get("filter", "")), utfort="godkand", rapport=report_id)


@router.post("/granska/{week}/rapport/{report_id}/avvisa")
def reject(request: Request, session: SessionDep, principal: Analyst, posted: FormDep, week: str,
           report_id: int) -> Response:
    form = _form(request, principal, posted)
    label, _ = _week(week)
    note = form.get("motivering", "")
    filter_query = _filter_query(form.get("filter", ""))
    try:
        changes = service.reject(session=session, kommun_code=principal.kommun_code,
                                 report_id=report_id, user_id=principal.user_id, note=note)
    except NotFound:
        raise
    except AppError as refused:
        session.rollback()
        filters = InboxFilter.from_params(dict(parse_qsl(filter_query)))
        return _inbox(request, session, principal, label, filters,
                      errors={report_id: {"motivering": refused.message}},
                      values={report_id: {"motivering": note}}, status_code=422)
    _audit_change(request, session, principal, report_id, changes)
    session.commit()
    return _back(label, filter_query, utfort="avvisad", rapport=report_id)


def _correction_page(request: Request, session: Session, principal: Principal, week: str,
                     report_id: int, *, values: dict[str, str] | None = None,
                     errors: dict[str, str] | None = None,
                     filter_query: str = "", status_code: int = 200) -> Response:
    row = service.inbox_row(session=session, principal=principal, report_id=report_id)
    return render(request, "review_correct.html", {
        "week": week, "row": row, "errors": errors or {}, "filter_query": filter_query,
        "values": values or {"kategori": row.category_code,
                             "omrade": row.area_code or service.KOMMUNNIVA},
        "areas": service.area_choices(session=session, kommun_code=principal.kommun_code),
        "categories": service.category_choices(session=session, kommun_code=principal.kommun_code),
        "kommunniva": service.KOMMUNNIVA,
    }, principal=principal, session=session, status_code=status_code)


@router.get("/granska/{week}/rapport/{report_id}/rattelse")
def correction_page(request: Request, session: SessionDep, principal: Analyst, week: str,
                    report_id: int) -> Response:
    # A page of its own: one select of areas per inbox row would make the inbox heavy (DeSO).
    label, _ = _week(week)
    return _correction_page(request, session, principal, label, report_id,
                            filter_query=_filter_query(request.url.query))


@router.post("/granska/{week}/rapport/{report_id}/rattelse")
def correct(request: Request, session: SessionDep, principal: Analyst, posted: FormDep, week: str,
            report_id: int) -> Response:
    form = _form(request, principal, posted)
    label, _ = _week(week)
    filter_query = _filter_query(form.get("filter", ""))
    values = {"kategori": form.get("kategori", ""), "omrade": form.get("omrade", "")}
    try:
        changes = service.correct(
            session=session, kommun_code=principal.kommun_code, report_id=report_id,
            user_id=principal.user_id, category_code=values["kategori"],
            area_code=values["omrade"],
        )
    except service.CorrectionError as refused:
        session.rollback()
        return _correction_page(request, session, principal, label, report_id, values=values,
                                errors={refused.field: refused.message},
                                filter_query=filter_query, status_code=422)
    approve = form.get("godkann") == "1"
    if approve:
        changes = {**changes, **service.accept(session=session, kommun_code=principal.kommun_code,
                                               report_id=report_id, user_id=principal.user_id)}
    if changes:
        _audit_change(request, session, principal, report_id, changes)
    session.commit()
    done = "rattad-godkand" if approve else ("rattad" if changes else "oforandrad")
    return _back(label, filter_query, utfort=done, rapport=report_id)


@router.post("/granska/{week}/markerade")
def bulk_action(request: Request, session: SessionDep, principal: Analyst, posted: FormDep,
                week: str) -> Response:
    """One action on the checked reports: all in one transaction, one audit row per report."""
    check_csrf(request, principal, posted)
    label, _ = _week(week)
    raw_filter = posted.get("filter", "")
    filter_query = _filter_query(raw_filter if isinstance(raw_filter, str) else "")
    ids = [int(v) for v in posted.getlist("rapport")
           if isinstance(v, str) and v.isdigit() and len(v) <= 12]
    form = {key: value for key, value in posted.items() if isinstance(value, str)}
    action = bulk.BulkAction(action=form.get("atgard", ""), category_code=form.get("ny_kategori", ""),
                             area_code=form.get("nytt_omrade", ""), note=form.get("motivering", ""))
    try:
        changes = bulk.apply(session=session, kommun_code=principal.kommun_code, report_ids=ids,
                             action=action, user_id=principal.user_id)
    except bulk.BulkError as refused:
        session.rollback()
        filters = InboxFilter.from_params(dict(parse_qsl(filter_query)))
        return _inbox(request, session, principal, label, filters, status_code=422,
                      bulk_error=(refused.field, refused.message),
                      bulk_values={"atgard": action.action, "ny_kategori": action.category_code,
                                   "nytt_omrade": action.area_code, "motivering": action.note,
                                   "rapporter": ids})
    for report_id, report_changes in changes.items():
        _audit_change(request, session, principal, report_id, report_changes)
    session.commit()
    return _back(label, filter_query, utfort=f"markerade-{action.action}", antal=len(changes))


@router.post("/granska/{week}/godkann-alla")
def accept_visible(request: Request, session: SessionDep, principal: Analyst, form: FormDep,
                   week: str) -> Response:
    check_csrf(request, principal, form)
    label, _ = _week(week)
    ids = [int(v) for v in form.getlist("rapport") if isinstance(v, str) and v.isdigit()]
    accepted = service.accept_many(session=session, kommun_code=principal.kommun_code,
                                   report_ids=ids, user_id=principal.user_id)
    for report_id in accepted:
        _audit_change(request, session, principal, report_id,
                      {"review_status": ["ny", "godkand"], "bulk": True})
    session.commit()
    filter_value = form.get("filter", "")
    return _back(label, _filter_query(filter_value if isinstance(filter_value, str) else ""),
                 utfort="alla", antal=len(accepted))


def _compare(request: Request, session: Session, principal: Principal, week: str, report_id: int,
             into_id: int | None, *, error: str = "", status_code: int = 200) -> Response:
    row = service.inbox_row(session=session, principal=principal, report_id=report_id)
    target = None
    into_id = into_id or row.suspected_duplicate_of_id
    if into_id:
        try:
            target = service.inbox_row(session=session, principal=principal,
                                       report_id=into_id)
        except NotFound:
            error = error or f"Rapport {into_id} finns inte."
    if target is not None and not error:
        error = service.merge_problem(
            session=session,
            report=service.get_report(session=session, kommun_code=principal.kommun_code,
                                      report_id=report_id),
            target=service.get_report(session=session, kommun_code=principal.kommun_code,
                                      report_id=target.id),
        )
    audit_service.record(
        session=session, action="report.read", actor=principal.actor, user_id=principal.user_id,
        kommun_code=principal.kommun_code, object_type="report", object_id=report_id,
        filter={"vecka": week, "jamfor_med": target.id if target else None}, purpose=PURPOSE,
        ip=_client_ip(request),
    )
    session.commit()
    return render(request, "review_merge.html",
                  {"week": week, "row": row, "target": target, "error": error,
                   "filter_query": _filter_query(request.url.query)},
                  principal=principal, session=session, status_code=status_code)


@router.get("/granska/{week}/rapport/{report_id}/sammanslagning")
def merge_page(request: Request, session: SessionDep, principal: Analyst, week: str,
               report_id: int, med: str = "") -> Response:
    label, _ = _week(week)
    into_id = int(med) if med.strip().isdigit() else None
    error = "" if not med.strip() or into_id else "Ange rapportens nummer med siffror."
    return _compare(request, session, principal, label, report_id, into_id, error=error)


@router.post("/granska/{week}/rapport/{report_id}/sammanslagning")
def merge(request: Request, session: SessionDep, principal: Analyst, posted: FormDep, week: str,
          report_id: int) -> Response:
    form = _form(request, principal, posted)
    label, _ = _week(week)
    raw = form.get("med", "").strip()
    if not raw.isdigit():
        return _compare(request, session, principal, label, report_id, None,
                        error="Ange vilken rapport den här är en dubblett av.", status_code=422)
    try:
        changes = service.merge(session=session, kommun_code=principal.kommun_code,
                                report_id=report_id, into_id=int(raw), user_id=principal.user_id)
    except NotFound:
        raise
    except AppError as refused:
        session.rollback()
        return _compare(request, session, principal, label, report_id, int(raw),
                        error=refused.message, status_code=422)
    _audit_change(request, session, principal, report_id, changes)
    session.commit()
    return _back(label, _filter_query(form.get("filter", "")), utfort="sammanslagen",
                 rapport=report_id)


@router.post("/granska/{week}/rapport/{report_id}/angra-sammanslagning")
def undo_merge(request: Request, session: SessionDep, principal: Analyst, posted: FormDep, week: str,
               report_id: int) -> Response:
    form = _form(request, principal, posted)
    label, _ = _week(week)
    try:
        changes = service.undo_merge(session=session, kommun_code=principal.kommun_code,
                                     report_id=report_id, user_id=principal.user_id)
    except NotFound:
        raise
    except AppError:
        session.rollback()  # already undone (a second click): nothing to do
        return _back(label, _filter_query(form.get("filter", "")), rapport=report_id)
    _audit_change(request, session, principal, report_id, changes)
    session.commit()
    return _back(label, _filter_query(form.get("filter", "")), utfort="ater", rapport=report_id)
