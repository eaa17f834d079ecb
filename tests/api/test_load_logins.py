"""Issue 11, item 1: a burst of logins and API submits does not freeze the server.

A real server (uvicorn on loopback, as the e2e live server) on a file database (SQLite, or the
PostgreSQL schema when LAGESBILD_TEST_DATABASE_URL is set). Twenty people log in at the same moment
(real argon2: slow on purpose, that is the load) while twenty API clients submit an observation each,
and /healthz is asked every 100 ms throughout. The bounds are the issue's: every request answers within
5 s without a 5xx, /healthz within 1 s. Before the fix the logins held the event loop and the SQLite
write lock: 19 of 20 timed out and /healthz took 60 s.
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, col, func, select

from api.core import migrate
from api.core.db import Database, make_engine
from api.core.security import verify_password
from api.main import create_app
from api.reports.models import Report
from api.users import service as user_service
from api.users.models import Role, UserSession
from tests.conftest import database_url_for, drop_schema, make_test_settings
from tests.factories import PASSWORD, build_world
from tests.live_server import serving

pytestmark = [pytest.mark.slow, pytest.mark.load]

PEOPLE = 20
API_CLIENTS = 20
REQUEST_BOUND_SECONDS = 5.0
HEALTH_BOUND_SECONDS = 1.0
HEALTH_EVERY_SECONDS = 0.1
ARGON2_LANES = 4  # the hash's parallelism (api/core/security.py, pwdlib's default)


@dataclass
class Timings:
    """(what, status, seconds) of every request, appended from many threads (list.append is atomic)."""

    requests: list[tuple[str, int, float]] = field(default_factory=list)
    health: list[tuple[int, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _timed(timings: Timings, what: str, send):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    try:
        response = send()
    except httpx.HTTPError as exc:  # a timeout is a failure to answer in time, recorded, not raised
        timings.errors.append(f"{what}: {exc.__class__.__name__}")
        return None
    timings.requests.append((what, response.status_code, time.perf_counter() - started))
    return response


@pytest.fixture()
def server(tmp_path: Path, test_today, clock):  # type: ignore[no-untyped-def]
    """The seeded database and a live server on it; yields (base url, engine, API tokens)."""
    url = database_url_for(tmp_path, "load_" + tmp_path.name[-8:])
    settings = make_test_settings(url, tmp_path, today=test_today)
    database = Database(make_engine(settings))
    migrate.upgrade(database.engine)
    with Session(database.engine) as s:
        world = build_world(s)
        school = world.organisations["1880"][0]
        for n in range(PEOPLE):
            user_service.create_user(
                session=s, name=f"Person {n}", email=f"person{n}@1880.example", password=PASSWORD,
                role=Role.inrapportor, kommun_codes=["1880"], organisation_id=school.id,
            )
        tokens = [
            user_service.create_api_token(session=s, organisation_id=o.id, name="last")[1]  # type: ignore[arg-type]
            for o in world.organisations["1880"]
        ]
        s.commit()
    # Twenty people behind one address (loopback): the per-address login limit is not under test.
    # Plain HTTP: httpx, unlike a browser, sends no Secure cookie to http://127.0.0.1.
    settings = settings.model_copy(update={"login_rate_limit": "1000/minute", "cookie_secure": False})
    try:
        with serving(create_app(settings, database=database, clock=clock)) as base:
            yield base, database.engine, tokens
    finally:
        database.engine.dispose()
        drop_schema(settings.resolved_database_url)


def _hashing_floor_seconds() -> float:
    """The CPU time the burst's password checks need at least, spread over this machine's cores, now."""
    password_hash = user_service.hash_password(PASSWORD)
    started = time.perf_counter()
    for _ in range(2):
        verify_password(PASSWORD, password_hash)
    one = (time.perf_counter() - started) / 2
    # One check already runs its four lanes in parallel: more hashes at once gain only beyond 4 cores.
    return PEOPLE * one / max(1.0, (os.cpu_count() or 1) / ARGON2_LANES)


def test_twenty_logins_and_twenty_submits_at_once_answer_in_time(server, test_today) -> None:  # type: ignore[no-untyped-def]
    base, engine, tokens = server
    floor = _hashing_floor_seconds()
    if floor > REQUEST_BOUND_SECONDS * 0.8 and not os.environ.get("LAGESBILD_LOAD_TEST_ALWAYS"):
        # Twenty argon2 checks are the load; when other processes crowd the cores so much that the
        # checks alone need the whole bound, no server could meet it and the test measures nothing.
        pytest.skip(f"maskinen är för belastad: {PEOPLE} lösenordskontroller behöver minst {floor:.1f} s")
    timings = Timings()
    # Each person opens the login page first (a session of their own, the pre-login CSRF cookie).
    people: list[tuple[httpx.Client, str]] = []
    for _ in range(PEOPLE):
        client = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
        page = client.get("/login")
        assert page.status_code == 200
        people.append((client, re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)))  # type: ignore[union-attr]
    api = httpx.Client(base_url=base, timeout=30, limits=httpx.Limits(max_connections=API_CLIENTS + 5))
    prober = httpx.Client(base_url=base, timeout=30)
    start = threading.Barrier(PEOPLE + API_CLIENTS + 1)
    burst_over = threading.Event()

    def log_in(n: int) -> None:
        client, csrf = people[n]
        start.wait()
        _timed(timings, "login", lambda: client.post("/login", data={
            "email": f"person{n}@1880.example", "password": PASSWORD, "next": "/start", "csrf_token": csrf,
        }))

    def submit(n: int) -> None:
        observation = {"kategori": "klotter", "datum": (test_today - timedelta(days=1)).isoformat(),
                       "x": 510_500 + n, "y": 6_570_500, "beskrivning": f"last {n}"}
        headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}", "Idempotency-Key": f"last-{n}"}
        start.wait()
        _timed(timings, "submit", lambda: api.post("/api/v1/reports", json=observation, headers=headers))

    def probe_health() -> None:
        start.wait()
        while not burst_over.is_set():
            started = time.perf_counter()
            try:
                status = prober.get("/healthz").status_code
            except httpx.HTTPError as exc:
                timings.errors.append(f"healthz: {exc.__class__.__name__}")
                return
            timings.health.append((status, time.perf_counter() - started))
            time.sleep(HEALTH_EVERY_SECONDS)

    workers = [threading.Thread(target=log_in, args=(n,)) for n in range(PEOPLE)]
    workers += [threading.Thread(target=submit, args=(n,)) for n in range(API_CLIENTS)]
    health_thread = threading.Thread(target=probe_health)
    for thread in [*workers, health_thread]:
        thread.start()
    for thread in workers:
        thread.join()
    burst_over.set()
    health_thread.join()
    for client, _ in people:
        client.close()
    api.close()
    prober.close()

    logins = sorted(t[1:] for t in timings.requests if t[0] == "login")
    submits = sorted(t[1:] for t in timings.requests if t[0] == "submit")
    health = [seconds for _, seconds in timings.health]
    summary = (f"argon2 floor {floor:.1f} s; login s: {[round(t, 1) for _, t in logins]}; "
               f"submit s: {[round(t, 1) for _, t in submits]}; healthz max {max(health, default=0):.2f} s "
               f"over {len(health)}; statuses {sorted({t[1] for t in timings.requests})}; errors {timings.errors}")
    assert timings.errors == [], summary
    # /healthz kept answering while the burst ran, each time within the bound.
    assert len(health) >= 2, summary
    assert all(status == 200 for status, _ in timings.health), summary
    assert max(health) < HEALTH_BOUND_SECONDS, summary
    # Every login succeeds (303 to the start page) and every observation is stored (201), in time.
    assert [status for status, _ in logins] == [303] * PEOPLE, summary
    assert [status for status, _ in submits] == [201] * API_CLIENTS, summary
    assert max(seconds for _, _, seconds in timings.requests) < REQUEST_BOUND_SECONDS, summary
    # What the answers said happened: one session per person, one report per submit.
    with Session(engine) as s:
        sessions = s.exec(select(func.count()).select_from(UserSession)).one()
        stored = s.exec(select(func.count()).select_from(Report).where(col(Report.source) == "api")).one()
    assert (sessions, stored) == (PEOPLE, API_CLIENTS)
