"""The weekly lägesbild pages: view (map, sections 1–5), edit and publish, versions, map data."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from starlette.datastructures import FormData

from analysis.alerts import ALERT_HELP_TEXT_SV
from analysis.emerging import PATTERNS_SV
from analysis.weeks import parse_iso_week, shift_week, week_start
from api.audit import service as audit_service
from api.core.deps import ClockDep, SessionDep
from api.core.errors import NotFound
from api.core.time import local_time
from api.lagesbild import compose as compose_module
from api.lagesbild import map_data
from api.lagesbild import service as lagesbild_service
from api.lagesbild.models import Lagesbild, LagesbildStatus
from api.lagesbild.snapshot import LagesbildSnapshot
from api.lagesbild.summary import week_number
from api.organisations.models import Organisation
from api.reports.backlog import unreviewed_count
from api.reports.query import ReportQuery, categories_frame
from api.users.principal import Principal
from api.web.deps import FormDep, _client_ip, allow, check_csrf
from api.web.layout import render

router = APIRouter()

READERS = ("analytiker", "granskare", "polis")
GZIP_MIN_BYTES = 2048
SOURCE_LABELS = {
    "form": "Rapportformulär",
    "api": "API (system)",
    "import": "Filimport",
    "police_feed": "Polisens händelser",
    "police_summary": "Polisens veckosammanställning",
    "police_offences": "Polisanmälda brott",
}
STATUS_LABELS = {"grön": "Grön", "gul": "Gul", "orange": "Orange", "röd": "Röd"}
COMPLETENESS_LABELS = {"reported": "Har rapporterat", "nollrapport": "Nollrapport", "silent": "Ingen rapport"}
ReaderDep = Annotated[Principal, Depends(allow(*READERS))]
AnalystDep = Annotated[Principal, Depends(allow("analytiker"))]


def _week(text: str) -> str:
    try:
        return parse_iso_week(text).label
    except ValueError as error:
        raise NotFound(f"Sidan finns inte: {error}.") from error


def _filters(values, kommun_code: str, week: str) -> ReportQuery:  # type: ignore[no-untyped-def]
    """The week's query from form or query-string values (kategori, kalla, organisation)."""
    return compose_module.week_query(
        kommun_code,
        week,
        category_codes=tuple(v for v in values.getlist("kategori") if v),
        sources=tuple(v for v in values.getlist("kalla") if v in SOURCE_LABELS),
        organisation_ids=tuple(int(v) for v in values.getlist("organisation") if v.isdigit()),
    )


def _can_edit(principal: Principal) -> bool:
    return principal.role == "analytiker"


@router.get("/lagesbild")
def latest(session: SessionDep, principal: ReaderDep, clock: ClockDep) -> Response:
    week = lagesbild_service.latest_week(
        session=session, kommun_code=principal.kommun_code, published_only=not _can_edit(principal)
    )
    if week is None and _can_edit(principal):
        week = shift_week(clock.week_label(), -1)
    if week is None:
        raise NotFound("Det finns ingen publicerad lägesbild ännu för kommunen.")
    return RedirectResponse(f"/lagesbild/{week}", status_code=303)


@router.get("/lagesbild/omraden.geojson")
def area_geojson(request: Request, session: SessionDep, principal: ReaderDep) -> Response:
    built = map_data.area_geojson(
        session=session, kommun_code=principal.kommun_code,
        cache_dir=Path(request.app.state.settings.data_dir) / "cache",
    )
    headers = {"ETag": built.etag, "Cache-Control": "private, max-age=3600", "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == built.etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(built.gzipped, media_type="application/geo+json", headers=headers)
    return Response(built.raw(), media_type="application/geo+json", headers=headers)


def _visible_version(
    session: Session, principal: Principal, week: str, version: int | None, *, current_week: str
) -> Lagesbild:
    # ISO labels sort as text in week order; a week that has not started has nothing to show.
    if week > current_week:
        raise NotFound(f"Vecka {week_number(week)} ({week}) har inte börjat ännu.")
    if _can_edit(principal):
        try:
            lagesbild_service.draft_lagesbild(
                session=session, kommun_code=principal.kommun_code, week=week, created_by=principal.actor
            )
            session.commit()
        except IntegrityError:  # another request drafted the same week at the same moment
            session.rollback()
    return lagesbild_service.get_version(
        session=session, kommun_code=principal.kommun_code, week=week, version=version,
        published_only=not _can_edit(principal),
    )


def _query_for(lagesbild: Lagesbild, request_values, principal: Principal) -> ReportQuery:  # type: ignore[no-untyped-def]
    if lagesbild.status == LagesbildStatus.publicerad:
        stored = compose_module.stored_filter(lagesbild)
        return compose_module.query_from_filter(principal.kommun_code, lagesbild.iso_week, stored)
    return _filters(request_values, principal.kommun_code, lagesbild.iso_week)


def _audit_read(session: Session, request: Request, principal: Principal, lagesbild: Lagesbild,
                query: ReportQuery, what: str) -> None:
    audit_service.record(
        session=session, action="report.read", actor=principal.actor, user_id=principal.user_id,
        kommun_code=principal.kommun_code, object_type="lagesbild", object_id=lagesbild.id or "",
        filter=query.as_filter(),
        purpose=f"{what} {lagesbild.iso_week} version {lagesbild.version} (antal och kartpunkter)",
        ip=_client_ip(request),
    )
    session.commit()


@router.get("/lagesbild/{week}")
def lagesbild_page(
    request: Request, session: SessionDep, principal: ReaderDep, clock: ClockDep, week: str,
    version: int | None = None,
) -> Response:
    week = _week(week)
    lagesbild = _visible_version(session, principal, week, version, current_week=clock.week_label())
    query = _query_for(lagesbild, request.query_params, principal)
    snapshot = lagesbild_service.view(
        session=session, lagesbild=lagesbild, query=query,
        tile_attribution=request.app.state.settings.map_tile_attribution,
    )
    _audit_read(session, request, principal, lagesbild, query, "Lägesbild")
    return _gzip(request, _render_page(request, session, principal, lagesbild, snapshot, query,
                                       current_week=clock.week_label()))


@router.get("/lagesbild/{week}/kartdata.json")
def map_json(
    request: Request, session: SessionDep, principal: ReaderDep, clock: ClockDep, week: str,
    version: int | None = None,
) -> Response:
    week = _week(week)
    lagesbild = _visible_version(session, principal, week, version, current_week=clock.week_label())
    query = _query_for(lagesbild, request.query_params, principal)
    snapshot = lagesbild_service.view(
        session=session, lagesbild=lagesbild, query=query,
        tile_attribution=request.app.state.settings.map_tile_attribution,
    )
    _audit_read(session, request, principal, lagesbild, query, "Kartdata för lägesbild")
    return _gzip(request, JSONResponse(map_payload(snapshot)))


def _gzip(request: Request, response: Response) -> Response:
    """Compress a large page for clients that accept gzip (a big kommun's page is megabytes)."""
    body = bytes(response.body)
    if len(body) < GZIP_MIN_BYTES or "gzip" not in request.headers.get("accept-encoding", ""):
        return response
    response.body = gzip.compress(body, compresslevel=6)
    response.headers["content-length"] = str(len(response.body))
    response.headers["content-encoding"] = "gzip"
    response.headers["vary"] = "Accept-Encoding"
    return response


def map_payload(snapshot: LagesbildSnapshot) -> dict[str, object]:
    """What the map script needs: per-area numbers and statuses, points, insatser per area."""
    insatser_by_area: dict[str, list[str]] = {}
    for insats in snapshot.insatser:
        for code in insats.area_codes:
            insatser_by_area.setdefault(code, []).append(insats.title)
    return {
        "week": snapshot.week,
        "version": snapshot.version,
        "trend_weeks": snapshot.trend_weeks,
        "areas": [
            {
                "code": a.code,
                "name": a.name,
                "count": a.count,
                "status": a.effective_status,
                "suggested_status": a.suggested_status,
                "analyst_status": a.status,
                "motivering": a.motivering,
                "category_counts": [c.model_dump() for c in a.category_counts],
                "trend": [t.count for t in a.trend],
                "insatser": insatser_by_area.get(a.code, []),
                "emerging_pattern": a.emerging_pattern,
                "emerging_text": PATTERNS_SV.get(a.emerging_pattern, ""),
                "population": a.population,
                "per_1000": None if a.per_1000 is None else round(a.per_1000, 1),
            }
            for a in snapshot.areas
        ],
        # Counts are shown per 1 000 invånare only when every area has a population; else the map says
        # that its counts are not adjusted for the areas' size.
        "population_known": bool(snapshot.areas) and all(a.population for a in snapshot.areas),
        "population_sources": sorted({a.population_source for a in snapshot.areas if a.population_source}),
        "points": [p.model_dump() for p in snapshot.points],
        "police_offences": {o.area_code: o.count for o in snapshot.police_offences if o.area_code},
        "police_offences_kommun": sum(o.count for o in snapshot.police_offences if not o.area_code),
        "attributions": snapshot.attributions,
    }


def _render_page(  # type: ignore[no-untyped-def]
    request: Request, session: Session, principal: Principal, lagesbild: Lagesbild,
    snapshot: LagesbildSnapshot, query: ReportQuery, *, current_week: str, errors: dict[str, str] | None = None,
    typed: lagesbild_service.DraftInput | None = None, status_code: int = 200,
):
    week = lagesbild.iso_week
    all_versions = lagesbild_service.versions(session=session, kommun_code=principal.kommun_code, week=week)
    if not _can_edit(principal):
        all_versions = [v for v in all_versions if v.status == LagesbildStatus.publicerad]
    categories = categories_frame(session=session, kommun_code=principal.kommun_code)
    categories = categories[categories.active & ~categories.is_context]
    organisations = session.exec(
        select(Organisation).where(Organisation.kommun_code == principal.kommun_code).order_by(Organisation.name)
    ).all()
    editable = _can_edit(principal) and lagesbild.status == LagesbildStatus.utkast
    if typed is None:
        typed = lagesbild_service.DraftInput(
            vad_har_hant=snapshot.vad_har_hant, vad_gors=snapshot.vad_gors, prognos=snapshot.prognos,
            statuses={a.code: a.status or "" for a in snapshot.areas},
            motiveringar={a.code: a.motivering for a in snapshot.areas},
        )
    settings = request.app.state.settings
    previous_week: str | None
    next_week: str | None
    if _can_edit(principal):  # the analyst may open (and draft) any week up to this one
        previous_week, following = shift_week(week, -1), shift_week(week, 1)
        next_week = following if following <= current_week else None
    else:  # readers only see published weeks: link only to those
        previous_week, next_week = lagesbild_service.published_neighbours(
            session=session, kommun_code=principal.kommun_code, week=week)
    return render(
        request,
        "lagesbild_page.html",
        {
            "week": week,
            "week_number": week_number(week),
            "lagesbild": lagesbild,
            "snapshot": snapshot,
            "versions": all_versions,
            "editable": editable,
            "can_edit": _can_edit(principal),
            "is_draft": lagesbild.status == LagesbildStatus.utkast,
            "errors": errors or {},
            "typed": typed,
            "query": query,
            "categories": list(zip(categories.category_code, categories.category_name, strict=True)),
            "sources": SOURCE_LABELS,
            "organisations": organisations,
            "organisation_names": {o.id: o.name for o in organisations},
            "category_names": dict(zip(categories.category_code, categories.category_name, strict=True)),
            "status_labels": STATUS_LABELS,
            "completeness_labels": COMPLETENESS_LABELS,
            "previous_week": previous_week,
            "next_week": next_week,
            "map_json": json.dumps(map_payload(snapshot), ensure_ascii=False).replace("</", "<\\/"),
            "tile_url": settings.map_tile_url,
            "tile_attribution": settings.map_tile_attribution,
            "published_local": local_time(lagesbild.published_at, settings.timezone),
            "alert_help": ALERT_HELP_TEXT_SV,
        },
        principal=principal,
        session=session,
        status_code=status_code,
    )


def _draft_input(form: FormData) -> lagesbild_service.DraftInput:
    data = lagesbild_service.DraftInput(
        vad_har_hant=str(form.get("vad_har_hant", "")),
        vad_gors=str(form.get("vad_gors", "")),
        prognos=str(form.get("prognos", "")),
    )
    for key, value in form.multi_items():
        if key.startswith("status-"):
            data.statuses[key[7:]] = str(value)
        elif key.startswith("motivering-"):
            data.motiveringar[key[11:]] = str(value)
    return data


def _save(request: Request, session: Session, principal: Principal, form: FormData, week: str, *, publish: bool,
          current_week: str) -> Response:
    check_csrf(request, principal, form)
    week = _week(week)
    version = form.get("version")
    lagesbild = lagesbild_service.get_version(
        session=session, kommun_code=principal.kommun_code, week=week,
        version=int(version) if isinstance(version, str) and version.isdigit() else None,
        published_only=False,
    )
    query = _filters(form, principal.kommun_code, week)
    data = _draft_input(form)
    snapshot = lagesbild_service.view(
        session=session, lagesbild=lagesbild, query=query,
        tile_attribution=request.app.state.settings.map_tile_attribution,
    )
    errors = lagesbild_service.save_draft(
        session=session, lagesbild=lagesbild, snapshot=snapshot, data=data, user_id=principal.user_id,
        query=query,
    )
    if errors:
        session.rollback()
        return _render_page(request, session, principal, lagesbild, snapshot, query, current_week=current_week,
                            errors=errors, typed=data, status_code=400)
    if publish and form.get("bekraftat") != "1":
        left = unreviewed_count(session=session, kommun_code=principal.kommun_code, monday=week_start(week))
        unassessed = [a for a in snapshot.areas
                      if a.suggested_status != "grön" and not data.statuses.get(a.code, "")]
        if left or unassessed:
            session.commit()  # the draft is saved as with "Spara"; only publishing waits
            return _confirm_publish(request, session, principal, form, week, left, unassessed)
    if publish:
        assert principal.user is not None
        lagesbild_service.publish(
            session=session, lagesbild=lagesbild, query=query, user=principal.user, ip=_client_ip(request),
            tile_attribution=request.app.state.settings.map_tile_attribution, composed=snapshot,
        )
    session.commit()
    params = [("version", lagesbild.version), *filter_params(query)]
    params.append(("publicerad", 1) if publish else ("sparad", 1))
    return RedirectResponse(f"/lagesbild/{week}?{urlencode(params)}", status_code=303)


def _confirm_publish(  # type: ignore[no-untyped-def]
    request: Request, session: Session, principal: Principal, form: FormData, week: str, left: int,
    unassessed: list,
) -> Response:
    """Ask before publishing a week with unreviewed reports or unassessed non-green suggestions."""
    fields = [(k, str(v)) for k, v in form.multi_items() if k not in ("csrf_token", "bekraftat")]
    return render(request, "lagesbild_confirm.html", {
        "week": week, "week_number": week_number(week), "left": left, "unassessed": unassessed,
        "fields": fields, "status_labels": STATUS_LABELS,
    }, principal=principal, session=session)


def filter_params(query: ReportQuery) -> list[tuple[str, object]]:
    """The query's filter as query-string pairs (kategori, kalla, organisation)."""
    return (
        [("kategori", c) for c in query.category_codes]
        + [("kalla", s) for s in query.sources]
        + [("organisation", o) for o in query.organisation_ids]
    )


@router.post("/lagesbild/{week}")
def save_draft(
    request: Request, session: SessionDep, principal: AnalystDep, form: FormDep, clock: ClockDep, week: str
) -> Response:
    return _save(request, session, principal, form, week, publish=False, current_week=clock.week_label())


@router.post("/lagesbild/{week}/publicera")
def publish(
    request: Request, session: SessionDep, principal: AnalystDep, form: FormDep, clock: ClockDep, week: str
) -> Response:
    return _save(request, session, principal, form, week, publish=True, current_week=clock.week_label())


@router.post("/lagesbild/{week}/ny-version")
def new_version(request: Request, session: SessionDep, principal: AnalystDep, form: FormDep, week: str) -> Response:
    check_csrf(request, principal, form)
    week = _week(week)
    latest_version = lagesbild_service.get_version(
        session=session, kommun_code=principal.kommun_code, week=week, version=None, published_only=False
    )
    draft = lagesbild_service.new_version(session=session, lagesbild=latest_version, created_by=principal.actor)
    session.commit()
    return RedirectResponse(f"/lagesbild/{week}?version={draft.version}", status_code=303)
