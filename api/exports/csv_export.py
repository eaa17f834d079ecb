"""CSV for Swedish Excel: report rows streamed page by page, and counts per week × area × category.

Both files are built from the one `ReportQuery` (api/reports/query.py), so a filter gives the same
reports here as on the map. Excel conventions: `;` separator, decimal comma, UTF-8 with BOM, CRLF.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd
from sqlalchemy import and_, select, tuple_
from sqlmodel import Session

from analysis.counts import count_cube
from analysis.weeks import iso_week_label
from api.areas import service as area_service
from api.areas.models import Area
from api.categories.models import Category
from api.exports.service import SOURCE_LABELS
from api.organisations.models import Organisation
from api.reports.models import Report
from api.reports.query import (
    ReportQuery,
    categories_frame,
    free_text_columns,
    query_conditions,
    reports_frame,
)

BOM = "\ufeff"
PAGE_SIZE = 5000
# A cell Excel (or LibreOffice) would read as a formula, or that hides a formula behind whitespace.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    name: str
    description: str


REPORT_COLUMNS = [
    Column("rapport_id", "Rapportens nummer i Lägesbild."),
    Column("datum", "Dag då det observerades (ÅÅÅÅ-MM-DD)."),
    Column("tid", "Klockslag (TT:MM) om det angavs, annars tomt."),
    Column("vecka", "ISO-vecka, till exempel 2026-W47."),
    Column("kommunkod", "Kommunens kod enligt SCB."),
    Column("omradeskod", "Områdets kod. Tomt för rapporter på kommunnivå (utan område)."),
    Column("omradesnamn", "Områdets namn. Tomt för rapporter på kommunnivå."),
    Column("kategorikod", "Kategorins kod."),
    Column("kategori", "Kategorins namn."),
    Column("kontextfaktor", "ja för kontextfaktorer (skollov, evenemang), som inte räknas på kartan."),
    Column("kalla", "Kanal: form (formulär), api, import (fil), police_feed (polisens händelser), "
                    "police_summary (polisens veckosammanställning), police_offences (polisanmälda brott)."),
    Column("organisation", "Rapporterande organisation."),
    Column("antal", "Antal händelser raden står för (1, eller fler i en sammanställning)."),
    Column("x_sweref99tm", "Östlig koordinat i SWEREF 99 TM (EPSG:3006), meter med en decimal och decimalkomma."),
    Column("y_sweref99tm", "Nordlig koordinat i SWEREF 99 TM (EPSG:3006), meter med en decimal och decimalkomma."),
    Column("granskning", "Granskningsstatus: ny eller godkand."),
]
FREE_TEXT_COLUMNS = [
    Column("platsbeskrivning", "Platsen med rapportörens ord (personnummer är maskerade). "
                               "Tom för känsliga kategorier (sexualbrott)."),
    Column("beskrivning", "Fritext (personnummer är maskerade). Tom för känsliga kategorier "
                          "(sexualbrott): den texten visas bara för säkerhetshandläggare i Lägesbild."),
]
# Labels beside the codes that are not already named (kategori is kategorikod's label): last, so every
# existing column keeps its position for the partner's own spreadsheets.
LABEL_COLUMNS = [
    Column("kalla_namn", "Kanalen i ord (kalla som text): Formulär, Filimport, Polisens händelser …"),
]
AGGREGATE_COLUMNS = [
    Column("vecka", "ISO-vecka, till exempel 2026-W47."),
    Column("kommunkod", "Kommunens kod enligt SCB."),
    Column("omradeskod", "Områdets kod. Tomt för kommunnivå (rapporter utan område)."),
    Column("omradesnamn", "Områdets namn. Tomt för kommunnivå."),
    Column("kategorikod", "Kategorins kod."),
    Column("kategori", "Kategorins namn."),
    Column("antal", "Summan av antal för veckan, området och kategorin – samma tal som kartan."),
]


def neutralise(value: str) -> str:
    """A text cell Excel will not run as a formula: a leading = + - @ tab or CR gets a `'`."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def decimal_comma(value: float | None, decimals: int = 1) -> str:
    """A number with a decimal comma ("510500,0"); empty when missing."""
    if value is None or pd.isna(value):
        return ""
    return f"{value:.{decimals}f}".replace(".", ",")


def _encode_lines(rows: Iterable[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buffer.getvalue()


def header_line(columns: list[Column]) -> bytes:
    """The BOM and the header row."""
    return (BOM + _encode_lines([[c.name for c in columns]])).encode("utf-8")


def report_columns(include_free_text: bool) -> list[Column]:
    """The report CSV's columns; free text only when asked for (it may name people)."""
    return REPORT_COLUMNS + (FREE_TEXT_COLUMNS if include_free_text else []) + LABEL_COLUMNS


def _report_statement(  # type: ignore[no-untyped-def]
    query: ReportQuery, after: tuple[date, int] | None, limit: int | None, include_free_text: bool
):
    report, area, category = Report.__table__, Area.__table__, Category.__table__  # type: ignore[attr-defined]
    organisation = Organisation.__table__  # type: ignore[attr-defined]
    columns = [
        report.c.id, report.c.observed_date, report.c.observed_time, report.c.kommun_code,
        area.c.code, area.c.name, category.c.code, category.c.name, category.c.is_context,
        report.c.source, organisation.c.name, report.c.report_count, report.c.x, report.c.y,
        report.c.review_status,
    ]
    if include_free_text:
        # As an export: a sensitive category's text stays empty (api/reports/query.py).
        columns += free_text_columns()
    conditions = query_conditions(query)
    if after is not None:
        # The date bound alone starts the index range at the last page's day (SQLite uses one
        # lower bound, and the row-value comparison is only a filter on the rows in range).
        conditions = query_conditions(replace(query, first_date=max(query.first_date, after[0])))
        conditions.append(tuple_(report.c.observed_date, report.c.id) > tuple_(*after))
    return (
        select(*columns)
        .select_from(report)
        .join(category, category.c.id == report.c.category_id)
        .outerjoin(area, area.c.id == report.c.area_id)
        .outerjoin(organisation, organisation.c.id == report.c.organisation_id)
        .where(and_(*conditions))
        .order_by(report.c.observed_date, report.c.id)
        .limit(limit)
    )


def _report_cells(row) -> list[str]:  # type: ignore[no-untyped-def]
    (report_id, observed, at, kommun, area_code, area_name, cat_code, cat_name, is_context,
     source, organisation, count, x, y, review, *free_text) = row
    cells = [
        str(report_id),
        observed.isoformat(),
        at.strftime("%H:%M") if at is not None else "",
        iso_week_label(observed),
        kommun,
        neutralise(area_code or ""),
        neutralise(area_name or ""),
        neutralise(cat_code),
        neutralise(cat_name),
        "ja" if is_context else "nej",
        source,
        neutralise(organisation or ""),
        str(count),
        decimal_comma(x),
        decimal_comma(y),
        review,
    ]
    return cells + [neutralise(text or "") for text in free_text] + [SOURCE_LABELS.get(source, source)]


def report_csv_chunks(
    *,
    open_session: Callable[[], Session],
    query: ReportQuery,
    include_free_text: bool = False,
    page_size: int = PAGE_SIZE,
) -> Iterator[bytes]:
    """The report CSV as byte chunks in date order, `page_size` rows at a time; memory stays flat."""
    yield header_line(report_columns(include_free_text))
    for rows in _row_pages(open_session, query, include_free_text, page_size):
        yield _encode_lines(_report_cells(row) for row in rows).encode("utf-8")


def _row_pages(open_session, query, include_free_text, page_size):  # type: ignore[no-untyped-def]
    """Pages of rows ordered by (observed_date, id).

    PostgreSQL: one query through a server-side cursor (MVCC: a long read blocks no one).
    SQLite: keyset pages, each in its own short read transaction, so a long download never keeps
    the WAL from being checkpointed while reporters write. The kommun/date
    index entries end with the rowid, so each page is one index range scan without a sort.
    """
    with open_session() as session:
        if session.get_bind().dialect.name == "postgresql":
            # Options on the statement, not the connection: Connection.execution_options changes
            # the connection itself, and a shared one would then run everything as a cursor.
            statement = _report_statement(query, None, None, include_free_text).execution_options(
                stream_results=True, yield_per=page_size
            )
            result = session.connection().execute(statement)
            yield from result.partitions()
            session.commit()
            return
    after: tuple[date, int] | None = None
    while True:
        with open_session() as session:
            rows = session.connection().execute(
                _report_statement(query, after, page_size, include_free_text)
            ).all()
            session.commit()
        if rows:
            yield rows
        if len(rows) < page_size:
            return
        after = (rows[-1][1], rows[-1][0])


def aggregate_frame(*, session: Session, query: ReportQuery) -> pd.DataFrame:
    """Counts per week × area × category with the map's own maths (`count_cube`), zeros left out.

    Kontextfaktorer and inactive categories are not counted, as on the map; reports without an area
    give kommun-level rows with an empty area.
    """
    frame = reports_frame(session=session, query=query)
    areas = area_service.load_areas_frame(session=session, kommun_code=query.kommun_code)
    categories = categories_frame(session=session, kommun_code=query.kommun_code)
    first_week, last_week = iso_week_label(query.first_date), iso_week_label(query.last_date)
    cube = count_cube(frame, areas, categories, first_week, last_week)
    area_names = dict(zip(areas.area_code, areas.area_name, strict=True))
    category_names = dict(zip(categories.category_code, categories.category_name, strict=True))
    rows = []
    for w, week in enumerate(cube.weeks):
        for c, category in enumerate(cube.categories):
            for a, area in enumerate(cube.areas):
                if cube.values[a, c, w]:
                    rows.append((week, area, area_names[area], category, int(cube.values[a, c, w])))
            if cube.kommun_level[c, w]:
                rows.append((week, "", "", category, int(cube.kommun_level[c, w])))
    result = pd.DataFrame(rows, columns=["vecka", "omradeskod", "omradesnamn", "kategorikod", "antal"])
    result.insert(1, "kommunkod", query.kommun_code)
    result.insert(5, "kategori", [category_names[c] for c in result.kategorikod])
    return result


def aggregate_csv_chunks(frame: pd.DataFrame) -> Iterator[bytes]:
    """The aggregate CSV of an `aggregate_frame` as byte chunks."""
    yield header_line(AGGREGATE_COLUMNS)
    for start in range(0, len(frame), PAGE_SIZE):
        part = frame.iloc[start:start + PAGE_SIZE]
        yield _encode_lines(
            [r.vecka, r.kommunkod, neutralise(r.omradeskod), neutralise(r.omradesnamn),
             neutralise(r.kategorikod), neutralise(r.kategori), str(r.antal)]
            for r in part.itertuples(index=False)
        ).encode("utf-8")
