"""Run Alembic migrations programmatically (CLI `db upgrade`, demo, tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

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
