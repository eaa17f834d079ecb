"""Kvartalsanalys pages: list and generate packages, follow a run, view a package, download its ZIP."""

from __future__ import annotations

import contextlib
import io
import threading
import zipfile
from typing import Annotated

import pandas as pd
from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from analysis.emerging import PATTERNS_SV
from analysis.hotspot_layers import legend_texts
from api.audit import service as audit_service
from api.core.clock import Clock, using_clock
from api.core.config import Settings
from api.core.db import Database
from api.core.deps import ClockDep, SessionDep
from api.core.errors import NotFound
from api.core.time import local_time
from api.exports import service as export_service
from api.packages import naming, selection, service
from api.packages.data import PATTERN_ORDER
from api.packages.models import AnalysisPackage
from api.users.principal import Principal
from api.web.deps import FormDep, _client_ip, allow, check_csrf
from api.web.layout import render

router = APIRouter()

READ_ROLES = ("analytiker", "granskare", "polis")
GENERATE_ROLES = ("analytiker",)
STATUS_LABELS = {"pending": "Väntar", "running": "Skapas", "done": "Klart", "failed": "Misslyckades"}


def start_generation(*, database: Database, settings: Settings, clock: Clock,
                     package: AnalysisPackage) -> None:
    """Generate the package in a background thread with its own sessions; the request returns now."""

    def run() -> None:
        # A failure is recorded on the row ("failed" with the reason), which the page shows.
        # A new thread does not inherit the request's context: it takes the app's clock itself.
        with using_clock(clock), contextlib.suppress(Exception):
            service.generate_package(
                database=database, settings=settings, kommun_code=package.kommun_code,
                period=package.period, today=clock.today(), created_by=package.created_by,
                package_id=package.id,
            )

    threading.Thread(target=run, name=f"kvartalspaket-{package.id}", daemon=True).start()


def _local(request: Request):  # type: ignore[no-untyped-def]
    """Stored UTC moments shown in the installation's time zone."""
    timezone = request.app.state.settings.timezone
    return lambda moment: local_time(moment, timezone)


def _list_page(request, session, principal, period, error="", status_code=200,  # type: ignore[no-untyped-def]
               errors=None, chosen=None):
    area_choices, category_choices = selection.choices(session=session, kommun_code=principal.kommun_code)
    return render(
        request, "package_list.html",
        {"packages": service.list_packages(session=session, kommun_code=principal.kommun_code),
         "period": period, "error": error, "status_labels": STATUS_LABELS,
         "kind_name": service.kommun_period_kind(session=session, kommun_code=principal.kommun_code),
         "local": _local(request), "area_choices": area_choices, "category_choices": category_choices,
         "errors": errors or {}, "chosen": chosen or {"omrade": [], "kategori": []},
         "urval": lambda package: selection.describe_row(
             package, area_names=dict(area_choices), category_names=dict(category_choices))},
        principal=principal, session=session, status_code=status_code,
    )


@router.get("/kvartal")
def package_list(
    request: Request, session: SessionDep,
    principal: Annotated[Principal, Depends(allow(*READ_ROLES))], clock: ClockDep,
) -> Response:
    kind = service.kommun_period_kind(session=session, kommun_code=principal.kommun_code)
    period = service.default_period(kind, clock.today())
    return _list_page(request, session, principal, period)


@router.post("/kvartal")
def package_generate(
    request: Request, session: SessionDep,
    principal: Annotated[Principal, Depends(allow(*GENERATE_ROLES))], form: FormDep, clock: ClockDep,
) -> Response:
    check_csrf(request, principal, form)
    text = str(form.get("period", "")).strip()[:20]
    chosen = {"omrade": [str(v)[:50] for v in form.getlist("omrade")][:5000],
              "kategori": [str(v)[:50] for v in form.getlist("kategori")][:500]}
    package_filter, errors = selection.validate_filter(
        session=session, kommun_code=principal.kommun_code, area_codes=chosen["omrade"],
        category_codes=chosen["kategori"])
    try:
        period = service.validate_period(text)
    except ValueError as error:
        return _list_page(request, session, principal, text, f"Period: {error}.", 422, errors, chosen)
    if errors:
        return _list_page(request, session, principal, text, "", 422, errors, chosen)
    package = service.create_package(session=session, kommun_code=principal.kommun_code,
                                     period=period, created_by=principal.actor, package_filter=package_filter)
    session.commit()
    start_generation(database=request.app.state.db, settings=request.app.state.settings, clock=clock,
                     package=package)
    return RedirectResponse(f"/kvartal/{package.id}", status_code=303)


def _read_csv(archive: zipfile.ZipFile, name: str) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(archive.read(name)), sep=";", decimal=",", encoding="utf-8-sig",
                       keep_default_na=False, na_values=[""])


def package_view(settings: Settings, package: AnalysisPackage) -> dict[str, object]:
    """The package's numbers for the page, read back from the CSVs in its ZIP (the same numbers)."""
    with zipfile.ZipFile(service.artefact_file(settings, package)) as archive:
        comparison = _read_csv(archive, "jamforelse_omrade_kategori.csv")
        ranking = _read_csv(archive, "rangordning.csv")
        completeness = _read_csv(archive, "rapporteringsgrad.csv")
        # Packages made before the hotspot layers have no hotspot table.
        hotspots = (_read_csv(archive, service.HOTSPOT_CSV)
                    if service.HOTSPOT_CSV in archive.namelist() else None)
        # Packages made before polisanmälda brott have no such table.
        offences = (_read_csv(archive, service.OFFENCES_CSV)
                    if service.OFFENCES_CSV in archive.namelist() else None)
    comparison["omradesnamn"] = comparison["omradesnamn"].fillna("")
    shown = comparison[(comparison.antal > 0) | (comparison.antal_foregaende > 0)
                       | (comparison.antal_fjolar > 0)]
    return {
        "total": int(comparison.antal.sum()),
        "total_previous": int(comparison.antal_foregaende.sum()),
        "total_last_year": int(comparison.antal_fjolar.sum()),
        "previous_period": str(comparison.foregaende_period.iloc[0]) if len(comparison) else "",
        "last_year_period": str(comparison.fjolarsperiod.iloc[0]) if len(comparison) else "",
        "ranking": ranking.to_dict("records"),
        "comparison": shown.to_dict("records"),
        "completeness": completeness.to_dict("records"),
        "police_offences": offences.to_dict("records") if offences is not None else None,
        **_hotspot_view(hotspots),
    }


def _hotspot_view(hotspots: pd.DataFrame | None) -> dict[str, object]:
    """The areas marked by either hotspot layer, and those with an emerging-hotspot pattern."""
    if hotspots is None or hotspots.empty:  # an old package, or fewer than 3 areas
        return {"has_hotspots": False, "hotspots": [], "emerging": [], "patterns": {}}
    hotspots = hotspots.copy()
    for column in ("forhojt", "kluster", "monster_12_man"):  # an all-empty column reads as float
        hotspots[column] = hotspots[column].astype(object).where(hotspots[column].notna(), "")
    marked = hotspots[(hotspots["forhojt"] != "Inte förhöjt") | (hotspots["i_kluster"] == "ja")]
    marked = marked.sort_values(["p_forhojt", "antal"], ascending=[True, False], kind="stable")
    emerging = hotspots[hotspots["monster_12_man"].isin(PATTERN_ORDER)].copy()
    emerging["order"] = emerging["monster_12_man"].map(PATTERN_ORDER.index)
    emerging = emerging.sort_values(["order", "omradesnamn"], kind="stable")
    shown = set(emerging["monster_12_man"])
    per_capita = ("per_1000_invanare" in hotspots.columns
                  and bool(hotspots["per_1000_invanare"].notna().any()))
    source = ""
    if per_capita and "befolkningskalla" in hotspots.columns:
        sources = hotspots["befolkningskalla"].dropna().astype(str)
        source = ", ".join(sorted(set(sources[sources != ""])))
    return {
        "per_capita": per_capita,
        # An older package has no source column: its population was SCB's.
        "population_source": source or "Källa: SCB",
        "has_hotspots": True,
        "hotspots": marked.to_dict("records"),
        "emerging": emerging.to_dict("records"),
        "patterns": {k: v for k, v in PATTERNS_SV.items() if k in shown},
        "hotspot_legend": list(legend_texts(per_capita=per_capita).values()),
    }


def _urval(session, package: AnalysisPackage) -> str:  # type: ignore[no-untyped-def]
    area_choices, category_choices = selection.choices(session=session, kommun_code=package.kommun_code)
    return selection.describe_row(package, area_names=dict(area_choices), category_names=dict(category_choices))


@router.get("/kvartal/{package_id}")
def package_page(
    request: Request, session: SessionDep,
    principal: Annotated[Principal, Depends(allow(*READ_ROLES))], package_id: int,
) -> Response:
    package = service.get_package(session=session, kommun_code=principal.kommun_code,
                                  package_id=package_id)
    view = None
    if package.status == "done":
        view = package_view(request.app.state.settings, package)
        audit_service.record(
            session=session, action="report.read", actor=principal.actor, user_id=principal.user_id,
            kommun_code=principal.kommun_code, object_type="kvartalspaket", object_id=package_id,
            filter={"period": package.period}, purpose=service.PURPOSE, ip=_client_ip(request),
        )
        session.commit()
    return render(
        request, "package_page.html",
        {"package": package, "view": view, "status_labels": STATUS_LABELS,
         "running": package.status in ("pending", "running"), "local": _local(request),
         "urval": _urval(session, package)},
        principal=principal, session=session,
    )


@router.get("/kvartal/{package_id}/paket.zip")
def package_download(
    request: Request, session: SessionDep,
    principal: Annotated[Principal, Depends(allow(*READ_ROLES))], package_id: int,
) -> Response:
    package = service.get_package(session=session, kommun_code=principal.kommun_code,
                                  package_id=package_id)
    path = service.artefact_file(request.app.state.settings, package)
    if package.status != "done" or not path.is_file():
        raise NotFound("Paketet är inte klart.")
    export_service.record_export(
        session=session, principal=principal, object_type="kvartalspaket",
        object_id=f"{package.period} paket {package.id}", filter={"period": package.period},
        purpose=service.PURPOSE, ip=_client_ip(request),
    )
    stem, exact = service.file_names(session=session, package=package)
    session.commit()
    return FileResponse(
        path, media_type="application/zip",
        headers={"Cache-Control": "no-store",
                 "Content-Disposition": naming.content_disposition(f"{stem}.zip", exact=f"{exact}.zip")},
    )
