"""Raw uploads keep no personal data: the file goes at commit and at expiry; name, size and hash stay."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from sqlmodel import Session, select

from api.core.clock import Clock
from api.imports import service
from api.imports.models import ImportBatch
from api.jobs.models import JobRun
from api.main import create_app
from api.schedule.jobs import run_job
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates

NUMBER = "19880320-0016"  # a valid personnummer (Luhn), as the ingest tests use it
# Every way it could be written in clear: with and without century and hyphen.
CLEAR_FORMS = ("19880320-0016", "198803200016", "880320-0016", "8803200016")


def _file(day: str) -> bytes:
    # The number in the free text (masked when stored) and in a column nobody maps (never stored).
    return (
        "Kategori;Datum;Plats;Beskrivning;Anmälare\n"
        f"Klotter;{day};Östra torget;Tags på elskåp, tips från {NUMBER};{NUMBER}\n"
        f"Skadegörelse;{day};Ängen;Krossad ruta;880320-0016\n"
    ).encode()


def tables_holding_number(session: Session) -> list[str]:
    """`table.column` of every value, in every column of every table, that holds the number in clear."""
    found = []
    connection = session.connection()
    for table in inspect(connection).get_table_names():
        result = connection.execute(text(f'SELECT * FROM "{table}"'))
        columns = list(result.keys())
        for row in result:
            for column, value in zip(columns, row, strict=True):
                if value is None:
                    continue
                shown = bytes(value).decode("utf-8", "replace") if isinstance(value, (bytes, memoryview)) \
                    else str(value)
                if any(form in shown for form in CLEAR_FORMS):
                    found.append(f"{table}.{column}")
    return sorted(set(found))


def _upload(client: TestClient, data: bytes) -> int:
    page = client.get("/import")
    response = client.post("/import", data={"csrf_token": csrf_from(page.text)},
                           files={"file": ("partner.csv", data)}, follow_redirects=False)
    assert response.status_code == 303, response.text[:2000]
    return int(response.headers["location"].rsplit("/", 1)[1])


def _commit(client: TestClient, import_id: int):  # type: ignore[no-untyped-def]
    page = client.get(f"/import/{import_id}")
    return client.post(f"/import/{import_id}/commit", data={"csrf_token": csrf_from(page.text)},
                       follow_redirects=False)


def test_no_raw_upload_remains_after_commit(client, world, session, test_today):  # type: ignore[no-untyped-def]
    login(client, world.user("inrapportor").email, PASSWORD)
    data = _file((test_today - timedelta(days=1)).isoformat())
    import_id = _upload(client, data)
    # The search finds the number while the preview needs the file: it is a real search.
    assert tables_holding_number(session) == ["import_batch.content"]

    assert _commit(client, import_id).status_code == 303
    session.expire_all()
    assert tables_holding_number(session) == []
    batch = session.get(ImportBatch, import_id)
    assert (batch.status, batch.rows_created, batch.content) == ("committed", 2, b"")
    assert (batch.filename, batch.file_size, batch.file_hash) == (
        "partner.csv", len(data), hashlib.sha256(data).hexdigest())
    assert batch.content_removed_at == batch.committed_at
    page = client.get(f"/import/{import_id}?klar=import")
    assert page.status_code == 200
    assert "Importen är klar." in page.text and f"storlek\n    ({len(data)} byte)" in page.text


def test_an_uncommitted_preview_expires_and_leaves_nothing(  # type: ignore[no-untyped-def]
    test_settings, database, world, session, clock, test_today
):
    login_user = world.user("inrapportor")
    data = _file((test_today - timedelta(days=1)).isoformat())
    with TestClient(create_app(test_settings, database=database, clock=clock),
                    base_url="https://testserver") as client:
        login(client, login_user.email, PASSWORD)
        import_id = _upload(client, data)
    assert test_settings.upload_retention_hours == 24

    # 23 h 59 min later the preview still works: nothing expires early.
    almost = Clock.fixed(clock.now() + timedelta(hours=23, minutes=59))
    assert service.remove_outlived_files(session=session, now=almost.now(), hours=24) == 0
    with TestClient(create_app(test_settings, database=database, clock=almost),
                    base_url="https://testserver") as client:
        login(client, login_user.email, PASSWORD)
        assert 'id="count-new">2<' in client.get(f"/import/{import_id}").text

    # 25 h later: opening it expires it on the spot, a commit is refused, nothing is left in clear.
    later = Clock.fixed(clock.now() + timedelta(hours=25))
    with TestClient(create_app(test_settings, database=database, clock=later),
                    base_url="https://testserver") as client:
        login(client, login_user.email, PASSWORD)
        page = client.get(f"/import/{import_id}")
        assert page.status_code == 200 and "Förhandsgranskningen har gått ut" in page.text
        refused = _commit(client, import_id)
        assert refused.status_code == 410 and "Ladda upp filen igen" in refused.text
        assert "Utgången (filen borttagen)" in client.get("/import").text
    session.expire_all()
    batch = session.get(ImportBatch, import_id)
    assert (batch.status, batch.content, batch.rows_created, batch.file_size) == ("expired", b"", 0, len(data))
    assert tables_holding_number(session) == []


def test_hourly_job_empties_outlived_and_committed_files(  # type: ignore[no-untyped-def]
    database, session, world, clock, test_settings
):
    organisation = world.organisations["1880"][0]
    now = clock.now()

    def batch(name: str, age_hours: float, status: str) -> ImportBatch:
        row = ImportBatch(kommun_code="1880", organisation_id=organisation.id, filename=name,
                          file_hash="0" * 64, file_size=len(NUMBER), content=NUMBER.encode(),
                          status=status, created_at=now - timedelta(hours=age_hours))
        session.add(row)
        return row

    fresh, old, legacy = batch("ny.csv", 2, "preview"), batch("gammal.csv", 30, "preview"), \
        batch("importerad.csv", 1, "committed")
    session.commit()
    run = run_job(database, test_settings, "importfiler", clock=clock)
    assert (run.status, run.message) == (
        "succeeded", "2 uppladdade importfiler borttagna (äldre än 24 timmar eller redan importerade); "
                     "namn, storlek och kontrollsumma finns kvar.")
    session.expire_all()
    assert [(b.filename, b.status, b.content) for b in (fresh, old, legacy)] == [
        ("ny.csv", "preview", NUMBER.encode()), ("gammal.csv", "expired", b""), ("importerad.csv", "committed", b"")]
    again = run_job(database, test_settings, "importfiler", clock=clock)
    assert again.status == "skipped"
    runs = session.exec(select(JobRun.status).where(JobRun.job == "importfiler").order_by(JobRun.id)).all()
    assert runs == ["succeeded", "skipped"]
