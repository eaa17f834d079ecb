"""Read JSON API for aggregate counts: the police partner's and the analysts' own analyses.

The counts come from the one report query (api/reports/query.py) through `api.statistics.counts`,
so they agree with the map, the CSV export and the kvartalsanalys package. Every call is audit-logged.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.audit import service as audit_service
from api.core.deps import SessionDep
from api.core.errors import API_ERROR_RESPONSES, ErrorOut
from api.statistics import counts as counts_service
from api.users.principal import Principal
from api.web.deps import allow

router = APIRouter(prefix="/api/v1", tags=["API"], responses=API_ERROR_RESPONSES)

PURPOSE = "antal via API"

_EXAMPLE: dict[str, Any] = {
    "kommun": "1880",
    "from": "2026-07-01",
    "to": "2026-09-30",
    "filter": {"category": ["klotter"], "area": [], "group_by": "area_category"},
    "rows": [
        {"area_code": "1880C1010", "area_name": "Vivalla", "category_code": "klotter",
         "category_name": "Klotter", "count": 14},
        {"area_code": None, "area_name": None, "category_code": "klotter",
         "category_name": "Klotter", "count": 2},
    ],
    "total": 16,
}

_ERROR_EXAMPLE = {
    "detail": "Ogiltiga uppgifter.",
    "errors": [{"field": "to", "code": "before_from",
                "message": "Parametern to måste vara samma dag som from eller senare."}],
}


class CountRow(BaseModel):
    """One non-zero group. Which keys appear depends on `group_by`."""

    iso_week: str | None = None
    area_code: str | None = None
    area_name: str | None = None
    category_code: str | None = None
    category_name: str | None = None
    count: int


class CountsOut(BaseModel):
    """Counts for a period and filter."""

    model_config = ConfigDict(populate_by_name=True, json_schema_extra={"example": _EXAMPLE})

    kommun: str
    from_: date = Field(alias="from")
    to: date
    filter: dict[str, Any]
    rows: list[CountRow]
    total: int


_DESCRIPTION = """\
Antal rapporter per område, kategori och/eller ISO-vecka för den inloggade användarens kommun,
räknade med samma regler som kartan, CSV-exporten och kvartalsanalysens paket:

* rapporter som avvisats i granskningen räknas inte, och en dubblett som slagits samman med en
  annan räknas en gång;
* antalet är summan av rapporternas antal (en polisens sammanställningsrad räknas med sitt antal);
* bara aktiva kategorier som inte är kontextfaktorer (skollov, evenemang …) räknas;
* en rapport utan område (eller i ett område som inte längre finns i kommunens områdesindelning)
  redovisas på kommunnivå med `area_code` och `area_name` = `null`;
* **grupper med 0 rapporter utelämnas** – det som saknas i `rows` är 0;
* `total` är summan av `count` över alla rader.

`group_by`: `area`, `category`, `area_category` (standard), `week` eller `week_category`. Veckor
anges som `2026-W47`; en vecka som bara delvis ligger mellan `from` och `to` räknas bara för dagarna
inom perioden. Perioden får vara högst tre år. `category` och `area` kan upprepas
(`?category=klotter&category=skadegorelse`). Varje anrop loggas (vem, när, vilket urval).
"""


def _invalid(errors: list[counts_service.ParamError]) -> JSONResponse:
    return JSONResponse(
        {"detail": "Ogiltiga uppgifter.",
         "errors": [{"field": e.field, "code": e.code, "message": e.message} for e in errors]},
        status_code=422,
    )


@router.get(
    "/counts",
    summary="Antal rapporter per område, kategori eller vecka",
    description=_DESCRIPTION,
    response_model=None,
    responses={
        200: {"model": CountsOut, "description": "Antal per grupp; grupper med 0 rapporter utelämnas",
              "content": {"application/json": {"example": _EXAMPLE}}},
        422: {"model": ErrorOut,
              "description": "Ogiltig parameter: en lista med parameter, felkod och meddelande på svenska",
              "content": {"application/json": {"example": _ERROR_EXAMPLE}}},
    },
)
def counts(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Depends(allow("analytiker", "polis"))],
    first_date: Annotated[date, Query(alias="from", description="Första dagen (ÅÅÅÅ-MM-DD)",
                                      examples=["2026-07-01"])],
    last_date: Annotated[date, Query(alias="to", description="Sista dagen, inräknad (ÅÅÅÅ-MM-DD)",
                                     examples=["2026-09-30"])],
    category: Annotated[list[str] | None, Query(description="Kategorikod; kan upprepas")] = None,
    area: Annotated[list[str] | None, Query(description="Områdeskod; kan upprepas")] = None,
    group_by: Annotated[str, Query(description="area, category, area_category, week eller week_category")]
    = counts_service.DEFAULT_GROUP_BY,
) -> JSONResponse:
    wanted = counts_service.CountsRequest(
        first_date=first_date, last_date=last_date, category_codes=tuple(dict.fromkeys(category or ())),
        area_codes=tuple(dict.fromkeys(area or ())), group_by=group_by,
    )
    errors = counts_service.check_request(session=session, kommun_code=principal.kommun_code, request=wanted)
    if errors:
        return _invalid(errors)
    query = counts_service.counts_query(kommun_code=principal.kommun_code, request=wanted).scoped_to(principal)
    rows = counts_service.count_rows(session=session, query=query, group_by=group_by)
    audit_service.record(
        session=session, action="counts.read", actor=principal.actor, user_id=principal.user_id,
        kommun_code=principal.kommun_code, object_type="counts", object_id=group_by,
        filter={**query.as_filter(), "group_by": group_by}, purpose=PURPOSE,
        ip=request.client.host if request.client else "",
    )
    session.commit()
    return JSONResponse({
        "kommun": principal.kommun_code,
        "from": first_date.isoformat(),
        "to": last_date.isoformat(),
        "filter": {"category": list(wanted.category_codes), "area": list(wanted.area_codes), "group_by": group_by},
        "rows": rows,
        "total": sum(row["count"] for row in rows),
    })
