"""Scheduled job: every Monday 06:00 draft last week's lägesbild for each kommun."""

from __future__ import annotations

from sqlmodel import select

from api.jobs.registry import JobContext, JobOutcome
from api.kommuner.models import Kommun
from api.lagesbild import service as lagesbild_service


def draft_job(context: JobContext) -> JobOutcome:
    """Draft the period's lägesbild for the run's kommun (all kommuner when none is given).

    Idempotent: a week that already has a lägesbild (draft or published) is left as it is.
    """
    if context.kommun_code is not None:
        codes = [context.kommun_code]
    else:
        codes = list(context.session.exec(select(Kommun.code).order_by(Kommun.code)))
    created = []
    for code in codes:
        existing = lagesbild_service.versions(session=context.session, kommun_code=code, week=context.period)
        if not existing:
            lagesbild_service.draft_lagesbild(
                session=context.session, kommun_code=code, week=context.period, created_by="system"
            )
            created.append(code)
    artefact = f"/lagesbild/{context.period}"
    if not created:
        return JobOutcome("skipped", f"Lägesbilden för {context.period} finns redan.", artefact=artefact)
    what = "" if context.kommun_code else f" ({len(created)} av {len(codes)} kommuner)"
    return JobOutcome("succeeded", f"Utkast till lägesbild för {context.period} skapat{what}.", artefact=artefact)
