"""Kommunpolisens veckosammanställning: counts per area (or place) and category for a week.

The kommunpolis often sends the week's figures as a small spreadsheet rather than single events.
They are stored as **aggregate records** (``source="police_summary"``, ``report_count`` = the stated
number), never split into invented single events.

File format (CSV; header names in Swedish or English, case and diacritics ignored)::

    vecka;område;kategori;antal;kommentar
    2026-W47;Vivalla;skadegorelse;3;
    2026-W47;1880R003;Misshandel;1;Vid centrumbyggnaden
    2026-W47;;Rån;2;Hela kommunen

Columns (other accepted header spellings in brackets):

* ``vecka`` (week, v): ISO week, ``2026-W47``, ``2026W47``, ``2026-47``, ``2026 v47`` or
  ``v47 2026``;
* ``område`` (omrade, area, area_code, plats, place): area code, area name or a gazetteer place;
  empty, "kommun" or "hela kommunen" means kommun level;
* ``kategori`` (category, category_code): category code or Swedish name;
* ``antal`` (count, number, report_count): whole number ≥ 0 (rows with 0 are skipped, not stored);
* ``kommentar`` (comment, description; optional): free text.

Separator ``;``, ``,`` or tab; encoding UTF-8 (with or without BOM) or Windows-1252 (older Excel).
Row numbers in errors count the header as row 1, as in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from datetime import date

import pandas as pd
from pydantic import ValidationError

from ingest.gazetteer import Gazetteer, fold
from ingest.kommuner import KOMMUNER
from ingest.personnummer import mask_personnummer
from ingest.records import IngestResult, ReportRecord, RowError

__all__ = ["parse_police_summary", "HEADER_ALIASES"]

#: Canonical column -> accepted header spellings (compared after :func:`ingest.gazetteer.fold`).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "vecka": ("vecka", "week", "v", "iso vecka", "iso week"),
    "omrade": ("omrade", "area", "area code", "area_code", "omradeskod", "plats", "place",
               "omrade plats"),
    "kategori": ("kategori", "category", "category code", "category_code", "brottskategori"),
    "antal": ("antal", "count", "number", "report count", "report_count", "antal handelser"),
    "kommentar": ("kommentar", "comment", "description", "beskrivning"),
}
_REQUIRED = ("vecka", "omrade", "kategori", "antal")
_SHOWN = {"vecka": "vecka", "omrade": "område", "kategori": "kategori", "antal": "antal",
          "kommentar": "kommentar"}
_KOMMUN_LEVEL = {"", "kommun", "kommunen", "hela kommunen", "kommunniva", "-"}
_WEEK_RE = re.compile(r"^(\d{4})\s*[-‐]?\s*(?:w|v|vecka)?\s*(\d{1,2})$", re.IGNORECASE)
_WEEK_RE2 = re.compile(r"^(?:w|v|vecka)\s*(\d{1,2})\s*[-‐,]?\s*(\d{4})$", re.IGNORECASE)


def _decode(data) -> str:
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    if not isinstance(data, bytes | bytearray):
        raise ValueError("veckosammanställningen måste ges som text eller bytes")
    try:
        return bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError:
        return bytes(data).decode("cp1252")


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _map_headers(header: list[str]) -> dict[str, int]:
    lookup = {alias: canon for canon, aliases in HEADER_ALIASES.items() for alias in aliases}
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        canon = lookup.get(fold(name))
        if canon and canon not in found:
            found[canon] = i
    missing = [_SHOWN[c] for c in _REQUIRED if c not in found]
    if missing:
        raise ValueError(f"veckosammanställningen saknar kolumnen '{missing[0]}'")
    return found


def _parse_week(text: str) -> tuple[date, str] | None:
    text = text.strip()
    m = _WEEK_RE.match(text)
    if m:
        year, week = int(m.group(1)), int(m.group(2))
    else:
        m = _WEEK_RE2.match(text)
        if not m:
            return None
        week, year = int(m.group(1)), int(m.group(2))
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        return None
    return monday, f"{year}-W{week:02d}"


def _parse_count(text: str) -> int | None:
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    m = re.fullmatch(r"(\d+)(?:[.,]0+)?", t)
    return int(m.group(1)) if m else None


def _category_lookup(categories) -> dict[str, str]:
    if isinstance(categories, pd.DataFrame):
        if "category_code" not in categories.columns:
            raise ValueError("kategorier saknar kolumnen 'category_code'")
        frame = categories
        if "active" in frame.columns:
            frame = frame[frame["active"].fillna(True).astype(bool)]
        lookup = {}
        has_names = "category_name" in frame.columns
        names = frame["category_name"] if has_names else frame["category_code"]
        for code, name in zip(frame["category_code"], names, strict=True):
            lookup[fold(str(name))] = str(code)
        for code in frame["category_code"]:
            lookup[fold(str(code))] = str(code)
        return lookup
    if isinstance(categories, Mapping):  # code -> name
        lookup = {fold(str(name)): str(code) for code, name in categories.items()}
        lookup.update({fold(str(code)): str(code) for code in categories})
        return lookup
    raise ValueError("kategorier måste vara en DataFrame eller en dict kod -> namn")


def _area_lookup(areas) -> dict[str, str]:
    if areas is None:
        return {}
    frame = areas if isinstance(areas, pd.DataFrame) else pd.DataFrame(list(areas))
    for col in ("area_code", "area_name"):
        if col not in frame.columns:
            raise ValueError(f"områden saknar kolumnen '{col}'")
    lookup = {fold(str(n)): str(c) for c, n in zip(frame["area_code"], frame["area_name"],
                                                     strict=True)}
    lookup.update({fold(str(c)): str(c) for c in frame["area_code"]})
    return lookup


def _resolve_area(cell: str, areas: dict[str, str], gazetteer: Gazetteer | None):
    """Area code, None for kommun level, or False when unknown."""
    key = fold(cell)
    if key in _KOMMUN_LEVEL:
        return None
    if key in areas:
        return areas[key]
    if gazetteer is not None:
        match = gazetteer.match_text(cell)
        if match is not None and fold(cell[match.start : match.end]) == key:
            return match.area_code
    return False


def parse_police_summary(
    data,
    *,
    kommun_code: str,
    categories,
    areas=None,
    gazetteer: Gazetteer | None = None,
) -> IngestResult:
    """Parse kommunpolisens weekly summary CSV into aggregate police-summary records.

    Parameters
    ----------
    data : bytes or str
        The CSV file's content (format in the module docstring).
    kommun_code : str
        SCB code of the kommun the summary is for ("1880").
    categories : pandas.DataFrame or dict
        The categories frame (``category_code``, ``category_name``, optional ``active``) or a
        dict code -> Swedish name. Cells may give the code or the name.
    areas : pandas.DataFrame or list of dict, optional
        ``area_code`` and ``area_name`` of the current area set (geometry ignored).
    gazetteer : Gazetteer, optional
        Resolves place names that are not area names ("Vivallatorget"); the whole cell must be
        the place's name or alias.

    Returns
    -------
    IngestResult
        ``records``: one ``ReportRecord`` per non-zero row, ``observed_period="vecka"``,
        ``observed_date`` = the week's Monday, ``report_count`` = ``antal``; ``errors`` with
        Swedish messages and spreadsheet row numbers; ``skipped`` = rows with ``antal`` 0.

    Raises
    ------
    ValueError
        When the file is empty, a required column is missing or ``kommun_code`` is unknown.

    Examples
    --------
    >>> csv_text = "vecka;område;kategori;antal\\n2026-W47;Vivalla;Skadegörelse;3\\n"
    >>> res = parse_police_summary(
    ...     csv_text, kommun_code="1880", categories={"skadegorelse": "Skadegörelse"},
    ...     areas=[{"area_code": "1880R029", "area_name": "Vivalla"}])
    >>> r = res.records[0]
    >>> r.area_code, r.category_code, str(r.observed_date), r.report_count, r.source
    ('1880R029', 'skadegorelse', '2026-11-16', 3, 'police_summary')
    """
    if kommun_code not in KOMMUNER:
        raise ValueError(f"okänd kommunkod: {kommun_code!r}")
    text = _decode(data)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ValueError("veckosammanställningen är tom")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(lines[0]))
    rows = list(reader)
    cols = _map_headers(rows[0])
    cat_lookup = _category_lookup(categories)
    area_lookup = _area_lookup(areas)
    result = IngestResult(records=[], errors=[])
    seen: dict[tuple[str, str, str], int] = {}
    for row_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {c: (row[i].strip() if i < len(row) else "") for c, i in cols.items()}
        parsed = _parse_row(row_no, cells, cat_lookup, area_lookup, gazetteer)
        if isinstance(parsed, list):
            result.errors.extend(parsed)
            continue
        monday, week, count, area, category = parsed
        key = (week, fold(cells["omrade"]), category)
        if key in seen:
            result.errors.append(RowError(
                row_no, "område", cells["omrade"], "duplicate",
                f"Rad {row_no}: samma vecka, område och kategori finns redan på rad {seen[key]}",
            ))
            continue
        seen[key] = row_no
        if count == 0:
            result.skipped += 1
            continue
        comment = mask_personnummer(cells.get("kommentar") or None)
        try:
            record = ReportRecord(
                kommun_code=kommun_code,
                category_code=category,
                observed_date=monday,
                observed_period="vecka",
                area_code=area,
                place_text=cells["omrade"] or None,
                description=comment.text,
                personnummer_masked=comment.count > 0,
                external_id=f"{week}|{area or 'kommun'}|{category}|{fold(cells['omrade'])}",
                source="police_summary",
                report_count=count,
            )
        except ValidationError as err:  # text longer than the report's columns hold, or a NUL
            field = {"place_text": "område", "external_id": "område", "description": "kommentar"}.get(
                str(err.errors()[0].get("loc", ("",))[0]), "kommentar")
            result.errors.append(RowError(
                row_no, field, None, "invalid",
                f"Rad {row_no}: {field} är för lång eller innehåller otillåtna tecken",
            ))
            continue
        result.records.append(record)
    return result


def _parse_row(row_no, cells, cat_lookup, area_lookup, gazetteer):
    """(monday, week label, count, area code or None, category code), or the row's errors."""
    errors: list[RowError] = []

    def add(col: str, code: str, what: str) -> None:
        errors.append(RowError(row_no, _SHOWN[col], cells[col], code, f"Rad {row_no}: {what}"))

    week = _parse_week(cells["vecka"]) if cells["vecka"] else None
    if not cells["vecka"]:
        add("vecka", "required", "vecka saknas")
    elif week is None:
        add("vecka", "invalid_week", "vecka ska skrivas som 2026-W47")
    category = cat_lookup.get(fold(cells["kategori"])) if cells["kategori"] else None
    if not cells["kategori"]:
        add("kategori", "required", "kategori saknas")
    elif category is None:
        valid = ", ".join(sorted(set(cat_lookup.values())))
        add("kategori", "unknown_category", f"okänd kategori '{cells['kategori']}'; giltiga kategorier: {valid}")
    count = _parse_count(cells["antal"]) if cells["antal"] else None
    if not cells["antal"]:
        add("antal", "required", "antal saknas")
    elif count is None:
        add("antal", "invalid_count", "antal måste vara ett heltal, 0 eller större")
    area = _resolve_area(cells["omrade"], area_lookup, gazetteer)
    if area is False:
        add("omrade", "unknown_area", f"okänt område '{cells['omrade']}'")
    if errors or week is None or category is None or count is None:
        return errors
    return week[0], week[1], count, area, category
