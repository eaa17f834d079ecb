"""`GET /healthz`: database, migrations at head, the scheduler's heartbeat age; public, never cached."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from api.core import migrate
from api.core.clock import Clock
from api.core.db import Database, make_engine
from api.health.service import STALE_AFTER_SECONDS
from api.jobs import heartbeat
from api.main import create_app
from tests.conftest import TEST_SECRET, database_url_for, drop_schema, make_test_settings

NOW = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)


def _get(app):  # type: ignore[no-untyped-def]
    app.state.clock = Clock.fixed(NOW)
    with TestClient(app, base_url="https://testserver") as client:
        return client.get("/healthz")


def test_ok_with_a_recent_heartbeat(app, database):
    heartbeat.beat(database=database, clock=Clock.fixed(NOW - timedelta(seconds=42)))
    response = _get(app)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    head = migrate.head_revision(database.engine)
    assert body == {
        "status": "ok",
        "message": "Allt fungerar.",
        "checked_at": NOW.isoformat(),
        "database": {"status": "ok"},
        "migrations": {"status": "ok", "current": head, "head": head},
        "scheduler": {"status": "ok", "heartbeat_age_seconds": 42.0, "stale_after_seconds": 300},
    }
    assert TEST_SECRET not in response.text and "lagesbild:" not in response.text


def test_a_stale_or_missing_scheduler_degrades_but_does_not_fail(app, database):
    never = _get(app)
    assert never.status_code == 200
    assert never.json()["status"] == "degraded"
    assert never.json()["scheduler"] == {"status": "never", "heartbeat_age_seconds": None,
                                         "stale_after_seconds": STALE_AFTER_SECONDS}
    heartbeat.beat(database=database, clock=Clock.fixed(NOW - timedelta(seconds=STALE_AFTER_SECONDS)))
    assert _get(app).json()["scheduler"]["status"] == "ok"  # exactly at the limit: still fresh
    heartbeat.beat(database=database, clock=Clock.fixed(NOW - timedelta(minutes=12)))
    stale = _get(app)
    assert stale.status_code == 200
    assert stale.json()["status"] == "degraded" and stale.json()["scheduler"]["status"] == "stale"
    assert stale.json()["scheduler"]["heartbeat_age_seconds"] == 720.0
    assert stale.json()["message"] == "Schemaläggaren har inte gett livstecken på 12 minuter."


def test_migrations_behind_head_fail_with_503(tmp_path):
    settings = make_test_settings(database_url_for(tmp_path, "health_" + tmp_path.name[-8:]), tmp_path)
    engine = make_engine(settings)
    try:
        migrate.upgrade(engine)
        heartbeat.beat(database=Database(engine), clock=Clock.fixed(NOW))
        head = migrate.head_revision(engine)
        migrate.downgrade(engine, "-1")
        app = create_app(settings, database=Database(engine))
        behind = _get(app)
        assert behind.status_code == 503
        body = behind.json()
        assert body["status"] == "fel" and body["database"] == {"status": "ok"}
        assert body["migrations"]["status"] == "fel" and body["migrations"]["head"] == head
        assert body["migrations"]["current"] not in (None, head)
        assert "lagesbild db upgrade" in body["message"]
        migrate.upgrade(engine)
        assert _get(app).status_code == 200
    finally:
        engine.dispose()
        drop_schema(settings.resolved_database_url)


def test_an_unreachable_database_fails_with_503_and_no_details(tmp_path):
    settings = make_test_settings(f"sqlite:///{tmp_path / 'saknas' / 'lagesbild.db'}", tmp_path)
    app = create_app(settings, database=Database(make_engine(settings)))
    response = _get(app)
    assert response.status_code == 503
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["status"] == "fel" and body["database"] == {"status": "fel"}
    assert body["message"] == "Databasen svarar inte."
    assert body["scheduler"]["heartbeat_age_seconds"] is None
    assert "saknas" not in response.text and str(tmp_path) not in response.text
