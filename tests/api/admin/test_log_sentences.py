"""Issue 14 item 8: the audit log in words — a sentence per event, raw details behind "Visa detaljer"."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from api.admin.log_query import CSV_COLUMNS, AuditFilter, audit_csv_chunks
from api.admin.log_sentences import Person, sentence
from api.audit.models import AuditEvent
from tests.api.admin.helpers import as_admin

BASE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ANNA = {7: Person("Anna Berg", "analytiker"), 8: Person("Nina Ek", "inrapportor", "Skolan")}


def _event(**fields) -> AuditEvent:  # type: ignore[no-untyped-def]
    return AuditEvent(occurred_at=BASE, **{"actor": "anna@x.se", "user_id": 7, **fields})


def test_sentences_name_the_person_role_verb_and_object():
    approved = _event(action="report.review", object_type="report", object_id="123",
                      filter=json.dumps({"review_status": ["ny", "godkand"]}))
    assert sentence(approved, ANNA) == "Anna Berg (säkerhetshandläggare) godkände rapport 123"
    rejected = _event(action="report.review", object_type="report", object_id="9",
                      filter=json.dumps({"review_status": ["ny", "avvisad"]}))
    assert sentence(rejected, ANNA) == "Anna Berg (säkerhetshandläggare) avvisade rapport 9"
    created = _event(action="user.create", object_type="user", object_id="8",
                     filter=json.dumps({"epost": "nina@skolan.se", "roll": "inrapportor"}))
    assert sentence(created, ANNA) == "Anna Berg (säkerhetshandläggare) skapade kontot nina@skolan.se (inrapportör, Skolan)"
    failed = _event(action="login_failed", actor="a@b.se", user_id=7, ip="10.0.0.1")
    assert sentence(failed, ANNA) == "Misslyckad inloggning för a@b.se från 10.0.0.1"
    assert sentence(_event(action="logout"), ANNA) == "Anna Berg (säkerhetshandläggare) loggade ut"
    assert sentence(_event(action="audit.read", object_type="audit_event"), ANNA) == (
        "Anna Berg (säkerhetshandläggare) läste loggen")
    # Unknown people and actions still give a readable sentence.
    assert sentence(_event(action="x.y", user_id=None, object_type="report", object_id="5"), {}) == (
        "anna@x.se utförde x.y på rapport 5")
    assert sentence(_event(action="counts.read", actor="token:4", user_id=None, object_type="csv",
                           object_id="antal"), {}) == "API-nyckel 4 läste antal via CSV antal"


def test_the_page_shows_sentences_and_hides_raw_json_behind_details(client, world, session):
    analyst = world.user("analytiker")
    session.add(AuditEvent(occurred_at=BASE, actor=analyst.email, user_id=analyst.id, action="report.review",
                           kommun_code="1880", object_type="report", object_id="123",
                           filter=json.dumps({"review_status": ["ny", "godkand"]})))
    session.commit()
    as_admin(client, world)
    page = client.get("/admin/logg?fran=2026-03-02&till=2026-03-02").text
    assert f"{analyst.name} (säkerhetshandläggare) godkände rapport 123" in page
    details_at = page.index("<summary>Visa detaljer</summary>")
    raw_at = page.index("review_status")
    assert details_at < raw_at < page.index("</details>", details_at)


def test_failed_login_of_an_account_reads_as_a_sentence_on_the_page(client, world, session):
    analyst = world.user("analytiker")
    session.add(AuditEvent(occurred_at=BASE, actor=analyst.email, user_id=analyst.id, action="login_failed",
                           ip="10.0.0.1"))
    session.commit()
    as_admin(client, world)
    page = client.get("/admin/logg?fran=2026-03-02&till=2026-03-02").text
    assert f"Misslyckad inloggning för {analyst.email} från 10.0.0.1" in page


def test_csv_keeps_its_columns_and_adds_the_sentence_last(database, world, session):
    analyst = world.user("analytiker")
    session.add(AuditEvent(occurred_at=BASE, actor=analyst.email, user_id=analyst.id, action="report.review",
                           kommun_code="1880", object_type="report", object_id="123",
                           filter=json.dumps({"review_status": ["ny", "godkand"]})))
    session.commit()
    body = b"".join(audit_csv_chunks(open_session=database.session,
                                     audit_filter=AuditFilter(kommun_code="1880")))
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["tid", "tid_utc", "anvandare", "anvandar_id", "handelse", "beskrivning", "objekttyp",
                       "objekt_id", "kommunkod", "filter", "syfte", "ip", "mening"]
    assert [c.name for c in CSV_COLUMNS] == rows[0]
    review = [row for row in rows[1:] if row[4] == "report.review"]
    assert len(review) == 1
    assert review[0][6:8] == ["report", "123"]
    assert review[0][12] == f"{analyst.name} (säkerhetshandläggare) godkände rapport 123"
