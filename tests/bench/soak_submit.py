"""`make soak`: load, kill -9 mid-load, restart, replay — nothing acknowledged is lost (issue 11).

For each database (SQLite file; PostgreSQL in a schema of its own):
1. CLIENTS clients post observations for SECONDS s, each request with its own Idempotency-Key; a
   request left without an answer is retried with the same key and body (a well-behaved client).
2. At a third of the run the server gets SIGKILL, and is started again KILL_PAUSE s later.
3. Afterwards: every acknowledged id is in the database (lost = 0); every acknowledged key replayed
   returns the same ids (replay mismatches = 0); 10 concurrent requests with one new key store
   exactly one row and all answer the same id.
Figures are printed; the script exits non-zero when a check fails.
`LAGESBILD_SOAK_SECONDS`, `LAGESBILD_SOAK_DATABASES=sqlite,postgresql`, `LAGESBILD_SOAK_CLIENTS`.
"""

from __future__ import annotations

import http.client
import json
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from tests.bench import submit_load as load


@dataclass
class SoakResult:
    database: str
    requests: int
    acknowledged: int
    no_answer: int
    errors_5xx: int
    lost: int
    replayed: int
    replay_mismatches: int
    same_key_rows: int
    same_key_distinct_ids: int
    seconds: float

    @property
    def ok(self) -> bool:
        return (self.lost == 0 and self.replay_mismatches == 0 and self.errors_5xx == 0
                and self.same_key_rows == 1 and self.same_key_distinct_ids == 1 and self.acknowledged > 0)

    def line(self) -> str:
        return (f"| {self.database} | {self.requests} | {self.acknowledged} | {self.no_answer} | {self.errors_5xx} | "
                f"{self.lost} | {self.replayed} | {self.replay_mismatches} | {self.same_key_rows} | "
                f"{self.same_key_distinct_ids} | {self.acknowledged / self.seconds:.1f} |")


HEADER = ("| database | requests | acknowledged | no answer (killed) | 5xx | lost | replayed | replay mismatches | "
          "rows for 10 × one key | ids for 10 × one key | acknowledged/s |\n"
          "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")


def soak(kind: str, *, seconds: float, clients: int, kill_pause: float = 1.0, small: bool = False) -> SoakResult:
    """One soak run on a fresh database of `kind` ("sqlite" or "postgresql")."""
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        url = load.bench_url(kind, tmp)
        try:
            setup = load.prepare(url, tmp, small=small)
            token = str(setup["token"])
            points = load.inside_points(url, tmp, list(setup["bounds"]), 2_000)  # type: ignore[call-overload]
            server = load.Server(url, tmp).start()
            stop = threading.Event()

            def killer() -> None:
                time.sleep(seconds / 3)
                server.kill()
                time.sleep(kill_pause)
                if not stop.is_set():
                    server.start()

            thread = threading.Thread(target=killer)
            thread.start()
            try:
                answers, elapsed = load.run_load(
                    server.port, token, clients=clients, points=points, seconds=seconds, retry=True,
                    keys=lambda c, n: f"soak-{c}-{n}", stop=stop,
                )
            finally:
                stop.set()
                thread.join()
            if server.process is None or server.process.poll() is not None:
                server.start()
            try:
                acknowledged = [a for a in answers if a.status in (200, 201)]
                ids = [i for a in acknowledged for i in a.ids]
                lost = len(set(ids) - load.stored_ids(url, tmp, ids))
                mismatches = _replay(server.port, token, acknowledged)
                rows, distinct = _same_key(server.port, token, url, tmp, points[0])
            finally:
                server.stop()
            return SoakResult(
                kind, len(answers), len(acknowledged), sum(a.status == 0 for a in answers),
                sum(a.status >= 500 for a in answers), lost, len(acknowledged), mismatches, rows, distinct, elapsed,
            )
        finally:
            load.drop_database(url)


def _replay(port: int, token: str, acknowledged: list[load.Answer]) -> int:
    """Send every acknowledged request again (same key, same body); count answers with other ids."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    mismatches = 0
    for answer in acknowledged:
        again = load.post(connection, token, answer.body, answer.key)
        if again.status not in (200, 201) or again.ids != answer.ids:
            mismatches += 1
    connection.close()
    return mismatches


def _same_key(port: int, token: str, url: str, tmp: Path, point: tuple[float, float]) -> tuple[int, int]:
    """10 concurrent requests, one Idempotency-Key: (rows stored with that text, distinct ids answered)."""
    from sqlalchemy import func, select
    from sqlmodel import Session

    from api.core.db import make_engine
    from api.reports.models import Report

    observation = load.observation(7, point) | {"beskrivning": "Samma nyckel tio gånger"}
    body = json.dumps(observation).encode()
    barrier = threading.Barrier(10)
    answers: list[load.Answer] = []

    def one() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        answers.append(load.post(connection, token, body, "soak-same-key"))
        connection.close()

    threads = [threading.Thread(target=one) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine = make_engine(load.settings_for(url, tmp))
    with Session(engine) as session:
        rows = session.connection().execute(
            select(func.count()).where(Report.description == "Samma nyckel tio gånger")  # type: ignore[arg-type]
        ).scalar_one()
    engine.dispose()
    distinct = {tuple(a.ids) for a in answers if a.status in (200, 201)}
    return int(rows), len(distinct) if len(answers) == 10 and all(a.status in (200, 201) for a in answers) else -1


def main() -> None:
    seconds = float(os.environ.get("LAGESBILD_SOAK_SECONDS", "30"))
    clients = int(os.environ.get("LAGESBILD_SOAK_CLIENTS", "20"))
    databases = os.environ.get("LAGESBILD_SOAK_DATABASES", "sqlite,postgresql").split(",")
    print(f"soak: {clients} clients × {seconds:.0f} s, kill -9 at {seconds / 3:.0f} s, restart 1 s later")
    print(f"machine: {load.machine()}")
    print(HEADER)
    failed = False
    for kind in databases:
        result = soak(kind, seconds=seconds, clients=clients)
        print(result.line(), flush=True)
        failed |= not result.ok
    print(f"machine after: {load.machine()}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
