"""The follow-up report of a medborgarlöfte as a PDF download, audit-logged."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.audit import service as audit_service
from api.core.deps import ClockDep, SessionDep
from api.core.time import local_time
from api.promises import pages, report, service
from api.promises.pdf import build_promise_report_pdf
from api.users.principal import Principal
from api.web.deps import _client_ip, allow

router = APIRouter()
Reader = Annotated[Principal, Depends(allow("analytiker", "granskare", "polis"))]


def _generated_by(principal: Principal) -> str:
    name = principal.user.name if principal.user else principal.actor
    label = principal.role_label
    return f"{name}, {label[:1].lower()}{label[1:]}"


@router.get("/medborgarloften/{promise_id}/rapport.pdf")
def promise_report_pdf(request: Request, session: SessionDep, principal: Reader, clock: ClockDep,
                       promise_id: int) -> Response:
    """The löfte's follow-up report for `from`–`to` (default: the löfte's period to today)."""
    promise = service.get_promise(session=session, kommun_code=principal.kommun_code,
                                  promise_id=promise_id)
    raw_from = request.query_params.get("from", "")
    raw_to = request.query_params.get("to", "")
    today = clock.today()
    period, errors = report.parse_period_input(raw_from, raw_to, promise=promise, today=today)
    if period is None:
        # The follow-up page again, with the error next to the period field and the input kept.
        return pages._follow_up_page(request, session, principal, promise, today=today, form="rapport",
                                     values={"from": raw_from, "to": raw_to}, errors=errors,
                                     status_code=422)
    data = report.promise_report(
        session=session, principal=principal, promise=promise, period=period, today=today,
        generated_at=local_time(clock.now(), clock.timezone),
        generated_by=_generated_by(principal))
    content = build_promise_report_pdf(data)
    audit_service.record(
        session=session, action="promise_report.export", actor=principal.actor,
        user_id=principal.user_id, kommun_code=principal.kommun_code,
        object_type="medborgarlofte", object_id=promise.id or "", filter=data.audit_filter,
        purpose="uppföljningsrapport för medborgarlöfte", ip=_client_ip(request))
    session.commit()
    filename = (f"medborgarlofte_{promise.id}_{period.first.isoformat()}_"
                f"{period.last.isoformat()}.pdf")
    return Response(content, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})
