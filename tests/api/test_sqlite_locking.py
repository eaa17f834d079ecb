"""SQLite's one write lock (api/core/db.py): reads take none, a writer waits a few seconds, then 503.

These need two real connections to one database file, so they build their own engine (not the
suite's one-connection fixture) and run on SQLite only; PostgreSQL has no database-wide write lock.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session, col, func, select

from api.core import migrate
from api.core.db import BUSY_TIMEOUT_SECONDS, Database, make_engine
from api.main import create_app
from api.reports.models import Report
from api.users import service as user_service
from tests.conftest import database_url_for, make_test_settings
from tests.factories import build_world


@pytest.fixture()
def database(tmp_path: Path, test_today):  # type: ignore[no-untyped-def]
    settings = make_test_settings(database_url_for(tmp_path, "locking"), tmp_path, today=test_today)
    if not settings.is_sqlite:
        pytest.skip("SQLite:s skrivlås")
    db = Database(make_engine(settings))
    migrate.upgrade(db.engine)
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE lock_probe (n INTEGER)"))
    yield settings, db
    db.engine.dispose()


def _hold_write_lock(db: Database, release: threading.Event, held: threading.Event) -> None:
    """Another writer: takes the write lock with its first write and keeps it until `release`."""
    with db.session() as s:
        s.execute(text("INSERT INTO lock_probe (n) VALUES (1)"))
        held.set()
        release.wait(30)
        s.rollback()


def _holding(db: Database):  # type: ignore[no-untyped-def]
    release, held = threading.Event(), threading.Event()
    thread = threading.Thread(target=_hold_write_lock, args=(db, release, held))
    thread.start()
    assert held.wait(10)
    return release, thread


def test_reads_and_healthz_do_not_wait_for_a_writer(database, clock) -> None:  # type: ignore[no-untyped-def]
    settings, db = database
    release, thread = _holding(db)
    try:
        with db.session() as s:  # a read transaction: no lock, answers at once
            started = time.perf_counter()
            assert s.exec(select(func.count()).select_from(Report)).one() == 0
            assert time.perf_counter() - started < 1
        with TestClient(create_app(settings, database=db, clock=clock)) as client:
            started = time.perf_counter()
            response = client.get("/healthz")
            elapsed = time.perf_counter() - started
        assert response.status_code == 200 and response.json()["database"]["status"] == "ok"
        assert elapsed < 1, elapsed
    finally:
        release.set()
        thread.join()


def test_a_read_then_write_transaction_waits_for_the_lock_instead_of_failing(database) -> None:  # type: ignore[no-untyped-def]
    """SQLite cannot wait when it upgrades a read transaction in place; our upgrade can."""
    _, db = database
    release, thread = _holding(db)
    timer = threading.Timer(0.5, release.set)  # the other writer commits after half a second
    with db.session() as s:
        assert s.exec(select(func.count()).select_from(Report)).one() == 0  # reads first
        timer.start()
        started = time.perf_counter()
        s.execute(text("INSERT INTO lock_probe (n) VALUES (2)"))
        waited = time.perf_counter() - started
        s.commit()
    thread.join()
    assert 0.3 < waited < BUSY_TIMEOUT_SECONDS
    with db.session() as s:
        assert s.execute(text("SELECT n FROM lock_probe")).scalars().all() == [2]


def test_a_submit_that_cannot_get_the_lock_is_503_and_its_retry_is_stored_once(database, clock, test_today) -> None:  # type: ignore[no-untyped-def]
    settings, db = database
    with Session(db.engine) as s:
        world = build_world(s)
        _, token = user_service.create_api_token(
            session=s, organisation_id=world.organisations["1880"][0].id, name="t"  # type: ignore[arg-type]
        )
        s.commit()
    observation = {"kategori": "klotter", "datum": (test_today - timedelta(days=1)).isoformat(),
                   "x": 510_500, "y": 6_570_500}
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "en-gang"}
    with TestClient(create_app(settings, database=db, clock=clock)) as client:
        client.get("/healthz")  # the token's first use is written now, not while the lock is held
        release, thread = _holding(db)
        try:
            started = time.perf_counter()
            busy = client.post("/api/v1/reports", json=observation, headers=headers)
            waited = time.perf_counter() - started
        finally:
            release.set()
            thread.join()
        retried = client.post("/api/v1/reports", json=observation, headers=headers)
    assert busy.status_code == 503
    assert busy.headers["retry-after"] == "2"
    assert busy.json() == {"detail": "Systemet är hårt belastat just nu. Försök igen om en liten stund."}
    assert BUSY_TIMEOUT_SECONDS - 0.5 < waited < BUSY_TIMEOUT_SECONDS + 3
    assert retried.status_code == 201
    with Session(db.engine) as s:
        assert s.exec(select(func.count()).select_from(Report).where(col(Report.source) == "api")).one() == 1
