"""Backup and restore of the whole installation: one file, written atomically, with its checksum.

SQLite is copied with SQLite's online backup API (a consistent snapshot while the app writes);
PostgreSQL with `pg_dump -Fc` of the installation's schema and `pg_restore`. The backend-specific
work is in `api/backup/sqlite.py` and `api/backup/postgresql.py`; this module checks the inputs,
refuses to overwrite a database with data unless forced, and migrates the restored database.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func as sql_func
from sqlalchemy import inspect, select, table
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from api.backup import postgresql, sqlite
from api.backup.errors import BackupError
from api.core import migrate
from api.core.config import Settings
from api.core.db import make_engine

# Tables whose rows do not make a database "in use": the schema version and the scheduler's pulse.
BOOKKEEPING_TABLES = frozenset({"alembic_version", "scheduler_heartbeat"})

__all__ = ["BackupError", "BackupResult", "RestoreResult", "backup", "restore", "row_counts"]


@dataclass(frozen=True)
class BackupResult:
    """A written backup file: where, how big, its SHA-256."""

    path: Path
    size_bytes: int
    sha256: str


@dataclass(frozen=True)
class RestoreResult:
    """A restored database: from which file (and its SHA-256), the revision it had, its rows now."""

    path: Path
    sha256: str
    backup_revision: str
    row_counts: dict[str, int]

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values())


def backup(*, settings: Settings, target: Path) -> BackupResult:
    """Write a backup of the configured database to `target` (replaced atomically when it exists)."""
    target = target.expanduser().resolve()
    if not target.parent.is_dir():
        raise BackupError(f"Mappen {target.parent} finns inte; skapa den eller välj en annan plats.")
    if target.is_dir():
        raise BackupError(f"{target} är en mapp; ange ett filnamn, t.ex. {target / 'lagesbild.backup'}.")
    with _temporary_beside(target) as temporary:
        if settings.is_sqlite:
            database = sqlite.database_path(settings.resolved_database_url)
            if target == database:
                raise BackupError("Säkerhetskopian kan inte skrivas över själva databasfilen.")
            sqlite.backup(database, temporary)
        else:
            engine = make_engine(settings)
            try:
                postgresql.backup(settings.resolved_database_url, engine, temporary, bin_dir=settings.pg_bin_dir)
            finally:
                engine.dispose()
        size, digest = temporary.stat().st_size, sha256_of(temporary)
        _fsync(temporary)
        os.replace(temporary, target)
    return BackupResult(target, size, digest)


def restore(*, settings: Settings, source: Path, force: bool = False) -> RestoreResult:
    """Replace the configured database's contents with the backup in `source`, then migrate it to head.

    Refuses (BackupError) when the database already holds data, unless `force`; the application
    must be stopped while it runs.
    """
    source = source.expanduser().resolve()
    if not source.is_file():
        raise BackupError(f"Säkerhetskopian {source} finns inte.")
    digest = sha256_of(source)
    engine = make_engine(settings)
    try:
        if settings.is_sqlite:
            revision = sqlite.backup_revision(source)
        else:
            revision = postgresql.backup_revision(source, bin_dir=settings.pg_bin_dir)
        if not migrate.known_revision(engine, revision):
            raise BackupError(
                f"Säkerhetskopian har databasversion {revision}, som den här versionen av Lägesbild inte "
                "känner till (den kommer från en nyare version). Återställ med samma eller en nyare version."
            )
        try:
            existing = row_counts(engine)
        except SQLAlchemyError as exc:
            raise BackupError(f"Kunde inte ansluta till databasen ({exc.__class__.__name__}).") from exc
        in_use = {name: count for name, count in existing.items()
                  if count and name not in BOOKKEEPING_TABLES}
        if in_use and not force:
            listed = ", ".join(f"{name} ({count})" for name, count in sorted(in_use.items())[:5])
            raise BackupError(
                f"Databasen är inte tom: {listed}{' …' if len(in_use) > 5 else ''}. En återställning "
                "ersätter allt innehåll; kör igen med --force om det är meningen."
            )
        if settings.is_sqlite:
            engine.dispose()  # no pooled connection may hold the file while it is replaced
            sqlite.restore(source, sqlite.database_path(settings.resolved_database_url))
        else:
            postgresql.restore(settings.resolved_database_url, source, engine=engine,
                               bin_dir=settings.pg_bin_dir)
        engine.dispose()
        migrate.upgrade(engine)
        counts = row_counts(engine)
    finally:
        engine.dispose()
    return RestoreResult(source, digest, revision, counts)


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows per table in the installation's schema (every table, bookkeeping included)."""
    with engine.connect() as connection:
        names = sorted(inspect(connection).get_table_names())
        return {name: connection.execute(select(sql_func.count()).select_from(table(name))).scalar_one()
                for name in names}


def sha256_of(path: Path) -> str:
    """The file's SHA-256 as hex (read in 1 MiB blocks)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def _temporary_beside(target: Path) -> Iterator[Path]:
    # Same directory as the target, so the final rename is atomic; removed if anything fails.
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    try:
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())
