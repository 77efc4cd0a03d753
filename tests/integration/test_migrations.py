"""The migrations build the whole schema on PostgreSQL and SQLite, and revert cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from adapters.db.engine import create_db_engine
from adapters.db.migrate import downgrade, upgrade
from adapters.db.models import Base

# The columns the product relies on, as the schema must hold them.
EXPECTED_COLUMNS = {
    "users": {"id", "username", "email", "password_hash", "credit_balance",
              "total_credit_purchased", "status", "created_at", "updated_at"},
    "scripts": {"id", "user_id", "conversation_id", "title", "content", "source",
                "generation_params", "estimated_chars", "estimated_duration", "created_at"},
    "conversations": {"id", "user_id", "script_id", "title", "topic", "style", "target_duration",
                      "speakers", "status", "message_count", "total_tokens", "total_cost",
                      "round_lease", "round_started_at", "created_at", "updated_at"},
    "conversation_messages": {"id", "conversation_id", "role", "content", "metadata",
                              "created_at"},
    "tasks": {"id", "user_id", "script_id", "voice_config", "engine_type", "status", "progress",
              "error_message", "credit_cost", "chars_processed", "created_at", "started_at",
              "completed_at", "retry_count", "max_retries"},
    "audio": {"id", "task_id", "format", "file_path", "file_size", "duration", "sample_rate",
              "created_at", "expires_at"},
    "credit_transactions": {"id", "user_id", "amount", "balance_after", "type", "reference_id",
                            "idempotency_key", "description", "created_at"},
    "purchase_orders": {"id", "user_id", "order_id", "amount", "payment_reference",
                        "transaction_id", "created_at", "paid_at"},
}


def columns_by_table(url: str) -> dict[str, set[str]]:
    engine = create_db_engine(url)
    try:
        inspector = inspect(engine)
        return {table: {c["name"] for c in inspector.get_columns(table)}
                for table in inspector.get_table_names() if table != "alembic_version"}
    finally:
        engine.dispose()


def schema_drift(url: str) -> list[object]:
    """Differences between the models and the migrated database (empty when they agree)."""
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))
    finally:
        engine.dispose()


def assert_has_every_column(url: str) -> None:
    found = columns_by_table(url)
    for table, columns in EXPECTED_COLUMNS.items():
        assert table in found, f"table {table} is missing"
        assert columns <= found[table], f"{table} lacks {sorted(columns - found[table])}"


@pytest.mark.postgres
def test_migration_applies_and_reverts_on_postgresql(pg_database_url: str) -> None:
    upgrade(pg_database_url)
    assert_has_every_column(pg_database_url)
    assert schema_drift(pg_database_url) == []
    downgrade(pg_database_url, "base")
    assert columns_by_table(pg_database_url) == {}
    upgrade(pg_database_url)
    assert_has_every_column(pg_database_url)


def test_migration_applies_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'podforge.sqlite3'}"
    upgrade(url)
    assert_has_every_column(url)
    assert schema_drift(url) == []
    downgrade(url, "base")
    assert columns_by_table(url) == {}


@pytest.mark.postgres
@pytest.mark.slow
def test_three_concurrent_upgrades_of_one_database_all_succeed(pg_database_url: str) -> None:
    """Pods starting together each run `podforge db upgrade`: they take turns, and the later
    ones find the schema current."""
    import os
    import subprocess

    from tests.integration.conftest import PODFORGE

    env = {**os.environ, "PODFORGE_DATABASE__URL": pg_database_url}
    upgrades = [subprocess.Popen([str(PODFORGE), "db", "upgrade"], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                for _ in range(3)]
    outcomes = [(process.wait(timeout=180), process.stdout.read() if process.stdout else "")
                for process in upgrades]
    assert [code for code, _ in outcomes] == [0, 0, 0], outcomes
    assert schema_drift(pg_database_url) == []
