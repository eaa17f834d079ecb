"""Aggregate counts for the read API: one `ReportQuery`, grouped by area, category and/or week.

The rules are those of the map and the kvartalsanalys package: reports come through the one query
object (counted review statuses, merged duplicates once), counting sums `report_count`, only active
non-context categories are counted, and a report without an area (or in an area outside the
kommun's active area set) is a kommun-level row with no area code. Rows with count 0 are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlmodel import Session

from analysis.counts import counted_categories, weekly_counts
from analysis.weeks import iso_week_label
from api.areas.service import load_areas_frame
from api.reports.query import ReportQuery, categories_frame, reports_frame

GROUP_BY = ("area", "category", "area_category", "week", "week_category")
DEFAULT_GROUP_BY = "area_category"
#: The longest period one call may cover: three years (one of them a leap year).
MAX_DAYS = 3 * 365 + 1

_KEYS = {
    "area": ("area_code",),
    "category": ("category_code",),
    "area_category": ("area_code", "category_code"),
    "week": ("iso_week",),
    "week_category": ("iso_week", "category_code"),
}


@dataclass
class ParamError:
    """One bad query parameter: the parameter's name, a machine-readable code, a Swedish message."""

    field: str
    code: str
    message: str


@dataclass
class CountsRequest:
    """The checked parameters of a counts call."""

    first_date: date
    last_date: date
    category_codes: tuple[str, ...] = ()
    area_codes: tuple[str, ...] = ()
    group_by: str = DEFAULT_GROUP_BY


def check_request(*, session: Session, kommun_code: str, request: CountsRequest) -> list[ParamError]:
    """The parameter errors of a request (empty when it can be answered), in Swedish."""
    errors: list[ParamError] = []
    if request.last_date < request.first_date:
        errors.append(ParamError("to", "before_from", "Parametern to måste vara samma dag som from eller senare."))
    elif (request.last_date - request.first_date).days + 1 > MAX_DAYS:
        errors.append(ParamError(
            "to", "span_too_long",
            f"Parametern to: perioden från from får vara högst tre år ({MAX_DAYS} dagar). Dela upp frågan."))
    if request.group_by not in GROUP_BY:
        errors.append(ParamError("group_by", "invalid_choice",
                                 "Parametern group_by måste vara en av: " + ", ".join(GROUP_BY) + "."))
    categories = categories_frame(session=session, kommun_code=kommun_code)
    counted = set(counted_categories(categories))
    known = set(categories["category_code"])
    for code in request.category_codes:
        if code not in known:
            errors.append(ParamError("category", "unknown_category",
                                     f"Parametern category: kategorin '{code}' finns inte i kommunen. "
                                     f"Giltiga koder: {', '.join(sorted(counted))}."))
        elif code not in counted:
            errors.append(ParamError(
                "category", "category_not_counted",
                f"Parametern category: '{code}' är en kontextfaktor eller inaktiv kategori och räknas inte."))
    areas = set(load_areas_frame(session=session, kommun_code=kommun_code)["area_code"])
    for code in request.area_codes:
        if code not in areas:
            errors.append(ParamError("area", "unknown_area",
                                     f"Parametern area: området '{code}' finns inte bland kommunens områden."))
    return errors


def counts_query(*, kommun_code: str, request: CountsRequest) -> ReportQuery:
    """The report query behind a counts request (the caller scopes it to the principal)."""
    return ReportQuery(kommun_code, request.first_date, request.last_date,
                       area_codes=request.area_codes,
                       category_codes=request.category_codes)


def count_rows(*, session: Session, query: ReportQuery, group_by: str) -> list[dict[str, Any]]:
    """The non-zero counts of the query's reports, grouped as asked, in area/category/week order."""
    if group_by not in _KEYS:
        raise ValueError(f"okänd gruppering '{group_by}'")
    frame = reports_frame(session=session, query=query)
    areas = load_areas_frame(session=session, kommun_code=query.kommun_code)
    categories = categories_frame(session=session, kommun_code=query.kommun_code)
    first_week = str(iso_week_label(pd.Timestamp(query.first_date)))
    last_week = str(iso_week_label(pd.Timestamp(query.last_date)))
    # The frame holds only the query's dates, so a week cut by from/to counts only its days inside.
    weekly = weekly_counts(frame, areas["area_code"].tolist(), categories, first_week, last_week,
                           other_areas="kommun")
    keys = list(_KEYS[group_by])
    # dropna=False keeps the kommun-level rows (area_code missing).
    grouped = weekly.groupby(keys, observed=True, sort=True, dropna=False)["count"].sum().reset_index()
    grouped = grouped[grouped["count"] > 0]
    area_names = dict(zip(areas["area_code"], areas["area_name"], strict=True))
    category_names = dict(zip(categories["category_code"], categories["category_name"], strict=True))
    rows = []
    for record in grouped.to_dict("records"):
        row: dict[str, Any] = {}
        if "iso_week" in keys:
            row["iso_week"] = str(record["iso_week"])
        if "area_code" in keys:
            code = record["area_code"]
            row["area_code"] = None if pd.isna(code) else str(code)
            row["area_name"] = None if pd.isna(code) else area_names[str(code)]
        if "category_code" in keys:
            row["category_code"] = str(record["category_code"])
            row["category_name"] = category_names[str(record["category_code"])]
        row["count"] = int(record["count"])
        rows.append(row)
    return rows
