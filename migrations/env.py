"""Alembic environment: the URL comes from PodForge's settings, never from an ini file."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from adapters.db.engine import create_db_engine
from adapters.db.models import Base

MIGRATION_LOCK = 0x506F64466F7267  # any constant shared by every PodForge process: "PodForg"

url = context.config.attributes.get("url")
if url is None:
    from adapters.settings import load_settings

    url = load_settings().database_url

engine = create_db_engine(url)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Several processes may upgrade at once (pods starting together): they take
            # turns, and the version table is read only once the lock is held, so the later
            # ones find the schema current. Released when the transaction ends.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": MIGRATION_LOCK})
        context.run_migrations()
engine.dispose()
