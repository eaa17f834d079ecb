"""Scheduled job: fetch polisen.se's events feed (within its terms of use) and import it for every kommun."""

from __future__ import annotations

import logging
import unicodedata

from api.jobs.registry import JobContext, JobOutcome
from api.police import service
from ingest.police_feed_client import PoliceFeedClient, PoliceFeedError, RateLimitExceeded

logger = logging.getLogger(__name__)


def ascii_header(value: str) -> str:
    """An HTTP header value in ASCII: "brottsförebyggande" → "brottsforebyggande"."""
    # HTTP headers are ASCII; the default User-Agent in Settings has Swedish letters.
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if c.isascii() and c.isprintable())


def poll_feed_job(context: JobContext) -> JobOutcome:
    """Scheduled job: fetch the feed once (within its terms of use) and import it for every kommun."""
    settings = context.settings
    if not settings.police_feed_enabled:
        # Contacting polisen.se is the installation's choice, also for a manual run.
        return JobOutcome("skipped", "Polisens händelseflöde är avstängt "
                                     "(LAGESBILD_POLICE_FEED_ENABLED=false).")
    now = context.clock.now()
    client = PoliceFeedClient(
        settings.police_feed_url, ascii_header(settings.police_feed_user_agent), clock=context.clock.now,
        ledger=service.feed_ledger(session=context.session, now=now, exclude_run_id=context.run_id),
        transport=context.http_transport,
    )
    try:
        events = client.fetch_events()
    except RateLimitExceeded as exc:
        return JobOutcome("skipped", f"Inget anrop: {exc}.")
    except PoliceFeedError as exc:
        raise RuntimeError(f"Polisens händelseflöde: {exc}") from exc
    imports = service.import_feed(session=context.session, data=events)
    for item in imports:
        logger.info("Polisens händelser %s: %s", item.kommun_code, service.describe_feed_imports([item]))
    return JobOutcome(
        "succeeded", f"Hämtade {len(events)} händelser. " + service.describe_feed_imports(imports),
        artefact=settings.police_feed_url,
    )
