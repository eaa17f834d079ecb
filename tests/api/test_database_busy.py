"""`is_busy` (api/core/db.py): which database errors mean "busy, try again" (503) and which stay bugs (500)."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from api.core.db import is_busy


def test_a_lock_wait_that_times_out_is_busy_and_a_missing_table_is_not(engine: Engine) -> None:
    with engine.connect() as connection, pytest.raises(DBAPIError) as missing:
        connection.execute(text("SELECT * FROM no_such_table_here"))
    assert not is_busy(missing.value)
    if engine.dialect.name != "postgresql":
        return  # SQLite's "database is locked": tests/api/test_sqlite_locking.py
    key = secrets.randbelow(2**31)  # advisory locks are database-wide: a key no parallel run uses
    with engine.connect() as holder, engine.connect() as waiter:
        holder.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
        waiter.execute(text("SET lock_timeout = '50ms'"))
        with pytest.raises(DBAPIError) as timed_out:
            waiter.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
        waiter.rollback()
        holder.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
        holder.commit()
    assert getattr(timed_out.value.orig, "sqlstate", None) == "55P03"
    assert is_busy(timed_out.value)
