"""/admin/logg: the kommun's audit log — scope, filters, pages of 50 newest first, CSV, itself audited."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from api.admin.log_query import AuditFilter, audit_csv_chunks
from api.audit.models import AuditEvent
from tests.api.admin.helpers import as_admin, events

BASE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 10:00 in Stockholm (CET)


def _seed(session, world):  # type: ignore[no-untyped-def]
    analyst = world.user("analytiker")
    rows = []
    for i in range(60):  # one a day from 2026-03-02 in 1880
        rows.append(AuditEvent(occurred_at=BASE + timedelta(days=i), actor=analyst.email, user_id=analyst.id,
                               action="report.read" if i % 2 == 0 else "report.export", kommun_code="1880",
                               filter=json.dumps({"vecka": f"n{i}"}), purpose="=HYPERLINK(\"x\")" if i == 59 else ""))
    rows.append(AuditEvent(occurred_at=BASE, actor="analytiker@1489.example", action="report.read",
                           kommun_code="1489", filter="hemlig-1489"))
    rows.append(AuditEvent(occurred_at=BASE + timedelta(hours=1), actor=analyst.email, user_id=analyst.id,
                           action="logout"))
    session.add_all(rows)
    session.commit()


def test_pages_of_fifty_newest_first_scoped_to_the_kommun(client, world, session):
    _seed(session, world)
    as_admin(client, world)
    first = client.get("/admin/logg?fran=2026-03-01&till=2026-06-30").text
    # 60 seeded + the kommun-less logout of a 1880 user = 61; the admin's own login is in November.
    assert "61 händelser, sida 1 av 2" in first
    assert first.index("2026-04-30 11:00") < first.index("2026-04-29 11:00")  # CEST from 29 March
    assert "hemlig-1489" not in first
    second = client.get("/admin/logg?fran=2026-03-01&till=2026-06-30&sida=2").text
    assert "sida 2 av 2" in second and "2026-03-02 10:00" in second and "Utloggning" in second
    assert second.count("<tr>") == 1 + 11  # header + 11 events
    past_end = client.get("/admin/logg?fran=2026-03-01&till=2026-06-30&sida=999").text
    assert "sida 2 av 2" in past_end


def test_filters_by_day_action_and_user(client, world, session):
    _seed(session, world)
    as_admin(client, world)
    one_day = client.get("/admin/logg?fran=2026-03-03&till=2026-03-03").text
    assert "1 händelse," in one_day and "2026-03-03 10:00" in one_day
    exports = client.get("/admin/logg?fran=2026-03-01&till=2026-06-30&handelse=report.export").text
    assert "30 händelser" in exports
    by_user = client.get("/admin/logg?fran=2026-03-01&till=2026-06-30&anvandare=ANALYTIKER@1880").text
    assert "61 händelser" in by_user
    nobody = client.get("/admin/logg?anvandare=%25").text
    assert "Inga händelser matchar filtret." in nobody


def test_bad_dates_are_shown_next_to_the_field(client, world, session):
    as_admin(client, world)
    response = client.get("/admin/logg?fran=igår&till=2026-13-01")
    assert response.status_code == 422
    assert 'id="fran-fel"' in response.text and 'id="till-fel"' in response.text
    assert 'value="igår"' in response.text
    reversed_range = client.get("/admin/logg?fran=2026-05-01&till=2026-04-01")
    assert reversed_range.status_code == 422 and "före från-datumet" in reversed_range.text
    assert client.get("/admin/logg.csv?fran=x").status_code == 422
    assert client.get("/admin/logg?sida=-4").status_code == 200


def test_viewing_and_exporting_are_audited_with_the_filter(client, world, session):
    as_admin(client, world)
    client.get("/admin/logg?fran=2026-03-01&handelse=login&sida=1")
    client.get("/admin/logg.csv?anvandare=polis")
    [read] = events(session, "audit.read")
    assert json.loads(read.filter) == {"fran": "2026-03-01", "handelse": "login", "sida": 1}
    assert read.kommun_code == "1880" and read.actor == "admin@1880.example"
    [export] = events(session, "audit.export")
    assert json.loads(export.filter) == {"anvandare": "polis"}


@pytest.mark.dates
def test_csv_is_for_swedish_excel_and_matches_the_filter(client, world, session, clock):
    _seed(session, world)
    as_admin(client, world)
    response = client.get("/admin/logg.csv?fran=2026-04-29&till=2026-04-30")
    assert response.status_code == 200
    # Named by the day of the export, by the app's clock (the suite's).
    assert response.headers["content-disposition"] == f'attachment; filename="lagesbild_1880_logg_{clock.today()}.csv"'
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff") and "\r\n" in body
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:5] == ["tid", "tid_utc", "anvandare", "anvandar_id", "handelse"]
    assert [r[0] for r in rows[1:]] == ["2026-04-30 11:00:00", "2026-04-29 11:00:00"]
    assert rows[1][1] == "2026-04-30T09:00:00+00:00" and rows[1][4] == "report.export"
    assert rows[1][10] == "'=HYPERLINK(\"x\")"  # neutralised against formula injection


def test_csv_pages_cover_every_event_once(world, session, database):
    _seed(session, world)
    chunks = list(audit_csv_chunks(open_session=database.session, page_size=7,
                                   audit_filter=AuditFilter(kommun_code="1880")))
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8").lstrip("\ufeff")), delimiter=";"))[1:]
    seeded = [r for r in rows if r[4] in ("report.read", "report.export", "logout")]
    assert len(seeded) == 61 and len({tuple(r) for r in seeded}) == 61
    assert [r[1] for r in rows] == sorted((r[1] for r in rows), reverse=True)
