"""Gallring: remove the free text of old reports per the kommun's informationshanteringsplan.

What is removed, for reports that came in (`submitted_at`) before the cut-off:
- `report.description`, `report.place_text` and `report.review_note` (emptied; `text_removed_at` set);
- the uploaded file kept on an `import_batch` (its rows hold the same free text; a preview that was
  never committed is cancelled, it cannot be committed any more);
- `idempotency_key` rows of the kommun's organisations (a stored API answer, only needed while a
  client may retry).

What stays: category, area, position, place id, dates and times, counts, source, organisation,
review status, duplicate links, external id and content hash, so every count, map, trend and package
is the same before and after. The cut-off counts from when the report came in, not from the
observed date, because an informationshanteringsplan counts a handling's gallringsfrist from when
it was received or drawn up (an old event reported today is kept as long as any other report).

Not touched, by design: published lägesbild snapshots (they hold counts, category, date, organisation
and position, never report free text), analysis packages (aggregates), and `audit_event`, which is
append-only in the database and follows its own retention.
"""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import case, delete, func, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.sql import Executable
from sqlmodel import Session, col, select

from api.audit import service as audit_service
from api.core.errors import NotFound
from api.core.time import utcnow
from api.imports.models import ImportBatch
from api.kommuner.models import Kommun
from api.organisations.models import Organisation
from api.reports.models import IdempotencyKey, Report

#: Rows per UPDATE: keeps each statement and its locks short on tables with 100 000s of reports.
BATCH_SIZE = 5000


@dataclass(frozen=True)
class RetentionResult:
    """What one gallring run did (or, with dry_run, would do) in one kommun."""

    kommun_code: str
    retention_months: int | None
    cutoff: date | None  # reports received before this local date lose their free text
    reports: int = 0
    import_batches: int = 0
    idempotency_keys: int = 0
    dry_run: bool = False

    @property
    def total(self) -> int:
        """All rows changed (or that would change)."""
        return self.reports + self.import_batches + self.idempotency_keys


def cutoff_date(today: date, months: int) -> date:
    """The same day `months` calendar months before today (the month's last day when shorter).

    >>> cutoff_date(date(2026, 11, 22), 12)
    datetime.date(2025, 11, 22)
    >>> cutoff_date(date(2026, 3, 31), 1)
    datetime.date(2026, 2, 28)
    """
    if months < 0:
        raise ValueError("months must not be negative")
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def _cutoff_moment(cutoff: date, timezone: str) -> datetime:
    """Local midnight at the start of the cut-off day, as UTC (what `submitted_at` stores)."""
    return datetime.combine(cutoff, time(0), tzinfo=ZoneInfo(timezone)).astimezone(ZoneInfo("UTC"))


def apply_retention(
    *, session: Session, kommun_code: str, today: date, timezone: str = "Europe/Stockholm",
    dry_run: bool = False, actor: str = "system", now: datetime | None = None, batch_size: int = BATCH_SIZE,
) -> RetentionResult:
    """Remove free text older than the kommun's retention_months (the caller commits).

    Idempotent: a report whose text is already removed is not touched again, so a second run on the
    same day changes 0 rows. A kommun without retention_months is left alone. A real run that
    changed anything is audited ("report.gallring") with the numbers of rows.
    """
    kommun = session.get(Kommun, kommun_code)
    if kommun is None:
        raise NotFound(f"Kommunen {kommun_code} finns inte.")
    if kommun.retention_months is None:
        return RetentionResult(kommun_code, None, None, dry_run=dry_run)
    cutoff = cutoff_date(today, kommun.retention_months)
    moment = _cutoff_moment(cutoff, timezone)
    counts = (_count_rows if dry_run else _remove_rows)(
        session=session, kommun_code=kommun_code, moment=moment, now=now or utcnow(), batch_size=batch_size,
    )
    result = RetentionResult(kommun_code, kommun.retention_months, cutoff, *counts, dry_run=dry_run)
    if not dry_run and result.total:
        details = {k: v for k, v in asdict(result).items() if k not in ("kommun_code", "dry_run")}
        audit_service.record(
            session=session, action="report.gallring", actor=actor, kommun_code=kommun_code,
            object_type="kommun", object_id=kommun_code, filter=details,
            purpose="Gallring enligt informationshanteringsplanen",
        )
    session.flush()
    return result


def removed_so_far(*, session: Session, kommun_code: str) -> tuple[int, datetime | None]:
    """How many of the kommun's reports have had their free text removed, and when last."""
    count, last = session.exec(
        select(func.count(), func.max(Report.text_removed_at))
        .where(Report.kommun_code == kommun_code, col(Report.text_removed_at).is_not(None))
    ).one()
    return int(count), last


def kommuner_with_retention(*, session: Session) -> list[str]:
    """Codes of the kommuner that have automatic gallring switched on."""
    return list(session.exec(
        select(Kommun.code).where(col(Kommun.retention_months).is_not(None)).order_by(Kommun.code)
    ))


def _report_filter(kommun_code: str, moment: datetime) -> tuple:  # type: ignore[type-arg]
    return (Report.kommun_code == kommun_code, col(Report.submitted_at) < moment,
            col(Report.text_removed_at).is_(None))


def _batch_filter(kommun_code: str, moment: datetime) -> tuple:  # type: ignore[type-arg]
    return (ImportBatch.kommun_code == kommun_code, col(ImportBatch.created_at) < moment,
            func.length(ImportBatch.content) > 0)


def _key_filter(kommun_code: str, moment: datetime) -> tuple:  # type: ignore[type-arg]
    organisations = select(Organisation.id).where(Organisation.kommun_code == kommun_code)
    return (col(IdempotencyKey.organisation_id).in_(organisations), col(IdempotencyKey.created_at) < moment)


def _count(session: Session, model: type, where: tuple) -> int:  # type: ignore[type-arg]
    return int(session.exec(select(func.count()).select_from(model).where(*where)).one())


def _count_rows(*, session: Session, kommun_code: str, moment: datetime, now: datetime,
                batch_size: int) -> tuple[int, int, int]:
    return (_count(session, Report, _report_filter(kommun_code, moment)),
            _count(session, ImportBatch, _batch_filter(kommun_code, moment)),
            _count(session, IdempotencyKey, _key_filter(kommun_code, moment)))


def _rowcount(session: Session, statement: Executable) -> int:
    result = cast(CursorResult[Any], session.execute(statement))
    return int(result.rowcount)


def _remove_rows(*, session: Session, kommun_code: str, moment: datetime, now: datetime,
                 batch_size: int) -> tuple[int, int, int]:
    reports = 0
    while True:
        # Set-based, in slices: the id subquery with LIMIT works on SQLite and PostgreSQL alike, and
        # `text_removed_at IS NULL` makes each slice pick up where the last one stopped.
        ids = select(Report.id).where(*_report_filter(kommun_code, moment)).limit(batch_size)
        changed = _rowcount(
            session,
            update(Report).where(col(Report.id).in_(ids.scalar_subquery()))
            .values(description="", place_text="", review_note="", text_removed_at=now)
            .execution_options(synchronize_session=False),
        )
        reports += changed
        if changed < batch_size:
            break
    batches = _rowcount(
        session,
        update(ImportBatch).where(*_batch_filter(kommun_code, moment))
        .values(content=b"", status=case((col(ImportBatch.status) == "preview", "cancelled"),
                                         else_=col(ImportBatch.status)))
        .execution_options(synchronize_session=False),
    )
    keys = _rowcount(
        session,
        delete(IdempotencyKey).where(*_key_filter(kommun_code, moment))
        .execution_options(synchronize_session=False),
    )
    # Rows already loaded in this session must not show the removed text.
    session.expire_all()
    return reports, batches, keys
