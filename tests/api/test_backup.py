"""Backup and restore drill on a real database (own connections, not the rolled-back test one).

A thread writes reports (each with an audit event, in one transaction) while `lagesbild backup`
runs; the backup is restored into a new database with `lagesbild restore`. The restored database
must hold exactly the source's rows as of one moment (every table's count, and the written reports
a gap-free prefix of what the writer committed, each with its audit event), the published
lägesbild snapshots byte for byte, and the app must serve them. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import contextvars
import hashlib
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from api.audit import service as audit_service
from api.audit.models import AuditEvent
from api.backup import postgresql
from api.backup import service as backup_service
from api.cli import app as cli_app
from api.core import migrate
from api.core.clock import Clock, using_clock
from api.core.config import Settings
from api.core.db import Database, make_engine
from api.lagesbild import service as lagesbild_service
from api.lagesbild.compose import week_query
from api.lagesbild.models import Lagesbild
from api.main import create_app
from api.reports.models import Report
from tests.api.lagesbild.helpers import MONDAY, WEEK, add_report, week_of_reports
from tests.conftest import TEST_SECRET, database_url_for, drop_schema, login, make_test_settings
from tests.factories import PASSWORD, build_world

CLOCK = Clock.fixed(date(2026, 11, 25))
WRITER_ACTION = "drill.write"
PUBLISHED_TEXT = "Övningsvecka: lugnt utom klotter i Område A."


@dataclass
class Installation:
    url: str
    settings: Settings
    engine: Engine


def _env(monkeypatch: pytest.MonkeyPatch, url: str, data_dir: Path) -> None:
    for key, value in {"DATABASE_URL": url, "DATA_DIR": str(data_dir), "SECRET_KEY": TEST_SECRET,
                       "ENVIRONMENT": "test", "SCHEDULER_ENABLED": "false"}.items():
        monkeypatch.setenv(f"LAGESBILD_{key}", value)


def _new_target_url(tmp_path: Path, source_url: str) -> tuple[str, str | None]:
    """A new, empty database for the restore: a SQLite file, or a PostgreSQL database (same schema name)."""
    if source_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored.db'}", None
    url = make_url(source_url)
    name = f"lagesbild_drill_{tmp_path.name[-10:]}".lower()
    name = re.sub(r"\W", "_", name)
    admin = create_admin_engine(source_url)
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False), name


def create_admin_engine(source_url: str) -> Engine:
    base = make_url(source_url).set(query={}).render_as_string(hide_password=False)
    engine = make_engine(Settings(database_url=base, environment="test", secret_key=TEST_SECRET))
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def _drop_database(source_url: str, name: str | None) -> None:
    if name is None:
        return
    admin = create_admin_engine(source_url)
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture()
def source(tmp_path: Path) -> Iterator[Installation]:
    """A migrated installation with the test world, a week of reports and a published lägesbild."""
    url = database_url_for(tmp_path, "drill_" + tmp_path.name[-10:])
    settings = make_test_settings(url, tmp_path)
    engine = make_engine(settings)
    try:
        migrate.upgrade(engine)
        with using_clock(CLOCK), Session(engine, expire_on_commit=False) as session:
            world = build_world(session)
            week_of_reports(session, world)
            lagesbild = lagesbild_service.draft_lagesbild(
                session=session, kommun_code="1880", week=WEEK, created_by="test")
            lagesbild.vad_har_hant = PUBLISHED_TEXT
            lagesbild_service.publish(session=session, lagesbild=lagesbild, query=week_query("1880", WEEK),
                                      user=world.user("analytiker"))
            session.commit()
        yield Installation(url, settings, engine)
    finally:
        engine.dispose()
        drop_schema(url)


class Writer:
    """Commits one report plus its audit event per transaction until stopped; records the ids."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.written: list[int] = []
        self.stop = threading.Event()
        self.progress = threading.Condition()
        self.error: BaseException | None = None
        context = contextvars.copy_context()
        self.thread = threading.Thread(target=context.run, args=(self._run,), daemon=True)

    def _run(self) -> None:
        try:
            with using_clock(CLOCK):
                while not self.stop.is_set():
                    with Session(self.engine) as session:
                        report = add_report(session, "klotter", MONDAY + timedelta(days=3), square="B",
                                            org=None, description="skriven under säkerhetskopieringen")
                        audit_service.record(session=session, action=WRITER_ACTION, actor="drill",
                                             kommun_code="1880", object_type="report", object_id=report.id or 0)
                        session.commit()
                        with self.progress:
                            self.written.append(report.id or 0)
                            self.progress.notify_all()
        except BaseException as exc:  # noqa: BLE001 - reported by wait_for / join in the test
            self.error = exc
            with self.progress:
                self.progress.notify_all()

    def wait_for(self, count: int) -> None:
        with self.progress:
            assert self.progress.wait_for(lambda: len(self.written) >= count or self.error, timeout=60)
        assert self.error is None, self.error

    def finish(self) -> list[int]:
        self.stop.set()
        self.thread.join(timeout=60)
        assert self.error is None, self.error
        return list(self.written)


def _snapshot_checksums(engine: Engine) -> dict[int, str]:
    with Session(engine) as session:
        rows = session.exec(select(Lagesbild).where(Lagesbild.status == "publicerad")).all()
        return {row.id or 0: hashlib.sha256(row.snapshot_json.encode("utf-8")).hexdigest() for row in rows}


def _writer_rows(engine: Engine) -> tuple[list[int], list[int]]:
    """Ids of the writer's reports and the report ids its audit events name, in id order."""
    with Session(engine) as session:
        reports = session.exec(select(Report.id).where(Report.description == "skriven under säkerhetskopieringen")
                               .order_by(col(Report.id))).all()
        events = session.exec(select(AuditEvent.object_id).where(AuditEvent.action == WRITER_ACTION)
                              .order_by(col(AuditEvent.id))).all()
    return [r or 0 for r in reports], [int(e) for e in events]


def test_backup_while_writing_then_restore_into_a_new_database(source, tmp_path, monkeypatch):
    backup_file = tmp_path / "säkerhetskopia" / "lagesbild.backup"
    backup_file.parent.mkdir()
    target_url, target_database = _new_target_url(tmp_path, source.url)
    target_engine = make_engine(make_test_settings(target_url, tmp_path))
    try:
        writer = Writer(source.engine)
        writer.thread.start()
        try:
            writer.wait_for(5)
            _env(monkeypatch, source.url, tmp_path)
            made = CliRunner().invoke(cli_app, ["backup", str(backup_file)])
            assert made.exit_code == 0, made.output
            writer.wait_for(len(writer.written) + 5)  # and the app keeps writing after the backup
        finally:
            written = writer.finish()
        digest = hashlib.sha256(backup_file.read_bytes()).hexdigest()
        assert f"SHA-256: {digest}" in made.output and "Säkerhetskopia sparad" in made.output
        assert f"({backup_file.stat().st_size} byte)" in made.output
        assert [p.name for p in backup_file.parent.iterdir()] == ["lagesbild.backup"]  # no temp file left

        _env(monkeypatch, target_url, tmp_path)
        restored = CliRunner().invoke(cli_app, ["restore", str(backup_file)])
        assert restored.exit_code == 0, restored.output
        assert f"SHA-256 {digest}" in restored.output

        # One consistent moment: the writer's first k reports, each with its audit event, nothing after.
        restored_reports, restored_events = _writer_rows(target_engine)
        k = len(restored_reports)
        assert 5 <= k < len(written)
        assert restored_reports == written[:k] and restored_events == written[:k]
        source_counts = backup_service.row_counts(source.engine)
        expected = {**source_counts, "report": source_counts["report"] - (len(written) - k),
                    "audit_event": source_counts["audit_event"] - (len(written) - k)}
        assert backup_service.row_counts(target_engine) == expected
        checksums = _snapshot_checksums(source.engine)
        assert checksums and _snapshot_checksums(target_engine) == checksums
        with pytest.raises(DBAPIError), target_engine.begin() as connection:  # the audit log stays append-only
            connection.execute(text("UPDATE audit_event SET actor = 'ändrad'"))

        # The app on the restored database serves the restored lägesbild.
        app = create_app(make_test_settings(target_url, tmp_path), database=Database(target_engine))
        with TestClient(app, base_url="https://testserver") as client:
            assert client.get("/healthz").json()["migrations"]["status"] == "ok"
            login(client, "granskare@1880.example", PASSWORD)
            page = client.get(f"/lagesbild/{WEEK}")
        assert page.status_code == 200 and PUBLISHED_TEXT in page.text
        assert 'id="lb-total">8<' in page.text

        # A second restore over the now non-empty database is refused without --force.
        again = CliRunner().invoke(cli_app, ["restore", str(backup_file)])
        assert again.exit_code == 1
        assert "Databasen är inte tom" in again.output and "--force" in again.output
        forced = CliRunner().invoke(cli_app, ["restore", str(backup_file), "--force"])
        assert forced.exit_code == 0, forced.output
        assert backup_service.row_counts(target_engine) == expected
        assert _snapshot_checksums(target_engine) == checksums
    finally:
        target_engine.dispose()
        if target_database is None:
            drop_schema(target_url)
        _drop_database(source.url, target_database)


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, monkeypatch):
    url = database_url_for(tmp_path, "notbackup_" + tmp_path.name[-10:])
    try:
        _env(monkeypatch, url, tmp_path)
        other = tmp_path / "annan.backup"
        other.write_bytes(b"PGDMP" if url.startswith("sqlite") else b"SQLite format 3\x00")
        result = CliRunner().invoke(cli_app, ["restore", str(other)])
        assert result.exit_code == 1
        expected = "PostgreSQL-databas" if url.startswith("sqlite") else "SQLite-databas"
        assert f"annan.backup är en säkerhetskopia av en {expected}" in result.output
        missing = CliRunner().invoke(cli_app, ["restore", str(tmp_path / "saknas.backup")])
        assert missing.exit_code == 1 and "saknas.backup finns inte" in missing.output
    finally:
        drop_schema(url)


def test_postgresql_client_missing_from_the_configured_directory(tmp_path):
    with pytest.raises(backup_service.BackupError, match="pg_dump finns inte i LAGESBILD_PG_BIN_DIR"):
        postgresql.client("pg_dump", tmp_path)


ON_POSTGRESQL = os.environ.get("LAGESBILD_TEST_DATABASE_URL", "").startswith("postgresql")


@pytest.mark.skipif(not ON_POSTGRESQL, reason="needs the PostgreSQL test server")
def test_backup_refuses_a_pg_dump_older_than_the_server(source, tmp_path):
    old_client = tmp_path / "bin"
    old_client.mkdir()
    fake = old_client / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 11.22'\n", encoding="utf-8")
    fake.chmod(0o755)
    settings = source.settings.model_copy(update={"pg_bin_dir": old_client})
    with pytest.raises(backup_service.BackupError, match="pg_dump är version 11 men databasservern är version 1"):
        backup_service.backup(settings=settings, target=tmp_path / "x.backup")
    assert not (tmp_path / "x.backup").exists()
