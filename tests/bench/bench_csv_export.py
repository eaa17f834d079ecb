"""Streaming the police CSV: 1 000 000 report rows, throughput and memory (flat, not growing).

The export reads keyset pages of `PAGE_SIZE` rows (api.exports.csv_export.report_csv_chunks) and
yields bytes; nothing is collected. Memory is measured two ways on separate runs (tracemalloc slows
Python down, so the timed run is without it): the peak of traced Python allocations while
streaming, and the growth of the process's resident set (VmRSS sampled on every chunk). Run on
100 000 and 1 000 000 rows: flat memory means both peaks are about the same.

SQLite file by default; LAGESBILD_BENCH_DATABASE_URL=postgresql://… runs it on PostgreSQL.
"""

from __future__ import annotations

import os
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from sqlmodel import Session, select

from api.areas import service as area_service
from api.areas.models import Area
from api.categories.models import Category
from api.core import migrate
from api.core.config import Settings
from api.core.db import Database, make_engine
from api.exports.csv_export import PAGE_SIZE, report_csv_chunks
from api.kommuner import service as kommun_service
from api.organisations import service as organisation_service
from api.reports.query import ReportQuery
from tests.factories import square_areas

N_ROWS = 1_000_000
SMALL = 100_000
DAYS = 365
FIRST_DAY = date(2025, 11, 1)


def _database(tmp: Path) -> Database:
    url = os.environ.get("LAGESBILD_BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.db'}"
    database = Database(make_engine(Settings(environment="test", database_url=url, data_dir=tmp)))
    migrate.downgrade(database.engine, "base")
    migrate.upgrade(database.engine)
    return database


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _load(database: Database) -> None:
    rng = np.random.default_rng(11)
    with Session(database.engine) as session:
        kommun_service.add_kommun(session=session, code="1880", name="Örebro")
        area_service.import_area_set(session=session, kommun_code="1880",
                                     areas=square_areas("1880", 510_000.0, 6_570_000.0), name="A", source="bench")
        org = organisation_service.create_organisation(session=session, kommun_code="1880", name="Org", type="ovrig")
        session.commit()
        categories = session.exec(select(Category.id).where(Category.kommun_code == "1880")).all()
        areas = session.exec(select(Area.id)).all()
        connection = session.connection()
        sql = ("INSERT INTO report (kommun_code, category_id, observed_date, observed_period, submitted_at, "
               "organisation_id, area_id, x, y, place_text, description, report_count, source, review_status, "
               "review_note, personnummer_masked, privacy_flag) VALUES "
               "(" + ", ".join(["?"] * 17) + ")")
        if connection.dialect.name == "postgresql":
            sql = sql.replace("?", "%s")
        chunk = 100_000
        for start in range(0, N_ROWS, chunk):
            days = rng.integers(0, DAYS, chunk)
            xs = rng.uniform(510_000, 512_000, chunk)
            ys = rng.uniform(6_570_000, 6_572_000, chunk)
            cats = rng.integers(0, len(categories), chunk)
            places = rng.integers(0, len(areas) + 1, chunk)
            rows = [
                ("1880", categories[int(c)], FIRST_DAY + timedelta(days=int(d)), "dag", "2026-11-01 12:00:00",
                 org.id, areas[int(p)] if p < len(areas) else None, float(x), float(y), "Torget",
                 f"Observation {start + i}; \"citat\" =formel", 1, "import", "godkand", "", False, False)
                for i, (d, x, y, c, p) in enumerate(zip(days, xs, ys, cats, places, strict=True))
            ]
            connection.exec_driver_sql(sql, rows)
        session.commit()


def _stream(database: Database, query: ReportQuery, *, trace: bool) -> tuple[int, int, float, int, int]:
    """Rows, bytes, seconds, peak traced KiB (0 untraced), RSS growth KiB."""
    if trace:
        tracemalloc.start()
    rss_start = rss_peak = _rss_kib()
    rows = size = 0
    t0 = time.perf_counter()
    for chunk in report_csv_chunks(open_session=database.session, query=query, include_free_text=True):
        size += len(chunk)
        rows += chunk.count(b"\r\n")
        rss_peak = max(rss_peak, _rss_kib())
    seconds = time.perf_counter() - t0
    peak = 0
    if trace:
        peak = tracemalloc.get_traced_memory()[1] // 1024
        tracemalloc.stop()
    return rows - 1, size, seconds, peak, rss_peak - rss_start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmpdir:
        database = _database(Path(tmpdir))
        print(f"database: {database.engine.url.get_backend_name()}, page size {PAGE_SIZE}")
        t0 = time.perf_counter()
        _load(database)
        print(f"bulk-load {N_ROWS:,} reports (set-up): {time.perf_counter() - t0:.1f} s")
        whole = ReportQuery("1880", FIRST_DAY, FIRST_DAY + timedelta(days=DAYS - 1))
        # About a tenth of the year: ~100 000 rows.
        small = ReportQuery("1880", FIRST_DAY, FIRST_DAY + timedelta(days=DAYS // 10 - 1))
        print("\n| rows | MB | seconds | rows/s | peak traced KiB | RSS growth KiB |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: |")
        for query in (small, whole):
            rows, size, seconds, _, rss = _stream(database, query, trace=False)
            _, _, _, peak, _ = _stream(database, query, trace=True)
            print(f"| {rows:,} | {size / 1e6:.0f} | {seconds:.1f} | {rows / seconds:,.0f} | {peak:,} | {rss:,} |")
        database.engine.dispose()


if __name__ == "__main__":
    main()
