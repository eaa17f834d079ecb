"""Benchmark: generating a kvartalsanalys package end to end and step by step (never a timed test).

Issue 6 says "generation takes seconds to a minute". Measures `api.packages.service.generate_package`
(the same call the page's background job and the CLI make) for period 2026-Q3 as of 2026-11-18:

(a) the demo kommun (`load_demo`), SQLite file database;
(b) a large kommun: bench_lagesbild's data (1 300 DeSO-like areas, 200 000 reports over two years),
    SQLite, with the peak resident memory of the generation;
(c) the demo kommun on PostgreSQL, when LAGESBILD_BENCH_DATABASE_URL (or LAGESBILD_TEST_DATABASE_URL)
    is set. The bench works in a schema of its own (`bench_package`, dropped afterwards), so it never
    touches the tables of a test run using the same database.

The steps are timed with the service's own progress callback (perf_counter and process_time at each
step), so the breakdown is exactly the service's code path. Each case runs twice on a fresh data
directory: run 1 builds the area GeoJSON (cold), run 2 finds it in the cache, as every later package
of the same area set does. Inside the PDF step the chart functions and WeasyPrint are wrapped with
timers (the same calls, not re-run); the rest of the step is the HTML from the package data.

Run: ``.venv/bin/python -m tests.bench.run_all bench_package``
(``BENCH_PACKAGE_PROFILE=1`` also prints the top functions of a cProfile of case (b)).
"""

from __future__ import annotations

import cProfile
import gc
import io
import os
import pstats
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import numpy as np
from sqlalchemy import text
from sqlmodel import Session, func, select

from api.core import migrate
from api.core.clock import Clock, using_clock
from api.core.config import Settings
from api.core.db import Database, make_engine
from api.demo.loader import load_demo
from api.packages import charts, pdf, service
from api.reports.models import Report
from tests.bench import bench_lagesbild

TODAY = date(2026, 11, 18)
PERIOD = "2026-Q3"
KOMMUN = "1880"
SCHEMA = "bench_package"
#: The service's progress percentages and what happens between one and the next.
STEPS = {
    10: "package_data (every number)",
    40: "PDF incl. charts and maps",
    60: "CSVs (4 tables)",
    75: "GeoPackage",
    85: "offline HTML map (incl. area GeoJSON)",
    95: "ZIP + SHA-256 + write + row update",
}


def _settings(url: str, data_dir: Path) -> Settings:
    return Settings(environment="test", database_url=url, data_dir=data_dir, secret_key="b" * 40,
                    scheduler_enabled=False, cookie_secure=False)


@contextmanager
def _database(url: str | None, tmp: Path) -> Iterator[Database]:
    """A migrated, empty database: a SQLite file, or a schema of its own on PostgreSQL (dropped after)."""
    if url is None:
        database = Database(make_engine(_settings(f"sqlite:///{tmp / 'bench.db'}", tmp)))
        migrate.upgrade(database.engine)
        try:
            yield database
        finally:
            database.engine.dispose()
        return
    admin = make_engine(_settings(url, tmp))
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    separator = "&" if "?" in url else "?"
    database = Database(make_engine(_settings(f"{url}{separator}options=-csearch_path%3D{SCHEMA}", tmp)))
    try:
        migrate.upgrade(database.engine)
        with database.engine.connect() as connection:
            where = connection.execute(text("SELECT current_schema()")).scalar_one()
        assert where == SCHEMA, f"search_path not applied: {where}"
        yield database
    finally:
        database.engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        admin.dispose()


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM) to the current RSS; False where Linux does not allow it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _generate(database: Database, data_dir: Path) -> tuple[list[tuple[str, float, float]], float, float, int]:
    """One `generate_package` run: per-step (name, wall s, CPU s), total wall and CPU, ZIP bytes."""
    settings = _settings(database.engine.url.render_as_string(hide_password=False), data_dir)
    marks: list[tuple[int, float, float]] = []
    t0, c0 = time.perf_counter(), time.process_time()
    package = service.generate_package(
        database=database, settings=settings, kommun_code=KOMMUN, period=PERIOD, today=TODAY, created_by="bench",
        progress=lambda percent, _message: marks.append((percent, time.perf_counter(), time.process_time())),
    )
    t1, c1 = time.perf_counter(), time.process_time()
    assert package.status == "done", package.message
    steps = [("create row + status updates", marks[0][1] - t0, marks[0][2] - c0)]
    for (percent, t, c), (_next, t_next, c_next) in zip(marks, marks[1:], strict=False):
        steps.append((STEPS[percent], t_next - t, c_next - c))
    steps.append(("read the finished row", t1 - marks[-1][1], c1 - marks[-1][2]))
    return steps, t1 - t0, c1 - c0, int(package.size_bytes or 0)


#: Wall and CPU seconds and calls per timed function of the PDF step, reset before each run.
PDF_PARTS: dict[str, list[float]] = {}


@contextmanager
def _timing_pdf_parts() -> Iterator[None]:
    """Time the charts and WeasyPrint inside the service's own PDF step (wrapped, not re-run)."""
    targets = [(charts, "hotspot_map_png", "hotspot map PNG"), (charts, "density_map_png", "density map PNG"),
               (charts, "trend_png", "trend PNGs"), (pdf, "html_to_pdf", "WeasyPrint (HTML → PDF)")]
    originals = [getattr(module, name) for module, name, _label in targets]

    def timed(fn: Callable[..., object], label: str) -> Callable[..., object]:
        def wrapper(*args: object, **kwargs: object) -> object:
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                part = PDF_PARTS.setdefault(label, [0.0, 0.0, 0])
                part[0] += time.perf_counter() - t0
                part[1] += time.process_time() - c0
                part[2] += 1
        return wrapper

    for (module, name, label), original in zip(targets, originals, strict=True):
        setattr(module, name, timed(original, label))
    try:
        yield
    finally:
        for (module, name, _label), original in zip(targets, originals, strict=True):
            setattr(module, name, original)


def _case(name: str, database: Database, tmp: Path, memory: bool = False) -> None:
    with Session(database.engine) as session:
        reports = session.exec(select(func.count()).select_from(Report)).one()
    print(f"\n### {name}: {database.engine.url.get_backend_name()}, {reports:,} reports, "
          f"load average {_load_average()}\n")
    runs, parts = [], []
    peak = ""
    for run in (1, 2):
        gc.collect()
        before = _rss_kib("VmRSS")
        resettable = memory and _reset_peak_rss()
        PDF_PARTS.clear()
        with _timing_pdf_parts():
            runs.append(_generate(database, tmp / f"data-{run}"))
        parts.append(dict(PDF_PARTS))
        if resettable:
            peak += (f"run {run}: peak RSS {_rss_kib('VmHWM') / 1024:.0f} MiB "
                     f"(+{(_rss_kib('VmHWM') - before) / 1024:.0f} MiB over {before / 1024:.0f} MiB before); ")
    print("| step | run 1 wall s (cold GeoJSON) | run 1 CPU s | run 2 wall s (cached) | run 2 CPU s | share of run 2 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    (steps1, total1, cpu1, size), (steps2, total2, cpu2, _) = runs
    for (label, wall1, c1), (_label, wall2, c2) in zip(steps1, steps2, strict=True):
        print(f"| {label} | {wall1:.2f} | {c1:.2f} | {wall2:.2f} | {c2:.2f} | {wall2 / total2:.0%} |")
        if label.startswith("PDF"):
            rest1, rest2 = [wall1, c1], [wall2, c2]
            for sub in parts[1]:
                (s1, sc1, n), (s2, sc2, _n) = parts[0][sub], parts[1][sub]
                rest1 = [rest1[0] - s1, rest1[1] - sc1]
                rest2 = [rest2[0] - s2, rest2[1] - sc2]
                print(f"| … {sub} ({n:.0f}×) | {s1:.2f} | {sc1:.2f} | {s2:.2f} | {sc2:.2f} | {s2 / total2:.0%} |")
            print(f"| … package_data → HTML (tables, template) | {rest1[0]:.2f} | {rest1[1]:.2f} | {rest2[0]:.2f} "
                  f"| {rest2[1]:.2f} | {rest2[0] / total2:.0%} |")
    print(f"| **total `generate_package`** | **{total1:.2f}** | {cpu1:.2f} | **{total2:.2f}** | {cpu2:.2f} | 100% |")
    print(f"\nZIP {size / 1e6:.2f} MB. {peak}load average after: {_load_average()}")


def _load_average() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def _profile(database: Database, tmp: Path, top: int = 25) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    _generate(database, tmp / "data-profile")
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    print("\n```\n" + out.getvalue() + "\n```")


def main() -> None:
    # The package evaluates insatser and återkoppling as of "today": TODAY, passed in (and the
    # current clock while it runs, so the rows' timestamps agree).
    with using_clock(Clock.fixed(TODAY)):
        _run()


def _run() -> None:
    print(f"nproc {os.cpu_count()}, load average {_load_average()}")
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        with _database(None, tmp / "a") as database:
            with Session(database.engine) as session:
                load_demo(session=session, today=TODAY, progress=lambda _: None)
                session.commit()
            _case("(a) demo kommun", database, tmp / "a")
        with _database(None, tmp / "b") as database:
            t0 = time.perf_counter()
            with Session(database.engine) as session:
                bench_lagesbild._load(session, np.random.default_rng(11))
            print(f"\n(load of the large kommun: {time.perf_counter() - t0:.0f} s)")
            _case("(b) large kommun (1 300 areas, 200 000 reports)", database, tmp / "b", memory=True)
            if os.environ.get("BENCH_PACKAGE_PROFILE"):
                _profile(database, tmp / "b")
        url = os.environ.get("LAGESBILD_BENCH_DATABASE_URL") or os.environ.get("LAGESBILD_TEST_DATABASE_URL")
        if url:
            with _database(url, tmp / "c") as database:
                with Session(database.engine) as session:
                    load_demo(session=session, today=TODAY, progress=lambda _: None)
                    session.commit()
                _case("(c) demo kommun", database, tmp / "c")
        else:
            print("\n(c) skipped: set LAGESBILD_BENCH_DATABASE_URL=postgresql://… to run the demo on PostgreSQL")


if __name__ == "__main__":
    main()
