"""Scheduled job: after a quarter (or tertial) ends, generate the previous period's package per kommun."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel import select

from api.jobs.registry import JobContext, JobOutcome
from api.kommuner.models import Kommun
from api.packages import service

# The job runs on the 2nd of the months after a quarter (1, 4, 7, 10) or a tertial (1, 5, 9) ends;
# its run period is the month, and the package period follows settings.period_kind.


def package_job(context: JobContext) -> JobOutcome:
    """Generate the last finished period's package for the run's kommun (all kommuner when none).

    Idempotent: a kommun that already has a finished package for the period is left alone, so a
    quarter installation's run in May or September (tertial months) skips.
    """
    today = context.clock().astimezone(ZoneInfo(context.settings.timezone)).date()
    period = service.default_period(context.settings, today)
    if context.kommun_code is not None:
        codes = [context.kommun_code]
    else:
        codes = list(context.session.exec(select(Kommun.code).order_by(Kommun.code)))
    created = []
    for code in codes:
        if service.done_package_exists(session=context.session, kommun_code=code, period=period):
            continue
        service.generate_in_session(session=context.session, settings=context.settings,
                                    kommun_code=code, period=period, created_by="system")
        created.append(code)
    if not created:
        return JobOutcome("skipped", f"Paketet för {period} finns redan.", artefact="/kvartal")
    what = "" if context.kommun_code else f" ({len(created)} av {len(codes)} kommuner)"
    return JobOutcome("succeeded", f"Kvartalsanalysens paket för {period} skapat{what}.",
                      artefact="/kvartal")
