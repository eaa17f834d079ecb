"""Scheduled job: after a quarter (or tertial) ends, generate the previous period's package per kommun."""

from __future__ import annotations

from sqlmodel import select

from api.jobs.registry import JobContext, JobOutcome
from api.kommuner.models import Kommun
from api.packages import service

# The job runs on the 2nd of the months after a quarter (1, 4, 7, 10) or a tertial (1, 5, 9) ends;
# its run period is the month, and each kommun's package period follows its own period_kind
# (kvartal or tertial, set on /admin/kommun).


def package_job(context: JobContext) -> JobOutcome:
    """Generate the last finished period's package for the run's kommun (all kommuner when none).

    Each kommun gets the last finished period of its own kind (2026-Q3 for a kvartal kommun and
    2026-T2 for a tertial kommun on 2026-10-02). Idempotent: a kommun that already has a finished
    package for its period is left alone, so a kvartal kommun's run in May or September (tertial
    months) skips.
    """
    today = context.clock.today()
    query = select(Kommun).order_by(Kommun.code)  # type: ignore[arg-type]
    if context.kommun_code is not None:
        query = query.where(Kommun.code == context.kommun_code)
    kommuner = list(context.session.exec(query))
    created: list[str] = []
    periods: list[str] = []
    for kommun in kommuner:
        period = service.default_period(kommun.period_kind, today)
        if period not in periods:
            periods.append(period)
        if service.done_package_exists(session=context.session, kommun_code=kommun.code, period=period):
            continue
        service.generate_in_session(session=context.session, settings=context.settings,
                                    kommun_code=kommun.code, period=period, today=today, created_by="system")
        created.append(period)
    labels = " och ".join(periods)
    if not created:
        return JobOutcome("skipped", f"Paketet för {labels} finns redan.", artefact="/kvartal")
    what = "" if context.kommun_code else f" ({len(created)} av {len(kommuner)} kommuner)"
    return JobOutcome("succeeded", f"Kvartalsanalysens paket för {labels} skapat{what}.",
                      artefact="/kvartal")
