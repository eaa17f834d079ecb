"""Police sources: the public events feed, kommunpolisens veckosammanställning, the type mapping.

Both sources store through `api.reports.service.store_records`, each under a per-kommun system
organisation of type polis (created on first use, not expected to report weekly), so the
per-organisation dedup makes every re-import and re-upload store nothing new.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import timedelta

import pandas as pd
from sqlmodel import Session, col, select

from api.areas import service as area_service
from api.categories import service as category_service
from api.jobs import service as job_service
from api.kommuner import service as kommun_service
from api.organisations.models import Organisation, OrganisationType
from api.police.models import PoliceTypeMapping
from api.reports import service as report_service
from api.reports.models import Report
from ingest.police_feed import parse_police_events
from ingest.police_feed_client import RateLimitLedger
from ingest.police_summary import parse_police_summary
from ingest.police_types import DEFAULT_POLICE_TYPE_MAPPING
from ingest.records import RowError

FEED_ORGANISATION = "Polisen – händelser (polisen.se)"
SUMMARY_ORGANISATION = "Kommunpolisen – veckosammanställning"
SUMMARY_CATEGORY = "polis_sammanfattning"
FEED_JOB = "police_feed"
#: Category used for police types that are neither in the kommun's table nor the default one.
UNMAPPED_CATEGORY = "ovrigt"


def system_organisation(*, session: Session, kommun_code: str, name: str) -> Organisation:
    """The kommun's organisation for a police source, created on first use."""
    organisation = session.exec(
        select(Organisation).where(Organisation.kommun_code == kommun_code, Organisation.name == name)
    ).first()
    if organisation is None:
        organisation = Organisation(
            kommun_code=kommun_code, name=name, type=OrganisationType.polis.value,
            expected_to_report=False,
        )
        session.add(organisation)
        session.flush()
    return organisation


def type_mapping(*, session: Session, kommun_code: str) -> dict[str, str | None]:
    """Police type → category code (None: not imported): the kommun's rows over the defaults."""
    rows = session.exec(
        select(PoliceTypeMapping).where(PoliceTypeMapping.kommun_code == kommun_code)
    ).all()
    return {**DEFAULT_POLICE_TYPE_MAPPING, **{r.police_type: r.category_code for r in rows}}


@dataclass
class FeedImport:
    """What one feed import did for one kommun."""

    kommun_code: str
    created: int = 0
    skipped: int = 0  # already stored (same police id)
    unplaced: int = 0  # new events kept at kommun level (no place matched), summaries excluded
    summaries: int = 0
    not_imported: int = 0  # types mapped to "importeras inte"
    errors: list[RowError] = field(default_factory=list)


def import_feed(
    *, session: Session, data: bytes | str | list, kommun_codes: list[str] | None = None
) -> list[FeedImport]:
    """Store the feed's events for each kommun (default: every kommun in the installation)."""
    if kommun_codes is None:
        kommun_codes = [k.code for k in kommun_service.list_kommuner(session=session)]
    return [_import_feed_for(session, data, code) for code in kommun_codes]


def _import_feed_for(session: Session, data: bytes | str | list, kommun_code: str) -> FeedImport:
    result = parse_police_events(
        data,
        kommun=kommun_code,
        gazetteer=area_service.kommun_gazetteer(session=session, kommun_code=kommun_code),
        type_mapping=type_mapping(session=session, kommun_code=kommun_code),
        unmapped_category=UNMAPPED_CATEGORY,
        summary_category=SUMMARY_CATEGORY,
    )
    outcome = FeedImport(kommun_code=kommun_code, errors=list(result.errors))
    outcome.not_imported = result.skip_reasons.get("ej_relevant_typ", 0)
    if not result.records:
        return outcome
    organisation = system_organisation(
        session=session, kommun_code=kommun_code, name=FEED_ORGANISATION
    )
    stored = report_service.store_records(
        session=session, kommun_code=kommun_code, records=result.records,
        organisation_id=organisation.id, strict=False, review_status="ny",
        source_urls=[event.url or "" for event in result.events],
    )
    outcome.errors += stored.errors
    outcome.created = len(stored.created_ids)
    outcome.skipped = len(stored.skipped)
    created = set(stored.created_ids)
    if created:
        rows = session.exec(
            select(Report.id, Report.area_id).where(col(Report.id).in_(created))
        ).all()
        area_by_id = dict(rows)
        for report_id, event in zip(_created_ids_in_order(stored, result), result.events,
                                    strict=True):
            if report_id is None:
                continue
            if event.is_summary:
                outcome.summaries += 1
            elif area_by_id.get(report_id) is None:
                outcome.unplaced += 1
    return outcome


def _created_ids_in_order(stored: report_service.StoreOutcome, result) -> list[int | None]:  # type: ignore[no-untyped-def]
    """The new report id for each parsed record (None when skipped or refused)."""
    not_created = {row for row, _ in stored.skipped} | {e.row for e in stored.errors}
    ids = iter(stored.created_ids)
    return [None if row in not_created else next(ids) for row in range(1, len(result.records) + 1)]


def describe_feed_imports(imports: list[FeedImport]) -> str:
    """A Swedish one-line summary of an import (job message, CLI)."""
    created = sum(i.created for i in imports)
    skipped = sum(i.skipped for i in imports)
    unplaced = sum(i.unplaced for i in imports)
    summaries = sum(i.summaries for i in imports)
    errors = sum(len(i.errors) for i in imports)
    text = (
        f"{created} nya händelser ({unplaced} på kommunnivå utan område, {summaries} "
        f"sammanfattningar), {skipped} redan sparade, i {len(imports)} kommuner."
    )
    if errors:
        first = next(e.message for i in imports for e in i.errors)
        text += f" {errors} händelser kunde inte läsas, t.ex.: {first}"
    return text


def feed_ledger(*, session: Session, now, exclude_run_id: int | None = None) -> RateLimitLedger:  # type: ignore[no-untyped-def]
    """The feed's rate-limit ledger, rebuilt from earlier runs so restarts do not reset it."""
    return RateLimitLedger(
        calls=job_service.call_times(
            session=session, job=FEED_JOB, since=now - timedelta(hours=25),
            exclude_run_id=exclude_run_id,
        )
    )


# --- kommunpolisens veckosammanställning --------------------------------------------------------


@dataclass
class SummaryImport:
    """What an uploaded weekly summary did: rows stored, already stored, or errors (nothing stored)."""

    created: int = 0
    skipped: int = 0
    zero_rows: int = 0
    errors: list[RowError] = field(default_factory=list)


def import_summary(
    *, session: Session, kommun_code: str, data: bytes | str, submitted_by_id: int | None = None
) -> SummaryImport:
    """Store a weekly summary as aggregate records; with any row error nothing is stored."""
    categories = category_service.list_categories(session=session, kommun_code=kommun_code)
    frame = pd.DataFrame(
        {
            "category_code": [c.code for c in categories],
            "category_name": [c.name for c in categories],
            "active": [c.active for c in categories],
        }
    )
    areas = area_service.load_areas_frame(session=session, kommun_code=kommun_code)
    try:
        parsed = parse_police_summary(
            data, kommun_code=kommun_code, categories=frame,
            areas=pd.DataFrame(areas[["area_code", "area_name"]]),
            gazetteer=area_service.kommun_gazetteer(session=session, kommun_code=kommun_code),
        )
    except (ValueError, csv.Error) as exc:
        message = str(exc)
        return SummaryImport(errors=[RowError(None, None, None, "invalid_file",
                                              message[:1].upper() + message[1:] + ".")])
    outcome = SummaryImport(zero_rows=parsed.skipped, errors=list(parsed.errors))
    if outcome.errors or not parsed.records:
        return outcome
    organisation = system_organisation(
        session=session, kommun_code=kommun_code, name=SUMMARY_ORGANISATION
    )
    try:
        stored = report_service.store_records(
            session=session, kommun_code=kommun_code, records=parsed.records,  # type: ignore[arg-type]
            organisation_id=organisation.id, submitted_by_id=submitted_by_id, strict=True,
            review_status="ny",
        )
    except report_service.StoreRejected as exc:
        outcome.errors = exc.errors
        return outcome
    outcome.created = len(stored.created_ids)
    outcome.skipped = len(stored.skipped)
    return outcome


# --- the editable type mapping -------------------------------------------------------------------


@dataclass
class TypeRow:
    """One police type on the mapping page."""

    police_type: str
    category_code: str | None  # what the import uses now
    default_code: str | None
    custom: bool


def default_category(police_type: str) -> str | None:
    """The built-in category for a police type (unknown types become "ovrigt")."""
    return DEFAULT_POLICE_TYPE_MAPPING.get(police_type, UNMAPPED_CATEGORY)


def list_type_rows(*, session: Session, kommun_code: str) -> list[TypeRow]:
    """Every known police type (built-in and the kommun's own) with its mapped category."""
    rows = {
        r.police_type: r
        for r in session.exec(
            select(PoliceTypeMapping).where(PoliceTypeMapping.kommun_code == kommun_code)
        )
    }
    types = sorted(set(DEFAULT_POLICE_TYPE_MAPPING) | set(rows), key=str.casefold)
    return [
        TypeRow(
            police_type=t,
            category_code=rows[t].category_code if t in rows else default_category(t),
            default_code=default_category(t),
            custom=t in rows,
        )
        for t in types
    ]


def save_type_mapping(
    *, session: Session, kommun_code: str, choices: dict[str, str | None]
) -> list[str]:
    """Save police type → category (None: not imported); returns the types changed.

    A choice equal to the built-in mapping removes the kommun's row, so later changes to the
    defaults reach the kommun unless it has chosen otherwise.
    """
    allowed = {
        c.code for c in category_service.list_categories(session=session, kommun_code=kommun_code)
        if not c.is_context
    }
    rows = {
        r.police_type: r
        for r in session.exec(
            select(PoliceTypeMapping).where(PoliceTypeMapping.kommun_code == kommun_code)
        )
    }
    changed: list[str] = []
    for police_type, code in choices.items():
        if code is not None and code not in allowed:
            raise ValueError(f"okänd kategori '{code}' för typen {police_type}")
        row = rows.get(police_type)
        current = row.category_code if row else default_category(police_type)
        if code == default_category(police_type) and police_type in DEFAULT_POLICE_TYPE_MAPPING:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(PoliceTypeMapping(kommun_code=kommun_code, police_type=police_type,
                                          category_code=code))
        else:
            row.category_code = code
            session.add(row)
        if code != current:
            changed.append(police_type)
    session.flush()
    return changed
