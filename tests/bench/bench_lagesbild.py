"""Benchmark: the weekly lägesbild page for a large kommun (never a timed test).

1 300 areas (Voronoi cells of a 100 km square, ~300 vertices each, like DeSO), 2 years of history
and 200 000 reports in a real database (SQLite file, or LAGESBILD_BENCH_DATABASE_URL). Measures:

1. composing the week (week_overview + points + insatser + texts) = the page's data and map data;
2. building the simplified, gzip-compressed area GeoJSON (cold; later requests hit the cache);
3. the full page request through the app (login, draft, render), and the bytes a first visit
   transfers compressed: HTML + area GeoJSON + JS/CSS.

Run: ``.venv/bin/python -m tests.bench.run_all bench_lagesbild``
"""

from __future__ import annotations

import gzip
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import shapely
from fastapi.testclient import TestClient
from sqlalchemy import insert
from sqlmodel import Session, select

from analysis.weeks import shift_week, week_start
from api.areas import service as area_service
from api.categories.models import Category
from api.core import migrate
from api.core.config import Settings
from api.core.db import Database, make_engine
from api.kommuner import service as kommun_service
from api.lagesbild import compose, map_data
from api.lagesbild import service as lagesbild_service
from api.main import create_app
from api.organisations import service as organisation_service
from api.reports.models import Report
from api.reports.query import ReportQuery, reports_frame
from api.resources import frontend_path
from api.statistics import service as statistics_service
from api.statistics.service import LOOKBACK_WEEKS
from api.users import service as user_service
from api.users.models import User
from tests.bench.bench_placement import _areas

N_AREAS = 1_300
N_REPORTS = 200_000
WEEK = "2026-W47"
FIRST_DAY = week_start("2024-W48")
DAYS = (week_start(WEEK) + timedelta(days=6) - FIRST_DAY).days + 1
PASSWORD = "bench-losenord-2026"
SUBMITTED_AT = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ASSETS = [
    "css/app.css", "css/lagesbild.css", "js/lagesbild-map.js", "vendor/leaflet/leaflet.js",
    "vendor/leaflet/leaflet.css", "vendor/leaflet.markercluster/leaflet.markercluster.js",
    "vendor/leaflet.markercluster/MarkerCluster.css", "vendor/leaflet.heat/leaflet-heat.js",
]


def _database(tmp: Path) -> tuple[Database, Settings]:
    url = os.environ.get("LAGESBILD_BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.db'}"
    settings = Settings(environment="test", database_url=url, data_dir=tmp, secret_key="b" * 40,
                        scheduler_enabled=False, cookie_secure=False)
    database = Database(make_engine(settings))
    migrate.downgrade(database.engine, "base")
    migrate.upgrade(database.engine)
    return database, settings


def _load(session: Session, rng: np.random.Generator) -> None:
    areas = _areas(N_AREAS, seed=5)
    areas["area_name"] = "Område " + areas["area_code"].astype(str)
    kommun_service.add_kommun(session=session, code="1880", name="Örebro")
    area_service.import_area_set(session=session, kommun_code="1880", areas=areas, name="A", source="bench")
    organisations = [
        organisation_service.create_organisation(session=session, kommun_code="1880", name=f"Org {i}", type="ovrig").id
        for i in range(12)
    ]
    user_service.create_user(session=session, name="Analytiker", email="a@bench.example", password=PASSWORD,
                             role="analytiker", kommun_codes=["1880"])
    session.commit()
    stored = area_service.load_areas_frame(session=session, kommun_code="1880")
    points = shapely.get_coordinates(stored.geometry.representative_point())
    categories = session.exec(
        select(Category.id).where(Category.kommun_code == "1880", Category.is_context == False)  # noqa: E712
    ).all()
    # Skewed towards some areas, like real hot-spots; 10 % at kommun level without position.
    weights = rng.pareto(1.5, len(stored)) + 0.1
    area_index = rng.choice(len(stored), N_REPORTS, p=weights / weights.sum())
    at_kommun = rng.random(N_REPORTS) < 0.1
    days = rng.integers(0, DAYS, N_REPORTS)
    jitter = rng.normal(0, 80, (N_REPORTS, 2))
    rows = []
    for i in range(N_REPORTS):
        k = int(area_index[i])
        rows.append({
            "kommun_code": "1880", "category_id": int(categories[i % len(categories)]),
            "observed_date": FIRST_DAY + timedelta(days=int(days[i])), "observed_period": "dag",
            "organisation_id": int(organisations[i % len(organisations)]),
            "area_id": None if at_kommun[i] else int(stored.area_id.iloc[k]),
            "x": None if at_kommun[i] else float(points[k, 0] + jitter[i, 0]),
            "y": None if at_kommun[i] else float(points[k, 1] + jitter[i, 1]),
            "description": f"Beskrivning {i}", "report_count": 1, "source": "form",
            "review_status": "godkand", "place_text": "", "submitted_at": SUBMITTED_AT,
        })
    for start in range(0, N_REPORTS, 20_000):
        session.execute(insert(Report), rows[start:start + 20_000])
    session.commit()


def _median(fn, runs: int = 3) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    """Median wall-clock seconds of `runs` calls (CPU seconds are kept in CPU_SECONDS)."""
    times, cpu, out = [], [], None
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    CPU_SECONDS.append(statistics.median(cpu))
    return statistics.median(times), out


# The machine is shared: process CPU time is what the work costs when the CPU is free.
CPU_SECONDS: list[float] = []


def _cpu() -> str:
    return f"(CPU {CPU_SECONDS[-1]:.3f} s)"


def main() -> None:
    rng = np.random.default_rng(11)
    with tempfile.TemporaryDirectory() as tmpdir:
        database, settings = _database(Path(tmpdir))
        print(f"database: {database.engine.url.get_backend_name()}")
        t0 = time.perf_counter()
        with Session(database.engine) as session:
            _load(session, rng)
        print(f"load: {time.perf_counter() - t0:.1f} s for {N_REPORTS:,} reports, {N_AREAS} areas")
        with Session(database.engine) as session:
            lagesbild = lagesbild_service.draft_lagesbild(
                session=session, kommun_code="1880", week=WEEK, created_by="bench"
            )
            session.commit()
            query = compose.week_query("1880", WEEK)
            seconds, snapshot = _median(
                lambda: lagesbild_service.view(session=session, lagesbild=lagesbild, query=query)
            )
            print(f"compose week (page + map data): {seconds:.3f} s median of 3 {_cpu()}; "
                  f"{snapshot.total} reports this week, {len(snapshot.points)} points, {len(snapshot.areas)} areas")
            overview_seconds, _ = _median(
                lambda: statistics_service.week_overview(session=session, query=query, week=WEEK)
            )
            history = ReportQuery("1880", week_start(shift_week(WEEK, -LOOKBACK_WEEKS)), query.last_date)
            overview_cpu = _cpu()
            frame_seconds, frame = _median(lambda: reports_frame(session=session, query=history))
            print(f"  of which week_overview: {overview_seconds:.3f} s {overview_cpu}; its reports_frame of "
                  f"{len(frame):,} rows ({LOOKBACK_WEEKS + 1} weeks): {frame_seconds:.3f} s {_cpu()}")
            areas = area_service.load_areas_frame(session=session, kommun_code="1880")
            vertices = int(shapely.get_num_coordinates(areas.geometry.to_numpy()).sum())
            seconds, built = _median(lambda: map_data.build_area_geojson(areas))
            raw = len(built.raw())
            print(f"area GeoJSON build (cold): {seconds:.3f} s {_cpu()}; {vertices:,} vertices in; "
                  f"{raw / 1e6:.2f} MB raw, {len(built.gzipped) / 1e6:.3f} MB gzip")
        app = create_app(settings, database=database)
        with TestClient(app, base_url="http://testserver") as client:
            page = client.get("/login")
            token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
            client.post("/login", data={"email": "a@bench.example", "password": PASSWORD, "csrf_token": token})
            seconds, response = _median(lambda: client.get(f"/lagesbild/{WEEK}"))
            assert response.status_code == 200, response.text[:300]
            html = response.content
            geo = client.get("/lagesbild/omraden.geojson", headers={"accept-encoding": "gzip"})
            print(f"GET /lagesbild/{WEEK} (analyst, draft, full page): {seconds:.3f} s median of 3 {_cpu()}")
            with Session(database.engine) as session:
                user = session.exec(select(User).where(User.email == "a@bench.example")).one()
                draft = lagesbild_service.get_version(
                    session=session, kommun_code="1880", week=WEEK, version=None, published_only=False
                )
                publish_seconds, _ = _median(lambda: lagesbild_service.publish(
                    session=session, lagesbild=draft, query=compose.week_query("1880", WEEK), user=user
                ), runs=1)
                session.commit()
                print(f"publish (compose + freeze {len(draft.snapshot_json) / 1e6:.2f} MB snapshot JSON): "
                      f"{publish_seconds:.3f} s {_cpu()}")
            published_seconds, _ = _median(lambda: client.get(f"/lagesbild/{WEEK}"))
            print(f"GET /lagesbild/{WEEK} (published version, from the snapshot): {published_seconds:.3f} s "
                  f"median of 3 {_cpu()}")
            geo_seconds, _ = _median(
                lambda: client.get("/lagesbild/omraden.geojson", headers={"accept-encoding": "gzip"})
            )
            print(f"GET /lagesbild/omraden.geojson (cached): {geo_seconds * 1000:.0f} ms {_cpu()}")
            offline_seconds, offline = _median(lambda: client.get(f"/export/{WEEK}/lagesbild.html"), runs=1)
            assert offline.status_code == 200, offline.text[:300]
            print(f"offline HTML export (published version, one self-contained file): "
                  f"{len(offline.content) / 1e6:.2f} MB, built in {offline_seconds:.2f} s (limit 6 MB)")
        html_gz = len(gzip.compress(html, 6))
        geo_gz = len(map_data.area_geojson(session=Session(database.engine), kommun_code="1880").gzipped)
        assets = {path: len(gzip.compress(frontend_path("static", path).read_bytes(), 6)) for path in ASSETS}
        total = html_gz + geo_gz + sum(assets.values())
        print(f"first load compressed: HTML {html_gz / 1e3:.0f} kB (raw {len(html) / 1e3:.0f} kB), "
              f"area GeoJSON {geo_gz / 1e3:.0f} kB, JS/CSS {sum(assets.values()) / 1e3:.0f} kB; "
              f"total {total / 1e6:.2f} MB (geojson response {len(geo.content) / 1e3:.0f} kB decoded)")
        database.engine.dispose()


if __name__ == "__main__":
    main()
