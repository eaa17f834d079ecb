"""Run Alembic migrations programmatically (CLI `db upgrade`, demo, tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy.engine import Connection, Engine

from api.resources import migrations_path


def alembic_config(engine: Engine) -> Config:
    """Alembic's configuration in code: the installed script directory, no alembic.ini needed.

    The checkout's alembic.ini is only for developers running `alembic revision` at its top.
    """
    config = Config()
    # ConfigParser interpolates "%": a path holding one must be escaped.
    config.set_main_option("script_location", str(migrations_path()).replace("%", "%%"))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database behind `engine` up to `revision`."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Migrate the database behind `engine` down to `revision`."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_revision(connection: Connection) -> str | None:
    """The revision the database behind `connection` is at (None before the first migration)."""
    return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    """The newest revision among the migration scripts (what `upgrade` migrates to)."""
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def known_revision(engine: Engine, revision: str) -> bool:
    """Whether `revision` is one of the migration scripts (a backup from a newer version is not)."""
    try:
        return ScriptDirectory.from_config(alembic_config(engine)).get_revision(revision) is not None
    except (CommandError, RevisionError):
        return False
