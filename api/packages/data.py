"""Every number of a kvartalsanalys package, computed once.

The PDF, the CSVs in the ZIP and the app page all read the same `PackageData`, so they agree.
Reports are loaded only through `api.reports.query`, areas through `load_areas_frame`.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlmodel import Session, col, select

from analysis.baselines import same_week_last_year
from analysis.completeness import reporting_completeness
from analysis.concentration import Concentration, concentration
from analysis.counts import counted_categories
from analysis.density import DensitySurface, kernel_density, scott_bandwidth
from analysis.emerging import emerging_hotspots
from analysis.hotspot_layers import hotspot_layers
from analysis.periods import (
    compare_periods,
    parse_period,
    period_dates,
    previous_period,
    rank_areas_by_need,
    same_period_last_year,
)
from analysis.weeks import iso_week_label, week_range
from analysis.wording import plural
from api.areas.population import SCB_SOURCE, area_population, complete_population
from api.areas.service import load_areas_frame
from api.insatser.service import active_insatser
from api.organisations.models import Organisation
from api.promises.follow_up import aterkoppling_overview, manual_indicator, report_indicator
from api.promises.service import indicators
from api.reports.models import Nollrapport
from api.reports.query import ReportQuery, categories_frame, reports_frame
from api.users.principal import Principal

#: Fixed seed so that regenerating a package gives the same hotspot layers.
HOTSPOT_SEED = 20260101
#: Null maps for the cluster layer's Monte Carlo p-values.
HOTSPOT_SIMULATIONS = 999
#: Months of history for the emerging-hotspot trend (ending with the period's last month).
EMERGING_MONTHS = 12
#: The order in which emerging patterns are listed: the most urgent first ("inget mönster" left out).
PATTERN_ORDER = ("intensifierande", "ny", "konsekutiv", "ihållande", "sporadisk", "avtagande",
                 "historisk")
DENSITY_CELL_M = 50.0
NO_EVALUATION = "utvärdering saknas"

OFFENCES_SOURCE = "police_offences"
OFFENCE_COLUMNS = ["area_code", "area_name", "category_code", "category_name", "current", "previous",
                   "last_year"]

_FILTER_KEYS = ("area_codes", "category_codes", "sources", "organisation_ids", "review_statuses")


@dataclass
class PackageData:
    """All numbers of one package: frames and small values, read by the PDF, CSVs and pages."""

    kommun_code: str
    period: str
    first_date: date
    last_date: date
    previous_period: str
    previous_first_date: date
    previous_last_date: date
    last_year_period: str
    last_year_first_date: date
    last_year_last_date: date
    generated_on: date
    query_filter: dict[str, Any]
    total: int
    total_previous: int
    total_last_year: int
    areas: gpd.GeoDataFrame
    categories: pd.DataFrame
    comparison: pd.DataFrame
    category_totals: pd.DataFrame
    area_counts: pd.Series
    kommun_level_count: int
    ranking: pd.DataFrame
    completeness: pd.DataFrame
    completeness_weeks: pd.DataFrame
    weekly: pd.DataFrame
    hotspots: pd.DataFrame | None
    hotspot_note: str
    density: DensitySurface | None
    density_note: str
    concentration: Concentration
    insatser: pd.DataFrame
    promises: pd.DataFrame
    period_reports: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    #: Per area: the emerging-hotspot pattern of the last `EMERGING_MONTHS` months (or None).
    emerging: pd.DataFrame | None = None
    emerging_note: str = ""
    #: The months of the emerging-hotspot analysis, "YYYY-MM", oldest first.
    emerging_months: list[str] = field(default_factory=list)
    #: Year of the population used as denominator (every area has one), else None: counts.
    population_year: int | None = None
    #: Where that population comes from ("Källa: SCB"; the demo's "Demo: påhittade invånartal").
    population_source: str | None = None
    #: Polisanmälda brott (source police_offences) per area and category: current, previous, last year.
    police_offences: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=OFFENCE_COLUMNS))


def _query_kwargs(query_filters: Any) -> dict[str, tuple]:
    if query_filters is None:
        return {}
    if isinstance(query_filters, ReportQuery):
        query_filters = query_filters.as_filter()
    return {k: tuple(query_filters[k]) for k in _FILTER_KEYS if query_filters.get(k)}


def _in_dates(frame: pd.DataFrame, first: date, last: date) -> pd.DataFrame:
    days = frame["observed_date"]
    mask = (days >= pd.Timestamp(first)) & (days <= pd.Timestamp(last))
    return frame[mask].reset_index(drop=True)


def _completeness(session: Session, kommun_code: str, reports: pd.DataFrame,
                  first: date, last: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    orgs = session.exec(
        select(Organisation)
        .where(Organisation.kommun_code == kommun_code, Organisation.active == True,  # noqa: E712
               Organisation.expected_to_report == True)  # noqa: E712
        .order_by(Organisation.name, col(Organisation.id))
    ).all()
    first_week = str(iso_week_label(pd.Timestamp(first)))
    last_week = str(iso_week_label(pd.Timestamp(last)))
    noll_rows = session.exec(
        select(Nollrapport.organisation_id, Nollrapport.iso_week)
        .where(Nollrapport.kommun_code == kommun_code)
    ).all()
    noll = pd.DataFrame([tuple(r) for r in noll_rows], columns=["organisation_id", "iso_week"])
    weeks = reporting_completeness(reports, noll, [o.id for o in orgs], first_week, last_week)
    n_weeks = len(week_range(first_week, last_week))
    rows = []
    for org in orgs:
        status = weeks.loc[weeks["organisation_id"] == org.id, "status"]
        counts = {s: int((status == s).sum()) for s in ("reported", "nollrapport", "silent")}
        rows.append({
            "organisation_id": org.id,
            "organisation_name": org.name,
            "weeks": n_weeks,
            "weeks_reported": counts["reported"],
            "weeks_nollrapport": counts["nollrapport"],
            "weeks_silent": counts["silent"],
            "share_reported": counts["reported"] / n_weeks,
            "share_nollrapport": counts["nollrapport"] / n_weeks,
            "share_silent": counts["silent"] / n_weeks,
            "report_count": int(weeks.loc[weeks["organisation_id"] == org.id,
                                          "report_count"].sum()),
        })
    columns = ["organisation_id", "organisation_name", "weeks", "weeks_reported",
               "weeks_nollrapport", "weeks_silent", "share_reported", "share_nollrapport",
               "share_silent", "report_count"]
    return pd.DataFrame(rows, columns=columns), weeks


def _weekly(reports: pd.DataFrame, cat_list: list[str], first: date, last: date,
            ly_first: date, ly_last: date) -> pd.DataFrame:
    """Per category × ISO week of the period: this year's count and the same week last year.

    Each side counts only the days of its own period (the period, and the same period last year),
    so the edge weeks are cut alike on both sides and the weeks sum to the period totals.
    """
    weeks = week_range(str(iso_week_label(pd.Timestamp(first))),
                       str(iso_week_label(pd.Timestamp(last))))
    counted = reports[reports["category_code"].isin(cat_list)]

    def sums(start: date, end: date) -> pd.Series:
        inside = _in_dates(counted, start, end)
        labels = iso_week_label(inside["observed_date"]) if len(inside) else pd.Series([], dtype=str)
        return (inside.assign(iso_week=np.asarray(labels, dtype=object))
                .groupby(["category_code", "iso_week"])["report_count"].sum())

    this_year, last_year = sums(first, last), sums(ly_first, ly_last)
    rows = []
    for cat in cat_list:
        for week in weeks:
            ly = same_week_last_year(week)
            rows.append({"category_code": cat, "iso_week": week, "count": int(this_year.get((cat, week), 0)),
                         "last_year_week": ly, "count_last_year": int(last_year.get((cat, ly), 0))})
    return pd.DataFrame(rows, columns=["category_code", "iso_week", "count", "last_year_week",
                                       "count_last_year"])


def _hotspots(areas: gpd.GeoDataFrame, area_counts: pd.Series,
              population: pd.Series | None = None) -> tuple[pd.DataFrame | None, str]:
    """Area excess (förhöjt område) and scan clusters for the period's counts (rates with `population`)."""
    if len(areas) < 3:
        return None, "För få områden för en hotspotanalys."
    try:
        out = hotspot_layers(areas, area_counts, population=population,
                             simulations=HOTSPOT_SIMULATIONS, seed=HOTSPOT_SEED)
    except ValueError as exc:
        return None, f"Hotspotanalysen gick inte att göra: {exc}"
    return out, ""


def emerging_month_range(last: date) -> list[str]:
    """The `EMERGING_MONTHS` calendar months ending with the month of `last`, as "YYYY-MM".

    >>> emerging_month_range(date(2026, 9, 30))[:2], emerging_month_range(date(2026, 9, 30))[-1]
    (['2025-10', '2025-11'], '2026-09')
    """
    end = pd.Period(last, freq="M")
    return [str(end - k) for k in range(EMERGING_MONTHS - 1, -1, -1)]


def _emerging(areas: gpd.GeoDataFrame, reports: pd.DataFrame, cat_list: list[str],
              last: date, population: pd.Series | None = None) -> tuple[pd.DataFrame | None, str, list[str]]:
    """Each area's emerging-hotspot pattern over the 12 months up to the period's end."""
    months = emerging_month_range(last)
    if len(areas) < 3:
        return None, "För få områden för en analys av framväxande hotspots.", months
    first = pd.Period(months[0], freq="M").start_time.date()
    counted = _in_dates(reports[reports["category_code"].isin(cat_list)
                                & reports["area_code"].isin(areas["area_code"])], first, last)
    month = counted["observed_date"].dt.to_period("M").astype(str)
    sums = counted.assign(period=month).groupby(["area_code", "period"])["report_count"].sum()
    grid = pd.MultiIndex.from_product([areas["area_code"].tolist(), months],
                                      names=["area_code", "period"])
    long = sums.reindex(grid, fill_value=0).astype(np.int64).rename("count").reset_index()
    try:
        out = emerging_hotspots(areas, long, population=population, seed=HOTSPOT_SEED)
    except ValueError as exc:
        return None, f"Analysen av framväxande hotspots gick inte att göra: {exc}", months
    return out, "", months


def _density(reports: pd.DataFrame) -> tuple[DensitySurface | None, str]:
    points = reports[reports["x"].notna() & reports["y"].notna()]
    if points.empty:
        return None, "Inga rapporter med koordinater under perioden."
    # Scott's rule on the period's points, clipped to 150-1 000 m (analysis.density.scott_bandwidth).
    surface = kernel_density(reports, bandwidth=scott_bandwidth(points), cell_size=DENSITY_CELL_M)
    note = ""
    if surface.n_without_point:
        note = (f"{plural(surface.n_without_point, 'rapport', 'rapporter')} saknar koordinater och "
                "ingår inte i kartan.")
    return surface, note


def _evaluator():  # type: ignore[no-untyped-def]
    """`api.insatser.effects.insats_evaluation` if that module exists, else None."""
    try:
        module = importlib.import_module("api.insatser.effects")
    except ImportError:
        return None
    return getattr(module, "insats_evaluation", None)


def _call_evaluation(evaluate, **available: Any) -> Any:  # type: ignore[no-untyped-def]
    params = inspect.signature(evaluate).parameters
    return evaluate(**{k: v for k, v in available.items() if k in params})


def _insatser(session: Session, kommun_code: str, first: date, last: date,
              today: date) -> pd.DataFrame:
    views = active_insatser(session=session, kommun_code=kommun_code, first_date=first,
                            last_date=last)
    evaluate = _evaluator()
    rows = []
    for view in views:
        effect_text, effect, low, high, verdict = NO_EVALUATION, np.nan, np.nan, np.nan, ""
        per_week = ""
        if evaluate is not None:
            try:
                result = _call_evaluation(evaluate, session=session, kommun_code=kommun_code,
                                          insats=view, insats_id=view.id, today=today)
            except Exception as exc:  # noqa: BLE001 - one failing evaluation must not stop the package
                result, effect_text = None, f"utvärdering misslyckades: {exc}"
            if result is not None:
                effect_obj = getattr(result, "effect", None)
                if effect_obj is None:
                    effect_text = str(getattr(result, "message", "") or NO_EVALUATION)
                else:
                    effect_text = str(effect_obj.text)
                    effect = float(effect_obj.effect_pct)
                    low = float(effect_obj.ci_low_pct)
                    high = float(effect_obj.ci_high_pct)
                    verdict = str(effect_obj.verdict)
                    per_week = str(getattr(effect_obj, "per_week_text", ""))
        rows.append({
            "insats_id": view.id, "title": view.title, "type": view.type_label,
            "status": view.status_label, "start_date": view.start_date,
            "end_date": view.end_date, "area_codes": ", ".join(view.area_codes),
            "category_codes": ", ".join(view.category_codes),
            "responsible": view.responsible_organisation_name,
            "effect": effect, "effect_low": low, "effect_high": high, "verdict": verdict,
            "evaluation": effect_text, "per_week": per_week,
        })
    return pd.DataFrame(rows, columns=[
        "insats_id", "title", "type", "status", "start_date", "end_date", "area_codes",
        "category_codes", "responsible", "effect", "effect_low", "effect_high", "verdict",
        "evaluation", "per_week"])


def _indicator_lines(session: Session, promise: Any, kommun_code: str, as_of: date) -> list[str]:
    """One Swedish sentence per indicator of the löfte: recent level against baseline and target."""
    # Report-based indicators read through the one query object, scoped like an analyst's view.
    reader = Principal(role="analytiker", kommun_code=kommun_code, kommun_codes=[kommun_code],
                       actor="system")
    lines = []
    for indicator in indicators(session, promise):
        # No catch-all here: a failing indicator is a bug, and the package run records it as failed.
        view = (report_indicator(session=session, principal=reader, indicator=indicator, today=as_of)
                if indicator.kind == "rapporter" else manual_indicator(session=session, indicator=indicator))
        lines.append(view.result.sentence if view.result is not None else f"{indicator.name}: {view.message}")
    return lines


def _promises(session: Session, kommun_code: str, today: date, last: date) -> pd.DataFrame:
    # Indicators are read as of the period's end, so the period is the last one they count.
    as_of = min(today, last + timedelta(days=1))
    rows = [{
        "promise_id": p.id, "title": p.title, "status": p.status,
        "period_start_date": p.period_start_date, "period_end_date": p.period_end_date,
        "last_aterkoppling": s.last_date, "next_aterkoppling": s.due_date, "overdue": s.overdue,
        "indicators": _indicator_lines(session, p, kommun_code, as_of),
    } for p, s in aterkoppling_overview(session=session, kommun_code=kommun_code, today=today)]
    return pd.DataFrame(rows, columns=["promise_id", "title", "status", "period_start_date",
                                       "period_end_date", "last_aterkoppling",
                                       "next_aterkoppling", "overdue", "indicators"])


def package_data(*, session: Session, kommun_code: str, period: str, query_filters: Any = None,
                 today: date) -> PackageData:
    """Compute every number of the kvartalsanalys package for a kommun and period."""
    label = parse_period(period).label
    first, last = period_dates(label)
    prev, ly = previous_period(label), same_period_last_year(label)
    prev_first, prev_last = period_dates(prev)
    ly_first, ly_last = period_dates(ly)
    filters = _query_kwargs(query_filters)
    # From a week before last year's period (same ISO weeks last year), or the first of the
    # emerging-hotspot months if earlier, to the period's end.
    emerging_first = pd.Period(emerging_month_range(last)[0], freq="M").start_time.date()
    query = ReportQuery(kommun_code, min(ly_first - timedelta(days=14), prev_first - timedelta(days=14),
                                         emerging_first), last,
                        **filters)  # type: ignore[arg-type]
    reports = reports_frame(session=session, query=query)
    categories = categories_frame(session=session, kommun_code=kommun_code)
    areas = load_areas_frame(session=session, kommun_code=kommun_code)
    # An urval (areas and/or categories): the package is about those only — its tables, ranking, maps and
    # GeoPackage hold the chosen areas and categories, not zero rows for everything else.
    if filters.get("area_codes"):
        areas = areas[areas["area_code"].isin(filters["area_codes"])].reset_index(drop=True)
    if filters.get("category_codes"):
        categories = categories[categories["category_code"].isin(filters["category_codes"])].reset_index(drop=True)
    area_codes = areas["area_code"].tolist()
    cat_list = counted_categories(categories)

    comparison = compare_periods(reports, area_codes, categories, label, other_areas="kommun")
    if filters.get("area_codes"):
        # An area urval has no kommun level: the query already left out reports without an area.
        comparison = comparison[comparison["area_code"].notna()].reset_index(drop=True)
    names = dict(zip(categories["category_code"], categories["category_name"], strict=True))
    comparison["category_name"] = comparison["category_code"].astype(object).map(names)
    area_names = dict(zip(areas["area_code"], areas["area_name"], strict=True))
    comparison["area_name"] = comparison["area_code"].astype(object).map(area_names)
    comparison["area_name"] = comparison["area_name"].fillna("Kommunnivå (inget område)")
    ranking = rank_areas_by_need(comparison, categories, area_names=area_names)
    ranking["area_name"] = ranking["area_code"].map(area_names)

    by_cat = comparison.groupby("category_code", sort=False, observed=True)[
        ["current", "previous", "last_year"]].sum().reset_index()
    by_cat["category_code"] = by_cat["category_code"].astype(object)
    by_cat["category_name"] = by_cat["category_code"].map(names)
    with np.errstate(divide="ignore", invalid="ignore"):
        by_cat["change_previous_pct"] = np.where(
            by_cat["previous"] > 0, (by_cat["current"] - by_cat["previous"])
            / by_cat["previous"].where(by_cat["previous"] > 0, 1) * 100, np.nan)
        by_cat["change_last_year_pct"] = np.where(
            by_cat["last_year"] > 0, (by_cat["current"] - by_cat["last_year"])
            / by_cat["last_year"].where(by_cat["last_year"] > 0, 1) * 100, np.nan)

    in_area = comparison[comparison["area_code"].notna()].copy()
    in_area["area_code"] = in_area["area_code"].astype(object)
    area_counts = (in_area.groupby("area_code", sort=False)["current"].sum()
                   .reindex(area_codes, fill_value=0).astype(np.int64))
    kommun_level = int(comparison.loc[comparison["area_code"].isna(), "current"].sum())

    period_reports = _in_dates(reports, first, last)
    counted_period = period_reports[period_reports["category_code"].isin(cat_list)]
    completeness, completeness_weeks = _completeness(session, kommun_code, reports, first, last)
    # Rates only when every area has a population (an imported SCB file); else counts, and the
    # map and tables say the counts are not adjusted for size.
    population_frame = area_population(session=session, kommun_code=kommun_code)
    population = complete_population(population_frame, area_codes)
    population_year = (int(population_frame["population_year"].dropna().max())
                       if population is not None else None)
    population_source = (", ".join(sorted(set(population_frame["population_source"].dropna())))
                         or SCB_SOURCE) if population is not None else None
    hotspots, hotspot_note = _hotspots(areas, area_counts, population)
    emerging, emerging_note, emerging_months = _emerging(areas, reports, cat_list, last, population)
    density, density_note = _density(counted_period)
    return PackageData(
        kommun_code=kommun_code, period=label, first_date=first, last_date=last,
        previous_period=prev, previous_first_date=prev_first, previous_last_date=prev_last,
        last_year_period=ly, last_year_first_date=ly_first, last_year_last_date=ly_last,
        generated_on=today,
        query_filter={k: list(v) for k, v in filters.items()},
        total=int(comparison["current"].sum()),
        total_previous=int(comparison["previous"].sum()),
        total_last_year=int(comparison["last_year"].sum()),
        areas=areas, categories=categories, comparison=comparison, category_totals=by_cat,
        area_counts=area_counts, kommun_level_count=kommun_level, ranking=ranking,
        completeness=completeness, completeness_weeks=completeness_weeks,
        weekly=_weekly(reports, cat_list, first, last, ly_first, ly_last),
        hotspots=hotspots, hotspot_note=hotspot_note, density=density, density_note=density_note,
        concentration=concentration(area_counts, areas=area_codes),
        # Effects are measured up to the period's end: the package shows the period, and a package
        # regenerated later gives the same numbers.
        insatser=_insatser(session, kommun_code, first, last, min(today, last + timedelta(days=1))),
        promises=_promises(session, kommun_code, today, last),
        period_reports=period_reports,
        emerging=emerging, emerging_note=emerging_note, emerging_months=emerging_months,
        population_year=population_year, population_source=population_source,
        police_offences=_police_offences(reports, area_codes, categories, label, area_names, names),
    )


def _police_offences(reports: pd.DataFrame, area_codes: list[str], categories: pd.DataFrame, label: str,
                     area_names: dict[str, str], names: dict[str, str]) -> pd.DataFrame:
    """The package's "Polisanmälda brott": the same comparison as every report, for that source only.

    Rows where something happened in one of the three periods; by area name, kommun level last.
    """
    offences = reports[reports["source"] == OFFENCES_SOURCE]
    if not len(offences):
        return pd.DataFrame(columns=OFFENCE_COLUMNS)
    compared = compare_periods(offences, area_codes, categories, label, other_areas="kommun")
    compared = compared[(compared["current"] > 0) | (compared["previous"] > 0) | (compared["last_year"] > 0)].copy()
    compared["area_code"] = compared["area_code"].astype(object).where(compared["area_code"].notna(), None)
    compared["category_code"] = compared["category_code"].astype(object)
    compared["area_name"] = [area_names.get(c, c) if c else "Kommunnivå (inget område)" for c in compared["area_code"]]
    compared["category_name"] = compared["category_code"].map(names)
    compared["kommun_level"] = compared["area_code"].isna()
    compared = compared.sort_values(["kommun_level", "area_name", "current"], ascending=[True, True, False],
                                    kind="stable")
    return compared[OFFENCE_COLUMNS].reset_index(drop=True)
