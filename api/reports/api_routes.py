"""JSON API for system integrations: submit reports, read categories and areas."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse

from api.areas import service as area_service
from api.categories import service as category_service
from api.core.deps import ClockDep, SessionDep
from api.core.errors import API_ERROR_RESPONSES, ErrorOut
from api.core.limits import JsonRejected, parse_json
from api.reports import api_service
from api.reports.schemas import SUBMISSION_EXAMPLES, ObservationIn, SubmissionIn, SubmissionOut
from api.users.principal import API_TOKEN_ROLE, Principal
from api.web.deps import ALL_USER_ROLES, allow, authorize, authorized_in_route

SUBMIT_ROLES = frozenset({API_TOKEN_ROLE})
# Declares the roles (access table); `_submit` authorizes in its worker thread.
SUBMIT_ACCESS = authorized_in_route(*SUBMIT_ROLES)

router = APIRouter(prefix="/api/v1", tags=["API"], responses=API_ERROR_RESPONSES)

_ERROR_RESPONSE = {
    "model": ErrorOut,
    "description": "Ogiltiga uppgifter: en lista med fält, felkod och meddelande på svenska",
    "content": {"application/json": {"example": {
        "detail": "Rapporten kunde inte tas emot. Se fel nedan.",
        "errors": [{"field": "observationer[0].datum", "code": "future_date",
                    "message": "Observation 1: datumet ligger i framtiden.", "row": 1}],
    }}},
}


@router.post(
    "/reports",
    status_code=201,
    summary="Lämna en eller flera observationer",
    description=(
        "Autentisera med organisationens API-nyckel (`Authorization: Bearer …`). Skicka en "
        "observation, en lista eller `{\"observationer\": [...]}`. En upprepad begäran med samma "
        "`Idempotency-Key` eller samma `externt_id` lagras en gång och ger det första svaret."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {
                "schema": {"anyOf": [
                    {"$ref": "#/components/schemas/ObservationIn"},
                    {"$ref": "#/components/schemas/SubmissionIn"},
                    {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/ObservationIn"}},
                ]},
                "examples": SUBMISSION_EXAMPLES,
            }},
        }
    },
    responses={201: {"model": SubmissionOut, "description": "Lagrat"},
               200: {"model": SubmissionOut, "description": "Allt fanns redan (upprepad begäran)"},
               422: _ERROR_RESPONSE},
    dependencies=[Depends(SUBMIT_ACCESS)],
)
async def submit_reports(
    request: Request,
    clock: ClockDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> JSONResponse:
    body = await request.body()
    # Async only to await the body (tests/api/test_event_loop.py). Authentication, parsing and storing
    # run in one worker thread and one transaction, on a limiter of its own: a few submits at a time
    # run at full speed, where forty threads took turns on the GIL (and SQLite's write lock) and each
    # request's several threadpool hops and connection check-outs multiplied (BENCHMARKS.md).
    return await anyio.to_thread.run_sync(
        partial(_submit, request, body, idempotency_key, clock.today()), limiter=_submit_limiter(request)
    )


def _submit(request: Request, body: bytes, idempotency_key: str | None, today: date) -> JSONResponse:
    with request.app.state.db.session() as session:
        request.state.db_session = session  # a denial's audit row ends this transaction first
        principal = authorize(request, session, SUBMIT_ROLES)
        try:
            payload: Any = parse_json(body)
        except JsonRejected as exc:
            return JSONResponse(
                {"detail": "Ogiltig JSON.", "errors": [{"field": "", "code": exc.code, "message": exc.message}]},
                status_code=422,
            )
        result = api_service.submit(
            session=session,
            kommun_code=principal.kommun_code,
            organisation_id=principal.organisation_id,  # type: ignore[arg-type]
            payload=payload,
            body=body,
            idempotency_key=idempotency_key,
            today=today,
        )
    return JSONResponse(result.body, status_code=result.status_code)


#: Submits stored at the same time, per process (the rest wait on the event loop, holding no thread).
SUBMIT_CONCURRENCY = 4


def _submit_limiter(request: Request) -> anyio.CapacityLimiter:
    # Made on first use: a CapacityLimiter belongs to the running event loop.
    limiter = getattr(request.app.state, "submit_limiter", None)
    if limiter is None:
        limiter = request.app.state.submit_limiter = anyio.CapacityLimiter(SUBMIT_CONCURRENCY)
    return limiter  # type: ignore[no-any-return]


@router.get("/categories", summary="Kommunens aktiva kategorier")
def categories(
    session: SessionDep,
    principal: Annotated[Principal, Depends(allow(*ALL_USER_ROLES, API_TOKEN_ROLE))],
) -> list[dict[str, Any]]:
    return [
        {"kod": c.code, "namn": c.name, "hjalptext": c.help_text, "kontextfaktor": c.is_context}
        for c in category_service.list_categories(session=session, kommun_code=principal.kommun_code)
    ]


@router.get("/areas", summary="Kommunens aktiva områden (kod och namn)")
def areas(
    session: SessionDep,
    principal: Annotated[Principal, Depends(allow(*ALL_USER_ROLES, API_TOKEN_ROLE))],
) -> list[dict[str, str]]:
    frame = area_service.load_areas_frame(session=session, kommun_code=principal.kommun_code)
    return [{"kod": c, "namn": n} for c, n in zip(frame.area_code, frame.area_name, strict=True)]


# Referenced from the request body schema above so the components appear in the OpenAPI document.
_DOCUMENTED_MODELS = (ObservationIn, SubmissionIn)
