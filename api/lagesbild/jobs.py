"""Scheduled job: every Monday 06:00 draft last week's lägesbild for each kommun."""

from __future__ import annotations

from api.jobs.registry import JobContext, JobOutcome
from api.lagesbild import service as lagesbild_service


def draft_job(context: JobContext) -> JobOutcome:
    """Draft the period's lägesbild for the run's kommun (idempotent: an existing one is kept)."""
    if context.kommun_code is None:
        raise ValueError("jobbet lagesbild_draft körs per kommun: kommunkod saknas")
    before = lagesbild_service.versions(
        session=context.session, kommun_code=context.kommun_code, week=context.period
    )
    lagesbild = lagesbild_service.draft_lagesbild(
        session=context.session, kommun_code=context.kommun_code, week=context.period,
        created_by="system",
    )
    if before:
        return JobOutcome(
            "skipped", f"Lägesbilden för {context.period} finns redan (version {lagesbild.version}).",
            artefact=f"/lagesbild/{context.period}",
        )
    return JobOutcome(
        "succeeded", f"Utkast till lägesbild för {context.period} skapat.",
        artefact=f"/lagesbild/{context.period}",
    )
