"""Re-placing many stored reports at once: new areas computed in chunks, written set-based.

`reassign_areas` (api.reports.service) uses this after a new area set is imported. A per-row UPDATE
took ~160 s for a million reports on SQLite; here the points are read in id order a chunk at a time
(bounded memory), placed with the vectorised `ingest.placement.assign_areas`, and only the reports
whose area changes go into a temporary table (COPY on PostgreSQL with psycopg 3, executemany
elsewhere), which one `UPDATE … FROM` then applies.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Column, Connection, Integer, MetaData, Table, select, text

from api.reports.models import Report
from ingest.placement import assign_areas

READ_CHUNK = 100_000
WRITE_CHUNK = 50_000
TEMP_TABLE = "tmp_report_area_move"

# Positional parameter markers by DB-API paramstyle (others go through SQLAlchemy's executemany).
_MARKERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}

Move = tuple[int, int | None]  # (report id, new area id or None for kommun level)


@dataclass
class CodeChanges:
    """Counts the moves whose area code changes, not only the id (a re-import of the same areas).

    `codes` maps every area id of the kommun, in every set, to its code.
    """

    codes: dict[int, str]
    count: int = 0

    def add(self, old_area_ids: np.ndarray, new_codes: np.ndarray) -> None:
        """Count the reports whose old area's code differs from the new code (None: kommun level)."""
        old_codes = [None if np.isnan(a) else self.codes.get(int(a)) for a in old_area_ids.tolist()]
        self.count += sum(1 for old, new in zip(old_codes, new_codes.tolist(), strict=True) if old != new)


def point_moves(
    connection: Connection, *, kommun_code: str, areas: Any, area_ids: dict[str, int], chunk: int = READ_CHUNK,
    code_changes: CodeChanges | None = None,
) -> Iterator[list[Move]]:
    """For each chunk of reports with a point, the (report id, new area id) of those whose area changes.

    With `code_changes`, also counts the moves whose area code changes.
    """
    report = Report.__table__  # type: ignore[attr-defined]
    last_id: int | None = None
    while True:
        query = (
            select(report.c.id, report.c.x, report.c.y, report.c.area_id)
            .where(report.c.kommun_code == kommun_code, report.c.x.is_not(None))
            .order_by(report.c.id)
            .limit(chunk)
        )
        if last_id is not None:
            query = query.where(report.c.id > last_id)
        rows = connection.execute(query).all()
        if not rows:
            return
        # Column by column: numpy converting the rows whole is ~100 times slower.
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        xs = np.array([r[1] for r in rows], dtype=float)
        ys = np.array([r[2] if r[2] is not None else np.nan for r in rows], dtype=float)
        old = np.array([r[3] if r[3] is not None else np.nan for r in rows], dtype=float)
        codes = assign_areas(xs, ys, areas) if len(areas) else np.full(len(rows), None)
        new = pd.Series(codes, dtype=object).map(area_ids).to_numpy(dtype=float)  # no area: NaN
        changed = ~((new == old) | (np.isnan(new) & np.isnan(old)))
        if code_changes is not None:
            code_changes.add(old[changed], np.asarray(codes, dtype=object)[changed])
        moves: list[Move] = [
            (report_id, None if np.isnan(area_id) else int(area_id))
            for report_id, area_id in zip(ids[changed].tolist(), new[changed].tolist(), strict=True)
        ]
        yield moves
        last_id = int(rows[-1][0])


def apply_moves(connection: Connection, chunks: Iterable[list[Move]], *, update_from: bool | None = None) -> int:
    """Write the moves through a temporary table and one UPDATE; returns the reports whose area changed.

    `update_from=None` uses `UPDATE … FROM` where the database has it (PostgreSQL, SQLite ≥ 3.33) and a
    correlated subquery otherwise; tests force either path.
    """
    if update_from is None:
        update_from = connection.dialect.name != "sqlite" or sqlite3.sqlite_version_info >= (3, 33, 0)
    moves = Table(
        TEMP_TABLE, MetaData(),
        Column("report_id", Integer, primary_key=True), Column("area_id", Integer),
        prefixes=["TEMPORARY"],
    )
    connection.execute(text(f"DROP TABLE IF EXISTS {TEMP_TABLE}"))
    moves.create(connection)
    loaded = 0
    for chunk in chunks:
        for start in range(0, len(chunk), WRITE_CHUNK):
            part = chunk[start : start + WRITE_CHUNK]
            _load(connection, moves, part)
            loaded += len(part)
    changed = 0
    if loaded:
        with _large_sqlite_cache(connection):
            changed = int(connection.execute(_update_statement(moves, update_from)).rowcount)
    # On an error before this point the caller's rollback discards the table with the transaction
    # (DDL is transactional on both databases), and the DROP IF EXISTS above covers a reused connection.
    moves.drop(connection)
    return changed


@contextmanager
def _large_sqlite_cache(connection: Connection) -> Iterator[None]:
    """On SQLite, a 256 MiB page cache for the UPDATE, then the connection's own size again.

    Each moved row updates ix_report_area_id and checks the area foreign key (area rows are large:
    their WKB spills into overflow pages); with SQLite's default 2 MiB cache those pages are read
    again and again. Measured on 200 000 moves: ~5.3 s -> ~2.8 s. The cache only grows as used.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = {-256 * 1024}")  # negative: KiB
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(previous or -2000)}")


def _update_statement(moves: Table, update_from: bool) -> Any:
    """One UPDATE applying the moves; a report already in its new area is left untouched."""
    report = Report.__table__  # type: ignore[attr-defined]
    if update_from:
        return (
            report.update()
            .values(area_id=moves.c.area_id)
            .where(report.c.id == moves.c.report_id, report.c.area_id.is_distinct_from(moves.c.area_id))
        )
    new_area = select(moves.c.area_id).where(moves.c.report_id == report.c.id).scalar_subquery()
    return (
        report.update()
        .values(area_id=new_area)
        .where(report.c.id.in_(select(moves.c.report_id)), report.c.area_id.is_distinct_from(new_area))
    )


def _load(connection: Connection, moves: Table, rows: list[Move]) -> None:
    """Bulk-insert rows into the temporary table: COPY with psycopg 3, executemany otherwise."""
    if not rows:
        return
    driver = connection.connection.driver_connection
    if connection.dialect.driver == "psycopg" and driver is not None:
        with driver.cursor() as cursor, cursor.copy(f"COPY {TEMP_TABLE} (report_id, area_id) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marker = _MARKERS.get(connection.dialect.paramstyle)
    if marker is None:
        connection.execute(moves.insert(), [{"report_id": r, "area_id": a} for r, a in rows])
        return
    # Plain tuples straight to the driver's executemany: SQLAlchemy's per-row parameter processing
    # cost more than the insert itself (~2 s per 200 000 rows on SQLite).
    connection.exec_driver_sql(
        f"INSERT INTO {TEMP_TABLE} (report_id, area_id) VALUES ({marker}, {marker})", rows  # type: ignore[arg-type]
    )
