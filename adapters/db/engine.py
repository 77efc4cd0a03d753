"""Database engines for a plain configured URL (PostgreSQL via psycopg2, or an SQLite file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


def driver_url(url: str) -> str:
    """Pick the driver for a plain URL: ``postgresql://`` becomes ``postgresql+psycopg2://``."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg2")
    elif parsed.get_backend_name() not in ("postgresql", "sqlite"):
        raise ValueError(
            f"[database] url must be postgresql://... or sqlite:///..., not {parsed.drivername}://"
        )
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy, not the driver, begins transactions
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # SQLite leaves foreign keys unchecked otherwise
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the single writer
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _begin_immediate(connection: Any) -> None:
    # Take SQLite's write lock when a transaction starts, so that read-then-write sequences
    # (a balance check, then a debit) cannot interleave between two writers.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_db_engine(url: str, *, pool_size: int = 5, max_overflow: int = 10) -> Engine:
    """An engine for ``url``; for SQLite, creates the file's folder and turns on FK checks.
    The pool sizes apply to PostgreSQL (SQLite keeps its own pool). Errors never quote the
    statement's parameters: they carry password hashes and emails into logs."""
    full_url = make_url(driver_url(url))
    if full_url.get_backend_name() == "sqlite":
        if full_url.database and full_url.database != ":memory:":
            Path(full_url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(full_url, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    return create_engine(full_url, pool_pre_ping=True, pool_size=pool_size,
                         max_overflow=max_overflow, hide_parameters=True)
