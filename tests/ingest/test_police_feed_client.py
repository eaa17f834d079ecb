"""Tests for ingest.police_feed_client: rate-limit ledger and HTTP client (MockTransport only)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from ingest.police_feed import parse_police_events
from ingest.police_feed_client import (
    POLISEN_EVENTS_URL,
    PoliceFeedClient,
    PoliceFeedError,
    RateLimitExceeded,
    RateLimitLedger,
)

FIXTURE = Path(__file__).parent / "fixtures" / "police" / "events_sample.json"
T0 = datetime(2026, 11, 21, 12, 0, 0, tzinfo=UTC)
UA = "Lagesbild Orebro kommun (sakerhet@example.se)"


class FakeClock:
    def __init__(self, start: datetime = T0):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _transport(body: bytes = b"[]", status: int = 200, seen: list | None = None):
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(status, content=body)

    return httpx.MockTransport(handler)


def test_ledger_min_interval():
    ledger = RateLimitLedger()
    ledger.record(T0)
    assert ledger.wait_seconds(T0 + timedelta(seconds=3)) == 7.0
    with pytest.raises(RateLimitExceeded, match="10 s") as info:
        ledger.check(T0 + timedelta(seconds=9.5))
    assert info.value.retry_after == 0.5
    ledger.check(T0 + timedelta(seconds=10))  # exactly 10 s later is allowed


def test_ledger_hourly_limit():
    ledger = RateLimitLedger()
    # 60 calls 10 s apart: 12:00:00 … 12:09:50
    for i in range(60):
        now = T0 + timedelta(seconds=10 * i)
        ledger.check(now)
        ledger.record(now)
    # The 61st must wait until the first call is an hour old: 13:00:00, i.e. 3000 s after 12:10:00
    at = T0 + timedelta(minutes=10)
    with pytest.raises(RateLimitExceeded, match="60 anrop per timme") as info:
        ledger.check(at)
    assert info.value.retry_after == 3000.0
    ledger.check(T0 + timedelta(hours=1))


def test_ledger_daily_limit_with_small_limits():
    ledger = RateLimitLedger(min_interval=0, max_per_hour=100, max_per_day=3)
    for minutes in (0, 1, 2):
        ledger.record(T0 + timedelta(minutes=minutes))
    with pytest.raises(RateLimitExceeded, match="3 anrop per dygn"):
        ledger.check(T0 + timedelta(hours=5))
    assert ledger.wait_seconds(T0 + timedelta(hours=23)) == 3600.0
    ledger.check(T0 + timedelta(days=1))
    # old calls are pruned once they leave the 24-hour window
    ledger.record(T0 + timedelta(days=1, minutes=1, seconds=30))
    assert len(ledger.calls) == 2


def test_ledger_loaded_from_earlier_calls_and_needs_aware_times():
    ledger = RateLimitLedger(calls=[T0 - timedelta(seconds=5)])
    assert ledger.wait_seconds(T0) == 5.0
    with pytest.raises(ValueError, match="tidszon"):
        ledger.check(datetime(2026, 11, 21, 12, 0))


def test_client_sends_user_agent_and_parses_fixture_bytes():
    body = FIXTURE.read_bytes()
    seen: list[httpx.Request] = []
    client = PoliceFeedClient(POLISEN_EVENTS_URL, UA, clock=FakeClock(),
                              transport=_transport(body, seen=seen))
    events = client.fetch_events()
    assert events == json.loads(body)
    assert len(seen) == 1
    assert seen[0].headers["User-Agent"] == UA
    assert str(seen[0].url) == POLISEN_EVENTS_URL


def test_fetched_bytes_go_straight_into_the_parser():
    body = FIXTURE.read_bytes()
    client = PoliceFeedClient(POLISEN_EVENTS_URL, UA, clock=FakeClock(), transport=_transport(body))
    result = parse_police_events(client.fetch(), kommun="Örebro")
    # same 17 Örebro records as in test_police_feed.test_orebro_sample_counts
    assert len(result.records) == 17 and result.errors == []


def test_client_refuses_second_call_within_10_s_without_sending():
    clock = FakeClock()
    seen: list[httpx.Request] = []
    client = PoliceFeedClient(POLISEN_EVENTS_URL, UA, clock=clock, transport=_transport(seen=seen))
    client.fetch()
    clock.advance(9)
    with pytest.raises(RateLimitExceeded):
        client.fetch()
    assert len(seen) == 1
    clock.advance(1)
    client.fetch()
    assert len(seen) == 2
    assert client.ledger.calls == [T0, T0 + timedelta(seconds=10)]


def test_client_shares_a_ledger():
    ledger = RateLimitLedger()
    clock = FakeClock()
    a = PoliceFeedClient(POLISEN_EVENTS_URL, UA, clock=clock, ledger=ledger, transport=_transport())
    b = PoliceFeedClient(POLISEN_EVENTS_URL, UA, clock=clock, ledger=ledger, transport=_transport())
    a.fetch()
    with pytest.raises(RateLimitExceeded):
        b.fetch()


@pytest.mark.parametrize(("status", "body"), [(503, b""), (200, b"<html>"), (200, b'{"a": 1}')])
def test_client_errors_in_swedish(status, body):
    client = PoliceFeedClient(POLISEN_EVENTS_URL, UA, clock=FakeClock(),
                              transport=_transport(body, status))
    with pytest.raises(PoliceFeedError, match="polisens händelseflöde"):
        client.fetch_events()
    # a failed attempt still counts against the limits
    assert len(client.ledger.calls) == 1


def test_network_error_becomes_feed_error():
    def boom(request):
        raise httpx.ConnectError("no route", request=request)

    client = PoliceFeedClient(POLISEN_EVENTS_URL, UA, clock=FakeClock(),
                              transport=httpx.MockTransport(boom))
    with pytest.raises(PoliceFeedError, match="kunde inte hämta"):
        client.fetch()


@pytest.mark.parametrize(("url", "ua"), [(POLISEN_EVENTS_URL, ""), (POLISEN_EVENTS_URL, "  "),
                                         ("ftp://polisen.se/api/events", UA)])
def test_client_requires_user_agent_and_http_url(url, ua):
    with pytest.raises(ValueError):
        PoliceFeedClient(url, ua, clock=FakeClock())
