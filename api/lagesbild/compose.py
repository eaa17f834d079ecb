"""Compose a lägesbild's content from live data: numbers, statuses, texts, insatser and map points.

A draft is composed on every view; publishing stores the composed snapshot and never composes that
version again. All numbers come from `week_overview` through the one query object, so the page,
the map and the CSV agree for the same filter.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from datetime import timedelta

import pandas as pd
from sqlmodel import Session, select

from analysis.weeks import week_start
from api.areas.population import area_population
from api.areas.service import load_areas_frame
from api.insatser import service as insats_service
from api.kommuner.models import Kommun
from api.lagesbild import map_data
from api.lagesbild.emerging import MAX_AREAS, area_patterns
from api.lagesbild.models import AreaAssessment, Lagesbild
from api.lagesbild.snapshot import (
    SCB_ATTRIBUTION,
    AreaSnapshot,
    CategoryCount,
    CompletenessRow,
    ContextFactor,
    InsatsSummary,
    LagesbildSnapshot,
    TrendPoint,
)
from api.lagesbild.summary import TREND_WEEKS, summary_sentences
from api.organisations.models import Organisation
from api.reports.query import ReportQuery, categories_frame, reports_frame
from api.statistics import service as statistics_service

CONTEXT_WEEKS_AHEAD = 4


def week_query(kommun_code: str, week: str, **filters: object) -> ReportQuery:
    """The one-week query for the lägesbild of `week` with the given filters."""
    return ReportQuery.for_weeks(kommun_code, week_start(week), 1, **filters)


def query_from_filter(kommun_code: str, week: str, stored: dict[str, object]) -> ReportQuery:
    """Rebuild the week's query from a stored filter (category, source, organisation)."""
    return week_query(
        kommun_code,
        week,
        category_codes=tuple(str(c) for c in _listed(stored, "category_codes")),
        sources=tuple(str(s) for s in _listed(stored, "sources")),
        organisation_ids=tuple(int(str(o)) for o in _listed(stored, "organisation_ids") if str(o).isdigit()),
    )


def _listed(stored: dict[str, object], key: str) -> list[object]:
    value = stored.get(key)
    return list(value) if isinstance(value, list | tuple) else []


def filter_of(query: ReportQuery) -> dict[str, object]:
    """The user-chosen part of a query (what a published version records as its filter)."""
    return {
        "category_codes": list(query.category_codes),
        "sources": list(query.sources),
        "organisation_ids": list(query.organisation_ids),
    }


def compose(
    *, session: Session, lagesbild: Lagesbild, query: ReportQuery, tile_attribution: str = ""
) -> LagesbildSnapshot:
    """The lägesbild as it stands now: live numbers under `query` plus the version's texts."""
    week = lagesbild.iso_week
    overview = statistics_service.week_overview(session=session, query=query, week=week)
    cube = overview.cube
    categories = categories_frame(session=session, kommun_code=query.kommun_code)
    category_names = dict(zip(categories.category_code, categories.category_name, strict=True))
    area_names = dict(zip(overview.area_counts.area_code, overview.area_counts.area_name, strict=True))
    organisations = session.exec(
        select(Organisation.id, Organisation.name).where(Organisation.kommun_code == query.kommun_code)
    ).all()
    organisation_names = {int(i): n for i, n in organisations if i is not None}
    assessments = {
        a.area_code: a
        for a in session.exec(select(AreaAssessment).where(AreaAssessment.lagesbild_id == lagesbild.id))
    }
    suggested = dict(zip(overview.statuses.area_code, overview.statuses.status, strict=True))
    reasons = dict(zip(overview.statuses.area_code, overview.statuses.reasons, strict=True))
    trend_weeks = cube.weeks[-TREND_WEEKS:]
    trends = cube.values[:, :, -TREND_WEEKS:].sum(axis=1).tolist() if len(cube.areas) else []
    this_week = cube.values[:, :, -1].tolist() if len(cube.areas) else []
    patterns = area_patterns(cube, load_areas_frame(session=session, kommun_code=query.kommun_code),
                             kommun_code=query.kommun_code) if 3 <= len(cube.areas) <= MAX_AREAS else {}
    residents = {
        str(r.area_code): (int(r.population), str(r.population_source or ""))
        for r in area_population(session=session, kommun_code=query.kommun_code).itertuples()
        if pd.notna(r.population) and r.population > 0
    }
    areas = []
    for i, code in enumerate(cube.areas):
        assessment = assessments.get(code)
        population, population_source = residents.get(code, (None, ""))
        by_category = this_week[i]
        areas.append(
            AreaSnapshot(
                code=code,
                name=area_names[code],
                count=int(sum(by_category)),
                category_counts=[
                    CategoryCount(category_code=c, category_name=category_names.get(c, c), count=int(n))
                    for c, n in zip(cube.categories, by_category, strict=True)
                    if n
                ],
                suggested_status=str(suggested[code]),
                suggested_reasons=list(reasons[code]),
                status=(assessment.status or None) if assessment else None,
                motivering=assessment.motivering if assessment else "",
                trend=[TrendPoint(week=w, count=int(n)) for w, n in zip(trend_weeks, trends[i], strict=True)],
                emerging_pattern=patterns.get(code, ""),
                population=population,
                population_source=population_source,
            )
        )
    kommun_totals = cube.kommun_total()[:, -1]
    week_frame = reports_frame(session=session, query=query)
    kommun = session.get(Kommun, query.kommun_code)
    return LagesbildSnapshot(
        kommun_code=query.kommun_code,
        kommun_name=kommun.name if kommun else query.kommun_code,
        week=week,
        first_date=query.first_date.isoformat(),
        last_date=query.last_date.isoformat(),
        version=lagesbild.version,
        filter=filter_of(query),
        vad_har_hant=lagesbild.vad_har_hant,
        vad_gors=lagesbild.vad_gors,
        prognos=lagesbild.prognos,
        generated_summary=summary_sentences(
            cube, week, area_names=area_names, category_names=category_names,
            alert_sentences=list(overview.alerts.sentence),
        ),
        total=overview.total,
        kommun_level_count=overview.kommun_level_count,
        category_counts=[
            CategoryCount(category_code=c, category_name=category_names.get(c, c), count=int(n))
            for c, n in zip(cube.categories, kommun_totals, strict=True)
        ],
        areas=areas,
        trend_weeks=list(trend_weeks),
        alerts=list(overview.alerts.sentence),
        completeness=[
            CompletenessRow(
                organisation_id=int(row.organisation_id),
                organisation_name=str(row.organisation_name),
                status=str(row.status),
                sentence=sentence,
            )
            for row, sentence in zip(
                overview.completeness.itertuples(), overview.completeness_sentences, strict=True
            )
        ],
        completeness_sentences=list(overview.completeness_sentences),
        insatser=_insatser(session, query),
        context_factors=_context_factors(session, query, category_names, area_names),
        points=map_data.report_points(week_frame, category_names, organisation_names),
        police_offences=map_data.offence_counts(week_frame, area_names, category_names),
        attributions=[SCB_ATTRIBUTION] + ([plain_text(tile_attribution)] if tile_attribution else []),
    )


def plain_text(html_text: str) -> str:
    """An attribution without markup ("&copy; <a …>OpenStreetMap</a>" → "© OpenStreetMap")."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_text)).strip()


def _insatser(session: Session, query: ReportQuery) -> list[InsatsSummary]:
    views = insats_service.active_insatser(
        session=session, kommun_code=query.kommun_code, first_date=query.first_date,
        last_date=query.last_date,
    )
    return [
        InsatsSummary(
            id=v.id,
            title=v.title,
            type=v.type,
            type_label=v.type_label,
            status=v.status,
            start_date=v.start_date.isoformat(),
            end_date=v.end_date.isoformat() if v.end_date else None,
            responsible_organisation=v.responsible_organisation_name or None,
            area_codes=list(v.area_codes),
            category_codes=list(v.category_codes),
        )
        for v in views
    ]


def _context_factors(
    session: Session, query: ReportQuery, category_names: dict[str, str], area_names: dict[str, str]
) -> list[ContextFactor]:
    # Kontextfaktorer are never filtered away: skollov matters whatever categories are shown.
    ahead = replace(
        ReportQuery(query.kommun_code, query.first_date, query.last_date),
        first_date=query.last_date + timedelta(days=1),
        last_date=query.last_date + timedelta(days=7 * CONTEXT_WEEKS_AHEAD),
    )
    frame = reports_frame(session=session, query=ahead)
    frame = frame[frame.is_context]
    if not len(frame):
        return []
    grouped = (
        frame.assign(area=frame.area_code.fillna(""))
        .groupby(["observed_date", "category_code", "area"], sort=True)["report_count"]
        .sum()
    )
    return [
        ContextFactor(
            category_name=category_names.get(category, category),
            date=pd.Timestamp(day).date().isoformat(),
            area_name=area_names.get(area) if area else None,
            count=int(count),
        )
        for (day, category, area), count in grouped.items()
    ]


def stored_filter(lagesbild: Lagesbild) -> dict[str, object]:
    """The filter a version was saved or published with."""
    try:
        value = json.loads(lagesbild.filter_json or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
