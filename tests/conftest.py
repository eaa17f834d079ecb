"""Test fixtures: a fresh migrated schema per test session, each test in a rolled-back transaction.

SQLite by default; set LAGESBILD_TEST_DATABASE_URL to a PostgreSQL URL to run on PostgreSQL
(.ci/run does both). Under pytest-xdist every worker gets its own SQLite file or PostgreSQL schema.

Time is an input here too: the `clock` fixture is the suite's one clock, fixed at
LAGESBILD_TEST_TODAY (an ISO date, e.g. 2026-12-31) when set, else at the real date read once at the
start of the session (the only place the suite reads it). The app, its jobs, the CLI tests and every
test's column defaults use it; expectations are worked out from it, never from the real date. CI runs
the suite on the real date and at awkward ones (`pytest -m dates` selects the date-dependent tests).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from api.core import migrate
from api.core.clock import SYSTEM_CLOCK, Clock, using_clock
from api.core.config import Settings
from api.core.db import Database, make_engine
from api.main import create_app

TEST_SECRET = "test-secret-key-that-is-long-enough-for-production-0123456789"
TEST_TODAY_VARIABLE = "LAGESBILD_TEST_TODAY"


def read_test_today() -> date:
    """The suite's today: LAGESBILD_TEST_TODAY, else the real local date (read here and nowhere else)."""
    text = os.environ.get(TEST_TODAY_VARIABLE, "").strip()
    if not text:
        return SYSTEM_CLOCK.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise pytest.UsageError(f"{TEST_TODAY_VARIABLE}={text!r} is not an ISO date (YYYY-MM-DD)") from None


LOAD_TESTS_VARIABLE = "LAGESBILD_LOAD_TESTS"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # A load test asserts response times; beside other tests (xdist's second worker, other jobs) it
    # measures them instead of the server, so it runs only in a run of its own (`make load-test`).
    if os.environ.get(LOAD_TESTS_VARIABLE):
        return
    skip = pytest.mark.skip(reason="lasttest: körs ensam med make load-test (LAGESBILD_LOAD_TESTS=1)")
    for item in items:
        if item.get_closest_marker("load"):
            item.add_marker(skip)


def _worker() -> str:
    # The process id keeps parallel test runs (two developers, two CI jobs) out of each other's schema.
    return f'{os.environ.get("PYTEST_XDIST_WORKER", "main")}_{os.getpid()}'


def drop_schema(database_url: str) -> None:
    """Remove a PostgreSQL test schema made by database_url_for (no-op on SQLite)."""
    match = re.search(r"search_path%3D(\w+)", database_url)
    if not match or not database_url.startswith("postgresql"):
        return
    base = database_url.split("?")[0]
    admin = make_engine(Settings(database_url=base, environment="test", secret_key=TEST_SECRET))
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {match.group(1)} CASCADE"))
    admin.dispose()


def database_url_for(tmp_root: Path, name: str) -> str:
    """A fresh, isolated database for this worker: a SQLite file, or a PostgreSQL schema."""
    base = os.environ.get("LAGESBILD_TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_root / f'{name}.db'}"
    schema = re.sub(r"\W", "_", f"t_{name}")
    admin = make_engine(Settings(database_url=base, environment="test", secret_key=TEST_SECRET))
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"


def make_test_settings(database_url: str, data_dir: Path, today: date | None = None) -> Settings:
    """Test settings; with `today`, `make_clock()` is fixed on that day (as the `clock` fixture is)."""
    return Settings(
        environment="test",
        clock_at=today.isoformat() if today else None,
        database_url=database_url,
        data_dir=data_dir,
        secret_key=TEST_SECRET,
        scheduler_enabled=False,
        police_feed_enabled=False,
        map_tile_url="/static/test-tiles/{z}/{x}/{y}.png",
    )


def set_cli_environment(monkeypatch: pytest.MonkeyPatch, database_url: str, data_dir: Path, today: date) -> None:
    """The environment a `lagesbild` command reads in a test: its database, and the suite's day as
    LAGESBILD_CLOCK_AT (so the command's `settings.make_clock()` is the suite's clock)."""
    for key, value in {"DATABASE_URL": database_url, "DATA_DIR": str(data_dir), "SECRET_KEY": TEST_SECRET,
                       "ENVIRONMENT": "test", "CLOCK_AT": today.isoformat()}.items():
        monkeypatch.setenv(f"LAGESBILD_{key}", value)


@pytest.fixture(scope="session")
def test_today() -> date:
    """Today for the whole session (LAGESBILD_TEST_TODAY or the real date, read once)."""
    return read_test_today()


@pytest.fixture(scope="session")
def clock(test_today: date) -> Clock:
    """The suite's clock: stands still at 12:00 local time on `test_today`."""
    return Clock.fixed(test_today)


@pytest.fixture(autouse=True)
def _current_clock(clock: Clock) -> Iterator[Clock]:
    """Every test runs under the suite's clock, so rows it creates get `created_at` on `test_today`."""
    with using_clock(clock):
        yield clock


@pytest.fixture(scope="session")
def test_settings(tmp_path_factory: pytest.TempPathFactory, test_today: date) -> Settings:
    root = tmp_path_factory.mktemp("db")
    return make_test_settings(database_url_for(root, f"unit_{_worker()}"), root, today=test_today)


@pytest.fixture(scope="session")
def engine(test_settings: Settings) -> Iterator[Engine]:
    engine = make_engine(test_settings)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()
    drop_schema(test_settings.resolved_database_url)


@dataclass
class ConnectionDatabase(Database):
    """A Database whose sessions all join one outer transaction, rolled back after the test."""

    connection: Connection | None = None

    def session(self) -> Session:
        return Session(
            bind=self.connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )


@pytest.fixture()
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture()
def database(engine: Engine, connection: Connection) -> ConnectionDatabase:
    return ConnectionDatabase(engine=engine, connection=connection)


@pytest.fixture()
def session(database: ConnectionDatabase) -> Iterator[Session]:
    with database.session() as s:
        yield s


@pytest.fixture()
def app(test_settings: Settings, database: ConnectionDatabase, clock: Clock):  # type: ignore[no-untyped-def]
    return create_app(test_settings, database=database, clock=clock)


@pytest.fixture()
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    # https: the session cookie is Secure (__Host- prefix) and is only sent over HTTPS.
    with TestClient(app, base_url="https://testserver") as c:
        yield c


@pytest.fixture(scope="session", autouse=True)
def _hash_each_password_once():  # type: ignore[no-untyped-def]
    """Real argon2, but each distinct test password is hashed once per session (speed)."""
    import functools

    from api.users import service as user_service

    original = user_service.hash_password
    user_service.hash_password = functools.lru_cache(maxsize=64)(original)
    yield
    user_service.hash_password = original


# --- factories ---------------------------------------------------------------------------------

@pytest.fixture()
def world(session: Session):  # type: ignore[no-untyped-def]
    """Two kommuner with areas, organisations and one user per role (passwords = PASSWORD)."""
    from tests.factories import build_world

    return build_world(session)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in page"
    return match.group(1)


def login(client: TestClient, email: str, password: str) -> None:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
