"""The police feed job with a recorded feed behind httpx.MockTransport (never the network)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlmodel import Session, select

from api.categories.models import Category
from api.core.clock import Clock
from api.jobs.models import JobRun
from api.organisations.models import Organisation
from api.police import service as police_service
from api.reports.models import Report
from api.schedule.jobs import run_job
from tests.api.police.conftest import FEED_FIXTURE

pytestmark = pytest.mark.dates

T0 = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


class RecordedFeed:
    """A MockTransport serving the recorded feed and remembering each request."""

    def __init__(self, body: bytes | None = None, status: int = 200) -> None:
        self.body = FEED_FIXTURE.read_bytes() if body is None else body
        self.status = status
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status, content=self.body)


def _run(database, settings, feed: RecordedFeed, at: datetime) -> JobRun:  # type: ignore[no-untyped-def]
    settings = settings.model_copy(update={"police_feed_enabled": True})
    return run_job(database, settings, "police_feed", clock=Clock.fixed(at),
                   http_transport=feed.transport, triggered_by="test")


def _reports(session: Session, kommun: str = "1880") -> list[Report]:
    return list(session.exec(select(Report).where(Report.kommun_code == kommun)))


def _codes(session: Session) -> dict[int, str]:
    return {c.id: c.code for c in session.exec(select(Category))}  # type: ignore[misc]


def test_job_stores_each_kommuns_events_once_and_places_them(database, test_settings, session,
                                                              world, places):
    feed = RecordedFeed()
    first = _run(database, test_settings, feed, T0)
    assert first.status == "succeeded", first.message
    assert first.period == "2026-11-21T13:00"  # local (Europe/Stockholm) start minute
    # The terms require a User-Agent: the configured one is sent as it is (ASCII by default).
    assert feed.requests[0].headers["user-agent"] == test_settings.police_feed_user_agent
    assert str(feed.requests[0].url) == test_settings.police_feed_url

    reports = _reports(session)
    # 19 Örebro events in the fixture; Rattfylleri and Trafikolycka are not imported.
    assert len(reports) == 17
    assert {r.source for r in reports} == {"police_feed"}
    assert {r.review_status for r in reports} == {"ny"}
    assert all(r.x is None and r.y is None for r in reports)  # the feed's gps is never used
    by_id = {r.external_id: r for r in reports}
    assert "622246" not in by_id and "409606" not in by_id
    assert by_id["431850"].area_id == places["1880A"]  # "… i Baronbackarna"
    assert by_id["428684"].area_id == places["1880B"]  # "… brand i Vivalla."
    assert by_id["620204"].area_id == places["1880B"]
    assert by_id["419855"].area_id is None  # Hjärsta is not in the gazetteer: kommun level
    assert by_id["646051"].area_id is None
    codes = _codes(session)
    assert codes[by_id["564069"].category_id] == "ran"  # "Rån, försök"
    assert codes[by_id["413510"].category_id] == "incident_anstalld"
    assert by_id["428684"].source_url.startswith("https://polisen.se/aktuellt/handelser/2023/")
    # Each "Sammanfattning …" is ONE context record, never placed.
    summaries = [r for r in reports if codes[r.category_id] == "polis_sammanfattning"]
    assert sorted(r.external_id for r in summaries) == ["410968", "438200", "564090"]
    assert all(r.area_id is None for r in summaries)
    assert Counter(r.area_id for r in reports) == {None: 14, places["1880B"]: 2, places["1880A"]: 1}

    organisation = session.get(Organisation, by_id["431850"].organisation_id)
    assert organisation.name == "Polisen – händelser (polisen.se)"
    assert organisation.type == "polis" and organisation.expected_to_report is False
    assert organisation.kommun_code == "1880"
    # Alingsås' only event (Anträffad död) is not imported; nothing leaks between kommuner.
    assert _reports(session, "1489") == []
    assert "17 nya händelser (11 på kommunnivå utan område, 3 sammanfattningar)" in first.message

    second = _run(database, test_settings, feed, T0 + timedelta(minutes=30))
    assert second.status == "succeeded"
    assert "0 nya händelser" in second.message and "17 redan sparade" in second.message
    assert len(_reports(session)) == 17
    assert len(feed.requests) == 2
    organisations = session.exec(
        select(Organisation).where(Organisation.name == police_service.FEED_ORGANISATION)
    ).all()
    assert len(organisations) == 1


def test_rate_limit_refuses_a_too_early_call_and_records_it(database, test_settings, session,
                                                             world):
    feed = RecordedFeed()
    assert _run(database, test_settings, feed, T0).status == "succeeded"
    early = _run(database, test_settings, feed, T0 + timedelta(seconds=4))
    assert early.status == "skipped"
    assert "minst 10 s mellan anropen" in early.message
    assert len(feed.requests) == 1  # nothing was sent
    # The ledger is rebuilt from job_run rows, so a new process is held to the same terms.
    later = _run(database, test_settings, feed, T0 + timedelta(seconds=15))
    assert later.status == "succeeded"
    runs = session.exec(select(JobRun).where(JobRun.job == "police_feed").order_by(JobRun.id)).all()
    assert [r.status for r in runs] == ["succeeded", "skipped", "succeeded"]
    assert all(r.triggered_by == "test" and r.finished_at is not None for r in runs)


def test_hourly_limit_counts_earlier_runs(database, test_settings, session, world):
    for minute in range(60):
        at = T0 - timedelta(minutes=59, seconds=30) + timedelta(minutes=minute)
        session.add(JobRun(job="police_feed", status="succeeded", started_at=at, finished_at=at))
    session.add(JobRun(job="police_feed", status="skipped", started_at=T0, finished_at=T0))
    session.commit()
    feed = RecordedFeed()
    refused = _run(database, test_settings, feed, T0 + timedelta(seconds=20))
    assert refused.status == "skipped" and "högst 60 anrop per timme" in refused.message
    assert feed.requests == []


def test_a_feed_error_fails_the_run_and_stores_nothing(database, test_settings, session, world):
    feed = RecordedFeed(body=b"<html>fel</html>", status=503)
    run = _run(database, test_settings, feed, T0)
    assert run.status == "failed"
    assert "HTTP-status 503" in run.message
    assert _reports(session) == []


def test_a_disabled_feed_is_never_called(database, test_settings, session, world):
    feed = RecordedFeed()
    run = run_job(database, test_settings, "police_feed", clock=Clock.fixed(T0),
                  http_transport=feed.transport)
    assert run.status == "skipped" and "avstängt" in run.message
    assert feed.requests == []
