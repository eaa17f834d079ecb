"""The follow-up of a medborgarlöfte: activity completion, indicator trends, återkoppling status.

Report-based indicators read reports through the one query object (`ReportQuery`), so they agree
with the map and the CSV; the series and the assessment come from `analysis.indicators`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlmodel import Session, col, select

from analysis.indicators import IndicatorResult, assess_indicator, medborgarlofte_indicator
from analysis.periods import format_period, parse_period, period_dates
from api.promises.models import (
    Atagande,
    AtagandeLog,
    Aterkoppling,
    LofteIndicator,
    LofteIndicatorValue,
    Medborgarlofte,
    MedborgarlofteArea,
)
from api.promises.service import KIND, ataganden, indicators, list_promises
from api.reports.query import ReportQuery, reports_frame
from api.users.principal import Principal


@dataclass(frozen=True)
class Completion:
    """An åtagande's progress: done against target."""

    atagande: Atagande
    done: int
    log: list[AtagandeLog]

    @property
    def percent(self) -> int:
        """Share of the target done, in whole percent (may exceed 100)."""
        return round(100 * self.done / self.atagande.target_count)

    @property
    def text(self) -> str:
        """E.g. "6 av 10 trygghetsvandringar, 60 %"."""
        return f"{self.done} av {self.atagande.target_count} {self.atagande.unit}, {self.percent} %"


@dataclass(frozen=True)
class AterkopplingStatus:
    """The last återkoppling, when the next is due and whether it is overdue."""

    last_date: date | None
    due_date: date
    overdue: bool


def aterkoppling_status(*, last_date: date | None, start_date: date, interval_days: int,
                        today: date) -> AterkopplingStatus:
    """Next återkoppling is due `interval_days` after the last (or after the löfte's start)."""
    due = (last_date or start_date) + timedelta(days=interval_days)
    return AterkopplingStatus(last_date=last_date, due_date=due, overdue=today > due)


def period_label(day: date, period: str) -> str:
    """The label of the period (quarter, tertial or month) that contains the day."""
    number = {"quarter": (day.month - 1) // 3 + 1, "tertial": (day.month - 1) // 4 + 1,
              "month": day.month}[period]
    return format_period(day.year, KIND[period], number)


@dataclass
class IndicatorView:
    """An indicator with its series and assessment (None while it has no data)."""

    indicator: LofteIndicator
    result: IndicatorResult | None
    message: str = ""
    rows: list[tuple[str, float]] = field(default_factory=list)
    value_ids: dict[str, int] = field(default_factory=dict)  # manual: period label -> value id


def report_indicator(*, session: Session, principal: Principal, indicator: LofteIndicator,
                     today: date) -> IndicatorView:
    """Counts per period from the baseline start through the last complete period before today."""
    period = indicator.period
    first = period_label(indicator.baseline_start_date, period)  # type: ignore[arg-type]
    base_last = period_label(indicator.baseline_end_date, period)  # type: ignore[arg-type]
    last = period_label(today, period)
    if period_dates(last)[1] >= today:  # the current period is not complete yet
        last = period_label(period_dates(last)[0] - timedelta(days=1), period)
    if parse_period(last).ordinal < parse_period(base_last).ordinal:
        last = base_last
    areas = [c for c in indicator.area_codes.split(",") if c]
    categories = [c for c in indicator.category_codes.split(",") if c]
    query = ReportQuery(principal.kommun_code, period_dates(first)[0], period_dates(last)[1],
                        area_codes=tuple(areas), category_codes=tuple(categories),
                        ).scoped_to(principal)
    frame = reports_frame(session=session, query=query)
    result = medborgarlofte_indicator(
        frame, areas or None, categories, first, last, period=period,
        baseline_periods=(first, base_last), target=indicator.target_value,
        direction=indicator.direction, name=indicator.name)
    rows = [(str(p), float(c)) for p, c in zip(result.series["period"], result.series["count"],
                                                strict=True)]
    if last == base_last:
        # No period after the baseline has ended: comparing the baseline with itself would claim a verdict.
        return IndicatorView(indicator=indicator, result=None, rows=rows,
                             message="Ingen period efter baslinjen är avslutad ännu – underlaget räcker inte.")
    return IndicatorView(indicator=indicator, result=result, rows=rows)


def manual_indicator(*, session: Session, indicator: LofteIndicator) -> IndicatorView:
    """The entered values in period order, assessed against the manual baseline."""
    values = list(session.exec(select(LofteIndicatorValue).where(
        LofteIndicatorValue.lofte_indicator_id == indicator.id)))
    values.sort(key=lambda v: parse_period(v.period_label).ordinal)
    if not values:
        return IndicatorView(indicator=indicator, result=None,
                             message="Inga värden är införda ännu.")
    series = pd.DataFrame({"period": [v.period_label for v in values],
                           "count": [v.value for v in values]})
    result = assess_indicator(series, baseline=indicator.baseline_value,
                              target=indicator.target_value, direction=indicator.direction,
                              name=indicator.name, period=indicator.period)
    return IndicatorView(indicator=indicator, result=result,
                         rows=[(v.period_label, v.value) for v in values],
                         value_ids={v.period_label: v.id for v in values})  # type: ignore[misc]


@dataclass
class FollowUp:
    """Everything the follow-up page shows for one löfte."""

    promise: Medborgarlofte
    area_codes: list[str]
    completions: list[Completion]
    indicators: list[IndicatorView]
    aterkopplingar: list[Aterkoppling]
    aterkoppling: AterkopplingStatus
    report_filters: list[dict[str, Any]]


def follow_up_view(*, session: Session, principal: Principal, promise: Medborgarlofte,
              today: date) -> FollowUp:
    """Activity completion, indicator trends and återkoppling status for the löfte."""
    completions = []
    for atagande in ataganden(session, promise):
        log = list(session.exec(select(AtagandeLog).where(AtagandeLog.atagande_id == atagande.id)
                                .order_by(col(AtagandeLog.done_date), col(AtagandeLog.id))))
        completions.append(Completion(atagande, sum(e.done_count for e in log), log))
    views, filters = [], []
    for indicator in indicators(session, promise):
        if indicator.kind == "rapporter":
            view = report_indicator(session=session, principal=principal, indicator=indicator,
                                    today=today)
            filters.append({"indikator": indicator.id, "kategorier": indicator.category_codes,
                            "omraden": indicator.area_codes,
                            "perioder": [view.rows[0][0], view.rows[-1][0]]})
        else:
            view = manual_indicator(session=session, indicator=indicator)
        views.append(view)
    notes = list(session.exec(select(Aterkoppling).where(
        Aterkoppling.medborgarlofte_id == promise.id)
        .order_by(col(Aterkoppling.aterkoppling_date).desc(), col(Aterkoppling.id).desc())))
    status = aterkoppling_status(
        last_date=notes[0].aterkoppling_date if notes else None,
        start_date=promise.period_start_date,
        interval_days=promise.aterkoppling_interval_days, today=today)
    areas = [a.area_code for a in session.exec(select(MedborgarlofteArea).where(
        MedborgarlofteArea.medborgarlofte_id == promise.id).order_by(
            col(MedborgarlofteArea.area_code)))]
    return FollowUp(promise, areas, completions, views, notes, status, filters)


def sparkline(rows: list[tuple[str, float]], *, width: int = 160, height: int = 40) -> str:
    """Points for an inline SVG polyline of the values (empty for fewer than two)."""
    if len(rows) < 2:
        return ""
    values = [v for _, v in rows]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (width - 4) / (len(values) - 1)
    return " ".join(f"{2 + i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}"
                    for i, v in enumerate(values))


def aterkoppling_overview(*, session: Session, kommun_code: str,
                          today: date) -> list[tuple[Medborgarlofte, AterkopplingStatus]]:
    """Each of the kommun's löften with its återkoppling status (for the list page)."""
    promises = list_promises(session=session, kommun_code=kommun_code)
    last: dict[int, date] = {}
    for row in session.exec(select(Aterkoppling).where(Aterkoppling.kommun_code == kommun_code)):
        if row.medborgarlofte_id not in last or row.aterkoppling_date > last[row.medborgarlofte_id]:
            last[row.medborgarlofte_id] = row.aterkoppling_date
    return [(p, aterkoppling_status(last_date=last.get(p.id),  # type: ignore[arg-type]
                                    start_date=p.period_start_date,
                                    interval_days=p.aterkoppling_interval_days, today=today))
            for p in promises]
