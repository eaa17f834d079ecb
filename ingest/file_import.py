"""Import observations from CSV/XLSX files exported by other systems: mapping and validation.

Flow: :func:`ingest.tabular.read_table` turns the bytes into rows (or raises
:class:`ImportRejected`); :func:`find_header_row` finds the header even below title rows;
:func:`propose_mapping` maps Swedish or English header names to fields (those two and
:data:`FIELDS` live in :mod:`ingest.import_columns` and are re-exported here);
:func:`preview_import` validates every row and returns the records with a row-level error list
the user can act on.

The mapping is a plain dict ``field -> header text as in the file``, e.g.
``{"category": "Kategori", "date": "Datum", "x": "X"}``, so the api can store it per
organisation as a template and pass it back next time. Fields: see :data:`FIELDS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from pydantic import ValidationError

from ingest.coordinate_systems import CoordinateReading, crs_from_header, read_coordinates
from ingest.import_columns import (
    FIELDS,
    describe_columns,
    find_header_row,
    propose_mapping,
    resolve_columns,
)
from ingest.personnummer import mask_personnummer, names_people_hint
from ingest.placement import outside_kommun
from ingest.records import (
    MAX_DESCRIPTION_CHARS,
    MAX_EXTERNAL_ID_CHARS,
    MAX_PLACE_TEXT_CHARS,
    NUL,
    IngestResult,
    ReportRecord,
    RowError,
)
from ingest.tabular import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_CELL_CHARS,
    DEFAULT_MAX_ROWS,
    ImportRejected,
    read_table,
)
from ingest.values import (
    CategoryMatcher,
    as_text,
    is_blank,
    parse_count,
    parse_date,
    parse_time,
)

__all__ = [
    "FIELDS",
    "ImportPreview",
    "ImportRejected",
    "find_header_row",
    "preview_import",
    "propose_mapping",
]

@dataclass
class ImportPreview:
    """Result of :func:`preview_import`: what would be imported, and what is wrong."""

    result: IngestResult
    mapping: dict[str, str]
    headers: list[str]
    header_row: int  #: 1-based row number of the header as the user sees it
    kind: str  #: "csv" or "xlsx"
    encoding: str | None = None
    delimiter: str | None = None
    masked_count: int = 0  #: personnummer masked in free text
    notes: list[str] = field(default_factory=list)  #: Swedish notes for the user
    #: File row number of each record in ``result.records`` (same order, same length).
    record_rows: list[int] = field(default_factory=list)
    #: Every column of the file and what it is used as (Swedish), or "ignorerad".
    columns: list[tuple[str, str]] = field(default_factory=list)
    coordinate_system: str = ""  #: label of the coordinate system used, e.g. "SWEREF 99 TM"
    coordinate_note: str = ""  #: Swedish: how the coordinate system was chosen


def preview_import(
    data: bytes,
    *,
    kommun_code: str,
    categories: Any,
    today: date | None = None,
    mapping: Mapping[str, str] | None = None,
    category_aliases: Mapping[str, str] | None = None,
    areas: Mapping[str, str] | None = None,
    kommun_geom: Any = None,
    within: Any = None,
    organisation_id: int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_cell_chars: int = DEFAULT_MAX_CELL_CHARS,
) -> ImportPreview:
    """Read, map and validate a CSV/XLSX file; return records plus row errors (nothing stored).

    Parameters
    ----------
    data : bytes
        File content.
    kommun_code : str
        The importing kommun (4 digits).
    categories : pandas.DataFrame or mapping
        Categories frame or ``code -> Swedish name`` (see :class:`ingest.values.CategoryMatcher`).
    today : date, optional
        When given, dates after ``today`` are row errors (``future_date``).
    mapping : mapping, optional
        ``field -> header``; a saved template. Default: :func:`propose_mapping`.
    category_aliases : mapping, optional
        ``alias -> category_code`` for this organisation's own words.
    areas : mapping, optional
        ``area_code -> area_name``; when given, the area column must name a known area (code or
        name) and is stored as its code.
    kommun_geom : shapely geometry, optional
        Kommun boundary (EPSG:3006); points outside it are row errors (``outside_kommun``).
    within : shapely geometry or sequence of them, optional
        Where the points are expected (the kommun's areas, EPSG:3006), used only to tell the
        coordinate system from the values (a SWEREF 99 local zone); defaults to ``kommun_geom``.
    organisation_id : int, optional
        Stamped on every record.
    max_bytes, max_rows, max_cell_chars : int
        Limits, see :func:`ingest.tabular.read_table`.

    Returns
    -------
    ImportPreview

    Raises
    ------
    ImportRejected
        The whole file is unusable (format, size, limits, no category or date column).

    Examples
    --------
    >>> from datetime import date
    >>> csv = "Kategori;Datum;Plats\\nKlotter;21/11/2026;Torget\\nokänd;2026-11-20;\\n"
    >>> p = preview_import(csv.encode("cp1252"), kommun_code="1880",
    ...                    categories={"klotter": "Klotter"}, today=date(2026, 11, 21))
    >>> [(r.category_code, r.observed_date.isoformat(), r.place_text) for r in p.result.records]
    [('klotter', '2026-11-21', 'Torget')]
    >>> [(e.row, e.column, e.code) for e in p.result.errors]
    [(3, 'Kategori', 'unknown_category')]
    """
    table = read_table(data, max_bytes=max_bytes, max_rows=max_rows, max_cell_chars=max_cell_chars)
    header_idx = find_header_row(table.rows, set(mapping.values()) if mapping else None)
    headers = ["" if is_blank(c) else str(c).strip() for c in table.rows[header_idx]]
    mapping = dict(mapping) if mapping else propose_mapping(headers)
    columns = resolve_columns(mapping, headers)
    matcher = CategoryMatcher(categories, category_aliases)
    area_matcher = CategoryMatcher(areas) if areas is not None else None

    body = [
        (table.row_numbers[i], cells)
        for i, cells in enumerate(table.rows[header_idx + 1 :], start=header_idx + 1)
        if any(not is_blank(c) for c in cells)
    ]

    reading, coord_field = _coordinates(
        body, columns, mapping, kommun_geom, within if within is not None else kommun_geom
    )
    xs, ys, coord_errors = (reading.x, reading.y, reading.error) if reading else (
        np.full(len(body), np.nan), np.full(len(body), np.nan), [None] * len(body))

    records: list[ReportRecord] = []
    record_rows: list[int] = []
    errors: list[RowError] = []
    masked_total = 0
    for k, (row_no, cells) in enumerate(body):
        row = _Row(row_no, cells, columns, mapping)
        category = row.category(matcher)
        observed_date, observed_time = row.when(today)
        involved = row.count()
        area_code = row.area(area_matcher)
        coord_error = coord_errors[k]
        if coord_error is not None:
            row.coordinate_error(coord_field, coord_error, reading)
        place, n_place = mask_personnummer(row.text("place", MAX_PLACE_TEXT_CHARS))
        description, n_desc = mask_personnummer(row.text("description", MAX_DESCRIPTION_CHARS))
        external_id = row.text("external_id", MAX_EXTERNAL_ID_CHARS)
        row.fits("place", place, MAX_PLACE_TEXT_CHARS)  # masking lengthens the text a little
        row.fits("description", description, MAX_DESCRIPTION_CHARS)
        if row.errors:
            errors.extend(row.errors)
            continue
        masked_total += n_place + n_desc
        try:
            records.append(
                ReportRecord(
                    kommun_code=kommun_code,
                    category_code=category,
                    observed_date=observed_date,
                    observed_time=observed_time,
                    place_text=place,
                    description=description,
                    x=None if np.isnan(xs[k]) else float(xs[k]),
                    y=None if np.isnan(ys[k]) else float(ys[k]),
                    area_code=area_code,
                    external_id=external_id,
                    source="import",
                    organisation_id=organisation_id,
                    involved_count=involved,
                    personnummer_masked=(n_place + n_desc) > 0,
                    names_people_hint=names_people_hint(description),
                )
            )
            record_rows.append(row_no)
        except ValidationError as err:
            errors.append(RowError(row_no, None, None, "invalid_row",
                                   f"Rad {row_no}: raden kunde inte tolkas ({_first_msg(err)})"))

    notes = list(table.notes)
    if masked_total:
        notes.append(f"{masked_total} personnummer maskerades i fritexten.")
    return ImportPreview(
        result=IngestResult(records, errors, notices=notes),
        mapping=mapping,
        headers=headers,
        header_row=table.row_numbers[header_idx],
        kind=table.kind,
        encoding=table.encoding,
        delimiter=table.delimiter,
        masked_count=masked_total,
        notes=notes,
        record_rows=record_rows,
        columns=describe_columns(headers, mapping, _uses(body, columns, reading)),
        coordinate_system=reading.system.label if reading and reading.system else "",
        coordinate_note=reading.note if reading else "",
    )


def _uses(body: list[tuple[int, list[Any]]], columns: dict[str, int],
          reading: CoordinateReading | None) -> dict[str, str]:
    """Labels of the columns whose use depends on their values: coordinates, an empty area column."""
    uses: dict[str, str] = {}
    if "area" in columns and all(
        is_blank(cells[columns["area"]]) for _, cells in body if columns["area"] < len(cells)
    ):
        uses["area"] = "område (tom i alla rader; platsen tas från koordinaterna eller platstexten)"
    if reading is None:
        return uses
    a, b = ("x", "y") if "x" in columns else ("lat", "lon")
    if all(np.isnan(reading.x)) and all(e is None for e in reading.error):
        uses[a] = uses[b] = "koordinat (tom i alla rader)"
        return uses
    system = "okänt koordinatsystem" if reading.system is None else reading.system.label
    if reading.system is not None and reading.system.geographic:
        first, second = "latitud", "longitud"
    else:
        first, second = "nordlig koordinat (N)", "östlig koordinat (E)"
    if not reading.northing_first:
        first, second = second, first
    uses[a], uses[b] = f"{first}, {system}", f"{second}, {system}"
    if a == "x":
        for name in ("lat", "lon"):
            if name in columns:
                uses[name] = "ignorerad (koordinaterna tas från X/Y-kolumnerna)"
    return uses


def _coordinates(
    body: list[tuple[int, list[Any]]], columns: dict[str, int], mapping: Mapping[str, str],
    kommun_geom: Any, within: Any,
) -> tuple[CoordinateReading | None, str]:
    """Read every row's coordinate pair in one vectorised call (system from header or values)."""
    if "x" in columns:
        a_name, b_name = "x", "y"
    elif "lat" in columns:
        a_name, b_name = "lat", "lon"
    else:
        return None, "x"

    def col(name: str) -> np.ndarray:
        i = columns[name]
        return np.array([c[i] if i < len(c) else None for _, c in body], dtype=object)

    hint = crs_from_header(mapping[a_name]) or crs_from_header(mapping[b_name])
    reading = read_coordinates(col(a_name), col(b_name), hint=hint, within=within,
                               geographic_only=a_name == "lat")
    if kommun_geom is not None and len(body):
        for i in np.flatnonzero(outside_kommun(reading.x, reading.y, kommun_geom)):
            reading.error[i] = reading.error[i] or "outside_kommun"
    return reading, a_name


class _Row:
    """One data row: typed access to mapped cells and Swedish row errors."""

    def __init__(self, row_no: int, cells: list[Any], columns: dict[str, int],
                 mapping: Mapping[str, str]) -> None:
        self.row_no = row_no
        self.cells = cells
        self.columns = columns
        self.mapping = mapping
        self.errors: list[RowError] = []

    def value(self, name: str) -> Any:
        idx = self.columns.get(name)
        return self.cells[idx] if idx is not None and idx < len(self.cells) else None

    def fail(self, name: str, value: Any, code: str, reason: str) -> None:
        header = self.mapping.get(name, FIELDS[name][0])
        message = f"Rad {self.row_no}, kolumn \"{header}\": {reason}"
        self.errors.append(RowError(self.row_no, header, value, code, message))

    def text(self, name: str, limit: int) -> str | None:
        """The cell as text when it fits its column (``limit`` characters) and holds no NUL."""
        text = as_text(self.value(name))
        if text is None:
            return None
        if NUL in text:
            self.fail(name, None, "invalid_character", "texten innehåller ett otillåtet tecken (NUL)")
            return None
        return text if self.fits(name, text, limit) else None

    def fits(self, name: str, text: str | None, limit: int) -> bool:
        if text is not None and len(text) > limit:
            self.fail(name, None, "too_long", f"texten är {len(text)} tecken lång; högst {limit} får plats")
            return False
        return True

    def category(self, matcher: CategoryMatcher) -> str | None:
        raw = self.value("category")
        code = matcher.match(raw)
        if is_blank(raw):
            self.fail("category", raw, "required", "kategori saknas")
        elif code is None:
            self.fail("category", raw, "unknown_category", matcher.unknown_message(raw))
        return code

    def when(self, today: date | None) -> tuple[date | None, Any]:
        raw = self.value("date")
        day, clock = None, None
        if is_blank(raw):
            self.fail("date", raw, "required", "datum saknas")
        else:
            try:
                day, clock = parse_date(raw)
            except ValueError as err:
                self.fail("date", raw, "invalid_date", str(err))
            if day is not None and today is not None and day > today:
                reason = f"datumet {day.isoformat()} ligger i framtiden"
                self.fail("date", raw, "future_date", reason)
        raw_time = self.value("time")
        if not is_blank(raw_time):
            try:
                clock = parse_time(raw_time)
            except ValueError as err:
                self.fail("time", raw_time, "invalid_time", str(err))
        return day, clock

    def count(self) -> int | None:
        raw = self.value("count")
        if is_blank(raw):
            return None
        try:
            return parse_count(raw)
        except ValueError as err:
            self.fail("count", raw, "invalid_number", str(err))
            return None

    def area(self, area_matcher: CategoryMatcher | None) -> str | None:
        text = as_text(self.value("area"))
        if text is None or area_matcher is None:
            return text
        code = area_matcher.match(text)
        if code is None:
            self.fail("area", text, "unknown_area", f"okänt område \"{text}\"")
        return code

    def coordinate_error(self, name: str, code: str, reading: CoordinateReading | None) -> None:
        if code == "outside_kommun":
            reason = "platsen ligger utanför kommunen"
        else:
            reason = reading.message(code) if reading else code
        other = {"x": "y", "y": "x", "lat": "lon", "lon": "lat"}[name]
        # Name the empty one of a half-filled pair, so the user sees which cell to fill in.
        if code == "missing_coordinate" and is_blank(self.value(name)) is False:
            name = other if is_blank(self.value(other)) else name
        self.fail(name, as_text(self.value(name)), code, reason)


def _first_msg(err: ValidationError) -> str:
    first = err.errors()[0]
    return f"{'.'.join(str(p) for p in first.get('loc', ()))}: {first.get('msg', '')}"
