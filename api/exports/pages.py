"""Export pages: the police CSV (form, then a streamed download) and the week's files."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse

from api.areas import service as area_service
from api.categories import service as category_service
from api.core.deps import ClockDep, SessionDep
from api.exports import csv_export, geopackage, offline_html, pdf
from api.exports import service as export_service
from api.exports.service import KINDS, SOURCE_LABELS, CsvExportForm
from api.lagesbild import map_data
from api.users.principal import Principal
from api.web.deps import FormDep, _client_ip, allow, check_csrf
from api.web.layout import render

router = APIRouter()

CSV_ROLES = ("polis", "analytiker")
# Files of a week's lägesbild: readers get published versions, the analyst also an unpublished week.
WEEK_ROLES = ("granskare", "analytiker", "polis")


def _choices(session, principal):  # type: ignore[no-untyped-def]
    areas = area_service.load_areas_frame(session=session, kommun_code=principal.kommun_code)
    categories = category_service.list_categories(session=session, kommun_code=principal.kommun_code)
    return (
        list(zip(areas.area_code, areas.area_name, strict=True)),
        [(c.code, c.name) for c in categories],
    )


def _csv_page(request, session, principal, form, errors, status_code=200):  # type: ignore[no-untyped-def]
    areas, categories = _choices(session, principal)
    return render(
        request,
        "export_csv.html",
        {
            "form": form,
            "errors": errors,
            "areas": areas,
            "categories": categories,
            "sources": SOURCE_LABELS,
            "kinds": KINDS,
            "report_columns": csv_export.REPORT_COLUMNS,
            "free_text_columns": csv_export.FREE_TEXT_COLUMNS,
            "label_columns": csv_export.LABEL_COLUMNS,
            "aggregate_columns": csv_export.AGGREGATE_COLUMNS,
            "published_weeks": export_service.published_weeks(
                session=session, kommun_code=principal.kommun_code
            ),
        },
        principal=principal,
        session=session,
        status_code=status_code,
    )


@router.get("/export/csv")
def csv_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Depends(allow(*CSV_ROLES))],
    clock: ClockDep,
) -> Response:
    first, last = export_service.default_period(clock.today())
    return _csv_page(request, session, principal, CsvExportForm(fran=first, till=last), {})


@router.post("/export/csv")
def csv_download(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Depends(allow(*CSV_ROLES))],
    data: FormDep,
) -> Response:
    check_csrf(request, principal, data)
    form = CsvExportForm(
        fran=str(data.get("fran", ""))[:40],
        till=str(data.get("till", ""))[:40],
        omraden=[str(v) for v in data.getlist("omraden")],
        kategorier=[str(v) for v in data.getlist("kategorier")],
        kallor=[str(v) for v in data.getlist("kallor")],
        fritext=data.get("fritext") == "ja",
        typ=str(data.get("typ", "rapporter")),
        syfte=str(data.get("syfte", ""))[:2000],
    )
    areas, categories = _choices(session, principal)
    query, errors = export_service.validate_csv_form(
        form,
        kommun_code=principal.kommun_code,
        area_codes={code for code, _ in areas},
        category_codes={code for code, _ in categories},
    )
    if query is None:
        return _csv_page(request, session, principal, form, errors, status_code=422)
    query = query.scoped_to(principal)
    free_text = form.fritext and form.typ == "rapporter"
    filename = (
        f"lagesbild_{principal.kommun_code}_{form.typ}_{query.first_date}_{query.last_date}.csv"
    )
    if form.typ == "antal":
        # Computed now, while the request's session is open; only the encoding is streamed.
        frame = csv_export.aggregate_frame(session=session, query=query)
        chunks = csv_export.aggregate_csv_chunks(frame)
    else:
        chunks = csv_export.report_csv_chunks(
            open_session=request.app.state.db.session, query=query, include_free_text=free_text
        )
    export_service.record_export(
        session=session, principal=principal, object_type="csv", object_id=filename,
        filter={**query.as_filter(), "typ": form.typ, "fritext": free_text},
        purpose=form.syfte.strip(), ip=_client_ip(request),
    )
    session.commit()
    return StreamingResponse(
        chunks,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                 "Cache-Control": "no-store"},
    )


def _week_export(request, session, principal, week, version, what):  # type: ignore[no-untyped-def]
    """The week's export source, audit-logged (the caller commits after building the file)."""
    week = export_service.parse_week(week)
    export = export_service.week_for_export(
        session=session, principal=principal, week=week, version=version
    )
    shown = f"version {export.snapshot.version}" if export.published else "ej publicerad"
    export_service.record_export(
        session=session, principal=principal, object_type=what, object_id=f"{week} {shown}",
        filter={"vecka": week, "version": export.snapshot.version if export.published else None,
                **export.snapshot.filter},
        purpose=f"Export av lägesbild {week} ({what}, {shown})", ip=_client_ip(request),
    )
    return week, export


def _attachment(content: bytes, media_type: str, filename: str) -> Response:
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store",
    })


@router.get("/export/{week}/omraden.gpkg")
def geopackage_download(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Depends(allow(*WEEK_ROLES))],
    week: str,
    version: int | None = None,
) -> Response:
    week, export = _week_export(request, session, principal, week, version, "gpkg")
    frame = geopackage.areas_frame(session=session, kommun_code=principal.kommun_code, export=export)
    content = geopackage.geopackage_bytes(frame)
    session.commit()
    return _attachment(content, "application/geopackage+sqlite3",
                       f"lagesbild_{principal.kommun_code}_{week}_omraden.gpkg")


@router.get("/export/{week}/pdf")
def pdf_download(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Depends(allow(*WEEK_ROLES))],
    week: str,
    version: int | None = None,
) -> Response:
    week, export = _week_export(request, session, principal, week, version, "pdf")
    areas = area_service.load_areas_frame(session=session, kommun_code=principal.kommun_code)
    settings = request.app.state.settings
    html = pdf.render_html(request.app.state.templates.env, export, areas, timezone=settings.timezone)
    content = pdf.render_pdf(html)
    session.commit()
    suffix = f"v{export.snapshot.version}" if export.published else "utkast"
    return _attachment(content, "application/pdf",
                       f"lagesbild_{principal.kommun_code}_{week}_{suffix}.pdf")


@router.get("/export/{week}/lagesbild.html")
def offline_html_download(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Depends(allow(*WEEK_ROLES))],
    week: str,
    version: int | None = None,
) -> Response:
    week, export = _week_export(request, session, principal, week, version, "html")
    geojson = map_data.area_geojson(session=session, kommun_code=principal.kommun_code).raw()
    settings = request.app.state.settings
    html = offline_html.render(
        request.app.state.templates.env, export, geojson, timezone=settings.timezone,
        tile_url=settings.map_tile_url, tile_attribution=settings.map_tile_attribution,
    )
    session.commit()
    suffix = f"v{export.snapshot.version}" if export.published else "utkast"
    return _attachment(html.encode("utf-8"), "text/html; charset=utf-8",
                       f"lagesbild_{principal.kommun_code}_{week}_{suffix}.html")
