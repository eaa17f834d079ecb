"""Scheduled job: nightly gallring of free text, once per kommun, for kommuner that have it switched on."""

from __future__ import annotations

from api.gallring import service
from api.jobs.registry import JobContext, JobOutcome


def gallring_job(context: JobContext) -> JobOutcome:
    """Remove free text older than the kommun's retention_months; skipped when the kommun has none."""
    if context.kommun_code is None:  # run by hand without --kommun: every kommun with gallring on
        codes = service.kommuner_with_retention(session=context.session)
    else:
        codes = [context.kommun_code]
    clock = context.clock
    results = [
        service.apply_retention(session=context.session, kommun_code=code, today=clock.today(),
                                timezone=clock.timezone, now=clock.now())
        for code in codes
    ]
    active = [r for r in results if r.retention_months is not None]
    if not active:
        return JobOutcome("skipped", "Ingen automatisk gallring är inställd för kommunen.")
    parts = [
        f"{r.reports} rapporter, {r.import_batches} importfiler och {r.idempotency_keys} API-svar "
        f"från före {r.cutoff} gallrade ({r.retention_months} månader)"
        + ("" if context.kommun_code else f" i {r.kommun_code}")
        for r in active
    ]
    return JobOutcome("succeeded", "; ".join(parts) + ".")
