"""The follow-up report of a medborgarlöfte for a chosen period: what the PDF shows, read once.

Every number comes from `follow_up.py` (the same functions the follow-up page uses); this module
only chooses the period, cuts the logs at the period's end and labels indicator rows.

The report period
-----------------
Without a choice the report covers the löfte's own period up to today (from the löfte's start to
today, or to its end if that has passed): the åtaganden's targets and the indicators' goals are set
for the whole löfte, so that is what a reader at the police or the kommun's board can judge. The
user may pick any other span (a quarter, a year). The report is then read *as of the period's
end*: activity and återkoppling dated after it are left out, and the indicators count up to the
last complete period before the end. With an end of today or later the numbers equal the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from analysis.effects import INSUFFICIENT
from analysis.periods import parse_period, period_dates
from api.kommuner.models import Kommun
from api.promises import follow_up
from api.promises.follow_up import AterkopplingStatus, Completion, FollowUp, IndicatorView
from api.promises.models import Aterkoppling, Medborgarlofte
from api.review import service as review_service
from api.users.principal import Principal

Errors = dict[str, str]
FROM_FIELD, TO_FIELD = "rapport_fran", "rapport_till"
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Outside this span a date is a typo, and date arithmetic near year 1 would overflow.
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


@dataclass(frozen=True)
class ReportPeriod:
    """The report's span (inclusive) and whether the user chose it."""

    first: date
    last: date
    chosen: bool = False


def default_period(promise: Medborgarlofte, today: date, first: date | None = None) -> ReportPeriod:
    """The löfte's period up to today (never ending before it starts)."""
    start = first or promise.period_start_date
    return ReportPeriod(start, max(start, min(today, promise.period_end_date)))


def parse_period_input(raw_from: str, raw_to: str, *, promise: Medborgarlofte,
                       today: date) -> tuple[ReportPeriod | None, Errors]:
    """Read the optional `from`/`to` ISO dates; Swedish errors keyed by the form field's id."""
    errors: Errors = {}
    first = _iso(raw_from, FROM_FIELD, "Från och med", errors)
    last = _iso(raw_to, TO_FIELD, "Till och med", errors)
    if errors:
        return None, errors
    fallback = default_period(promise, today, first)
    period = ReportPeriod(first or fallback.first, last or fallback.last,
                          chosen=bool(raw_from.strip() or raw_to.strip()))
    if period.last < period.first:
        errors[TO_FIELD if last else FROM_FIELD] = "Till och med kan inte vara före från och med."
        return None, errors
    return period, errors


def _iso(raw: str, key: str, label: str, errors: Errors) -> date | None:
    text = raw.strip()
    if not text:
        return None
    try:
        if not ISO_DATE.fullmatch(text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        errors[key] = f"{label} måste vara ett datum som ÅÅÅÅ-MM-DD, till exempel 2026-09-30."
        return None
    if not EARLIEST <= day <= LATEST:
        errors[key] = f"{label} måste ligga mellan {EARLIEST.isoformat()} och {LATEST.isoformat()}."
        return None
    return day


@dataclass(frozen=True)
class CompletionRow:
    """An åtagande as of the report's end, and what was done within the report period."""

    completion: Completion
    done_in_period: int


@dataclass(frozen=True)
class IndicatorRow:
    """One period's value with what it is in the report: baseline, within the period, or neither."""

    label: str
    value: float
    baseline: bool
    in_period: bool


@dataclass
class IndicatorReport:
    """An indicator's view (from follow_up.py), its reading and its labelled rows."""

    view: IndicatorView
    reading: str
    sentence: str
    baseline: float | None
    rows: list[IndicatorRow] = field(default_factory=list)


@dataclass
class PromiseReport:
    """Everything the PDF shows for one löfte and period."""

    promise: Medborgarlofte
    kommun_name: str
    period: ReportPeriod
    as_of: date
    area_names: dict[str, str]
    category_names: dict[str, str]
    completions: list[CompletionRow]
    indicators: list[IndicatorReport]
    aterkopplingar: list[Aterkoppling]
    aterkoppling: AterkopplingStatus
    view: FollowUp
    generated_at: str = ""
    generated_by: str = ""

    @property
    def audit_filter(self) -> dict[str, Any]:
        """What the export read: the period and the report filters of its indicators."""
        return {"fran": self.period.first.isoformat(), "till": self.period.last.isoformat(),
                "indikatorer": self.view.report_filters}


def promise_report(*, session: Session, principal: Principal, promise: Medborgarlofte,
                   period: ReportPeriod, today: date, generated_at: str = "",
                   generated_by: str = "") -> PromiseReport:
    """The follow-up of the löfte as of the period's end, with its logs cut to the period."""
    as_of = min(period.last, today)
    # follow_up counts indicators to the last period complete *before* the day it is given.
    view_day = as_of + timedelta(days=1) if as_of < today else today
    view = follow_up.follow_up_view(session=session, principal=principal, promise=promise,
                                    today=view_day)
    completions = []
    for c in view.completions:
        log = [e for e in c.log if e.done_date <= period.last]
        completions.append(CompletionRow(
            Completion(c.atagande, sum(e.done_count for e in log), log),
            sum(e.done_count for e in log if e.done_date >= period.first)))
    notes = [n for n in view.aterkopplingar if n.aterkoppling_date <= period.last]
    status = follow_up.aterkoppling_status(
        last_date=notes[0].aterkoppling_date if notes else None,
        start_date=promise.period_start_date, interval_days=promise.aterkoppling_interval_days,
        today=as_of)
    in_period = sorted((n for n in notes if n.aterkoppling_date >= period.first),
                       key=lambda n: (n.aterkoppling_date, n.id or 0))
    kommun = session.get(Kommun, promise.kommun_code)
    areas = {a.code: a.name for a in review_service.area_choices(
        session=session, kommun_code=promise.kommun_code)}
    categories = {c.code: c.name for c in review_service.category_choices(
        session=session, kommun_code=promise.kommun_code)}
    return PromiseReport(
        promise=promise, kommun_name=kommun.name if kommun else promise.kommun_code,
        period=period, as_of=as_of, area_names=areas,
        category_names=categories, completions=completions,
        indicators=[_indicator(iv, period) for iv in view.indicators],
        aterkopplingar=in_period, aterkoppling=status, view=view,
        generated_at=generated_at, generated_by=generated_by)


def _indicator(view: IndicatorView, period: ReportPeriod) -> IndicatorReport:
    ind = view.indicator
    base: tuple[int, int] | None = None
    if ind.kind == "rapporter" and ind.baseline_start_date and ind.baseline_end_date:
        base = (parse_period(follow_up.period_label(ind.baseline_start_date, ind.period)).ordinal,
                parse_period(follow_up.period_label(ind.baseline_end_date, ind.period)).ordinal)
    rows = []
    for label, value in view.rows:
        first, last = period_dates(label)
        ordinal = parse_period(label).ordinal
        rows.append(IndicatorRow(label, value,
                                 baseline=base is not None and base[0] <= ordinal <= base[1],
                                 in_period=first <= period.last and last >= period.first))
    result = view.result
    return IndicatorReport(
        view=view, reading=result.assessment if result else INSUFFICIENT,
        sentence=result.sentence if result else view.message,
        baseline=result.baseline if result else ind.baseline_value, rows=rows)
