"""POST /api/v1/reports against a real uvicorn server on loopback (issue 11, "Fast submits").

a) one client, server time (Server-Timing) p50 with 0 and with 20 000 reports already on the day;
b) 50 concurrent clients for 60 s: lost (acknowledged id not in the database), 5xx, observations/s, p95;
c) the same two loads against a bare FastAPI handler that inserts the same row (the floor).
On SQLite (a file) and PostgreSQL (a schema of its own in LAGESBILD_BENCH_PG_URL, default the test
server). Shorter runs: LAGESBILD_BENCH_SECONDS=10, LAGESBILD_BENCH_DATABASES=sqlite.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tests.bench import submit_load as load

SINGLE_REQUESTS = 300
PRELOADED = 20_000
CLIENTS = 50


def _row(label: str, s: dict[str, float], lost: int | str = "") -> str:
    return (f"| {label} | {s['ok']:.0f}/{s['requests']:.0f} | {lost} | {s['5xx']:.0f} | {s['per_s']:.1f} | "
            f"{s['server_p50']:.1f} | {s['server_p95']:.1f} | {s['client_p50']:.1f} | {s['client_p95']:.1f} |")


def _run(kind: str, seconds: float) -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        url = load.bench_url(kind, tmp)
        try:
            setup = load.prepare(url, tmp)
            token, bounds = str(setup["token"]), list(setup["bounds"])  # type: ignore[call-overload]
            other_org = setup["organisation_ids"][1]  # type: ignore[index]
            points = load.inside_points(url, tmp, bounds, 5_000)
            for bare in (False, True):
                label = "bare handler (floor)" if bare else "POST /api/v1/reports"
                server = load.Server(url, tmp, bare=bare).start()
                try:
                    load.run_load(server.port, token, clients=1, points=points, requests_per_client=20)  # warm-up
                    answers, elapsed = load.run_load(server.port, token, clients=1, points=points,
                                                     requests_per_client=SINGLE_REQUESTS)
                    yield (_row(f"{kind}, {label}, 1 client, day empty", load.summary(answers, elapsed)))
                finally:
                    server.stop()
                if not bare:
                    load.preload(url, tmp, count=PRELOADED, bounds=bounds, organisation_id=other_org)
                    server = load.Server(url, tmp).start()
                    try:
                        load.run_load(server.port, token, clients=1, points=points, requests_per_client=20)
                        answers, elapsed = load.run_load(server.port, token, clients=1, points=points,
                                                         requests_per_client=SINGLE_REQUESTS)
                        yield (_row(f"{kind}, {label}, 1 client, day holds {PRELOADED:,} more",
                                          load.summary(answers, elapsed)))
                    finally:
                        server.stop()
                server = load.Server(url, tmp, bare=bare).start()
                try:
                    answers, elapsed = load.run_load(server.port, token, clients=CLIENTS, points=points,
                                                     seconds=seconds)
                finally:
                    server.stop()
                acknowledged = [i for a in answers for i in a.ids]
                lost = len(set(acknowledged) - load.stored_ids(url, tmp, acknowledged))
                yield (_row(f"{kind}, {label}, {CLIENTS} clients × {seconds:.0f} s",
                                  load.summary(answers, elapsed), lost))
        finally:
            load.drop_database(url)


def main() -> None:
    seconds = float(os.environ.get("LAGESBILD_BENCH_SECONDS", "60"))
    databases = os.environ.get("LAGESBILD_BENCH_DATABASES", "sqlite,postgresql").split(",")
    print(f"machine: {load.machine()}")
    print("| run | answered 2xx | lost | 5xx | obs/s | server p50 ms | server p95 ms | client p50 ms | client p95 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind in databases:
        for line in _run(kind, seconds):
            print(line, flush=True)
    print(f"machine after: {load.machine()}")


if __name__ == "__main__":
    main()
