"""The week in numbers for one kommun: counts, alerts, suggested statuses, reporting completeness.

Loads everything through the one query object (api/reports/query.py) and leaves the maths to
`analysis/`. The weekly lägesbild, the CSV and the packages build on this.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

import pandas as pd
from sqlmodel import Session, select

from analysis.alerts import alert_history_window, weekly_alerts
from analysis.completeness import completeness_sentence, reporting_completeness
from analysis.counts import CountCube, count_cube
from analysis.status import suggest_area_status
from analysis.weeks import parse_iso_week, week_start
from api.areas import service as area_service
from api.organisations.models import Organisation
from api.reports.models import Nollrapport
from api.reports.query import ReportQuery, categories_frame, reports_frame

HISTORY_WEEKS = 12


def first_counted_week(week: str) -> str:
    """The first week the cube counts: the 12 weeks before the same week last year (64–65 weeks back).

    The alerts' seasonal ratio compares the same week last year (±2) with its 12 predecessors, so
    the cube must reach that far back (`analysis.alerts.alert_history_window`); it also covers the
    status suggestion's same weeks last year.
    """
    return alert_history_window(week, n_weeks=HISTORY_WEEKS)[0]


@dataclass
class WeekOverview:
    week: str
    query: ReportQuery
    cube: CountCube
    area_counts: pd.DataFrame  # area_code, area_name, count (this week, all counted categories)
    kommun_level_count: int
    total: int
    alerts: pd.DataFrame
    statuses: pd.DataFrame
    completeness: pd.DataFrame
    completeness_sentences: list[str]


def week_overview(*, session: Session, query: ReportQuery, week: str) -> WeekOverview:
    """Counts, alerts, status suggestions and completeness for `week` under the query's filters."""
    week = parse_iso_week(week).label
    first_week = first_counted_week(week)
    history = ReportQuery(
        **{**query.__dict__, "first_date": week_start(first_week), "last_date": week_start(week) + pd.Timedelta(days=6)}
    )
    frame = reports_frame(session=session, query=history)
    areas = area_service.load_areas_frame(session=session, kommun_code=query.kommun_code)
    categories = categories_frame(session=session, kommun_code=query.kommun_code)
    cube = count_cube(frame, areas, categories, first_week, week)
    area_names = dict(zip(areas.area_code, areas.area_name, strict=True))
    category_names = dict(zip(categories.category_code, categories.category_name, strict=True))
    alerts = weekly_alerts(cube, week, n_weeks=HISTORY_WEEKS, category_names=category_names, area_names=area_names)
    statuses = suggest_area_status(
        cube, week, categories, alerts=alerts, n_weeks=HISTORY_WEEKS, area_names=area_names
    )
    this_week = cube.values[:, :, -1].sum(axis=1)
    area_counts = pd.DataFrame(
        {"area_code": cube.areas, "area_name": [area_names[c] for c in cube.areas], "count": this_week}
    )
    kommun_level = int(cube.kommun_level[:, -1].sum())
    completeness, sentences = _completeness(session, query, week)
    return WeekOverview(
        week=week,
        query=query,
        cube=cube,
        area_counts=area_counts,
        kommun_level_count=kommun_level,
        total=int(this_week.sum()) + kommun_level,
        alerts=alerts[alerts.is_alert].reset_index(drop=True),
        statuses=statuses,
        completeness=completeness,
        completeness_sentences=sentences,
    )


def _completeness(session: Session, query: ReportQuery, week: str) -> tuple[pd.DataFrame, list[str]]:
    organisations = session.exec(
        select(Organisation).where(
            Organisation.kommun_code == query.kommun_code,
            Organisation.active == True,  # noqa: E712
            Organisation.expected_to_report == True,  # noqa: E712
        ).order_by(Organisation.name)
    ).all()
    nolls = session.exec(
        select(Nollrapport.organisation_id, Nollrapport.iso_week).where(
            Nollrapport.kommun_code == query.kommun_code, Nollrapport.iso_week == week
        )
    ).all()
    nollrapporter = pd.DataFrame(nolls, columns=["organisation_id", "iso_week"])
    # An organisation whose only report was rejected (or merged into another) did report: read
    # the week's reports whatever their review status, not only the counted ones.
    filed = replace(query, first_date=week_start(week), last_date=week_start(week) + timedelta(days=6),
                    review_statuses=(), include_merged_duplicates=True)
    week_frame = reports_frame(session=session, query=filed)
    table = reporting_completeness(week_frame, nollrapporter, [o.id for o in organisations], week, week)
    names = {o.id: o.name for o in organisations}
    table["organisation_name"] = [names[int(i)] for i in table.organisation_id]
    sentences = [
        completeness_sentence(names[int(row.organisation_id)], row.status, week)
        for row in table.itertuples()
    ]
    return table, sentences
