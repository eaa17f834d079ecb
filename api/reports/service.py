"""Storing reports from every channel: one path that resolves, places, deduplicates and flags.

Every channel (form, JSON API, file import, police feed, police summary) hands validated
`ingest.records.ReportRecord`s to `store_records`. It masks personnummer once more (defence in
depth), resolves categories, places each report in an area (point-in-polygon, gazetteer place, or
the area the source named), skips records already stored (per-organisation external id or content
hash) and flags likely duplicates from other organisations for the analyst.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
import pandas as pd
from sqlalchemy import bindparam
from sqlalchemy import func as sa_func
from sqlalchemy import literal as sa_literal
from sqlalchemy import select as sa_select
from sqlalchemy import text as sa_text
from sqlalchemy import union_all as sa_union_all
from sqlmodel import Session, col, select

from api.areas import service as area_service
from api.areas.models import Area, AreaSet, Place
from api.categories.models import Category
from api.core.errors import AppError
from api.core.time import utcnow
from api.reports import area_moves
from api.reports.models import Report
from ingest.personnummer import mask_personnummer
from ingest.placement import AreaIndex, assign_areas
from ingest.records import AGGREGATE_SOURCES, ReportRecord, RowError


@dataclass
class StoreOutcome:
    """What happened to each record: stored, skipped as already stored, or refused."""

    created_ids: list[int] = field(default_factory=list)
    # (row, existing report id); the id is 0 for a record that repeats an earlier row of the same
    # call (not stored yet when it was skipped): `same_as` names that row.
    skipped: list[tuple[int, int]] = field(default_factory=list)
    same_as: list[tuple[int, int]] = field(default_factory=list)  # (row, earlier row of this call)
    errors: list[RowError] = field(default_factory=list)
    masked: int = 0
    flagged_duplicates: int = 0
    # Per created id: its area and the report it is flagged a likely duplicate of (the API answer).
    created_area_ids: dict[int, int | None] = field(default_factory=dict)
    created_duplicate_of: dict[int, int] = field(default_factory=dict)


class StoreRejected(AppError):
    """Strict mode: at least one record was refused, so nothing was stored."""

    status_code = 422

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} rader innehåller fel; inget sparades.")
        self.errors = errors


@dataclass(frozen=True)
class CategoryRef:
    """The part of a category that storing a report reads (one Core row, no ORM object)."""

    id: int
    code: str
    name: str
    active: bool


_CATEGORY_COLUMNS = (Category.__table__.c.id, Category.__table__.c.code,  # type: ignore[attr-defined]
                     Category.__table__.c.name, Category.__table__.c.active)  # type: ignore[attr-defined]


def kommun_categories(*, session: Session, kommun_code: str) -> dict[str, CategoryRef]:
    """Every category of the kommun (active or not) by code, read with one Core query."""
    table = Category.__table__  # type: ignore[attr-defined]
    rows = session.connection().execute(
        sa_select(*_CATEGORY_COLUMNS).where(table.c.kommun_code == kommun_code)
        .order_by(table.c.sort_order, table.c.code)
    )
    return {code: CategoryRef(int(cid), code, name, bool(active)) for cid, code, name, active in rows}


@dataclass(frozen=True)
class PlacedPlace:
    """The part of a gazetteer place that placing a report reads (no ORM object: contexts are cached)."""

    id: int
    area_id: int | None


@dataclass
class PlacementContext:
    """What placing a report needs: the active area layer, the places and the gazetteer."""

    area_ids: dict[str, int]
    areas: object  # GeoDataFrame
    places_by_id: dict[int, PlacedPlace]
    place_ids_by_name: dict[str, int]
    gazetteer: object
    area_index: AreaIndex | None = None  # for a few points at a time (one submit)


def placement_context(*, session: Session, kommun_code: str) -> PlacementContext:
    """Build the placement context once, to pass to several store_records calls of one import."""
    areas = area_service.load_areas_frame(session=session, kommun_code=kommun_code)
    places = list(session.exec(select(Place).where(Place.kommun_code == kommun_code)))
    return PlacementContext(
        area_ids=dict(zip(areas.area_code, areas.area_id, strict=True)),
        areas=areas,
        places_by_id={p.id: PlacedPlace(p.id, p.area_id) for p in places},  # type: ignore[arg-type,misc]
        place_ids_by_name={p.name: p.id for p in places},  # type: ignore[misc]
        gazetteer=area_service.kommun_gazetteer(
            session=session, kommun_code=kommun_code, areas=areas, places=places
        ),
        area_index=AreaIndex(areas),
    )


# Placement contexts by database (the session's bind: the engine, or a test's connection) and kommun,
# each with the version it was built for. Rebuilding one (polygons from WKB, the gazetteer) was most
# of a one-report submit's cost.
_PLACEMENT_CACHE: weakref.WeakKeyDictionary[object, dict[str, tuple[tuple, PlacementContext]]] = (  # type: ignore[type-arg]
    weakref.WeakKeyDictionary()
)
_PLACEMENT_CACHE_LOCK = threading.Lock()


def cached_placement_context(*, session: Session, kommun_code: str) -> PlacementContext:
    """The placement context of the kommun's active area set and places, built once per version.

    The version is read with one small query in the caller's transaction: the active area set (id,
    version, creation time, number and highest id of its areas) and the places (number, highest
    id, and sums over area ids and name lengths, so an added, removed, renamed or re-placed place
    is a new version). A context is never shared between databases.
    """
    version = _placement_version(session, kommun_code)
    bind = session.get_bind()
    with _PLACEMENT_CACHE_LOCK:
        cached = _PLACEMENT_CACHE.get(bind, {}).get(kommun_code)
    if cached is not None and cached[0] == version:
        return cached[1]
    context = placement_context(session=session, kommun_code=kommun_code)
    with _PLACEMENT_CACHE_LOCK:
        _PLACEMENT_CACHE.setdefault(bind, {})[kommun_code] = (version, context)
    return context


# Plain SQL: built once, it costs a fraction of composing ten scalar subqueries on every submit. One
# round trip: the places' figures joined with the active area set's row (none: NULLs).
_PLACEMENT_VERSION_SQL = sa_text(
    "SELECT p.n, p.max_id, p.area_sum, p.text_sum, p.xy_sum, s.id, s.version, s.created_at, s.areas, s.max_area "
    "FROM (SELECT count(*) AS n, max(id) AS max_id, sum(coalesce(area_id, 0)) AS area_sum, "
    "sum(length(name) + length(aliases)) AS text_sum, sum(coalesce(x, 0) + coalesce(y, 0)) AS xy_sum "
    "FROM place WHERE kommun_code = :kommun) p "
    "LEFT JOIN (SELECT s.id, s.version, s.created_at, "
    "(SELECT count(*) FROM area a WHERE a.area_set_id = s.id) AS areas, "
    "(SELECT max(a.id) FROM area a WHERE a.area_set_id = s.id) AS max_area "
    "FROM area_set s WHERE s.kommun_code = :kommun AND s.active) s ON 1 = 1 "
    "ORDER BY s.id"
)


def _placement_version(session: Session, kommun_code: str) -> tuple:  # type: ignore[type-arg]
    return tuple(tuple(r) for r in session.connection().execute(_PLACEMENT_VERSION_SQL, {"kommun": kommun_code}))


def store_records(
    *,
    session: Session,
    kommun_code: str,
    records: Sequence[ReportRecord],
    organisation_id: int | None,
    submitted_by_id: int | None = None,
    rows: Sequence[int] | None = None,
    strict: bool = True,
    review_status: str = "ny",
    source_urls: Sequence[str] | None = None,
    flag_duplicates: bool = True,
    placement: PlacementContext | None = None,
    categories: dict[str, CategoryRef] | None = None,
) -> StoreOutcome:
    """Store records for one organisation in one kommun; in strict mode all or nothing.

    `flag_duplicates=False` skips the likely-duplicate check (a trial store that is rolled back).
    `placement` (from `placement_context`) saves rebuilding the area layer and gazetteer when one
    import stores in several calls; it must belong to `kommun_code` and the active area set.
    `categories` (from `kommun_categories`, read in the same transaction) saves reading them again.
    """
    outcome = StoreOutcome()
    rows = list(rows) if rows is not None else list(range(1, len(records) + 1))
    if not records:
        return outcome
    # The inserts below are Core: pending ORM objects of the caller (an import's rows) go first.
    session.flush()
    if categories is None:
        categories = kommun_categories(session=session, kommun_code=kommun_code)
    context = placement or cached_placement_context(session=session, kommun_code=kommun_code)
    xs = np.array([r.x if r.x is not None else np.nan for r in records], dtype=float)
    ys = np.array([r.y if r.y is not None else np.nan for r in records], dtype=float)
    has_point = ~np.isnan(xs)
    point_areas = np.full(len(records), None, dtype=object)
    if has_point.any() and len(context.areas):  # type: ignore[arg-type]
        point_areas[has_point] = _assign(xs[has_point], ys[has_point], context)

    hashes = [record.content_hash() for record in records]
    existing = _existing_keys(session, organisation_id, records, hashes)
    pending: list[dict] = []
    pending_rows: list[int] = []
    seen_in_batch: dict[tuple[str, str], int] = {}  # dedup key -> first row of this call with it
    for index, (row, record) in enumerate(zip(rows, records, strict=True)):
        if record.kommun_code != kommun_code:
            outcome.errors.append(RowError(row, "kommun", record.kommun_code, "wrong_kommun",
                                           f"Rad {row}: rapporten gäller en annan kommun ({record.kommun_code})."))
            continue
        category = categories.get(record.category_code)
        if category is None or not category.active:
            outcome.errors.append(RowError(row, "kategori", record.category_code, "unknown_category",
                                           f"Rad {row}: okänd eller inaktiv kategori '{record.category_code}'."))
            continue
        area_id, place_id, error = _place(record, row, bool(has_point[index]), point_areas[index], context)
        if error:
            outcome.errors.append(error)
            continue
        keys = _dedup_keys(record, hashes[index])
        duplicate_of = next((existing[k] for k in keys if k in existing), None)
        if duplicate_of is not None:
            outcome.skipped.append((row, duplicate_of))
            continue
        earlier_row = next((seen_in_batch[k] for k in keys if k in seen_in_batch), None)
        if earlier_row is not None:
            outcome.skipped.append((row, 0))
            outcome.same_as.append((row, earlier_row))
            continue
        seen_in_batch.update(dict.fromkeys(keys, row))
        description, masked_a = _mask(record.description)
        place_text, masked_b = _mask(record.place_text)
        masked = record.personnummer_masked or masked_a or masked_b
        outcome.masked += int(masked)
        pending.append(
            {
                "kommun_code": kommun_code,
                "category_id": category.id,
                "observed_date": record.observed_date,
                "observed_time": record.observed_time,
                "observed_period": record.observed_period,
                "submitted_by_id": submitted_by_id,
                "organisation_id": organisation_id,
                "area_id": area_id,
                "x": record.x,
                "y": record.y,
                "place_id": place_id,
                "place_text": place_text or "",
                "description": description or "",
                "involved_count": record.involved_count,
                "report_count": record.report_count,
                "source": record.source,
                "external_id": record.external_id,
                "content_hash": hashes[index],
                "review_status": review_status,
                "personnummer_masked": masked,
                "source_url": (source_urls[index] if source_urls else "") or "",
                # The model's Python-side defaults the ORM path applied. Columns without one (reviewed_*,
                # duplicate ids, text_removed_at) are left out: NULL, and fewer placeholders for psycopg
                # to parse in each insertmanyvalues batch (that parsing is most of the insert's cost there).
                "submitted_at": utcnow(),
                "review_note": "",
                "privacy_flag": False,
            }
        )
        pending_rows.append(row)
    if strict and outcome.errors:
        raise StoreRejected(outcome.errors)
    early = None
    if (pending and flag_duplicates and len(pending) <= CANDIDATE_QUERY_MAX_REPORTS
            and session.get_bind().dialect.name == "sqlite"):
        early = _candidates_before_writing(session, kommun_code, pending)
    if pending:
        outcome.created_ids = _insert_reports(session, pending)
        outcome.created_area_ids = {
            report_id: row["area_id"] for report_id, row in zip(outcome.created_ids, pending, strict=True)
        }
        if flag_duplicates:
            # The new rows are known: the candidate look-up need not read them back.
            new_rows = [
                _window_row(report_id, row) for report_id, row in zip(outcome.created_ids, pending, strict=True)
            ]
            outcome.created_duplicate_of = _flag_likely_duplicates(
                session, kommun_code, outcome.created_ids, new_rows, early
            )
            outcome.flagged_duplicates = len(outcome.created_duplicate_of)
    return outcome


def _candidates_before_writing(session: Session, kommun_code: str, pending: list[dict]) -> tuple[int, list]:  # type: ignore[type-arg]
    """SQLite: (highest report id, the candidate partners) read before the first write, outside the write lock.

    Writers take turns from their first write to their commit (api.core.db), so the candidate check
    done after the insert held every other writer up; with a full day (hundreds of candidates) that was
    most of the lock's time. Read here, in the snapshot the transaction already has; after the insert
    only reports with a higher id are read (SQLite numbers rows under the write lock, so every report
    committed since has one), and the outcome is the same as reading everything after the insert.
    """
    table = Report.__table__  # type: ignore[attr-defined]
    connection = session.connection()
    seen = connection.execute(sa_select(sa_func.max(table.c.id))).scalar() or 0
    columns = [table.c[name] for name in _WINDOW_COLUMNS]
    placeholders = [_window_row(-(i + 1), row) for i, row in enumerate(pending)]  # no ids yet
    rows = _candidate_rows(connection, table, columns, kommun_code, placeholders)
    return int(seen), [r for r in rows if r[0] > 0]


def _window_row(report_id: int, row: dict) -> tuple:  # type: ignore[type-arg]
    """A just-inserted report as the candidate query's row (`_WINDOW_COLUMNS`): not flagged yet."""
    return (report_id, *(row[name] for name in _WINDOW_COLUMNS[1:-1]), None)


def _insert_reports(session: Session, pending: list[dict]) -> list[int]:  # type: ignore[type-arg]
    """Insert the rows with Core INSERT … RETURNING in insertmanyvalues batches; ids in input order.

    Core skips the ORM's per-row bookkeeping (the ORM select that read the categories has already
    flushed pending objects). RETURNING order is not guaranteed, and asking SQLAlchemy to sort
    (sort_by_parameter_order) makes SQLite insert row by row, so each id is matched back by its
    content hash, which is unique among the rows of one call (see seen_in_batch).
    """
    table = Report.__table__  # type: ignore[attr-defined]
    result = session.connection().execute(table.insert().returning(table.c.id, table.c.content_hash), pending)
    by_hash = {content_hash: int(report_id) for report_id, content_hash in result}
    if len(by_hash) != len(pending):  # cannot happen while content hashes are unique per call
        raise AppError("Rapporternas id kunde inte läsas tillbaka.", status_code=500)
    return [by_hash[row["content_hash"]] for row in pending]


def place_record(
    *, session: Session, kommun_code: str, record: ReportRecord, row: int = 1
) -> tuple[int | None, int | None, RowError | None]:
    """(area_id, place_id, error) for one record, by exactly the rule store_records applies."""
    context = cached_placement_context(session=session, kommun_code=kommun_code)
    has_point = record.x is not None and record.y is not None
    point_area = None
    if has_point and len(context.areas):  # type: ignore[arg-type]
        point_area = _assign(np.array([record.x]), np.array([record.y]), context)[0]
    return _place(record, row, has_point, point_area, context)


def _assign(xs: np.ndarray, ys: np.ndarray, context: PlacementContext) -> np.ndarray:
    """Area codes of the points: the context's polygon index for a few, assign_areas for many (same rule)."""
    if context.area_index is not None and len(xs) <= 64:
        return context.area_index.assign(xs, ys)
    return assign_areas(xs, ys, context.areas)


def _mask(text: str | None) -> tuple[str | None, bool]:
    if not text:
        return text, False
    result = mask_personnummer(text)
    return result.text, result.count > 0


def _place(record: ReportRecord, row: int, has_point: bool, point_area, context: PlacementContext):  # type: ignore[no-untyped-def]
    """(area_id, place_id, error) for one record."""
    if has_point:
        if point_area is None:
            return None, None, RowError(row, "plats", f"{record.x:.0f}, {record.y:.0f}", "outside_kommun",
                                        f"Rad {row}: punkten ligger utanför kommunens områden.")
        return context.area_ids[point_area], None, None
    if record.place_id:
        place = context.places_by_id.get(int(record.place_id)) if record.place_id.isdigit() else None
        if place is None:
            return None, None, RowError(row, "plats", record.place_id, "unknown_place",
                                        f"Rad {row}: platsen finns inte i kommunens ortregister.")
        return place.area_id, place.id, None
    if record.area_code:
        area_id = context.area_ids.get(record.area_code)
        if area_id is None:
            return None, None, RowError(row, "område", record.area_code, "unknown_area",
                                        f"Rad {row}: okänt område '{record.area_code}'.")
        return area_id, None, None
    if record.place_text:
        match = context.gazetteer.match_text(record.place_text)  # type: ignore[attr-defined]
        if match is not None:
            place_id = context.place_ids_by_name.get(match.name) if match.kind == "place" else None
            return context.area_ids.get(match.area_code), place_id, None
    return None, None, None  # kommun level: counted for the kommun, never spread over areas


def _dedup_keys(record: ReportRecord, content_hash: str) -> list[tuple[str, str]]:
    keys = [("hash", content_hash)]
    if record.external_id:
        keys.append(("external", record.external_id))
    return keys


_BY_HASH = sa_select(
    Report.__table__.c.id, Report.__table__.c.content_hash, Report.__table__.c.organisation_id  # type: ignore[attr-defined]
).where(Report.__table__.c.content_hash.in_(bindparam("hashes", expanding=True)))  # type: ignore[attr-defined]


def _existing_keys(
    session: Session, organisation_id: int | None, records: Sequence[ReportRecord], hashes: list[str]
) -> dict[tuple[str, str], int]:
    """Already stored reports of this organisation with the same external id or content hash."""
    found: dict[tuple[str, str], int] = {}
    if organisation_id is None:
        return found
    table = Report.__table__  # type: ignore[attr-defined]
    external = [r.external_id for r in records if r.external_id]
    if not external and len(hashes) <= 500:  # the usual submit: one statement, built once
        for report_id, content_hash, owner in session.connection().execute(_BY_HASH, {"hashes": hashes}):
            if owner == organisation_id:
                found[("hash", content_hash)] = report_id
        return found
    for chunk in range(0, max(len(hashes), len(external)), 500):
        # One round trip per chunk: both look-ups as the branches of one UNION ALL. The hash branch
        # filters the organisation in Python: given `organisation_id = ?` too, SQLite walks the
        # organisation's index (every report it ever sent) instead of the hash index.
        branches = [
            sa_select(table.c.id, sa_literal("hash"), table.c.content_hash, table.c.organisation_id).where(
                table.c.content_hash.in_(part)
            )
            for part in [hashes[chunk:chunk + 500]] if part
        ] + [
            sa_select(table.c.id, sa_literal("external"), table.c.external_id, table.c.organisation_id).where(
                table.c.organisation_id == organisation_id, table.c.external_id.in_(part)
            )
            for part in [external[chunk:chunk + 500]] if part
        ]
        query = branches[0] if len(branches) == 1 else sa_union_all(*branches)
        for report_id, kind, value, owner in session.connection().execute(query):
            if owner == organisation_id:
                found[(kind, value)] = report_id
    return found


#: Batches up to this many new reports fetch only their candidate partners (indexed look-ups); larger
#: ones (imports, the demo) read the kommun's whole window once, which is cheaper per report there.
CANDIDATE_QUERY_MAX_REPORTS = 64
#: Up to this many days in the window the point look-up names each day (`observed_date IN (…)`), so the
#: (kommun, category, date, x) index is walked once per day with a range on x; longer windows use a range.
_MAX_LISTED_DAYS = 31
_WINDOW_COLUMNS = (
    "id", "category_id", "area_id", "organisation_id", "observed_date", "observed_time",
    "observed_period", "source", "x", "y", "suspected_duplicate_of_id",
)


def flag_likely_duplicates(*, session: Session, kommun_code: str, report_ids: list[int]) -> int:
    """Mark new reports that look like another organisation's report of the same event.

    A report is compared with the kommun's reports (police summaries aside) dated from one day
    before the earliest to one day after the latest report of `report_ids`, by the rules of
    `ingest.duplicates.flag_duplicates`; of a pair the later registered (higher id) is flagged, as
    a duplicate of its lowest-id partner. Reports already flagged keep their flag. Small batches
    read only the candidate partners (same category, and same area or a point within the
    distance); the rules are pairwise, so the outcome is the same as over the whole window.

    Never deletes: the analyst decides (merge keeps both originals and the link).
    """
    return len(_flag_likely_duplicates(session, kommun_code, report_ids, None))


def _flag_likely_duplicates(
    session: Session, kommun_code: str, report_ids: list[int], new_rows: Sequence | None,  # type: ignore[type-arg]
    early: tuple[int, list] | None = None,  # type: ignore[type-arg]
) -> dict[int, int]:
    """flag_likely_duplicates' work; `new_rows`: the reports' rows when the caller has them; `early`: the
    candidates read before the insert (`_candidates_before_writing`). {id: flagged as of}."""
    from ingest.duplicates import flag_duplicates

    if not report_ids:
        return {}
    table = Report.__table__  # type: ignore[attr-defined]
    connection = session.connection()
    columns = [table.c[name] for name in _WINDOW_COLUMNS]
    new_ids = set(report_ids)
    updates: dict[int, int] = {}
    if len(report_ids) <= CANDIDATE_QUERY_MAX_REPORTS:
        if new_rows is None:
            new_rows = connection.execute(sa_select(*columns).where(table.c.id.in_(report_ids))).all()
        if not new_rows:
            return {}
        if early is None:
            candidates = _candidate_rows(connection, table, columns, kommun_code, new_rows)
        else:
            seen, before = early
            found = {r[0]: r for r in _candidate_rows(connection, table, columns, kommun_code, new_rows, after_id=seen)}
            for r in before:
                found.setdefault(r[0], r)
            candidates = list(found.values())
        updates = _pairs_among_candidates(candidates, new_ids)
    else:
        dates = connection.execute(
            sa_select(sa_func.min(table.c.observed_date), sa_func.max(table.c.observed_date)).where(
                table.c.id.in_(report_ids)
            )
        ).one()
        if dates[0] is None:
            return {}
        window = list(connection.execute(
            sa_select(*columns).where(
                table.c.kommun_code == kommun_code,
                table.c.observed_date >= dates[0] - timedelta(days=1),
                table.c.observed_date <= dates[1] + timedelta(days=1),
                table.c.source.not_in(AGGREGATE_SOURCES),
            )
        ))
        pairs = flag_duplicates(_window_frame(window))
        already = {row[0] for row in window if row[10] is not None}
        for report_id, duplicate_of_id in zip(pairs["report_id"], pairs["duplicate_of_id"], strict=True):
            report_id = int(report_id)
            if report_id in new_ids and report_id not in already and report_id not in updates:
                updates[report_id] = int(duplicate_of_id)
    if updates:
        connection.execute(
            table.update().where(table.c.id == bindparam("rid")).values(suspected_duplicate_of_id=bindparam("dup")),
            [{"rid": rid, "dup": dup} for rid, dup in updates.items()],
        )
    return updates


def _pairs_among_candidates(rows: Sequence, new_ids: set[int]) -> dict[int, int]:  # type: ignore[type-arg]
    """{new report id: its lowest-id partner} by `is_likely_duplicate`, for new reports not yet flagged."""
    from ingest.duplicates import Observation, is_likely_duplicate

    observations = {
        r[0]: Observation(
            category=str(r[1]), reporter=f"org:{r[3]}" if r[3] is not None else f"source:{r[7]}",
            day=r[4], hour=r[5].hour if r[5] is not None else None, week=r[6] == "vecka",
            x=r[8], y=r[9], area=str(r[2]) if r[2] is not None else None,
        )
        for r in rows
    }
    updates: dict[int, int] = {}
    for r in rows:
        report_id = r[0]
        if report_id not in new_ids or r[10] is not None:
            continue
        partners = [
            other for other in observations
            if other < report_id and is_likely_duplicate(observations[report_id], observations[other])
        ]
        if partners:
            updates[report_id] = min(partners)
    return updates


def _candidate_rows(connection, table, columns, kommun_code: str, new_rows: Sequence,  # type: ignore[no-untyped-def,type-arg]
                    after_id: int | None = None) -> list:  # type: ignore[type-arg]
    """The new reports plus every report of the window that can pair with one of them (`after_id`: only
    reports with a higher id).

    A partner has the same category and either (same_area_day) the same area and day, or (near) a
    point within `max_distance_m` on both axes. Each is one indexed look-up: (area, category, date)
    and (kommun, category, date, x); the date window is the whole batch's, as in the window query.
    """
    from ingest.duplicates import DEFAULT_MAX_DISTANCE_M

    first = min(r[4] for r in new_rows) - timedelta(days=1)
    last = max(r[4] for r in new_rows) + timedelta(days=1)
    span = (last - first).days + 1
    if span <= _MAX_LISTED_DAYS:
        in_window = table.c.observed_date.in_([first + timedelta(days=d) for d in range(span)])
    else:
        in_window = table.c.observed_date.between(first, last)
    reach = DEFAULT_MAX_DISTANCE_M + 1.0  # a margin over the rule's float tolerance
    branches = []
    for key in {(r[1], r[2], r[4]) for r in new_rows if r[2] is not None}:
        category_id, area_id, day = key
        branches.append(sa_select(*columns).where(
            table.c.area_id == area_id, table.c.category_id == category_id, table.c.observed_date == day,
            table.c.kommun_code == kommun_code, table.c.source.not_in(AGGREGATE_SOURCES),
        ))
    for row in new_rows:
        if row[8] is None or row[9] is None:
            continue
        branches.append(sa_select(*columns).where(
            table.c.kommun_code == kommun_code, table.c.category_id == row[1], in_window,
            table.c.x.between(row[8] - reach, row[8] + reach),
            table.c.y.between(row[9] - reach, row[9] + reach),
            table.c.source.not_in(AGGREGATE_SOURCES),
        ))
    if after_id is not None:
        branches = [branch.where(table.c.id > after_id) for branch in branches]
    found = {r[0]: r for r in new_rows if r[7] not in AGGREGATE_SOURCES}
    if branches:
        query = branches[0] if len(branches) == 1 else sa_union_all(*branches)
        for r in connection.execute(query):
            found.setdefault(r[0], r)
    return list(found.values())


def _window_frame(rows: Sequence) -> pd.DataFrame:  # type: ignore[type-arg]
    """Report rows (id, category, area, organisation, date, time, period, source, x, y) as a frame."""
    return pd.DataFrame(
        {
            "report_id": pd.array([r[0] for r in rows], dtype="int64"),
            "category_code": [str(r[1]) for r in rows],
            "area_code": [str(r[2]) if r[2] is not None else None for r in rows],
            "organisation_id": pd.array([r[3] for r in rows], dtype="Int64"),
            "observed_date": pd.to_datetime([r[4] for r in rows]),
            "observed_hour": pd.array([r[5].hour if r[5] is not None else None for r in rows], dtype="Int64"),
            "observed_period": [r[6] for r in rows],
            "source": [r[7] for r in rows],
            "x": np.array([r[8] if r[8] is not None else np.nan for r in rows], dtype=float),
            "y": np.array([r[9] if r[9] is not None else np.nan for r in rows], dtype=float),
        }
    )


def reassign_areas(*, session: Session, kommun_code: str) -> int:
    """Place every stored report of the kommun in the active area set (after new areas load).

    Reports with a point go by point-in-polygon; reports placed by a gazetteer place follow the
    place (re-matched by name is not attempted: the place keeps its point); reports with neither
    (placed by area code) take the new area with the same code, or go to kommun level when the new
    set has no such code. Returns the number of reports whose area really changed: its code (a
    report that moves to the new set's area with the same code is re-pointed, not counted, so a
    re-import of identical areas reports 0).
    """
    session.flush()
    areas = area_service.load_areas_frame(session=session, kommun_code=kommun_code)
    area_ids = {str(code): int(area_id) for code, area_id in zip(areas.area_code, areas.area_id, strict=True)}
    every_code = {i: str(c) for i, c in session.exec(
        select(Area.id, Area.code).join(AreaSet).where(AreaSet.kommun_code == kommun_code)).all() if i is not None}
    code_changes = area_moves.CodeChanges(every_code)
    connection = session.connection()
    area_moves.apply_moves(
        connection,
        area_moves.point_moves(connection, kommun_code=kommun_code, areas=areas, area_ids=area_ids,
                               code_changes=code_changes),
    )
    moved = code_changes.count
    moved += _reassign_place_reports(session, kommun_code, areas, area_ids, every_code)
    moved += _reassign_code_reports(session, kommun_code, area_ids)
    session.flush()
    return moved


def _reassign_place_reports(
    session: Session, kommun_code: str, areas: object, area_ids: dict[str, int], every_code: dict[int, str]
) -> int:
    """Move each place to the area its point now lies in; reports placed by it (no point) follow.

    Returns the number of those reports whose area code changed.
    """
    places = session.exec(
        select(Place).where(Place.kommun_code == kommun_code, col(Place.x).is_not(None))
    ).all()
    if not places:
        return 0
    codes = assign_areas([p.x for p in places], [p.y for p in places], areas)
    ids_by_code: dict[str, list[int]] = {}
    for area_id, area_code in every_code.items():
        ids_by_code.setdefault(area_code, []).append(area_id)
    table = Report.__table__  # type: ignore[attr-defined]
    moved = 0
    for place, code in zip(places, codes, strict=True):
        new_area = area_ids.get(code) if code is not None else None
        if new_area != place.area_id:
            place.area_id = new_area
            session.add(place)
        follows = (table.c.place_id == place.id) & table.c.x.is_(None)
        same_code = ids_by_code.get(code, []) if code is not None else []
        really = table.c.area_id.is_not(None) if code is None else (
            table.c.area_id.is_(None) | table.c.area_id.not_in(same_code or [-1]))
        moved += int(session.connection().execute(
            sa_select(sa_func.count()).select_from(table).where(follows, really)).scalar_one())
        session.connection().execute(
            table.update().where(follows, table.c.area_id.is_distinct_from(new_area)).values(area_id=new_area)
        )
    return moved


def _reassign_code_reports(session: Session, kommun_code: str, area_ids: dict[str, int]) -> int:
    """Reports placed by area code (no point, no place) in an old set: same code in the new set, else kommun level.

    RegSO/DeSO codes survive most yearly revisions, so the code is the report's placement; keeping an id in an
    inactive set would leave the report counted at kommun level without saying why.
    """
    table = Report.__table__  # type: ignore[attr-defined]
    by_code = (table.c.kommun_code == kommun_code) & table.c.x.is_(None) & table.c.place_id.is_(None)
    old_areas = session.exec(
        select(Area.id, Area.code).where(
            col(Area.id).in_(select(table.c.area_id).where(by_code, table.c.area_id.is_not(None)).distinct()),
            col(Area.id).not_in(list(area_ids.values()) or [-1]),
        )
    ).all()
    moved = 0
    for old_id, code in old_areas:
        changed = session.connection().execute(
            table.update().where(by_code, table.c.area_id == old_id).values(area_id=area_ids.get(code))
        ).rowcount
        if code not in area_ids:  # same code in the new set: re-pointed, not moved
            moved += changed
    return moved
