"""The scheduler's heartbeat: one row per installation, written on start and every minute after."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from api.core import migrate
from api.core.clock import Clock
from api.core.db import Database, make_engine
from api.jobs import heartbeat
from api.jobs.models import SchedulerHeartbeat
from api.schedule.jobs import start_scheduler
from tests.conftest import database_url_for, drop_schema, make_test_settings

START = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def test_beat_keeps_one_row_and_moves_its_time(database, session):
    assert heartbeat.last_beat(session=session) is None
    heartbeat.beat(database=database, clock=Clock.fixed(START), started_at=START)
    heartbeat.beat(database=database, clock=Clock.fixed(START + timedelta(minutes=1)))
    rows = session.exec(select(SchedulerHeartbeat)).all()
    assert [(r.id, r.pid, r.started_at, r.beat_at) for r in rows] == [
        (1, os.getpid(), START, START + timedelta(minutes=1))]
    restart = START + timedelta(hours=2)
    heartbeat.beat(database=database, clock=Clock.fixed(restart), started_at=restart)
    session.expire_all()
    beat = heartbeat.last_beat(session=session)
    assert beat is not None and (beat.started_at, beat.beat_at) == (restart, restart)


def test_a_started_scheduler_beats_at_once_and_stops_beating(database, session, test_settings, tmp_path):
    settings = test_settings.model_copy(update={"data_dir": tmp_path, "scheduler_enabled": True})
    running = start_scheduler(database, settings, clock=Clock.fixed(START))
    assert running is not None
    try:
        beat = heartbeat.last_beat(session=session)
        assert beat is not None and beat.beat_at == START and beat.host
    finally:
        running.stop()
    assert running.heartbeat is not None and running.heartbeat._thread is None


def test_the_thread_beats_every_interval_with_the_clock(tmp_path):
    # Its own database: the thread writes through its own connections.
    settings = make_test_settings(database_url_for(tmp_path, "beat_" + tmp_path.name[-8:]), tmp_path)
    engine = make_engine(settings)
    ticks: list[datetime] = []
    enough = threading.Event()

    def source() -> datetime:
        ticks.append(START + timedelta(minutes=len(ticks)))
        if len(ticks) >= 4:
            enough.set()
        return ticks[-1]

    try:
        migrate.upgrade(engine)
        thread = heartbeat.HeartbeatThread(Database(engine), Clock(source=source), interval=0.01)
        thread.start()
        assert enough.wait(timeout=30)
        thread.stop()
        with Session(engine) as session:
            beat = heartbeat.last_beat(session=session)
        assert beat is not None and beat.started_at == START and beat.beat_at == ticks[-1]
    finally:
        engine.dispose()
        drop_schema(settings.resolved_database_url)
