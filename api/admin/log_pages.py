"""/admin/logg: the kommun's audit log — filter, 50 per page newest first, CSV for the registrator.

Only the admin reads the log: it records what analysts, police and everyone else read and exported,
so the people it oversees do not get to browse it. Reading and exporting it is itself logged.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from api.admin import log_query as audit_query
from api.admin import log_sentences
from api.admin._common import Admin, audit
from api.core.deps import ClockDep, SessionDep
from api.web.layout import render

router = APIRouter()
FILTER_FIELDS = ("fran", "till", "handelse", "anvandare")


def _filter(request: Request, principal):  # type: ignore[no-untyped-def]
    params = {key: request.query_params.get(key, "") for key in FILTER_FIELDS}
    audit_filter, errors = audit_query.parse_filter(
        params, kommun_code=principal.kommun_code, timezone=request.app.state.settings.timezone)
    return params, audit_filter, errors


@router.get("/admin/logg")
def audit_log(request: Request, session: SessionDep, principal: Admin, sida: str = "1") -> Response:
    params, audit_filter, errors = _filter(request, principal)
    page = None
    if not errors:
        page = audit_query.audit_page(session=session, audit_filter=audit_filter,
                                      page=int(sida) if sida.isdigit() and len(sida) < 7 else 1)
        audit(request, session, principal, "audit.read", object_type="audit_event", object_id="",
              details={**audit_filter.as_filter(), "sida": page.page})
        session.commit()
    query = urlencode({key: value for key, value in params.items() if value})
    timezone = request.app.state.settings.timezone
    people = log_sentences.people_for(session=session, events=page.events) if page else {}
    return render(request, "admin_log.html", {
        "params": params, "errors": errors, "page": page, "query": query,
        "actions": audit_query.actions_in_log(session=session, kommun_code=principal.kommun_code),
        "labels": audit_query.ACTION_LABELS,
        "sentence": lambda event: log_sentences.sentence(event, people),
        "local": lambda moment: audit_query.local_time(moment, timezone),
    }, principal=principal, session=session, status_code=422 if errors else 200)


@router.get("/admin/logg.csv")
def audit_log_csv(request: Request, session: SessionDep, principal: Admin, clock: ClockDep) -> Response:
    params, audit_filter, errors = _filter(request, principal)
    if errors:
        return audit_log(request, session, principal)
    audit(request, session, principal, "audit.export", object_type="csv", object_id="logg",
          details=audit_filter.as_filter())
    session.commit()
    filename = f"lagesbild_{principal.kommun_code}_logg_{clock.today().isoformat()}.csv"
    return StreamingResponse(
        audit_query.audit_csv_chunks(open_session=request.app.state.db.session, audit_filter=audit_filter),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
