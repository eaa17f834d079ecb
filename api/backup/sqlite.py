"""SQLite backup and restore through SQLite's online backup API (`sqlite3.Connection.backup`).

The backup reads one consistent snapshot while the application keeps writing (WAL mode: readers
do not block writers) and is stored as a single self-contained file (journal mode DELETE). The
restore copies the backup page by page into the configured database file in one write
transaction, so a failed restore leaves the old contents; the application must be stopped.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url

from api.backup.errors import BackupError

SQLITE_HEADER = b"SQLite format 3\x00"
POSTGRESQL_HEADER = b"PGDMP"
BUSY_TIMEOUT_SECONDS = 30


def database_path(url: str) -> Path:
    """The database file of a `sqlite:///…` URL."""
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("Databasen ligger bara i minnet och kan inte säkerhetskopieras.")
    return Path(database).expanduser().resolve()


def backup(database: Path, target: Path) -> None:
    """Copy the live database file into `target` (a new file) and check the copy."""
    if not database.is_file():
        raise BackupError(f"Databasfilen {database} finns inte.")
    with closing(sqlite3.connect(database, timeout=BUSY_TIMEOUT_SECONDS)) as source, \
            closing(sqlite3.connect(target)) as copy:
        source.backup(copy)  # all pages in one step: one read snapshot of the source
        copy.execute("PRAGMA journal_mode=DELETE")
        _require_intact(copy, target)


def backup_revision(path: Path) -> str:
    """The alembic revision stored in a SQLite backup file; refuses other files with a reason."""
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header.startswith(POSTGRESQL_HEADER):
        raise BackupError(
            f"{path.name} är en säkerhetskopia av en PostgreSQL-databas; installationen använder SQLite. "
            "Ange LAGESBILD_DATABASE_URL till en PostgreSQL-databas för att återställa den."
        )
    if header != SQLITE_HEADER:
        raise BackupError(f"{path.name} är ingen säkerhetskopia från Lägesbild (inte en SQLite-databas).")
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        _require_intact(connection, path)
        try:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError:
            row = None
    if row is None:
        raise BackupError(f"{path.name} är ingen säkerhetskopia från Lägesbild (databasversion saknas).")
    return str(row[0])


def restore(backup_file: Path, database: Path) -> None:
    """Replace the contents of `database` with the backup (one write transaction)."""
    database.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)) as source, \
            closing(sqlite3.connect(database, timeout=BUSY_TIMEOUT_SECONDS)) as target:
        try:
            source.backup(target)
        except sqlite3.OperationalError as exc:
            raise BackupError(
                f"Databasen {database.name} används av en annan process ({exc}). Stoppa Lägesbild "
                "(webbserver och schemaläggare) och försök igen."
            ) from exc
        target.execute("PRAGMA journal_mode=WAL")


def _require_intact(connection: sqlite3.Connection, path: Path) -> None:
    result = connection.execute("PRAGMA quick_check").fetchone()
    if not result or result[0] != "ok":
        raise BackupError(f"{path.name} är skadad (SQLite quick_check: {result[0] if result else 'inget svar'}).")
