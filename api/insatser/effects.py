"""Insats follow-up: the measured effect of an insats on reports, against comparison areas.

Treated areas are the insats's areas; comparison areas the other areas of the active area set.
"After" runs from the start date to the end date or today, whichever comes first; "before" is an
equally long window (at most 26 weeks) ending the day before the start. Reports come only through
`reports_frame`, so the numbers agree with every other view of the same filter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
from sqlmodel import Session, col, select

from analysis.effects import InsatsEffect, insats_effect
from api.areas import service as area_service
from api.categories.models import Category
from api.insatser import service as insats_service
from api.insatser.models import Insats
from api.reports.query import ReportQuery, reports_frame

MAX_BEFORE_DAYS = 26 * 7
# Fewer than four weeks after the start says nothing about a change in weekly reports.
MIN_AFTER_DAYS = 28


@dataclass(frozen=True)
class WeekPoint:
    """Reports per area in one ISO week: mean over the treated and over the comparison areas."""

    monday: date
    week_label: str
    treated_mean: float
    comparison_mean: float


@dataclass(frozen=True)
class InsatsEvaluation:
    """An insats's measured effect (None when nothing can be claimed yet) with its series."""

    insats: insats_service.InsatsView
    effect: InsatsEffect | None
    message: str
    before: tuple[date, date] | None
    after: tuple[date, date] | None
    treated_areas: tuple[str, ...]
    comparison_areas: tuple[str, ...]
    category_codes: tuple[str, ...]
    series: list[WeekPoint] = field(default_factory=list)
    query: ReportQuery | None = None

    @property
    def text(self) -> str:
        """The plain-Swedish reading: the estimate's, or why nothing is claimed."""
        return self.effect.text if self.effect is not None else self.message


def periods(start: date, end: date | None, today: date) -> tuple[tuple[date, date], tuple[date, date]] | None:
    """(before, after) windows for an insats; None when it has not started by today."""
    after_end = min(end, today) if end else today
    if after_end < start:
        return None
    length = min((after_end - start).days + 1, MAX_BEFORE_DAYS)
    return (start - timedelta(days=length), start - timedelta(days=1)), (start, after_end)


def _counted_categories(session: Session, kommun_code: str) -> tuple[str, ...]:
    rows = session.exec(
        select(Category.code).where(
            Category.kommun_code == kommun_code,
            Category.is_context == False,  # noqa: E712
        ).order_by(col(Category.code))
    ).all()
    return tuple(rows)


def insats_evaluation(
    *, session: Session, kommun_code: str, insats_id: int, today: date
) -> InsatsEvaluation:
    """Evaluate one insats of the kommun as of `today` (NotFound for another kommun's)."""
    view = insats_service.get_insats(session=session, kommun_code=kommun_code, insats_id=insats_id)
    active = list(area_service.load_areas_frame(session=session, kommun_code=kommun_code).area_code)
    treated = tuple(code for code in view.area_codes if code in set(active))
    comparison = tuple(code for code in active if code not in set(treated))
    categories = view.category_codes or _counted_categories(session, kommun_code)
    common = {"insats": view, "treated_areas": treated, "comparison_areas": comparison,
              "category_codes": categories}
    windows = periods(view.start_date, view.end_date, today)
    if windows is None:
        return InsatsEvaluation(
            effect=None, before=None, after=None, **common,  # type: ignore[arg-type]
            message=(f"Insatsen börjar {view.start_date.isoformat()}. Effekten kan bedömas först "
                     "när den har pågått en tid; inget kan sägas ännu."),
        )
    before, after = windows
    if not treated or not comparison:
        return InsatsEvaluation(
            effect=None, before=before, after=after, **common,  # type: ignore[arg-type]
            message=("Insatsen saknar områden i den aktiva områdesindelningen, eller så finns "
                     "inga andra områden att jämföra med; effekten kan inte bedömas."),
        )
    query = ReportQuery(kommun_code, before[0], after[1], category_codes=categories)
    frame = reports_frame(session=session, query=query)
    series = weekly_series(frame, treated, comparison, before[0], after[1])
    days = (after[1] - after[0]).days + 1
    if days < MIN_AFTER_DAYS:
        return InsatsEvaluation(
            effect=None, before=before, after=after, series=series, query=query,
            **common,  # type: ignore[arg-type]
            message=(f"Insatsen har pågått i {days} dagar. Minst {MIN_AFTER_DAYS // 7} veckor "
                     "behövs innan en förändring kan bedömas; inget kan sägas ännu."),
        )
    effect = insats_effect(frame, treated_areas=treated, comparison_areas=comparison,
                           before=before, after=after)
    return InsatsEvaluation(effect=effect, before=before, after=after, series=series,
                            query=query, message="", **common)  # type: ignore[arg-type]


def weekly_series(frame: pd.DataFrame, treated: tuple[str, ...], comparison: tuple[str, ...],
                  first: date, last: date) -> list[WeekPoint]:
    """Reports per area and ISO week, averaged over the treated and the comparison areas."""
    first_monday = first - timedelta(days=first.weekday())
    mondays = [first_monday + timedelta(weeks=i)
               for i in range((last - first_monday).days // 7 + 1)]
    monday_of = frame["observed_date"] - pd.to_timedelta(frame["observed_date"].dt.day_of_week, "D")
    totals = frame.assign(monday=monday_of.dt.date).groupby(
        ["monday", frame["area_code"].isin(treated), frame["area_code"].isin(comparison)]
    )["report_count"].sum()
    points = []
    for monday in mondays:
        t = float(totals.get((monday, True, False), 0))
        c = float(totals.get((monday, False, True), 0))
        year, week, _ = monday.isocalendar()
        points.append(WeekPoint(monday=monday, week_label=f"{year}-W{week:02d}",
                                treated_mean=t / len(treated), comparison_mean=c / len(comparison)))
    return points


def insatser_of_year(*, session: Session, kommun_code: str, year: int) -> list[int]:
    """Ids of the kommun's insatser that ran some time during the year, by start date."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    rows = session.exec(
        select(Insats.id).where(
            Insats.kommun_code == kommun_code,
            col(Insats.start_date) <= last,
            (col(Insats.end_date).is_(None)) | (col(Insats.end_date) >= first),
        ).order_by(col(Insats.start_date), col(Insats.id))
    ).all()
    return [int(i) for i in rows if i is not None]
