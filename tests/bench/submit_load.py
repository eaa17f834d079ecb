"""A real server and a bounded load client for POST /api/v1/reports (bench_submit and `make soak`).

* `prepare(url, data_dir)`: a migrated, empty database with Örebro's RegSO areas and places (the
  demo's files), one organisation and an API token; `preload(...)` adds reports to one day.
* `Server`: `python -m tests.bench.submit_load serve …` in a subprocess: uvicorn on loopback, the app
  wrapped in `ServerTiming` (a `Server-Timing: app;dur=…` header: the time from the request reaching
  the app to its response headers, i.e. server time without the client and the socket). `--bare`
  serves the floor instead: a bare FastAPI handler that inserts the same row, nothing else.
* `run_load(...)`: N client threads on persistent HTTP/1.1 connections (http.client, cheap on a shared
  2-core machine), each posting one observation per request with its own Idempotency-Key, for a fixed
  time or number of requests. Every answer is kept: status, report id, server and client time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from fastapi import Request  # module level: the bare handler's annotation is resolved from here

KOMMUN = "1880"
#: Every observation is dated this day (the server's clock is fixed on BENCH_TODAY).
BENCH_DAY = date(2026, 11, 16)
BENCH_TODAY = date(2026, 11, 18)
CATEGORIES = ("klotter", "skadegorelse", "nedskrapning", "ungdomssamling", "otrygg_plats")


def settings_for(url: str, data_dir: Path):  # type: ignore[no-untyped-def]
    from api.core.config import Settings

    return Settings(
        environment="test", database_url=url, data_dir=data_dir, scheduler_enabled=False,
        clock_at=f"{BENCH_TODAY.isoformat()}T12:00:00+01:00",
    )


def prepare(url: str, data_dir: Path, *, small: bool = False) -> dict[str, object]:
    """A fresh migrated database with the bench kommun; returns the token and the area bounds.

    `small`: the test world's four 1 km squares instead of Örebro's RegSO (seconds faster).
    """
    from sqlmodel import Session

    from api.areas import service as area_service
    from api.core import migrate
    from api.core.db import make_engine
    from api.demo.loader import _data
    from api.kommuner import service as kommun_service
    from api.organisations import service as organisation_service
    from api.users import service as user_service

    engine = make_engine(settings_for(url, data_dir))
    migrate.downgrade(engine, "base")
    migrate.upgrade(engine)
    with Session(engine) as session:
        kommun_service.add_kommun(session=session, code=KOMMUN, name="Örebro")
        if small:
            from tests.factories import square_areas

            areas = square_areas(KOMMUN, 510_000, 6_570_000)
        else:
            areas = area_service.read_area_file(
                _data("orebro_regso_2025.gpkg"), code_field="regsokod", name_field="regsonamn"
            )
        area_service.import_area_set(session=session, kommun_code=KOMMUN, areas=areas, name="RegSO", source="bench")
        if not small:
            area_service.import_places_csv(
                session=session, kommun_code=KOMMUN, text=_data("orebro_places.csv").read_text("utf-8")
            )
        org = organisation_service.create_organisation(
            session=session, kommun_code=KOMMUN, name="Bostadsbolaget", type="ovrig"
        )
        other = organisation_service.create_organisation(
            session=session, kommun_code=KOMMUN, name="Skolan", type="ovrig"
        )
        _, token = user_service.create_api_token(session=session, organisation_id=org.id, name="bench")
        session.commit()
        bounds = [float(v) for v in areas.total_bounds]
        org_ids = [int(org.id), int(other.id)]  # type: ignore[arg-type]
    engine.dispose()
    return {"token": token, "bounds": bounds, "organisation_ids": org_ids}


def preload(url: str, data_dir: Path, *, count: int, bounds: list[float], organisation_id: int,
            seed: int = 5) -> None:
    """`count` reports of another organisation on BENCH_DAY, at random points over the kommun."""
    from sqlalchemy import insert
    from sqlmodel import Session, select

    from api.categories.models import Category
    from api.core.db import make_engine
    from api.reports import service as report_service
    from api.reports.models import Report

    if count <= 0:
        return
    engine = make_engine(settings_for(url, data_dir))
    rng = np.random.default_rng(seed)
    with Session(engine) as session:
        categories = {c.code: c.id for c in session.exec(select(Category).where(Category.kommun_code == KOMMUN))}
        context = report_service.placement_context(session=session, kommun_code=KOMMUN)
        xs, ys = _points(rng, bounds, context, count)
        from ingest.placement import assign_areas

        codes = assign_areas(xs, ys, context.areas)
        rows = [
            {
                "kommun_code": KOMMUN, "category_id": categories[CATEGORIES[i % len(CATEGORIES)]],
                "observed_date": BENCH_DAY, "observed_period": "dag", "organisation_id": organisation_id,
                "area_id": context.area_ids.get(codes[i]), "x": float(xs[i]), "y": float(ys[i]),
                "place_text": "", "description": f"Förladdad {i}", "report_count": 1, "source": "import",
                "content_hash": uuid.uuid4().hex, "review_status": "ny", "review_note": "",
                "source_url": "", "personnummer_masked": False, "privacy_flag": False,
                "submitted_at": datetime(2026, 11, 17, 8, 0, tzinfo=UTC),
            }
            for i in range(count)
        ]
        for start in range(0, count, 5_000):
            session.connection().execute(insert(Report), rows[start:start + 5_000])
        session.commit()
    engine.dispose()


def _points(rng: np.random.Generator, bounds: list[float], context, n: int):  # type: ignore[no-untyped-def]
    """n random points inside the kommun's areas (drawn in the bounds, kept when inside)."""
    from ingest.placement import assign_areas

    xs: list[float] = []
    ys: list[float] = []
    while len(xs) < n:
        x = rng.uniform(bounds[0], bounds[2], 4 * n)
        y = rng.uniform(bounds[1], bounds[3], 4 * n)
        inside = np.array([c is not None for c in assign_areas(x, y, context.areas)])
        xs.extend(x[inside].tolist())
        ys.extend(y[inside].tolist())
    return np.array(xs[:n]), np.array(ys[:n])


def inside_points(url: str, data_dir: Path, bounds: list[float], n: int, seed: int = 9) -> list[tuple[float, float]]:
    """Points the load client posts: inside the kommun, so no request is refused as outside."""
    from sqlmodel import Session

    from api.core.db import make_engine
    from api.reports import service as report_service

    engine = make_engine(settings_for(url, data_dir))
    with Session(engine) as session:
        context = report_service.placement_context(session=session, kommun_code=KOMMUN)
    engine.dispose()
    xs, ys = _points(np.random.default_rng(seed), bounds, context, n)
    return list(zip(xs.tolist(), ys.tolist(), strict=True))


# --- the server ----------------------------------------------------------------------------------


class ServerTiming:
    """ASGI middleware: adds `Server-Timing: app;dur=<ms>` (request in to response headers out)."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()

        async def timed_send(message) -> None:  # type: ignore[no-untyped-def]
            if message["type"] == "http.response.start":
                ms = (time.perf_counter() - start) * 1000
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"server-timing", f"app;dur={ms:.3f}".encode())]}
            await send(message)

        await self.app(scope, receive, timed_send)


def bare_app(url: str, data_dir: Path):  # type: ignore[no-untyped-def]
    """The floor: parse the JSON, insert the same row with Core, commit, answer the id. No auth, no checks."""
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse
    from sqlalchemy import insert
    from sqlmodel import Session

    from api.core.db import make_engine
    from api.reports.models import Report

    engine = make_engine(settings_for(url, data_dir))
    app = FastAPI()

    def store(payload: dict) -> int:  # type: ignore[type-arg]
        with Session(engine) as session:
            row = {
                "kommun_code": KOMMUN, "category_id": 1, "observed_date": date.fromisoformat(payload["datum"]),
                "observed_period": "dag", "organisation_id": 1, "area_id": None,
                "x": payload.get("x"), "y": payload.get("y"), "place_text": "",
                "description": payload.get("beskrivning", ""), "report_count": 1, "source": "api",
                "content_hash": uuid.uuid4().hex, "review_status": "ny", "review_note": "", "source_url": "",
                "personnummer_masked": False, "privacy_flag": False, "submitted_at": datetime(2026, 11, 18, 12, 0, tzinfo=UTC),
            }
            new_id = session.connection().execute(insert(Report).returning(Report.id), row).scalar_one()
            session.commit()
            return int(new_id)

    @app.post("/api/v1/reports")
    async def submit(request: Request) -> JSONResponse:
        from starlette.concurrency import run_in_threadpool

        payload = json.loads(await request.body())
        new_id = await run_in_threadpool(store, payload)
        return JSONResponse({"rapporter": [{"id": new_id, "status": "skapad"}]}, status_code=201)

    return app


def serve(url: str, data_dir: Path, port: int, bare: bool) -> None:
    import uvicorn

    if bare:
        app = bare_app(url, data_dir)
    else:
        from api.main import create_app

        app = create_app(settings_for(url, data_dir))
    uvicorn.run(ServerTiming(app), host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """The server process on loopback; `kill()` is kill -9."""

    url: str
    data_dir: Path
    bare: bool = False
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None  # type: ignore[type-arg]

    def start(self, timeout: float = 180.0) -> Server:
        args = [sys.executable, "-m", "tests.bench.submit_load", "serve", "--url", self.url,
                "--data-dir", str(self.data_dir), "--port", str(self.port)]
        if self.bare:
            args.append("--bare")
        self.process = subprocess.Popen(args, cwd=Path(__file__).resolve().parents[2])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


# --- the load client -----------------------------------------------------------------------------


@dataclass
class Answer:
    key: str
    status: int  # 0: no answer (connection refused or dropped)
    ids: list[int]
    server_ms: float | None
    client_ms: float
    body: bytes = b""


def observation(i: int, point: tuple[float, float], day: date = BENCH_DAY) -> dict[str, object]:
    return {"kategori": CATEGORIES[i % len(CATEGORIES)], "datum": day.isoformat(),
            "tid": f"{i % 24:02d}:00", "x": round(point[0], 1), "y": round(point[1], 1),
            "beskrivning": f"Belastningstest {i}"}


def post(connection: http.client.HTTPConnection, token: str, body: bytes, key: str) -> Answer:
    started = time.perf_counter()
    try:
        connection.request("POST", "/api/v1/reports", body=body, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key})
        response = connection.getresponse()
        data = response.read()
    except (OSError, http.client.HTTPException):
        connection.close()
        return Answer(key, 0, [], None, (time.perf_counter() - started) * 1000, body)
    client_ms = (time.perf_counter() - started) * 1000
    timing = response.getheader("server-timing") or ""
    server_ms = float(timing.split("dur=")[1]) if "dur=" in timing else None
    ids: list[int] = []
    if response.status in (200, 201):
        ids = [int(r["id"]) for r in json.loads(data)["rapporter"]]
    return Answer(key, response.status, ids, server_ms, client_ms, body)


def run_load(
    port: int, token: str, *, clients: int, points: list[tuple[float, float]], seconds: float | None = None,
    requests_per_client: int | None = None, stop: threading.Event | None = None,
    keys: Callable[[int, int], str] | None = None, retry: bool = False,
) -> tuple[list[Answer], float]:
    """Post observations from `clients` threads; returns every answer and the elapsed seconds.

    `retry`: a request without an answer (server gone) is sent again, same key and body, as a
    well-behaved client does, until it is answered or the time is up.
    """
    answers: list[list[Answer]] = [[] for _ in range(clients)]
    run_id = uuid.uuid4().hex[:8]
    deadline = time.monotonic() + seconds if seconds else None
    stop = stop or threading.Event()

    def client(c: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        n = 0
        while not stop.is_set():
            if deadline is not None and time.monotonic() >= deadline:
                break
            if requests_per_client is not None and n >= requests_per_client:
                break
            i = c * 1_000_000 + n
            key = keys(c, n) if keys else f"load-{c}-{n}-{run_id}"
            body = json.dumps(observation(i, points[i % len(points)])).encode()
            answer = post(connection, token, body, key)
            answers[c].append(answer)
            if answer.status == 0:
                time.sleep(0.05)
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                if retry:
                    continue
            n += 1
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [a for per_client in answers for a in per_client], time.monotonic() - started


def stored_ids(url: str, data_dir: Path, ids: list[int]) -> set[int]:
    """Which of these report ids are in the database."""
    from sqlalchemy import select
    from sqlmodel import Session

    from api.core.db import make_engine
    from api.reports.models import Report

    engine = make_engine(settings_for(url, data_dir))
    found: set[int] = set()
    with Session(engine) as session:
        for start in range(0, len(ids), 500):
            found.update(session.connection().execute(
                select(Report.id).where(Report.id.in_(ids[start:start + 500]))  # type: ignore[union-attr]
            ).scalars())
    engine.dispose()
    return found


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q)) if values else float("nan")


def summary(answers: list[Answer], elapsed: float) -> dict[str, float]:
    ok = [a for a in answers if a.status in (200, 201)]
    server = [a.server_ms for a in ok if a.server_ms is not None]
    client = [a.client_ms for a in ok]
    return {
        "requests": len(answers), "ok": len(ok), "5xx": sum(a.status >= 500 for a in answers),
        "no_answer": sum(a.status == 0 for a in answers), "other": sum(0 < a.status < 500 and a.status not in (200, 201)
                                                                      for a in answers),
        "per_s": len(ok) / elapsed if elapsed else 0.0,
        "server_p50": percentile(server, 50), "server_p95": percentile(server, 95),
        "client_p50": percentile(client, 50), "client_p95": percentile(client, 95),
    }


def machine() -> str:
    import platform

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    return (f"nproc {os.cpu_count()}, {model or platform.machine()}, load average {load}, "
            f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")  # noqa: DTZ005 - a benchmark's record date


def bench_url(kind: str, tmp: Path) -> str:
    """A SQLite file in `tmp`, or a fresh schema of its own in LAGESBILD_BENCH_PG_URL's database."""
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'submit.db'}"
    from tests.conftest import database_url_for

    os.environ.setdefault("LAGESBILD_TEST_DATABASE_URL", os.environ.get(
        "LAGESBILD_BENCH_PG_URL", "postgresql://lagesbild:lagesbild@127.0.0.1:5432/lagesbild_test"))
    return database_url_for(tmp, f"bench_submit_{os.getpid()}")


def drop_database(url: str) -> None:
    from tests.conftest import drop_schema

    drop_schema(url)


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("serve")
    run.add_argument("--url", required=True)
    run.add_argument("--data-dir", required=True, type=Path)
    run.add_argument("--port", required=True, type=int)
    run.add_argument("--bare", action="store_true")
    args = parser.parse_args()
    serve(args.url, args.data_dir, args.port, args.bare)


if __name__ == "__main__":
    main()


__all__ = ["Server", "prepare", "preload", "run_load", "summary", "timedelta"]
