"""Whether the database answers, and whether it has the schema this code expects."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from adapters.db.migrate import alembic_config


class SchemaNotCurrent(Exception):
    """The database answers but is not migrated to the newest revision."""


def ping(engine: Engine) -> None:
    """One round trip; raises the driver's error when the database does not answer."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def check_schema(engine: Engine) -> None:
    """:raises SchemaNotCurrent: naming the revision found and the command that fixes it."""
    with engine.connect() as connection:
        found = set(MigrationContext.configure(connection).get_current_heads())
    expected = set(ScriptDirectory.from_config(alembic_config("")).get_heads())
    if found != expected:
        revision = ", ".join(sorted(found)) or "no revision (an empty database)"
        raise SchemaNotCurrent(f"is at {revision}, not at the current schema "
                               f"{', '.join(sorted(expected))}: run `podforge db upgrade`")


def first_line(error: BaseException) -> str:
    """The driver's own first line about ``error`` (SQLAlchemy wraps it and adds a link)."""
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    return lines[0].strip() if lines else type(original).__name__
