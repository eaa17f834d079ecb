"""Migrations run up, down and up again on the test backend (SQLite or PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlmodel import SQLModel

import api.models  # noqa: F401
from api.core import migrate
from api.core.db import make_engine
from tests.conftest import database_url_for, drop_schema, make_test_settings


def test_upgrade_downgrade_upgrade(tmp_path):
    settings = make_test_settings(database_url_for(tmp_path, "migrations_" + tmp_path.name[-8:]), tmp_path)
    engine = make_engine(settings)
    try:
        migrate.upgrade(engine)
        tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert tables == set(SQLModel.metadata.tables)
        migrate.downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) - {"alembic_version"} == set()
        migrate.upgrade(engine)
        assert set(inspect(engine).get_table_names()) - {"alembic_version"} == set(SQLModel.metadata.tables)
    finally:
        engine.dispose()
        drop_schema(settings.resolved_database_url)


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    settings = make_test_settings(f"sqlite:///{tmp_path / 'wal.db'}", tmp_path)
    engine = make_engine(settings)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
