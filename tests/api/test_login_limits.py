"""Login limits: the real client address behind trusted proxies, per-address and per-account rate limits,
and the progressive delay per account + address that cannot lock the real admin out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlmodel import select

from api.audit.models import AuditEvent
from api.core.client_address import client_address, parse_networks
from api.core.clock import Clock
from api.core.config import Settings
from api.main import create_app
from api.users import login_throttle
from tests.conftest import csrf_from
from tests.factories import PASSWORD

ADMIN = "admin@1880.example"


class MovingClock:
    """A clock the test moves by hand (the app's ClockMiddleware reads it in every request)."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


@pytest.fixture()
def moving(clock: Clock) -> MovingClock:
    return MovingClock(clock.now())


def _app(test_settings: Settings, database, moving: MovingClock, **settings):  # type: ignore[no-untyped-def]
    values = {"login_rate_limit": "1000/minute", "login_account_rate_limit": "1000/minute", **settings}
    return create_app(test_settings.model_copy(update=values), database=database,
                      clock=Clock(timezone=test_settings.timezone, source=moving))


@pytest.fixture()
def make_client(test_settings, database, moving) -> Iterator:  # type: ignore[no-untyped-def]
    """make_client(peer, **settings): a client whose requests come from `peer`, on an app with `settings`."""
    clients: list[TestClient] = []
    apps: dict[tuple, object] = {}

    def make(peer: str, **settings: str) -> TestClient:
        key = tuple(sorted(settings.items()))
        if key not in apps:  # one app (one in-memory limiter) per set of settings, shared by its clients
            apps[key] = _app(test_settings, database, moving, **settings)
        client = TestClient(apps[key], base_url="https://testserver", client=(peer, 50000))  # type: ignore[arg-type]
        clients.append(client.__enter__())
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def _attempt(client: TestClient, email: str, password: str, forwarded: str | None = None):  # type: ignore[no-untyped-def]
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    client.cookies.clear()
    page = client.get("/login", headers=headers)
    return client.post("/login", headers=headers, follow_redirects=False,
                       data={"email": email, "password": password, "csrf_token": csrf_from(page.text)})


def _actions(session, ip: str) -> list[str]:  # type: ignore[no-untyped-def]
    rows = session.exec(select(AuditEvent).where(AuditEvent.ip == ip).order_by(AuditEvent.id)).all()
    return [row.action for row in rows]


# --- the progressive delay --------------------------------------------------------------------------

def test_attacker_elsewhere_cannot_lock_out_the_admin(make_client, world, session):
    attacker = make_client("198.51.100.7")
    statuses = [_attempt(attacker, ADMIN, f"gissning-{i}").status_code for i in range(12)]
    assert statuses == [401] * 5 + [429] * 7
    refused = _attempt(attacker, ADMIN, PASSWORD)  # even the right password waits, from there
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"
    assert "Försök igen om 30 sekunder." in refused.text
    assert 'value="admin@1880.example"' in refused.text  # the login form again, with the e-mail kept
    assert _actions(session, "198.51.100.7") == ["login_failed"] * 5 + ["login_throttled"] * 8

    admin = make_client("203.0.113.20")
    response = _attempt(admin, ADMIN, PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == "/start"
    assert _actions(session, "203.0.113.20") == ["login"]


def test_delays_double_from_thirty_seconds_up_to_fifteen_minutes(make_client, world, moving):
    client = make_client("198.51.100.8")
    assert [_attempt(client, ADMIN, "fel-losenord").status_code for _ in range(5)] == [401] * 5
    waits = []
    for _ in range(7):
        refused = _attempt(client, ADMIN, "fel-losenord")
        assert refused.status_code == 429
        wait = int(refused.headers["Retry-After"])
        waits.append(wait)
        moving.advance(wait - 1)
        one_second_early = _attempt(client, ADMIN, "fel-losenord")
        assert one_second_early.status_code == 429 and one_second_early.headers["Retry-After"] == "1"
        moving.advance(1)
        assert _attempt(client, ADMIN, "fel-losenord").status_code == 401  # allowed, and wrong again
    assert waits == [30, 60, 120, 240, 480, 900, 900]
    # The right password, once the wait is over, lets the admin in and starts the count afresh.
    moving.advance(900)
    assert _attempt(client, ADMIN, PASSWORD).status_code == 303
    moving.advance(1)
    assert [_attempt(client, ADMIN, "fel-losenord").status_code for _ in range(6)] == [401] * 5 + [429]


def test_failures_are_forgotten_after_a_day(make_client, world, moving):
    client = make_client("198.51.100.9")
    for _ in range(5):
        _attempt(client, ADMIN, "fel-losenord")
    assert _attempt(client, ADMIN, PASSWORD).status_code == 429
    moving.advance(24 * 3600 + 1)
    assert _attempt(client, ADMIN, PASSWORD).status_code == 303


def test_delay_schedule_by_hand():
    assert [int(login_throttle.delay_after(n).total_seconds()) for n in range(0, 12)] == [
        0, 0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900]
    assert login_throttle.delay_after(10**6) == login_throttle.MAX_DELAY
    assert login_throttle.seconds(timedelta(seconds=29, microseconds=1)) == 30
    assert login_throttle.seconds(timedelta(seconds=30)) == 30


# --- addresses behind a reverse proxy -----------------------------------------------------------------

def test_behind_a_trusted_proxy_users_are_limited_separately(make_client, world, session):
    proxy = make_client("10.0.0.2", trusted_proxies="10.0.0.0/8", login_rate_limit="3/minute")
    first = [_attempt(proxy, f"x{i}@example.org", "fel", forwarded="203.0.113.5").status_code for i in range(4)]
    assert first == [401, 401, 401, 429]
    assert 0 < int(_attempt(proxy, "y@example.org", "fel", forwarded="203.0.113.5").headers["Retry-After"]) <= 60
    # A forged left part does not help: the proxy appends the address it saw, and that one counts.
    assert _attempt(proxy, "z@example.org", "fel", forwarded="192.0.2.1, 203.0.113.5").status_code == 429
    # Another user behind the same proxy is counted on their own and logs in.
    assert _attempt(proxy, ADMIN, PASSWORD, forwarded="203.0.113.6").status_code == 303
    assert _actions(session, "203.0.113.6") == ["login"]
    assert _actions(session, "203.0.113.5") == ["login_failed"] * 3 + ["login_rate_limited"] * 3
    assert _actions(session, "10.0.0.2") == []


def test_an_untrusted_peers_forwarded_for_is_ignored(make_client, world, session):
    # No proxies configured (the default) and a proxy list that does not hold the peer: the same.
    for peer, settings in (("198.51.100.10", {}), ("198.51.100.11", {"trusted_proxies": "10.0.0.0/8"})):
        client = make_client(peer, login_rate_limit="3/minute", **settings)
        statuses = [_attempt(client, f"x{i}@example.org", "fel", forwarded=f"203.0.113.{i}").status_code
                    for i in range(4)]
        assert statuses == [401, 401, 401, 429], peer
        assert _actions(session, peer) == ["login_failed"] * 3 + ["login_rate_limited"]
    assert session.exec(select(AuditEvent).where(AuditEvent.ip.startswith("203.0.113."))).all() == []  # type: ignore[union-attr]


def test_delay_is_per_address_behind_the_proxy(make_client, world):
    proxy = make_client("10.0.0.2", trusted_proxies="10.0.0.0/8")
    assert [_attempt(proxy, ADMIN, "fel", forwarded="203.0.113.5").status_code for _ in range(6)] == [401] * 5 + [429]
    assert _attempt(proxy, ADMIN, PASSWORD, forwarded="203.0.113.6").status_code == 303


def test_account_limit_counts_attempts_from_every_address(make_client, world):
    proxy = make_client("10.0.0.2", trusted_proxies="10.0.0.0/8", login_account_rate_limit="3/minute")
    statuses = [_attempt(proxy, ADMIN, "fel", forwarded=f"203.0.113.{i}").status_code for i in range(4)]
    assert statuses == [401, 401, 401, 429]
    assert _attempt(proxy, "analytiker@1880.example", PASSWORD, forwarded="203.0.113.9").status_code == 303


def test_refused_by_address_limit_does_not_count_against_the_account(make_client, world):
    proxy = make_client("10.0.0.2", trusted_proxies="10.0.0.0/8", login_rate_limit="2/minute",
                        login_account_rate_limit="3/minute")
    noisy = [_attempt(proxy, ADMIN, "fel", forwarded="198.51.100.1").status_code for _ in range(6)]
    assert noisy == [401, 401, 429, 429, 429, 429]
    assert _attempt(proxy, ADMIN, PASSWORD, forwarded="203.0.113.1").status_code == 303


# --- the client address and the setting -----------------------------------------------------------------

@pytest.mark.parametrize(("peer", "headers", "trusted", "expected"), [
    ("198.51.100.4", ["203.0.113.7"], "", "198.51.100.4"),                      # nothing trusted
    ("198.51.100.4", ["203.0.113.7"], "10.0.0.0/8", "198.51.100.4"),            # peer not trusted
    ("10.1.2.3", ["203.0.113.7"], "10.0.0.0/8", "203.0.113.7"),
    ("10.1.2.3", ["1.1.1.1, 203.0.113.7, 10.9.9.9"], "10.0.0.0/8", "203.0.113.7"),  # two proxies
    ("10.1.2.3", ["1.1.1.1", "203.0.113.7"], "10.0.0.0/8", "203.0.113.7"),      # two headers
    ("10.1.2.3", [], "10.0.0.0/8", "10.1.2.3"),                                 # no header
    ("10.1.2.3", ["10.4.4.4"], "10.0.0.0/8", "10.4.4.4"),                       # all trusted: leftmost
    ("10.1.2.3", ["203.0.113.7, nonsense"], "10.0.0.0/8", "10.1.2.3"),          # proxy wrote garbage
    ("10.1.2.3", ["nonsense, 203.0.113.7"], "10.0.0.0/8", "203.0.113.7"),       # client's garbage: unread
    ("::1", ["2001:db8::5"], "::1, 127.0.0.1", "2001:db8::5"),
    ("::ffff:10.1.2.3", ["203.0.113.7"], "10.0.0.0/8", "203.0.113.7"),          # IPv4-mapped peer
    ("10.1.2.3", ["[2001:db8::7]"], "10.0.0.5 10.1.2.3", "2001:db8::7"),
    ("testclient", ["203.0.113.7"], "10.0.0.0/8", "testclient"),                # not an address
])
def test_client_address(peer: str, headers: list[str], trusted: str, expected: str) -> None:
    assert client_address(peer, headers, parse_networks(trusted)) == expected


def test_trusted_proxies_setting_is_checked_and_named(test_settings: Settings) -> None:
    settings = Settings(**{**test_settings.model_dump(), "trusted_proxies": "10.0.0.0/8, 192.168.1.5"})
    assert [str(n) for n in settings.trusted_proxy_networks] == ["10.0.0.0/8", "192.168.1.5/32"]
    with pytest.raises(ValidationError, match="LAGESBILD_TRUSTED_PROXIES: 'proxy.lan'"):
        Settings(**{**test_settings.model_dump(), "trusted_proxies": "10.0.0.0/8,proxy.lan"})
    with pytest.raises(ValidationError, match="LAGESBILD_LOGIN_ACCOUNT_RATE_LIMIT"):
        Settings(**{**test_settings.model_dump(), "login_account_rate_limit": "många"})


# --- through a real uvicorn server, configured as `lagesbild serve` configures it --------------------------

@pytest.mark.parametrize(("trusted", "recorded"), [("127.0.0.1", "203.0.113.44"), ("", "127.0.0.1")])
def test_real_server_reads_forwarded_for_only_from_trusted_proxies(
    tmp_path, test_today, clock, trusted, recorded,
):  # type: ignore[no-untyped-def]

    import httpx
    from sqlmodel import Session

    from api.core import migrate
    from api.core.client_address import uvicorn_proxy_options
    from api.core.clock import using_clock
    from api.core.db import Database, make_engine
    from tests.conftest import database_url_for, drop_schema, make_test_settings
    from tests.factories import build_world
    from tests.live_server import serving

    settings = make_test_settings(database_url_for(tmp_path, "proxy_" + tmp_path.name[-8:]), tmp_path,
                                  today=test_today)
    # Plain HTTP on loopback: the cookies may not be Secure here.
    settings = settings.model_copy(update={"trusted_proxies": trusted, "cookie_secure": False})
    database = Database(make_engine(settings))
    migrate.upgrade(database.engine)
    with using_clock(clock), Session(database.engine) as session:
        build_world(session)
    app = create_app(settings, database=database, clock=clock)
    try:
        headers = {"X-Forwarded-For": "198.51.100.99, 203.0.113.44"}
        with serving(app, **uvicorn_proxy_options(settings.trusted_proxy_networks)) as url, \
                httpx.Client(base_url=url, headers=headers) as http:
            token = csrf_from(http.get("/login").text)
            response = http.post("/login", data={"email": ADMIN, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 303
        with Session(database.engine) as session:
            [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "login")).all()
        assert event.ip == recorded
    finally:
        database.engine.dispose()
        drop_schema(settings.resolved_database_url)
