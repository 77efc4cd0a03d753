"""Initial schema: users, scripts, conversations and their messages, tasks, audio, ledger.

Revision ID: 0001
Revises:
Create Date: 2026-11-28 21:44:42
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def uuid_pk() -> sa.Column:
    return sa.Column("id", sa.Uuid(), primary_key=True)


def timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def owner(table: str = "users", column: str = "user_id", ondelete: str = "CASCADE") -> sa.Column:
    return sa.Column(column, sa.Uuid(), sa.ForeignKey(f"{table}.id", ondelete=ondelete),
                     nullable=False)


def upgrade() -> None:
    op.create_table(
        "users",
        uuid_pk(),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("credit_balance", sa.Integer(), nullable=False),
        sa.Column("total_credit_purchased", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        timestamp("created_at"),
        timestamp("updated_at"),
        sa.CheckConstraint("status IN ('active', 'suspended', 'banned')", name="status"),
        sa.CheckConstraint("credit_balance >= 0", name="balance_not_negative"),
        sa.CheckConstraint("total_credit_purchased >= 0", name="purchased_not_negative"),
    )
    op.create_table(
        "credit_transactions",
        uuid_pk(),
        owner(),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("balance_after", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("reference_id", sa.String(64), nullable=True),
        sa.Column("idempotency_key", sa.String(128), nullable=False),
        sa.Column("description", sa.String(255), nullable=False),
        timestamp("created_at"),
        sa.CheckConstraint(
            "type IN ('purchase', 'grant', 'script_generation', 'audio_generation', 'refund')",
            name="type",
        ),
        sa.CheckConstraint("amount <> 0", name="amount_not_zero"),
        sa.CheckConstraint("balance_after >= 0", name="balance_after_not_negative"),
        sa.UniqueConstraint("user_id", "idempotency_key"),
    )
    op.create_index(None, "credit_transactions", ["reference_id"])
    op.create_index(None, "credit_transactions", ["user_id", "created_at"])

    op.create_table(
        "scripts",
        uuid_pk(),
        owner(),
        sa.Column("conversation_id", sa.Uuid(), nullable=True),  # foreign key added below
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("generation_params", JSON, nullable=True),
        sa.Column("estimated_chars", sa.Integer(), nullable=False),
        sa.Column("estimated_duration", sa.Float(), nullable=False),
        timestamp("created_at"),
        sa.CheckConstraint("source IN ('uploaded', 'ai_generated', 'template')", name="source"),
        sa.CheckConstraint("estimated_chars >= 0", name="estimated_chars_not_negative"),
    )
    op.create_index(None, "scripts", ["conversation_id"])
    op.create_index(None, "scripts", ["user_id", "created_at"])

    op.create_table(
        "conversations",
        uuid_pk(),
        owner(),
        sa.Column("script_id", sa.Uuid(), sa.ForeignKey("scripts.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("style", sa.String(16), nullable=False),
        sa.Column("target_duration", sa.Integer(), nullable=False),
        sa.Column("speakers", JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("message_count", sa.Integer(), nullable=False),
        sa.Column("total_tokens", sa.Integer(), nullable=False),
        sa.Column("total_cost", sa.Float(), nullable=False),
        timestamp("created_at"),
        timestamp("updated_at"),
        sa.CheckConstraint("status IN ('active', 'completed', 'abandoned')", name="status"),
        sa.CheckConstraint("style IN ('educational', 'casual', 'interview')", name="style"),
        sa.CheckConstraint("target_duration > 0", name="target_duration_positive"),
    )
    op.create_index(None, "conversations", ["user_id", "updated_at"])
    with op.batch_alter_table("scripts") as batch:
        batch.create_foreign_key(
            op.f("fk_scripts_conversation_id_conversations"), "conversations",
            ["conversation_id"], ["id"], ondelete="SET NULL",
        )

    op.create_table(
        "conversation_messages",
        uuid_pk(),
        owner("conversations", "conversation_id"),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("metadata", JSON, nullable=True),
        timestamp("created_at"),
        sa.CheckConstraint("role IN ('user', 'assistant', 'system')", name="role"),
    )
    op.create_index(None, "conversation_messages", ["conversation_id", "created_at"])

    op.create_table(
        "tasks",
        uuid_pk(),
        owner(),
        owner("scripts", "script_id"),
        sa.Column("voice_config", JSON, nullable=False),
        sa.Column("engine_type", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("credit_cost", sa.Integer(), nullable=False),
        sa.Column("chars_processed", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=True),
        timestamp("created_at"),
        timestamp("started_at", nullable=True),
        timestamp("completed_at", nullable=True),
        sa.Column("retry_count", sa.Integer(), nullable=False),
        sa.Column("max_retries", sa.Integer(), nullable=False, server_default="1"),
        sa.CheckConstraint(
            "status IN ('pending', 'processing', 'completed', 'failed')", name="status"
        ),
        sa.CheckConstraint("credit_cost >= 0", name="credit_cost_not_negative"),
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
        sa.CheckConstraint("retry_count >= 0 AND max_retries >= 0", name="retries_not_negative"),
    )
    op.create_index(None, "tasks", ["script_id", "created_at"])
    op.create_index(None, "tasks", ["status", "started_at"])
    op.create_index(None, "tasks", ["user_id", "created_at"])

    op.create_table(
        "audio",
        uuid_pk(),
        owner("tasks", "task_id"),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("file_path", sa.String(512), nullable=False),
        sa.Column("file_size", sa.Integer(), nullable=False),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("sample_rate", sa.Integer(), nullable=False),
        timestamp("created_at"),
        timestamp("expires_at", nullable=True),
        sa.CheckConstraint("format IN ('wav', 'mp3')", name="format"),
        sa.CheckConstraint("file_size >= 0", name="file_size_not_negative"),
        sa.UniqueConstraint("task_id", "format"),
    )
    op.create_index(None, "audio", ["expires_at"])


def downgrade() -> None:
    for table in ("audio", "tasks", "conversation_messages"):
        op.drop_table(table)
    with op.batch_alter_table("scripts") as batch:
        batch.drop_constraint(op.f("fk_scripts_conversation_id_conversations"), type_="foreignkey")
    for table in ("conversations", "scripts", "credit_transactions", "users"):
        op.drop_table(table)
