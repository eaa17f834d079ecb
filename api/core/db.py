"""Engine and session factory; built from Settings by create_app, never at import time."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from api.core.config import Settings


def make_engine(settings: Settings) -> Engine:
    """An engine for the configured database: SQLite in WAL mode with foreign keys, or PostgreSQL."""
    url = settings.resolved_database_url
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        _take_turns_to_write(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # pysqlite's own transaction handling breaks SAVEPOINTs; SQLAlchemy emits BEGIN itself instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


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


def _sqlite_begin(connection) -> None:  # type: ignore[no-untyped-def]
    # IMMEDIATE: a transaction that later writes cannot fail with "database is locked" when another
    # writer committed in between (WAL snapshot conflict); writers queue on busy_timeout instead.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


_TURN = "lagesbild_sqlite_turn"


def _take_turns_to_write(engine: Engine) -> None:
    """Transactions of this process queue on a lock before BEGIN IMMEDIATE, and release it at the end.

    SQLite has one writer at a time, and a connection that finds the database locked sleeps in
    SQLite's busy handler (1, 2, 5 … 100 ms steps) and can lose to newcomers again and again: under
    50 concurrent API clients most of the time went to sleeping (13 observations/s against 290/s for
    a bare insert). A waiter on the lock runs as soon as the holder ends. After the busy timeout's
    30 s a waiter goes on anyway (SQLite's own waiting then applies, as before), so the lock can
    never hang a request; another process on the same file still queues on SQLite as before.
    """
    turn = threading.Lock()

    def begin(connection) -> None:  # type: ignore[no-untyped-def]
        held = turn.acquire(timeout=30)
        try:
            _sqlite_begin(connection)
        except BaseException:
            if held:
                turn.release()
            raise
        connection.info[_TURN] = held

    def end(connection) -> None:  # type: ignore[no-untyped-def]
        if connection.info.pop(_TURN, False):
            turn.release()

    def checkin(_dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
        # A connection back in the pool with its transaction never ended (a session dropped
        # without close): the pool rolls it back, and its turn ends here too.
        if record.info.pop(_TURN, False):
            turn.release()

    event.listen(engine, "begin", begin)
    event.listen(engine, "commit", end)
    event.listen(engine, "rollback", end)
    event.listen(engine, "checkin", checkin)
