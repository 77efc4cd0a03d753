"""Runs the Alembic migrations in ``migrations/`` against a configured database URL."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from adapters.db.engine import create_db_engine
from adapters.resources import resource


def alembic_config(url: str) -> Config:
    """Alembic configuration for ``url``, without an alembic.ini on disk."""
    config = Config()
    config.set_main_option("script_location", str(resource("migrations")))
    config.set_main_option(
        "file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d_%%(slug)s"
    )
    config.attributes["url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema up to ``revision``."""
    create_db_engine(url).dispose()  # creates an SQLite file's folder
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    """Take the schema back to ``revision`` (``base`` removes every table)."""
    command.downgrade(alembic_config(url), revision)


def current(url: str) -> None:
    """Print the revision the database is at."""
    command.current(alembic_config(url))
