"""PostgreSQL backup and restore with the client programs `pg_dump -Fc` and `pg_restore`.

The backup holds the installation's schema (the first schema of the connection's search_path, as
in `options=-csearch_path=…`, else `public`): tables, data, sequences and the audit log's
append-only trigger, in one consistent snapshot taken while the application keeps writing.
The restore goes into the schema of the same name: it creates the schema if needed, removes
what is in it, and runs `pg_restore --single-transaction` without owners or grants, so the
restoring role owns everything. The password travels in PGPASSWORD, never on the command line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from api.backup.errors import BackupError

DUMP_HEADER = b"PGDMP"
SQLITE_HEADER = b"SQLite format 3\x00"
LOCK_TIMEOUT = "10s"
_CLIENT_HINT = (
    "Installera PostgreSQL-klientprogrammen i samma version som servern (t.ex. Debians "
    "postgresql-client-15) eller ange mappen med LAGESBILD_PG_BIN_DIR (t.ex. /usr/lib/postgresql/15/bin)."
)


def backup(url: str, engine: Engine, target: Path, *, bin_dir: Path | None) -> None:
    """`pg_dump -Fc` of the installation's schema into `target`."""
    pg_dump = client("pg_dump", bin_dir)
    with _connected(engine) as connection:
        server = connection.execute(text("SHOW server_version_num")).scalar_one()
        schema = installation_schema(connection)
        exists = connection.execute(
            text("SELECT count(*) FROM pg_namespace WHERE nspname = :schema"), {"schema": schema}
        ).scalar_one()
    if not exists:
        raise BackupError(f"Schemat {schema} finns inte i databasen; det finns inget att säkerhetskopiera.")
    server_major, client_major = int(server) // 10000, major_version(pg_dump)
    if client_major < server_major:
        raise BackupError(
            f"pg_dump är version {client_major} men databasservern är version {server_major}; "
            f"pg_dump måste vara samma version eller nyare. {_CLIENT_HINT}"
        )
    conninfo, env = _libpq(url)
    _run([str(pg_dump), "--format=custom", f"--schema={_pattern(schema)}", f"--file={target}",
          f"--dbname={conninfo}"], env, "pg_dump")


def backup_revision(path: Path, *, bin_dir: Path | None) -> str:
    """The alembic revision inside a `pg_dump -Fc` file; refuses other files with a reason."""
    _require_dump(path)
    script = _run([str(client("pg_restore", bin_dir)), "--data-only", "--table=alembic_version",
                   "--file=-", str(path)], None, "pg_restore")
    match = re.search(r"^COPY \S*alembic_version \(version_num\) FROM stdin;\n(\w+)\n", script, re.M)
    if not match:
        raise BackupError(f"{path.name} är ingen säkerhetskopia från Lägesbild (databasversion saknas).")
    return match.group(1)


def restore(url: str, source: Path, *, engine: Engine, bin_dir: Path | None) -> None:
    """Replace what is in the installation's schema with the dump in `source`."""
    _require_dump(path=source)
    pg_restore = client("pg_restore", bin_dir)
    listing = _run([str(pg_restore), "--list", str(source)], None, "pg_restore")
    dumped = re.search(r"^\d+; \d+ \d+ TABLE (\S+) alembic_version ", listing, re.M)
    if not dumped:
        raise BackupError(f"{source.name} är ingen säkerhetskopia från Lägesbild (tabellen alembic_version saknas).")
    with _connected(engine) as connection, connection.begin():
        schema = installation_schema(connection)
        if schema != dumped.group(1):
            raise BackupError(
                f"Säkerhetskopian gäller schemat {dumped.group(1)}, men databasen använder schemat {schema}. "
                f"Återställ till en databas där search_path börjar med {dumped.group(1)} "
                "(LAGESBILD_DATABASE_URL …?options=-csearch_path%3D" + dumped.group(1) + ")."
            )
        connection.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
        try:
            connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {_quote(connection, schema)}"))
            _empty_schema(connection, schema)
        except SQLAlchemyError as exc:
            raise BackupError(
                "Databasen kunde inte tömmas inför återställningen; den används troligen av Lägesbild. "
                f"Stoppa webbserver och schemaläggare och försök igen. ({exc.__class__.__name__})"
            ) from exc
    # The schema is made above (it may be `public`, which exists already): restore its contents only.
    entries = [line for line in listing.splitlines()
               if not re.match(r"^\d+; \d+ \d+ (SCHEMA|COMMENT - SCHEMA) ", line)]
    conninfo, env = _libpq(url)
    with tempfile.NamedTemporaryFile("w", suffix=".list", encoding="utf-8") as toc:
        toc.write("\n".join(entries) + "\n")
        toc.flush()
        _run([str(pg_restore), "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
              f"--use-list={toc.name}", f"--dbname={conninfo}", str(source)], env, "pg_restore")


def client(name: str, bin_dir: Path | None) -> Path:
    """The client program `name` from LAGESBILD_PG_BIN_DIR, else from PATH."""
    if bin_dir is not None:
        candidate = bin_dir / name
        if not (candidate.is_file() and os.access(candidate, os.X_OK)):
            raise BackupError(f"{name} finns inte i LAGESBILD_PG_BIN_DIR ({bin_dir}). {_CLIENT_HINT}")
        return candidate
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} hittades inte på PATH. {_CLIENT_HINT}")
    return Path(found)


def major_version(program: Path) -> int:
    """The major version of a PostgreSQL client program (`pg_dump (PostgreSQL) 15.18` → 15)."""
    output = _run([str(program), "--version"], None, program.name)
    match = re.search(r"\(PostgreSQL\) (\d+)", output)
    if not match:
        raise BackupError(f"Kunde inte läsa versionen av {program} ({output.strip()!r}).")
    return int(match.group(1))


def installation_schema(connection: Connection) -> str:
    """The schema the application's tables live in: the first existing one of the search_path."""
    current = connection.execute(text("SELECT current_schema()")).scalar_one()
    if current:
        return str(current)
    # No schema of the search_path exists yet (a new database for a restore): take the first one.
    first = connection.execute(text("SELECT current_setting('search_path')")).scalar_one().split(",")[0]
    first = first.strip().strip('"')
    if first == "$user":
        first = connection.execute(text("SELECT current_user")).scalar_one()
    return first


def _empty_schema(connection: Connection, schema: str) -> None:
    # Tables (with their indexes, triggers and owned sequences), then what may be left over.
    quoted = _quote(connection, schema)
    queries = {
        "VIEW": "SELECT viewname FROM pg_views WHERE schemaname = :schema",
        "TABLE": "SELECT tablename FROM pg_tables WHERE schemaname = :schema",
        "SEQUENCE": "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = :schema",
    }
    for kind, query in queries.items():
        for name in connection.execute(text(query), {"schema": schema}).scalars().all():
            connection.execute(text(f"DROP {kind} IF EXISTS {quoted}.{_quote(connection, name)} CASCADE"))
    functions = connection.execute(text(
        "SELECT p.proname, pg_get_function_identity_arguments(p.oid) FROM pg_proc p "
        "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = :schema"), {"schema": schema}).all()
    for name, arguments in functions:
        connection.execute(text(f"DROP FUNCTION IF EXISTS {quoted}.{_quote(connection, name)}({arguments}) CASCADE"))
    types = connection.execute(text(
        "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
        "WHERE n.nspname = :schema AND t.typtype IN ('e', 'd')"), {"schema": schema}).scalars().all()
    for name in types:
        connection.execute(text(f"DROP TYPE IF EXISTS {quoted}.{_quote(connection, name)} CASCADE"))


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and an environment carrying it."""
    parsed = make_url(url)
    conninfo = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = dict(os.environ)  # PATH, locale and the like for the child process
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    return conninfo, env


def _run(command: list[str], env: dict[str, str] | None, name: str) -> str:
    try:
        done = subprocess.run(command, env=env, capture_output=True, check=False)
    except OSError as exc:
        raise BackupError(f"{name} kunde inte startas ({exc.strerror}). {_CLIENT_HINT}") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        hint = ""
        if "unsupported version" in " ".join(message) or "server version mismatch" in " ".join(message):
            hint = f" Klientprogrammet och servern/säkerhetskopian har olika versioner. {_CLIENT_HINT}"
        raise BackupError(f"{name} misslyckades (kod {done.returncode}): {' '.join(message)}{hint}")
    return done.stdout.decode("utf-8", "replace")


def _require_dump(path: Path) -> None:
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header.startswith(DUMP_HEADER):
        return
    if header == SQLITE_HEADER:
        raise BackupError(
            f"{path.name} är en säkerhetskopia av en SQLite-databas; installationen använder PostgreSQL. "
            "Återställ den med LAGESBILD_DATABASE_URL till en SQLite-fil."
        )
    raise BackupError(f"{path.name} är ingen säkerhetskopia från Lägesbild (inte en pg_dump-fil).")


def _connected(engine: Engine) -> Connection:
    try:
        return engine.connect()
    except SQLAlchemyError as exc:
        raise BackupError(f"Kunde inte ansluta till databasen ({exc.__class__.__name__}: {_first_line(exc)}).") from exc


def _first_line(exc: Exception) -> str:
    return str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc).strip() else ""


def _pattern(schema: str) -> str:
    # pg_dump reads --schema as a pattern; double quotes make it match exactly this name.
    return '"' + schema.replace('"', '""') + '"'


def _quote(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote_identifier(name)
