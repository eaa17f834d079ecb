"""Storing and re-placing reports with the real database (SQLite file, or LAGESBILD_BENCH_DATABASE_URL).

1. File import throughput: a 20 000-row CSV through preview (ingest.file_import) and store_records.
2. Re-importing areas: 1 000 000 stored reports re-placed over 6 000 polygons of ~300 vertices
   (api.reports.service.reassign_areas: points read in chunks, assign_areas, the moved rows through a
   temporary table and one UPDATE … FROM), then once more over a third set, when every report has an area.
   CPU seconds are this process's only (on PostgreSQL the server's work is not in them); they are
   printed because the machine is shared and wall time varies with the load.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import insert
from sqlmodel import Session, select

from api.areas import service as area_service
from api.categories.models import Category
from api.core import migrate
from api.core.config import Settings
from api.core.db import Database, make_engine
from api.kommuner import service as kommun_service
from api.organisations import service as organisation_service
from api.reports import service as report_service
from api.reports.models import Report
from ingest.file_import import preview_import
from tests.bench.bench_placement import _areas

N_IMPORT_ROWS = 20_000
N_STORED = 1_000_000
N_POLYGONS = 6_000


def _database(tmp: Path) -> Database:
    url = os.environ.get("LAGESBILD_BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.db'}"
    settings = Settings(environment="test", database_url=url, data_dir=tmp)
    database = Database(make_engine(settings))
    migrate.downgrade(database.engine, "base")
    migrate.upgrade(database.engine)
    return database


def _csv(rows: int, areas, rng) -> bytes:
    minx, miny, maxx, maxy = areas.total_bounds
    xs = rng.uniform(minx, maxx, rows)
    ys = rng.uniform(miny, maxy, rows)
    start = date(2026, 9, 1)
    lines = ["Datum;Kategori;X;Y;Beskrivning;Id"]
    for i in range(rows):
        day = start + timedelta(days=int(i % 60))
        lines.append(f"{day:%Y-%m-%d};Klotter;{xs[i]:.1f};{ys[i]:.1f};Tag på vägg {i};R{i}")
    return ("\n".join(lines)).encode("utf-8")


def main() -> None:
    rng = np.random.default_rng(7)
    areas = _areas(N_POLYGONS, seed=3)
    if "area_name" not in areas.columns:
        areas["area_name"] = "Område " + areas["area_code"].astype(str)
    with tempfile.TemporaryDirectory() as tmpdir:
        database = _database(Path(tmpdir))
        print(f"database: {database.engine.url.get_backend_name()}")
        with Session(database.engine) as session:
            kommun_service.add_kommun(session=session, code="1880", name="Örebro")
            area_service.import_area_set(session=session, kommun_code="1880", areas=areas, name="A", source="bench")
            org = organisation_service.create_organisation(session=session, kommun_code="1880", name="Org", type="ovrig")
            session.commit()
            data = _csv(N_IMPORT_ROWS, areas, rng)
            t0 = time.perf_counter()
            preview = preview_import(data, kommun_code="1880", categories={"klotter": "Klotter"}, today=date(2026, 11, 1))
            t1 = time.perf_counter()
            outcome = report_service.store_records(
                session=session, kommun_code="1880", records=list(preview.result.records),
                organisation_id=org.id, strict=False,
            )
            session.commit()
            t2 = time.perf_counter()
            print("\n| file import, 20 000 CSV rows | seconds | rows/s |\n| --- | ---: | ---: |")
            print(f"| preview (read, map, validate) | {t1 - t0:.2f} | {N_IMPORT_ROWS / (t1 - t0):,.0f} |")
            print(f"| store_records (place, dedup, insert, flag duplicates) | {t2 - t1:.2f} | {N_IMPORT_ROWS / (t2 - t1):,.0f} |")
            print(f"| whole import | {t2 - t0:.2f} | {N_IMPORT_ROWS / (t2 - t0):,.0f} |")
            print(f"(stored {len(outcome.created_ids)}, errors {len(outcome.errors)})")

            minx, miny, maxx, maxy = areas.total_bounds
            category_id = session.exec(select(Category.id)).first()
            t0 = time.perf_counter()
            chunk = 50_000
            for _start in range(0, N_STORED, chunk):
                xs = rng.uniform(minx, maxx, chunk)
                ys = rng.uniform(miny, maxy, chunk)
                session.execute(insert(Report), [
                    {"kommun_code": "1880", "category_id": category_id, "observed_date": date(2026, 1, 1),
                     "source": "import", "x": float(x), "y": float(y), "organisation_id": org.id}
                    for x, y in zip(xs, ys, strict=True)
                ])
            session.commit()
            t1 = time.perf_counter()
            shifted = areas.copy()
            shifted["geometry"] = shifted.geometry.translate(137.0, -91.0)
            area_service.import_area_set(session=session, kommun_code="1880", areas=shifted, name="B", source="bench")
            session.commit()
            t2 = time.perf_counter()
            c2 = time.process_time()
            moved = report_service.reassign_areas(session=session, kommun_code="1880")
            session.commit()
            t3, c3 = time.perf_counter(), time.process_time()
            # Again, now that every report has an area: each UPDATE also replaces an index entry.
            shifted2 = areas.copy()
            shifted2["geometry"] = shifted2.geometry.translate(-211.0, 59.0)
            area_service.import_area_set(session=session, kommun_code="1880", areas=shifted2, name="C", source="bench")
            session.commit()
            t4, c4 = time.perf_counter(), time.process_time()
            moved_again = report_service.reassign_areas(session=session, kommun_code="1880")
            session.commit()
            t5, c5 = time.perf_counter(), time.process_time()
            print("\n| re-importing areas | seconds | CPU s (this process) |\n| --- | ---: | ---: |")
            print(f"| bulk-load 1 000 000 stored reports (setup) | {t1 - t0:.1f} | |")
            print(f"| import new area set, 6 000 polygons | {t2 - t1:.1f} | |")
            print(f"| reassign_areas: re-place 1 000 000 stored reports (980 000 without an area before) "
                  f"| {t3 - t2:.1f} | {c3 - c2:.1f} |")
            print(f"| reassign_areas: re-place them over a third area set (all had an area) "
                  f"| {t5 - t4:.1f} | {c5 - c4:.1f} |")
            print(f"(reports that changed area: {moved:,}, then {moved_again:,})")
        database.engine.dispose()
