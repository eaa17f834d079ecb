"""A refused request on a real database (own connections, not the tests' shared one): a 403, logged.

The shared test connection cannot show lock waits between the request's session and the separate
session that records the denial; on SQLite a lazy reload after the rollback held the write lock and every
refused request hung 30 s and ended in a 500.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.audit.models import AuditEvent
from api.core import migrate
from api.core.db import Database, make_engine
from api.main import create_app
from tests.conftest import database_url_for, drop_schema, login, make_test_settings
from tests.factories import PASSWORD, build_world


def test_a_refused_request_is_a_quick_403_and_is_logged(tmp_path):  # type: ignore[no-untyped-def]
    url = database_url_for(tmp_path, "denied_" + tmp_path.name[-10:])
    settings = make_test_settings(url, tmp_path)
    engine = make_engine(settings)
    try:
        migrate.upgrade(engine)
        with Session(engine) as session:
            world = build_world(session)
            granskare = world.user("granskare").email
            session.commit()
        app = create_app(settings, database=Database(engine))
        with TestClient(app, base_url="https://testserver") as client:
            login(client, granskare, PASSWORD)
            response = client.get("/granska")
        assert response.status_code == 403 and "behörighet" in response.text  # before the fix: a 500
        with Session(engine) as session:
            denied = session.exec(select(AuditEvent).where(AuditEvent.action == "access_denied")).all()
        assert [(e.actor, e.object_id, e.kommun_code) for e in denied] == [(granskare, "GET /granska", "1880")]
    finally:
        engine.dispose()
        drop_schema(url)
