"""POST /api/v1/reports: token auth, Swedish machine-readable errors, exactly-once storage."""

from __future__ import annotations

import threading
from datetime import timedelta

import httpx
import pytest
from sqlmodel import select

from api.reports.models import Report
from api.users import service as user_service

pytestmark = pytest.mark.dates


def _post(client, token, payload, **headers):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/reports", json=payload, headers={"Authorization": f"Bearer {token}", **headers})


def _observation(today, **overrides):  # type: ignore[no-untyped-def]
    """One observation dated yesterday (by the suite's clock), with `overrides`."""
    base = {"kategori": "klotter", "datum": (today - timedelta(days=1)).isoformat(), "x": 510_500, "y": 6_570_500}
    base.update(overrides)
    return base


def test_batch_is_stored_and_placed(client, token, session, world, test_today):
    response = _post(client, token, {"observationer": [
        _observation(test_today, beskrivning="a"), _observation(test_today, x=511_500, y=6_571_500, beskrivning="b"),
        _observation(test_today, plats="okänd gata", x=None, y=None, beskrivning="c"),
    ]})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["skapade"] == 3
    assert [r["omrade"] for r in body["rapporter"]] == ["1880A", "1880D", None]
    stored = session.exec(select(Report).where(Report.source == "api")).all()
    assert {r.organisation_id for r in stored} == {world.organisations["1880"][1].id}


def test_errors_are_422_with_field_code_and_swedish_message(client, token, session, test_today):
    response = _post(client, token, [
        _observation(test_today), _observation(test_today, datum=(test_today + timedelta(days=3)).isoformat()), {"datum": "igår"},
    ])
    assert response.status_code == 422
    errors = response.json()["errors"]
    fields = {(e["field"], e["code"]) for e in errors}
    assert ("[1].datum", "future_date") in fields or ("observationer[1].datum", "future_date") in fields
    assert any(e["field"].endswith("kategori") and e["code"] == "required" for e in errors)
    assert all(e["message"] and e["message"][0].isupper() for e in errors)
    assert session.exec(select(Report).where(Report.source == "api")).all() == []


@pytest.mark.parametrize("field", ["antal", "plats_id"])
def test_numbers_beyond_any_real_value_are_422_naming_the_field(client, token, session, field, test_today):
    # 2^40 fits SQLite but not PostgreSQL's INTEGER: refused the same way on both, nothing stored.
    response = _post(client, token, [_observation(test_today), _observation(test_today, **{field: 2**40})])
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [e["field"].rsplit(".", 1)[-1] for e in errors] == [field]
    assert errors[0]["field"].startswith(("[1]", "observationer[1]"))
    assert session.exec(select(Report).where(Report.source == "api")).all() == []


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe\x00", b"", b"[]", b"42", b'{"observationer": "x"}'])
def test_malformed_bodies_never_500(client, token, body):
    response = client.post(
        "/api/v1/reports", content=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["errors"]


def test_outside_kommun_point_is_refused(client, token, test_today):
    response = _post(client, token, _observation(test_today, x=340_500, y=6_420_500))  # Alingsås
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "outside_kommun"


def test_idempotency_key_returns_the_first_result(client, token, session, test_today):
    first = _post(client, token, _observation(test_today, beskrivning="en gång"), **{"Idempotency-Key": "abc-1"})
    again = _post(client, token, _observation(test_today, beskrivning="en gång"), **{"Idempotency-Key": "abc-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert len(session.exec(select(Report).where(Report.source == "api")).all()) == 1
    other = _post(client, token, _observation(test_today, beskrivning="annat"), **{"Idempotency-Key": "abc-1"})
    assert other.status_code == 422 and other.json()["errors"][0]["code"] == "idempotency_key_reused"


def test_external_id_is_stored_once_per_organisation(client, token, session, test_today):
    first = _post(client, token, _observation(test_today, externt_id="FS-1", beskrivning="x"))
    again = _post(client, token, _observation(test_today, externt_id="FS-1", beskrivning="x"))
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["rapporter"][0]["status"] == "fanns_redan"
    assert again.json()["rapporter"][0]["id"] == first.json()["rapporter"][0]["id"]


def test_personnummer_is_masked_and_reported(client, token, session, test_today):
    response = _post(client, token, _observation(test_today, beskrivning="Elev 20121212-1212 hotade vakten"))
    assert response.json()["personnummer_maskerade"] == 1
    assert response.json()["meddelanden"]
    stored = session.exec(select(Report).where(Report.source == "api")).one()
    assert "20121212" not in stored.description


def test_session_users_cannot_post_and_revoked_tokens_fail(client, token, session, world, test_today):
    from api.core.time import utcnow
    from api.users.models import ApiToken

    row = session.exec(select(ApiToken)).one()
    row.revoked_at = utcnow()
    session.add(row)
    session.commit()
    assert _post(client, token, _observation(test_today)).status_code == 401


def test_openapi_documents_the_endpoint_with_examples(client):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/v1/reports"]["post"]
    content = operation["requestBody"]["content"]["application/json"]
    assert set(content["examples"]) == {"en", "flera"}
    assert "ObservationIn" in schema["components"]["schemas"]
    assert "422" in operation["responses"]


def test_ten_concurrent_identical_requests_store_one_row(tmp_path, test_today, clock):
    """Real server, real database, ten threads: exactly one report is stored."""

    from sqlmodel import Session

    from api.core import migrate
    from api.core.db import Database, make_engine
    from api.main import create_app
    from tests.conftest import database_url_for, drop_schema, make_test_settings
    from tests.factories import build_world
    from tests.live_server import serving

    settings = make_test_settings(database_url_for(tmp_path, "concurrency_" + tmp_path.name[-8:]), tmp_path,
                                  today=test_today)
    database = Database(make_engine(settings))
    migrate.upgrade(database.engine)
    with Session(database.engine) as s:
        world = build_world(s)
        _, clear = user_service.create_api_token(
            session=s, organisation_id=world.organisations["1880"][0].id, name="t"
        )
        s.commit()
    try:
        with serving(create_app(settings, database=database, clock=clock)) as base:
            for headers, payload in (
                ({"Idempotency-Key": "samma"}, _observation(test_today, beskrivning="nyckel")),
                ({}, _observation(test_today, externt_id="EXT-9", beskrivning="externt")),
            ):
                barrier = threading.Barrier(10)
                statuses: list[int] = []

                def send(barrier=barrier, payload=payload, headers=headers, statuses=statuses) -> None:
                    barrier.wait()
                    r = httpx.post(
                        f"{base}/api/v1/reports", json=payload, timeout=60,
                        headers={"Authorization": f"Bearer {clear}", **headers},
                    )
                    statuses.append(r.status_code)

                workers = [threading.Thread(target=send) for _ in range(10)]
                for w in workers:
                    w.start()
                for w in workers:
                    w.join()
                assert sorted(statuses)[-1] == 201 and set(statuses) <= {200, 201}, statuses
        with Session(database.engine) as s:
            stored = s.exec(select(Report).where(Report.source == "api")).all()
            assert sorted(r.description for r in stored) == ["externt", "nyckel"]
    finally:
        database.engine.dispose()
        drop_schema(settings.resolved_database_url)
