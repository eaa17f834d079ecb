"""Polisanmälda brott: the police's recorded-offence extract, mapped, rolled up and stored.

The extract is read by `ingest.police_offences`; here each brottskod gets the kommun's category
(`ingest.brottskoder` defaults under the kommun's own `BrottskodMapping` rows), each DeSO/RegSO code
the kommun's area (the same code in the active set, else the active area the code's polygon overlaps
most, `analysis.area_rollup`), and the rows are stored as reports of source ``police_offences``
under a per-kommun system organisation, counts kept as ``report_count``. All or nothing: an error
in any row or a brottskod without a mapping stores nothing and says which row or code.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from analysis.area_rollup import roll_up_areas
from api.areas import service as area_service
from api.areas.models import Area, AreaSet
from api.categories import service as category_service
from api.police.models import BrottskodMapping
from api.police.service import system_organisation
from api.reports import service as report_service
from ingest.brottskoder import DEFAULT_BROTTSKOD_MAPPING, DEFAULT_BROTTSKODER
from ingest.gazetteer import fold
from ingest.police_offences import OffenceParse, OffenceRow, parse_police_offences
from ingest.records import ReportRecord, RowError

OFFENCES_ORGANISATION = "Polisen – polisanmälda brott"
OFFENCES_SOURCE = "police_offences"
#: The area set that holds SCB's DeSO polygons for the roll-up (never the active set by itself).
DESO_SET_NAME = "DeSO (polisanmälda brott)"


# --- the brottskod table -------------------------------------------------------------------------


@dataclass
class BrottskodRow:
    """One brottskod on the mapping page."""

    brottskod: str
    text: str
    category_code: str | None  # what the import uses now (None: not imported)
    default_code: str | None
    custom: bool


def brottskod_mapping(*, session: Session, kommun_code: str) -> dict[str, str | None]:
    """Brottskod → category code (None: not imported): the kommun's rows over the defaults."""
    rows = session.exec(select(BrottskodMapping).where(BrottskodMapping.kommun_code == kommun_code)).all()
    return {**DEFAULT_BROTTSKOD_MAPPING, **{r.brottskod: r.category_code for r in rows}}


def list_brottskod_rows(*, session: Session, kommun_code: str) -> list[BrottskodRow]:
    """Every known brottskod (defaults and the kommun's own), sorted by code."""
    rows = {r.brottskod: r for r in session.exec(
        select(BrottskodMapping).where(BrottskodMapping.kommun_code == kommun_code))}
    codes = sorted(set(DEFAULT_BROTTSKODER) | set(rows))
    result = []
    for code in codes:
        default_text, default_code = DEFAULT_BROTTSKODER.get(code, ("", None))
        own = rows.get(code)
        result.append(BrottskodRow(
            brottskod=code,
            text=(own.brottskod_text if own and own.brottskod_text else default_text),
            category_code=own.category_code if own else default_code,
            default_code=default_code,
            custom=own is not None,
        ))
    return result


def mappable_categories(*, session: Session, kommun_code: str) -> list[str]:
    """The category codes a brottskod may map to: the kommun's active, non-context categories."""
    return [c.code for c in category_service.list_categories(session=session, kommun_code=kommun_code)
            if not c.is_context and c.active]


def save_brottskod_mapping(
    *, session: Session, kommun_code: str, choices: dict[str, str | None],
    texts: dict[str, str] | None = None,
) -> list[str]:
    """Save brottskod → category (None: not imported); returns the codes whose mapping changed.

    A choice equal to the default for a default code removes the kommun's row, so later changes
    to the defaults reach the kommun unless it chose otherwise. Raises ValueError naming the code.
    """
    allowed = set(mappable_categories(session=session, kommun_code=kommun_code))
    texts = texts or {}
    rows = {r.brottskod: r for r in session.exec(
        select(BrottskodMapping).where(BrottskodMapping.kommun_code == kommun_code))}
    changed = []
    for code, category in choices.items():
        code = code.strip()
        if not code.isdigit() or len(code) != 4:
            raise ValueError(f"'{code}' är inte en fyrsiffrig brottskod")
        if category is not None and category not in allowed:
            raise ValueError(
                f"okänd kategori '{category}' för brottskod {code}; giltiga kategorier: {', '.join(sorted(allowed))}")
        row = rows.get(code)
        current = row.category_code if row else DEFAULT_BROTTSKOD_MAPPING.get(code)
        text = texts.get(code, "")[:200]
        if code in DEFAULT_BROTTSKOD_MAPPING and category == DEFAULT_BROTTSKOD_MAPPING[code]:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(BrottskodMapping(kommun_code=kommun_code, brottskod=code, brottskod_text=text,
                                         category_code=category))
        else:
            row.category_code = category
            if text:
                row.brottskod_text = text
            session.add(row)
        if category != current or (row is None and code not in DEFAULT_BROTTSKOD_MAPPING):
            changed.append(code)
    session.flush()
    return changed


NOT_IMPORTED_WORDS = {"-", "importeras inte", "ej", "inte", "nej", "none", ""}


def read_category_map(data: bytes | str) -> dict[str, str | None]:
    """A `brottskod;kategori` CSV (header required) as choices; "-" or empty means not imported."""
    text = data.decode("utf-8-sig", errors="replace") if isinstance(data, bytes) else data.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if ";" in text.splitlines()[0] else ","))
    if not rows:
        raise ValueError("kopplingsfilen är tom")
    header = [fold(h) for h in rows[0]]
    if "brottskod" not in header or "kategori" not in header:
        raise ValueError("kopplingsfilen ska ha kolumnerna 'brottskod;kategori'")
    code_i, cat_i = header.index("brottskod"), header.index("kategori")
    choices: dict[str, str | None] = {}
    for row_no, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) <= max(code_i, cat_i):
            raise ValueError(f"kopplingsfilen rad {row_no}: brottskod och kategori behövs")
        category = row[cat_i].strip()
        choices[row[code_i].strip()] = None if fold(category) in NOT_IMPORTED_WORDS else category
    return choices


# --- DeSO polygons and the roll-up ---------------------------------------------------------------


def import_deso_areas(*, session: Session, kommun_code: str, areas: gpd.GeoDataFrame, source: str) -> AreaSet:
    """Keep SCB's DeSO polygons as an inactive area set: the roll-up's reference, not the map's areas."""
    return area_service.import_area_set(
        session=session, kommun_code=kommun_code, areas=areas, name=DESO_SET_NAME, source=source,
        activate=False,
    )


@dataclass
class AreaLookup:
    """File area code → the kommun's active area code (None: kommun level), and how it was found."""

    area_of: dict[str, str | None]
    by_geometry: set[str]
    missing: set[str]


def area_lookup(*, session: Session, kommun_code: str, codes: set[str]) -> AreaLookup:
    """Where each DeSO/RegSO code of a file goes in the kommun's active areas.

    The same code in the active set is that area (a kommun that uses DeSO or RegSO itself). Any
    other code is looked up in the kommun's other area sets (the newest polygon with that code,
    e.g. the DeSO set imported with `police offences deso`) and rolled up by largest overlap.
    """
    areas = area_service.load_areas_frame(session=session, kommun_code=kommun_code)
    active = set(areas["area_code"].astype(str))
    area_of: dict[str, str | None] = {code: code for code in codes if code in active}
    rest = codes - set(area_of)
    if not rest:
        return AreaLookup(area_of, set(), set())
    table, sets = Area.__table__, AreaSet.__table__  # type: ignore[attr-defined]
    rows = session.connection().execute(
        sa_select(table.c.code, table.c.geometry_wkb)
        .select_from(table.join(sets, sets.c.id == table.c.area_set_id))
        .where(sets.c.kommun_code == kommun_code, table.c.code.in_(sorted(rest)))
        .order_by(sets.c.id.desc())
    ).all()
    newest: dict[str, bytes] = {}
    for code, wkb in rows:
        newest.setdefault(str(code), wkb)
    missing = rest - set(newest)
    if newest:
        small = gpd.GeoDataFrame({"code": list(newest)}, geometry=shapely.from_wkb(list(newest.values())),
                                 crs=3006)
        rolled = roll_up_areas(small, areas[["area_code", "geometry"]])
        area_of.update({str(c): (None if a is None or pd.isna(a) else str(a))
                        for c, a in zip(rolled["code"], rolled["area_code"], strict=True)})
    return AreaLookup(area_of, set(newest), missing)


# --- the import ----------------------------------------------------------------------------------


@dataclass
class UnknownCode:
    """A brottskod the kommun has not mapped yet: shown for mapping, never dropped."""

    brottskod: str
    text: str
    rows: int
    offences: int


@dataclass
class OffenceImport:
    """What an import did (or, with errors or unknown codes, why nothing was stored)."""

    rows: int = 0
    offences: int = 0  # the sum of the counts
    created: int = 0
    skipped: int = 0  # already stored (same anmälan and code, or the same row)
    not_imported: int = 0  # offences whose code is mapped to "importeras inte"
    kommun_level: int = 0  # offences stored without an area
    rolled_up: int = 0  # offences placed through a DeSO/RegSO polygon
    aggregated: bool = False
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    unknown_codes: list[UnknownCode] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def stored_nothing(self) -> bool:
        """True when the file was refused (errors or unmapped codes)."""
        return bool(self.errors or self.unknown_codes)


def import_offences(
    *, session: Session, kommun_code: str, data: bytes | str, submitted_by_id: int | None = None,
    category_map: dict[str, str | None] | None = None,
) -> OffenceImport:
    """Store a police extract of recorded offences; with any row error or unknown code nothing is stored.

    `category_map` (brottskod → category, None: not imported) is saved to the kommun's table first,
    so the same codes are mapped on the next file too. The caller commits or rolls back.
    """
    outcome = OffenceImport()
    try:
        parsed = parse_police_offences(data, kommun_code=kommun_code)
    except (ValueError, csv.Error) as exc:
        message = str(exc)
        outcome.errors = [RowError(None, None, None, "invalid_file", message[:1].upper() + message[1:] + ".")]
        return outcome
    _describe(outcome, parsed)
    if category_map:
        try:
            save_brottskod_mapping(session=session, kommun_code=kommun_code, choices=category_map,
                                   texts={r.brottskod: r.brottskodstext for r in parsed.rows})
        except ValueError as exc:
            outcome.errors.append(RowError(None, "kategori", None, "unknown_category", str(exc)))
    mapping = brottskod_mapping(session=session, kommun_code=kommun_code)
    outcome.unknown_codes = _unknown_codes(parsed.rows, mapping)
    lookup = area_lookup(session=session, kommun_code=kommun_code,
                         codes={r.area_code for r in parsed.rows if r.area_code and r.x is None})
    records, rows = [], []
    for row in parsed.rows:
        category = mapping.get(row.brottskod)
        if row.brottskod not in mapping:
            continue
        if category is None:
            outcome.not_imported += row.count
            continue
        area_code = None
        if row.x is None and row.area_code:
            if row.area_code in lookup.missing:
                outcome.errors.append(RowError(
                    row.row, "DeSO", row.area_code, "unknown_area",
                    f"Rad {row.row}: området {row.area_code} finns inte bland kommunens områden; läs in "
                    "SCB:s DeSO-indelning för kommunen (lagesbild police offences deso FIL)."))
                continue
            area_code = lookup.area_of.get(row.area_code)
            if row.area_code in lookup.by_geometry and area_code is not None:
                outcome.rolled_up += row.count
        if area_code is None and row.x is None:
            outcome.kommun_level += row.count
        records.append(_record(kommun_code, row, category, area_code))
        rows.append(row.row)
    if outcome.stored_nothing or not records:
        return outcome
    organisation = system_organisation(session=session, kommun_code=kommun_code, name=OFFENCES_ORGANISATION)
    try:
        stored = report_service.store_records(
            session=session, kommun_code=kommun_code, records=records, rows=rows,
            organisation_id=organisation.id, submitted_by_id=submitted_by_id, strict=True,
            review_status="ny", flag_duplicates=False,
        )
    except report_service.StoreRejected as exc:
        outcome.errors = exc.errors
        return outcome
    outcome.created = len(stored.created_ids)
    outcome.skipped = len(stored.skipped)
    return outcome


def _describe(outcome: OffenceImport, parsed: OffenceParse) -> None:
    outcome.errors = list(parsed.errors)
    outcome.rows = len(parsed.rows)
    outcome.offences = sum(r.count for r in parsed.rows)
    outcome.aggregated = parsed.aggregated
    outcome.columns = dict(parsed.columns)
    outcome.ignored_columns = list(parsed.ignored_columns)


def _unknown_codes(rows: list[OffenceRow], mapping: dict[str, str | None]) -> list[UnknownCode]:
    unknown: dict[str, UnknownCode] = {}
    for row in rows:
        if row.brottskod in mapping:
            continue
        item = unknown.setdefault(row.brottskod, UnknownCode(row.brottskod, row.brottskodstext, 0, 0))
        item.rows += 1
        item.offences += row.count
        item.text = item.text or row.brottskodstext
    return sorted(unknown.values(), key=lambda u: u.brottskod)


def _record(kommun_code: str, row: OffenceRow, category: str, area_code: str | None) -> ReportRecord:
    where = f" ({row.area_code})" if row.area_code and row.x is None else ""
    basis = "" if row.date_basis == "brottsdatum" else " [inskrivningsdatum]"
    return ReportRecord(
        kommun_code=kommun_code,
        category_code=category,
        observed_date=row.observed_date,
        observed_time=row.observed_time,
        x=row.x,
        y=row.y,
        area_code=area_code,
        description=f"{row.brottskod} {row.brottskodstext}".strip() + where + basis,
        external_id=row.external_id,
        source=OFFENCES_SOURCE,
        report_count=row.count,
    )


def describe_import(result: OffenceImport) -> str:
    """A Swedish summary of a stored import (CLI, page)."""
    text = (f"{result.created} nya rader ({result.offences} brott i filen), {result.skipped} fanns redan, "
            f"{result.rolled_up} brott placerade via DeSO/RegSO-område, {result.kommun_level} på kommunnivå")
    if result.not_imported:
        text += f", {result.not_imported} brott med brottskoder som inte importeras"
    return text + "."
