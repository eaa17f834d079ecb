"""SQLite transactions of one process take turns on a lock (api.core.db), released however they end."""

from __future__ import annotations

import threading
import time

from sqlalchemy import text

from api.core.config import Settings
from api.core.db import make_engine


def _engine(tmp_path):  # type: ignore[no-untyped-def]
    settings = Settings(environment="test", database_url=f"sqlite:///{tmp_path / 'turns.db'}", data_dir=tmp_path)
    engine = make_engine(settings)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counter (n INTEGER)"))
        conn.execute(text("INSERT INTO counter VALUES (0)"))
    return engine


def test_twenty_concurrent_writers_each_run_alone_and_none_is_lost(tmp_path):
    # Reads take no lock (deferred, read-committed as on PostgreSQL); from its first write to the end
    # a transaction holds the writers' turn, so the part after the write runs one at a time.
    engine = _engine(tmp_path)
    inside = 0
    most_inside = 0
    guard = threading.Lock()
    started = time.monotonic()

    def writer() -> None:
        nonlocal inside, most_inside
        with engine.begin() as conn:
            conn.execute(text("SELECT n FROM counter")).scalar_one()
            conn.execute(text("UPDATE counter SET n = n + 1"))
            with guard:
                inside += 1
                most_inside = max(most_inside, inside)
            time.sleep(0.005)  # a second writer inside now would show in most_inside
            with guard:
                inside -= 1

    threads = [threading.Thread(target=writer) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT n FROM counter")).scalar_one() == 20
    assert most_inside == 1
    assert time.monotonic() - started < 10  # 20 × 5 ms of work; nobody sat out a busy timeout
    engine.dispose()


def test_rollback_and_a_connection_returned_unfinished_end_the_turn(tmp_path):
    engine = _engine(tmp_path)
    conn = engine.connect()
    conn.begin()
    conn.execute(text("UPDATE counter SET n = 5"))
    conn.rollback()
    dropped = engine.connect()
    dropped.begin()
    dropped.execute(text("UPDATE counter SET n = 7"))
    dropped.close()  # closed with its transaction open: rolled back
    conn.close()
    finished = threading.Event()

    def next_writer() -> None:
        with engine.begin() as c:
            c.execute(text("UPDATE counter SET n = n + 1"))
        finished.set()

    threading.Thread(target=next_writer).start()
    assert finished.wait(5), "the turn was not released"
    with engine.connect() as c:
        assert c.execute(text("SELECT n FROM counter")).scalar_one() == 1
    engine.dispose()
