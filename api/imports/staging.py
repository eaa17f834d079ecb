"""Reading an uploaded file with a column mapping, and storing its valid rows (or trying to).

``analyse`` reads and validates the bytes (``ingest.file_import``) and works out each valid
record's row number in the file; ``dry_run`` stores inside a savepoint that is always rolled back,
so a preview's counts (new rows, rows with errors, rows already imported) are exactly what a
commit would do; ``store_file`` stores through ``api.reports.service.store_records`` and, in strict
mode, keeps nothing when a single row is bad (and names every bad row, the store's included).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import numpy as np
from pyproj import Transformer
from sqlmodel import Session

from api.areas import service as area_service
from api.categories import service as category_service
from api.core.errors import AppError
from api.reports import service as report_service
from api.reports.service import StoreOutcome, StoreRejected
from ingest.category_vocabulary import Suggestion, suggest_categories
from ingest.file_import import FIELDS, find_header_row, preview_import, propose_mapping
from ingest.import_columns import describe_columns
from ingest.placement import assign_areas
from ingest.records import ReportRecord, RowError
from ingest.tabular import DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, read_table
from ingest.values import is_blank, normalise_key

MAX_UPLOAD_BYTES = DEFAULT_MAX_BYTES  # 10 MB
MAX_ROWS = DEFAULT_MAX_ROWS  # 50 000
# Rows per store_records call (drives the CLI progress bar). Not smaller: each call re-reads the
# date window for duplicate flagging, so 1 000-row chunks made 50 000 rows take minutes, not ~25 s.
STORE_CHUNK = 10_000

#: Mapping fields in the order the preview shows them, with the Swedish label users read.
FIELD_LABELS: dict[str, str] = {
    "category": "Kategori",
    "date": "Datum",
    "time": "Klockslag",
    "place": "Plats",
    "description": "Beskrivning",
    "x": "Koordinat 1: X, Östlig (E) eller Easting",
    "y": "Koordinat 2: Y, Nordlig (N) eller Northing",
    "lat": "Latitud (WGS 84)",
    "lon": "Longitud (WGS 84)",
    "count": "Antal inblandade",
    "external_id": "Externt id (ärendenummer)",
    "area": "Område",
}
REQUIRED_FIELDS = ("category", "date")
MAX_UNKNOWN_SHOWN = 100  #: unknown category texts the preview offers to map (the most used first)
assert set(FIELD_LABELS) == set(FIELDS), "FIELD_LABELS must cover ingest.file_import.FIELDS"


@dataclass
class UnknownCategory:
    """A category text the file uses that matches no category (nor a mapping of the organisation)."""

    text: str  #: as first written in the file
    rows: int  #: how many rows use it (spelt in any case or spacing)
    suggestions: list[Suggestion] = field(default_factory=list)


@dataclass
class Analysis:
    """A file read with a mapping: the valid records, their row numbers and the row report."""

    headers: list[str]
    mapping: dict[str, str]
    header_row: int
    rows_total: int
    records: list[ReportRecord] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  #: file row number of each record
    errors: list[RowError] = field(default_factory=list)
    mapping_problems: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    kind: str = "csv"
    encoding: str | None = None
    delimiter: str | None = None
    would_create: int | None = None  #: set by dry_run / commit
    would_skip: int | None = None
    #: Every column of the file and what it is used as (Swedish), or "ignorerad".
    columns: list[tuple[str, str]] = field(default_factory=list)
    coordinate_system: str = ""  #: e.g. "SWEREF 99 TM"; empty without coordinate columns
    coordinate_note: str = ""  #: Swedish: how the coordinate system was chosen
    #: Area code each record lands in (by its point, else its area column), None = kommun level.
    record_areas: list[str | None] = field(default_factory=list)
    area_names: dict[str, str] = field(default_factory=dict)  #: area code -> name
    #: The kommun's areas as read for this analysis (for place_records); None before analyse.
    areas: gpd.GeoDataFrame | None = field(default=None, repr=False)
    #: Unknown category texts, most rows first, with suggestions (chosen once in the preview).
    unknown_categories: list[UnknownCategory] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        """True when the mapping names a column for every required field."""
        return not self.mapping_problems

    @property
    def error_rows(self) -> int:
        """Number of distinct rows with at least one error."""
        return len({e.row for e in self.errors})


# --- reading a file -----------------------------------------------------------------------------


def file_hash(data: bytes) -> str:
    """SHA-256 hex digest of the file content."""
    return hashlib.sha256(data).hexdigest()


def check_mapping(mapping: dict[str, str], headers: list[str]) -> dict[str, str]:
    """Swedish problems with a mapping, per field (empty when it can be used)."""
    problems: dict[str, str] = {}
    known = {normalise_key(h) for h in headers if h}
    for name, header in mapping.items():
        if name not in FIELDS:
            problems[name] = f"Okänt fält \"{name}\"."
        elif normalise_key(header) not in known:
            problems[name] = f"Kolumnen \"{header}\" finns inte i filen."
    for name in REQUIRED_FIELDS:
        if name not in mapping:
            problems[name] = f"Välj vilken kolumn som innehåller {FIELD_LABELS[name].lower()}."
    for a, b in (("x", "y"), ("lat", "lon")):
        if (a in mapping) != (b in mapping):
            missing = b if a in mapping else a
            problems[missing] = (
                f"Välj kolumnen för {FIELD_LABELS[missing].lower()} också: båda koordinaterna behövs."
            )
    return problems


def clean_mapping(raw: dict[str, str]) -> dict[str, str]:
    """Keep known fields with a non-empty header (what a mapping form or template may carry)."""
    return {k: str(v).strip() for k, v in raw.items() if k in FIELDS and not is_blank(v)}


def analyse(
    *,
    session: Session,
    data: bytes,
    kommun_code: str,
    organisation_id: int,
    today: date,
    mapping: dict[str, str] | None = None,
) -> Analysis:
    """Read and validate ``data`` with ``mapping`` (default: proposed from the headers).

    Raises ``ImportRejected`` (Swedish message) when the file as a whole cannot be used.
    """
    table = read_table(data, max_bytes=MAX_UPLOAD_BYTES, max_rows=MAX_ROWS)
    mapping = clean_mapping(mapping or {})
    header_idx = find_header_row(table.rows, set(mapping.values()) or None)
    headers = ["" if is_blank(c) else str(c).strip() for c in table.rows[header_idx]]
    if not mapping:
        mapping = propose_mapping(headers)
        if mapping:  # the same header search preview_import will do with this mapping
            header_idx = find_header_row(table.rows, set(mapping.values()))
    body_rows = [
        table.row_numbers[i]
        for i in range(header_idx + 1, len(table.rows))
        if any(not is_blank(c) for c in table.rows[i])
    ]
    analysis = Analysis(
        headers=headers, mapping=mapping, header_row=table.row_numbers[header_idx],
        rows_total=len(body_rows), notes=list(table.notes), kind=table.kind,
        encoding=table.encoding, delimiter=table.delimiter,
    )
    analysis.mapping_problems = check_mapping(mapping, headers)
    analysis.columns = describe_columns(headers, mapping)
    if not analysis.ready:
        return analysis
    areas = area_service.load_areas_frame(session=session, kommun_code=kommun_code)
    # The kommun's areas tell a SWEREF 99 local zone from another (see ingest.coordinate_systems).
    within = np.asarray(areas.geometry.values) if len(areas) else None
    categories = {
        c.code: c.name for c in category_service.list_categories(session=session, kommun_code=kommun_code)
    }
    own_words = category_service.organisation_mappings(session=session, organisation_id=organisation_id)
    preview = preview_import(
        data,
        kommun_code=kommun_code,
        categories=categories,
        category_aliases=own_words,
        today=today,
        mapping=mapping,
        areas=dict(zip(areas.area_code, areas.area_name, strict=True)) if len(areas) else None,
        within=within,
        organisation_id=organisation_id,
        max_bytes=MAX_UPLOAD_BYTES,
        max_rows=MAX_ROWS,
    )
    records = list(preview.result.records)
    bad_rows = {e.row for e in preview.result.errors}
    rows = [r for r in body_rows if r not in bad_rows]
    if len(rows) != len(records):  # cannot happen while preview_import keeps one record per row
        raise AppError("Radnumren i filen kunde inte räknas ut.", status_code=500)
    analysis.records, analysis.rows = records, rows
    analysis.errors = list(preview.result.errors)
    analysis.notes = list(preview.notes)
    analysis.columns = preview.columns
    analysis.coordinate_system, analysis.coordinate_note = (
        preview.coordinate_system, preview.coordinate_note)
    analysis.areas = areas
    analysis.unknown_categories = unknown_categories(analysis.errors, categories, own_words)
    return analysis


def place_records(analysis: Analysis) -> Analysis:
    """Fill in the area each record lands in (for the preview; a commit places them itself)."""
    areas = analysis.areas
    if areas is None:
        return analysis
    analysis.area_names = dict(zip(areas.area_code, areas.area_name, strict=True))
    analysis.record_areas = _record_areas(analysis.records, areas)
    return analysis


def _record_areas(records: list[ReportRecord], areas: gpd.GeoDataFrame) -> list[str | None]:
    """The area each record lands in by the rule the store applies (a point wins over a code)."""
    xs = np.array([np.nan if r.x is None else r.x for r in records], dtype=float)
    ys = np.array([np.nan if r.y is None else r.y for r in records], dtype=float)
    by_point = assign_areas(xs, ys, areas) if len(records) and len(areas) else [None] * len(records)
    return [
        point if r.x is not None else r.area_code
        for r, point in zip(records, by_point, strict=True)
    ]


def map_points(analysis: Analysis, limit: int = 5_000) -> list[dict[str, object]]:
    """The first ``limit`` records with a point, in WGS84 for the preview's map (row, area name)."""
    picked = [i for i, r in enumerate(analysis.records) if r.x is not None and r.y is not None][:limit]
    if not picked:
        return []
    to_wgs84 = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)
    lon, lat = to_wgs84.transform([analysis.records[i].x for i in picked],
                                  [analysis.records[i].y for i in picked])
    points: list[dict[str, object]] = []
    for k, i in enumerate(picked):
        code = analysis.record_areas[i] if i < len(analysis.record_areas) else None
        points.append({
            "lat": round(float(lat[k]), 6), "lon": round(float(lon[k]), 6), "row": analysis.rows[i],
            "area": analysis.area_names.get(code, "") if code else "",
        })
    return points


def unknown_categories(
    errors: list[RowError], categories: dict[str, str], past: dict[str, str]
) -> list[UnknownCategory]:
    """Group the rows refused as ``unknown_category`` by text (as matching sees it), with suggestions."""
    groups: dict[str, UnknownCategory] = {}
    for error in errors:
        if error.code != "unknown_category" or is_blank(error.value):
            continue
        text = " ".join(str(error.value).split())
        group = groups.setdefault(normalise_key(text), UnknownCategory(text=text, rows=0))
        group.rows += 1
    found = sorted(groups.values(), key=lambda g: (-g.rows, g.text.casefold()))
    # A file of unique junk must not cost a fuzzy search per row: the preview shows this many.
    for group in found[:MAX_UNKNOWN_SHOWN]:
        group.suggestions = suggest_categories(group.text, categories, past=past)
    return found


# --- storing ------------------------------------------------------------------------------------


def _store(
    session: Session,
    analysis: Analysis,
    *,
    kommun_code: str,
    organisation_id: int,
    submitted_by_id: int | None,
    progress: Callable[[int], None] | None,
    flag_duplicates: bool = True,
) -> StoreOutcome:
    total = StoreOutcome()
    if not analysis.records:
        return total
    # Areas and places do not change during one import: parse the area layer and build the gazetteer once.
    placement = report_service.placement_context(session=session, kommun_code=kommun_code)
    for start in range(0, len(analysis.records), STORE_CHUNK):
        chunk = analysis.records[start : start + STORE_CHUNK]
        outcome = report_service.store_records(
            session=session,
            kommun_code=kommun_code,
            records=chunk,
            organisation_id=organisation_id,
            submitted_by_id=submitted_by_id,
            rows=analysis.rows[start : start + STORE_CHUNK],
            strict=False,  # strictness is decided over the whole file below
            flag_duplicates=flag_duplicates,
            placement=placement,
        )
        total.created_ids += outcome.created_ids
        total.skipped += outcome.skipped
        total.errors += outcome.errors
        total.masked += outcome.masked
        total.flagged_duplicates += outcome.flagged_duplicates
        if progress is not None:
            progress(len(chunk))
    return total


def _sorted_errors(errors: list[RowError]) -> list[RowError]:
    return sorted(errors, key=lambda e: (e.row if e.row is not None else 0))


def _merge_errors(analysis: Analysis, store_errors: list[RowError]) -> None:
    analysis.errors = _sorted_errors(analysis.errors + store_errors)


def dry_run(
    *,
    session: Session,
    analysis: Analysis,
    kommun_code: str,
    organisation_id: int,
    progress: Callable[[int], None] | None = None,
) -> Analysis:
    """Fill in what a commit would do (new, skipped, placement errors); nothing is kept."""
    if not analysis.ready:
        return analysis
    savepoint = session.begin_nested()
    try:
        # A trial store that is rolled back: duplicate flags would be thrown away, so skip them.
        outcome = _store(session, analysis, kommun_code=kommun_code,
                         organisation_id=organisation_id, submitted_by_id=None, progress=progress,
                         flag_duplicates=False)
    finally:
        savepoint.rollback()
    _merge_errors(analysis, outcome.errors)
    analysis.would_create = len(outcome.created_ids)
    analysis.would_skip = len(outcome.skipped)
    return analysis


def store_file(
    *,
    session: Session,
    analysis: Analysis,
    kommun_code: str,
    organisation_id: int,
    strict: bool,
    submitted_by_id: int | None,
    progress: Callable[[int], None] | None = None,
    before_store: Callable[[], None] | None = None,
) -> StoreOutcome:
    """Store the valid rows in a savepoint; strict: raise ``StoreRejected`` and keep nothing.

    ``before_store`` runs inside the same savepoint first (the web commit claims its batch there,
    so a strict refusal also undoes the claim).
    """
    if not analysis.ready:
        raise AppError("Välj kolumner för kategori och datum innan du importerar.")
    savepoint = session.begin_nested()
    try:
        if before_store is not None:
            before_store()
        outcome = _store(session, analysis, kommun_code=kommun_code,
                         organisation_id=organisation_id, submitted_by_id=submitted_by_id,
                         progress=progress)
        # Strict: refused with every bad row, the file's and the store's (a point outside the
        # kommun), so the refusal counts what the preview's row table shows.
        if strict and (analysis.errors or outcome.errors):
            raise StoreRejected(_sorted_errors(analysis.errors + outcome.errors))
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
    _merge_errors(analysis, outcome.errors)
    analysis.would_create = len(outcome.created_ids)
    analysis.would_skip = len(outcome.skipped)
    return outcome
