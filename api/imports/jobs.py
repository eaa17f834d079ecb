"""Scheduled job: remove uploaded import files that no preview needs any more (hourly)."""

from __future__ import annotations

from api.imports import service
from api.jobs.registry import JobContext, JobOutcome


def upload_expiry_job(context: JobContext) -> JobOutcome:
    """Empty raw files older than upload_retention_hours, and any left on committed batches."""
    hours = context.settings.upload_retention_hours
    removed = service.remove_outlived_files(session=context.session, now=context.clock.now(), hours=hours)
    if not removed:
        return JobOutcome("skipped", f"Inga uppladdade filer äldre än {hours} timmar att ta bort.")
    return JobOutcome("succeeded", f"{removed} uppladdade importfiler borttagna (äldre än {hours} timmar "
                                   "eller redan importerade); namn, storlek och kontrollsumma finns kvar.")
