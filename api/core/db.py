"""Engine and session factory; built from Settings by create_app, never at import time.

SQLite (one writer at a time) is kept from stalling the server:
- WAL mode, so readers never wait for the writer, and a busy timeout of a few seconds
  (`BUSY_TIMEOUT_SECONDS`), so a waiting writer gives up in time for the request to answer 503 with
  Retry-After (`is_busy`, api/core/errors.py) instead of holding a thread for half a minute.
- A transaction begins DEFERRED, so reads take no lock. At its first write it is upgraded: the
  read-only transaction is committed (it wrote nothing) and `BEGIN IMMEDIATE` takes the write lock,
  waiting on the busy timeout. SQLite itself would upgrade a read transaction in place, but then it
  cannot wait (it answers "database is locked" at once whenever another writer is active, since
  waiting could deadlock). So the write lock is held only from the first write to the commit, and
  what was read before the first write is read-committed, as on PostgreSQL.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlmodel import Session, create_engine

from api.core.config import Settings

# How long a writer waits for SQLite's write lock before the request answers 503 (seconds).
BUSY_TIMEOUT_SECONDS = 5
# Connections per process: at least the threadpool's 40 workers (anyio's default, which runs the
# sync routes and dependencies) plus the second, short sessions some requests open (audit, health),
# so a thread never queues for a connection while another holds one waiting for a lock.
POOL_SIZE = 5
POOL_MAX_OVERFLOW = 45
POOL_TIMEOUT_SECONDS = 10

# PostgreSQL: serialization failure, deadlock, lock not available: "try again", not a bug.
_BUSY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
_BUSY_MESSAGES = ("database is locked", "database table is locked", "database is busy")
_READ_PREFIXES = ("SELECT", "PRAGMA", "EXPLAIN", "BEGIN", "COMMIT", "ROLLBACK", "RELEASE")
_TURN = "lagesbild_sqlite_turn"  # connection.info key: this connection holds the writers' turn
_TXN = "lagesbild_sqlite_txn"  # connection.info key: "read" until the transaction writes, then "write"


def make_engine(settings: Settings) -> Engine:
    """An engine for the configured database: SQLite in WAL mode with foreign keys, or PostgreSQL."""
    url = settings.resolved_database_url
    pool: dict[str, Any] = {
        "pool_size": POOL_SIZE, "max_overflow": POOL_MAX_OVERFLOW, "pool_timeout": POOL_TIMEOUT_SECONDS,
    }
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        if ":memory:" in url or url.rstrip("/") == "sqlite:":
            pool = {}  # an in-memory database keeps SQLAlchemy's own pool for it
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_SECONDS}, **pool
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        _listen_sqlite_transactions(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True, **pool)


def is_busy(exc: BaseException) -> bool:
    """A database that is too busy right now (lock wait gave up, no free connection): retry later."""
    if isinstance(exc, PoolTimeoutError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if getattr(exc.orig, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    message = str(exc.orig).lower()
    return any(text in message for text in _BUSY_MESSAGES)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # pysqlite's own transaction handling breaks SAVEPOINTs; SQLAlchemy emits BEGIN itself instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
    cursor.close()


def _listen_sqlite_transactions(engine: Engine) -> None:
    """Deferred reads, and the write lock from the first write to the end (see the module doc).

    Writers of this process also queue on a lock (`turn`) before `BEGIN IMMEDIATE`: a connection
    that finds the database locked sleeps in SQLite's busy handler (1, 2, 5 … 100 ms steps) and can
    lose to newcomers again and again; under 50 concurrent API clients most of the time went to
    sleeping (13 observations/s against 290/s for a bare insert). A waiter on the lock runs as soon
    as the holder ends. After the busy timeout a waiter goes on anyway (SQLite's own waiting then
    answers busy, so a request can never hang); another process on the same file queues on SQLite.
    """
    turn = threading.Lock()

    def upgrade(execute: Callable[[str], object], connection: Connection) -> None:
        connection.info[_TXN] = "write"  # first: a BEGIN IMMEDIATE that gives up is not redone
        execute("COMMIT")
        if not turn.acquire(timeout=BUSY_TIMEOUT_SECONDS):
            # A writer of this process has held the write lock for the whole busy timeout: busy, as
            # SQLite would say after waiting (is_busy), instead of waiting its busy timeout once more.
            raise OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))
        connection.info[_TURN] = True
        execute("BEGIN IMMEDIATE")

    def begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")
        connection.info[_TXN] = "read"

    def end(connection: Connection) -> None:
        connection.info.pop(_TXN, None)
        if connection.info.pop(_TURN, False):
            turn.release()

    def savepoint(connection: Connection, _name: str) -> None:
        # Savepoints here wrap writes; upgrading before the first one also means no savepoint is ever
        # open while the transaction is still a read one, so the COMMIT of the upgrade releases none.
        if connection.info.get(_TXN) == "read":
            upgrade(connection.exec_driver_sql, connection)

    def before_execute(connection, cursor, statement, _parameters, _context, _executemany):  # type: ignore[no-untyped-def]
        # The first statement that is not a read swaps the read-only transaction for one holding the
        # write lock. On the DBAPI cursor: the statement's execution has begun.
        if connection.info.get(_TXN) != "read":
            return
        if statement.lstrip()[:8].upper().startswith(_READ_PREFIXES):
            return
        upgrade(cursor.execute, connection)

    def checkin(_dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
        # A connection back in the pool with its transaction never ended (a session dropped without
        # close): the pool rolls it back, and its turn ends here too.
        if record.info.pop(_TURN, False):
            turn.release()

    event.listen(engine, "begin", begin)
    event.listen(engine, "savepoint", savepoint)
    event.listen(engine, "before_cursor_execute", before_execute)
    event.listen(engine, "commit", end)
    event.listen(engine, "rollback", end)
    event.listen(engine, "checkin", checkin)


@dataclass
class Database:
    """The engine plus a way to open sessions on it."""

    engine: Engine

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on error."""
        with self.session() as session:
            try:
                yield session
                session.commit()
            except Exception:
                session.rollback()
                raise
