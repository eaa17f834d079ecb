"""Gallring: old reports lose their free text, counts stay; idempotent, scoped, job and command line.

Worked by hand: today 2026-11-22 and 12 months give the cut-off 2025-11-22, i.e. local midnight
2025-11-22 00:00 Europe/Stockholm = 2025-11-21 23:00 UTC. Reports that came in before it lose their
text: OLD (2024-06-10) and EDGE_OLD (2025-11-21 22:59 UTC, a minute before) do; EDGE_KEPT (exactly
23:00 UTC, though observed long before) and NEW (2026-11-20) keep it.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from api.audit.models import AuditEvent
from api.categories.models import Category
from api.core.clock import Clock
from api.gallring import service
from api.imports.models import ImportBatch
from api.kommuner.models import Kommun
from api.reports.models import IdempotencyKey, Report
from api.reports.query import ReportQuery, reports_frame
from tests.api.exports.conftest import add_report
from tests.api.test_cli import cli_env, run  # noqa: F401 - cli_env is a fixture
from tests.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates

TODAY = date(2026, 11, 22)
OLD = datetime(2024, 6, 10, 12, 0, tzinfo=UTC)
EDGE_OLD = datetime(2025, 11, 21, 22, 59, tzinfo=UTC)
EDGE_KEPT = datetime(2025, 11, 21, 23, 0, tzinfo=UTC)
NEW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
TEXT = {"description": "Krossad ruta vid entrén", "place_text": "Skolgården", "review_note": ""}


def _set_retention(session, code, months):  # type: ignore[no-untyped-def]
    kommun = session.get(Kommun, code)
    kommun.retention_months = months
    session.add(kommun)
    session.commit()


@pytest.fixture()
def aged(session, world):  # type: ignore[no-untyped-def]
    """Four reports in 1880 at the ages above, one old report in 1489, import batches and API keys."""
    reports = {
        "old": add_report(session, world, "klotter", date(2024, 6, 8), area="1880A", submitted_at=OLD,
                          report_count=3, **TEXT),
        "edge_old": add_report(session, world, "skadegorelse", date(2025, 11, 20), area="1880B",
                               submitted_at=EDGE_OLD, review_status="avvisad",
                               description="Dubbel", place_text="Torget", review_note="Fel kommun"),
        "edge_kept": add_report(session, world, "klotter", date(2024, 1, 5), area="1880A",
                                submitted_at=EDGE_KEPT, **TEXT),
        "new": add_report(session, world, "klotter", date(2026, 11, 19), submitted_at=NEW, **TEXT),
        "other": add_report(session, world, "klotter", date(2024, 1, 5), kommun="1489", submitted_at=OLD,
                            **TEXT),
    }
    school, school_1489 = world.organisations["1880"][0], world.organisations["1489"][0]
    for created, status in ((OLD, "committed"), (EDGE_OLD, "preview"), (NEW, "preview")):
        session.add(ImportBatch(kommun_code="1880", organisation_id=school.id, filename="export.csv",
                                file_hash="x" * 64, content=b"kategori;beskrivning\nklotter;Krossad ruta",
                                status=status, created_at=created))
    session.add(ImportBatch(kommun_code="1489", organisation_id=school_1489.id, filename="export.csv",
                            file_hash="y" * 64, content=b"kategori\nklotter", status="committed", created_at=OLD))
    for organisation, key, created in ((school, "a", OLD), (school, "b", NEW), (school_1489, "c", OLD)):
        session.add(IdempotencyKey(organisation_id=organisation.id, key=key, request_hash="h" * 64,
                                   response_json='{"skapade": 1}', created_at=created))
    session.commit()
    return {name: report.id for name, report in reports.items()}


def _counts(session, code="1880"):  # type: ignore[no-untyped-def]
    query = ReportQuery(code, date(2020, 1, 1), date(2030, 12, 31), review_statuses=("ny", "godkand", "avvisad"))
    frame = reports_frame(session=session, query=query)
    grouped = frame.fillna({"area_code": "kommun"}).groupby(["area_code", "category_code"])["report_count"].sum()
    return {key: int(value) for key, value in grouped.items()}


def _texts(session, report_id):  # type: ignore[no-untyped-def]
    report = session.get(Report, report_id)
    return report.description, report.place_text, report.review_note


def test_cutoff_date_counts_calendar_months():  # type: ignore[no-untyped-def]
    assert service.cutoff_date(date(2026, 11, 22), 12) == date(2025, 11, 22)
    assert service.cutoff_date(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert service.cutoff_date(date(2028, 3, 31), 1) == date(2028, 2, 29)  # leap year
    assert service.cutoff_date(date(2026, 1, 15), 13) == date(2024, 12, 15)
    assert service.cutoff_date(date(2026, 5, 1), 120) == date(2016, 5, 1)


def test_exactly_the_old_reports_lose_their_text_and_counts_stay(session, aged):  # type: ignore[no-untyped-def]
    _set_retention(session, "1880", 12)
    before = _counts(session)
    assert before == {("1880A", "klotter"): 4, ("1880B", "skadegorelse"): 1, ("kommun", "klotter"): 1}
    dry = service.apply_retention(session=session, kommun_code="1880", today=TODAY, dry_run=True)
    assert (dry.reports, dry.import_batches, dry.idempotency_keys, dry.dry_run) == (2, 2, 1, True)
    assert _texts(session, aged["old"]) == ("Krossad ruta vid entrén", "Skolgården", "")  # dry run: unchanged

    now = datetime(2026, 11, 22, 1, 30, tzinfo=UTC)
    result = service.apply_retention(session=session, kommun_code="1880", today=TODAY, now=now)
    session.commit()
    assert result == service.RetentionResult("1880", 12, date(2025, 11, 22), 2, 2, 1)
    for name in ("old", "edge_old"):
        report = session.get(Report, aged[name])
        assert (report.description, report.place_text, report.review_note) == ("", "", "")
        assert report.text_removed_at is not None and report.text_removed_at.date() == date(2026, 11, 22)
    edge_old = session.get(Report, aged["edge_old"])
    assert (edge_old.review_status, edge_old.source, edge_old.observed_date) == ("avvisad", "form", date(2025, 11, 20))
    old = session.get(Report, aged["old"])
    assert (old.report_count, old.observed_date) == (3, date(2024, 6, 8))
    for name in ("edge_kept", "new"):
        assert _texts(session, aged[name]) == ("Krossad ruta vid entrén", "Skolgården", "")
        assert session.get(Report, aged[name]).text_removed_at is None
    assert _counts(session) == before

    batches = session.exec(select(ImportBatch).where(ImportBatch.kommun_code == "1880")
                           .order_by(ImportBatch.created_at)).all()
    assert [(b.content, b.status) for b in batches] == [
        (b"", "committed"), (b"", "cancelled"), (b"kategori;beskrivning\nklotter;Krossad ruta", "preview")]
    keys = session.exec(select(IdempotencyKey.key).order_by(IdempotencyKey.key)).all()
    assert keys == ["b", "c"]

    event = session.exec(select(AuditEvent).where(AuditEvent.action == "report.gallring")).one()
    assert (event.actor, event.kommun_code) == ("system", "1880")
    assert json.loads(event.filter) == {"cutoff": "2025-11-22", "retention_months": 12, "reports": 2,
                                        "import_batches": 2, "idempotency_keys": 1}

    again = service.apply_retention(session=session, kommun_code="1880", today=TODAY)
    assert (again.reports, again.import_batches, again.idempotency_keys) == (0, 0, 0)
    assert len(session.exec(select(AuditEvent).where(AuditEvent.action == "report.gallring")).all()) == 1


def test_other_kommun_and_kommun_without_retention_are_untouched(session, aged):  # type: ignore[no-untyped-def]
    _set_retention(session, "1880", 12)
    service.apply_retention(session=session, kommun_code="1880", today=TODAY)
    session.commit()
    assert _texts(session, aged["other"]) == ("Krossad ruta vid entrén", "Skolgården", "")
    none = service.apply_retention(session=session, kommun_code="1489", today=TODAY)
    assert none == service.RetentionResult("1489", None, None)
    assert _texts(session, aged["other"]) == ("Krossad ruta vid entrén", "Skolgården", "")
    batch = session.exec(select(ImportBatch).where(ImportBatch.kommun_code == "1489")).one()
    assert batch.content == b"kategori\nklotter"
    assert service.kommuner_with_retention(session=session) == ["1880"]


def test_slices_cover_every_row(session, aged):  # type: ignore[no-untyped-def]
    _set_retention(session, "1880", 6)  # cut-off 2026-05-22: old, edge_old and edge_kept go
    result = service.apply_retention(session=session, kommun_code="1880", today=TODAY, batch_size=1)
    assert result.reports == 3
    assert session.exec(select(Report.id).where(Report.kommun_code == "1880", Report.description != "")).all() == [
        aged["new"]]


def test_nightly_job_per_kommun(database, session, aged, test_settings):  # type: ignore[no-untyped-def]
    from api.schedule.jobs import get_job, run_job

    _set_retention(session, "1880", 12)
    job = get_job("gallring")
    assert job.per_kommun and job.trigger.describe(test_settings) == "varje dag 02:30"
    clock = Clock.fixed(datetime(2026, 11, 22, 1, 30, tzinfo=UTC))  # 02:30 in Stockholm
    run = run_job(database, test_settings, "gallring", kommun_code="1880", clock=clock)
    assert (run.status, run.period) == ("succeeded", "2026-11-22"), run.message
    assert run.message == ("2 rapporter, 2 importfiler och 1 API-svar från före 2025-11-22 gallrade "
                           "(12 månader).")
    session.expire_all()
    assert _texts(session, aged["old"]) == ("", "", "")
    skipped = run_job(database, test_settings, "gallring", kommun_code="1489", clock=clock)
    assert (skipped.status, skipped.message) == ("skipped", "Ingen automatisk gallring är inställd för kommunen.")
    again = run_job(database, test_settings, "gallring", kommun_code="1880", clock=clock)
    assert again.status == "skipped"  # once per night


def test_report_views_say_the_text_was_removed(client, session, aged):  # type: ignore[no-untyped-def]
    _set_retention(session, "1880", 12)
    service.apply_retention(session=session, kommun_code="1880", today=TODAY,
                            now=datetime(2026, 11, 22, 1, 30, tzinfo=UTC))
    session.commit()
    login(client, "analytiker@1880.example", PASSWORD)
    inbox = client.get("/granska/2024-W23").text  # OLD was observed 2024-06-08
    assert "Fritexten gallrad 2026-11-22" in inbox and "Krossad ruta" not in inbox
    client.cookies.clear()
    login(client, "inrapportor@1880.example", PASSWORD)
    week = client.get("/rapportera/vecka/2024-W23").text
    assert "<dt>Fritext</dt><dd>Gallrad 2026-11-22</dd>" in week
    client.cookies.clear()
    login(client, "admin@1880.example", PASSWORD)
    settings_page = client.get("/admin/kommun").text
    assert "Hittills har fritexten gallrats i 2 rapporter, senast 2026-11-22." in settings_page
    batch = session.exec(select(ImportBatch).where(ImportBatch.status == "committed",
                                                   ImportBatch.kommun_code == "1880")).one()
    client.cookies.clear()
    login(client, "inrapportor@1880.example", PASSWORD)
    assert client.get(f"/import/{batch.id}").status_code == 200  # the emptied file does not break the page


def test_command_line_dry_run_then_run(cli_env):  # type: ignore[no-untyped-def]  # noqa: F811
    assert run("kommun", "add", "1880", "Örebro").exit_code == 0
    with Session(cli_env) as session:
        category_id = session.exec(select(Category.id).where(Category.code == "klotter")).one()
        session.add(Report(kommun_code="1880", category_id=category_id, observed_date=date(2020, 1, 1),
                           submitted_at=datetime(2020, 1, 2, tzinfo=UTC), source="form", description="Gammal text"))
        session.commit()
    nothing = run("gallring")
    assert nothing.exit_code == 0 and "Ingen kommun har automatisk gallring" in nothing.output
    with Session(cli_env) as session:
        kommun = session.get(Kommun, "1880")
        kommun.retention_months = 24
        session.add(kommun)
        session.commit()
    dry = run("gallring", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert re.fullmatch(r"1880: 1 rapporter, 0 importfiler och 0 API-svar skulle gallras "
                        r"\(inkomna före \d{4}-\d\d-\d\d, 24 månader\)\.\n", dry.output)
    with Session(cli_env) as session:
        assert session.exec(select(Report.description)).one() == "Gammal text"
    real = run("gallring", "--kommun", "1880")
    assert real.exit_code == 0 and "1880: 1 rapporter, 0 importfiler och 0 API-svar gallrade" in real.output
    with Session(cli_env) as session:
        assert session.exec(select(Report.description)).one() == ""
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "report.gallring")).one()
        assert event.actor == "kommandorad"
    assert "0 rapporter" in run("gallring", "--kommun", "1880").output
