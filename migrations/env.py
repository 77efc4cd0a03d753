"""Alembic environment: the URL comes from PodForge's settings, never from an ini file."""

from __future__ import annotations

from alembic import context

from adapters.db.engine import create_db_engine
from adapters.db.models import Base

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
        context.run_migrations()
engine.dispose()
