"""SQLAlchemy models: the tables PostgreSQL (production) and SQLite (embedded) both hold."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from core.states import (
    AudioFormat,
    ConversationStatus,
    ConversationStyle,
    MessageRole,
    ScriptSource,
    TaskStatus,
    UserStatus,
)
from ports.ledger import TransactionType

# Named constraints, so that migrations can refer to them on every database.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonData = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps in UTC, time zone attached on every database (SQLite drops it on storage)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def one_of(column: str, values: type[StrEnum]) -> str:
    """SQL for a check that ``column`` holds one of the enum's values."""
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: JsonData}  # noqa: RUF012 (SQLAlchemy reads it)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("credit_balance >= 0", name="balance_not_negative"),
        CheckConstraint("total_credit_purchased >= 0", name="purchased_not_negative"),
        CheckConstraint(one_of("status", UserStatus), name="status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    credit_balance: Mapped[int] = mapped_column(Integer, default=0)
    total_credit_purchased: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default=UserStatus.ACTIVE.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Script(Base):
    __tablename__ = "scripts"
    __table_args__ = (
        CheckConstraint(one_of("source", ScriptSource), name="source"),
        CheckConstraint("estimated_chars >= 0", name="estimated_chars_not_negative"),
        Index(None, "user_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # use_alter: scripts and conversations point at each other.
    conversation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL", use_alter=True), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default=ScriptSource.UPLOADED.value)
    generation_params: Mapped[dict[str, Any] | None]
    estimated_chars: Mapped[int] = mapped_column(Integer, default=0)
    estimated_duration: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (
        CheckConstraint(one_of("style", ConversationStyle), name="style"),
        CheckConstraint(one_of("status", ConversationStatus), name="status"),
        CheckConstraint("target_duration > 0", name="target_duration_positive"),
        Index(None, "user_id", "updated_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    script_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("scripts.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(Text)
    style: Mapped[str] = mapped_column(String(16))
    target_duration: Mapped[int] = mapped_column(Integer)
    speakers: Mapped[list[Any]] = mapped_column(JsonData)
    language: Mapped[str] = mapped_column(String(8), default="en")
    status: Mapped[str] = mapped_column(String(16), default=ConversationStatus.ACTIVE.value)
    message_count: Mapped[int] = mapped_column(Integer, default=0)
    total_tokens: Mapped[int] = mapped_column(Integer, default=0)
    total_cost: Mapped[float] = mapped_column(Float, default=0.0)
    # The round waiting for the model, if any: one round at a time, numbered in order.
    round_lease: Mapped[str | None] = mapped_column(String(64))
    round_started_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ConversationMessage(Base):
    __tablename__ = "conversation_messages"
    __table_args__ = (
        CheckConstraint(one_of("role", MessageRole), name="role"),
        Index(None, "conversation_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE")
    )
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    # SQLAlchemy reserves the attribute name ``metadata``; the column keeps that name.
    message_metadata: Mapped[dict[str, Any] | None] = mapped_column("metadata", JsonData)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint(one_of("status", TaskStatus), name="status"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
        CheckConstraint("credit_cost >= 0", name="credit_cost_not_negative"),
        CheckConstraint("retry_count >= 0 AND max_retries >= 0", name="retries_not_negative"),
        Index(None, "user_id", "created_at"),
        Index(None, "script_id", "created_at"),
        Index(None, "status", "started_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    script_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("scripts.id", ondelete="CASCADE"))
    voice_config: Mapped[dict[str, Any]]
    engine_type: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=TaskStatus.PENDING.value)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    error_message: Mapped[str | None] = mapped_column(Text)
    credit_cost: Mapped[int] = mapped_column(Integer, default=0)
    chars_processed: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    # What the task renders: the script as it was when the task was accepted (and paid for).
    script_content: Mapped[str] = mapped_column(Text, default="")
    # Which worker attempt owns the task while it is processing, and when it last said so.
    lease: Mapped[str | None] = mapped_column(String(64))
    heartbeat_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    retry_count: Mapped[int] = mapped_column(Integer, default=0)
    max_retries: Mapped[int] = mapped_column(Integer, default=1)


class Audio(Base):
    __tablename__ = "audio"
    __table_args__ = (
        CheckConstraint(one_of("format", AudioFormat), name="format"),
        CheckConstraint("file_size >= 0", name="file_size_not_negative"),
        UniqueConstraint("task_id", "format"),
        Index(None, "expires_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    format: Mapped[str] = mapped_column(String(8))
    file_path: Mapped[str] = mapped_column(String(512))  # a storage key, never an absolute path
    file_size: Mapped[int] = mapped_column(Integer)
    duration: Mapped[float] = mapped_column(Float)
    sample_rate: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]


class CreditTransaction(Base):
    __tablename__ = "credit_transactions"
    __table_args__ = (
        CheckConstraint(one_of("type", TransactionType), name="type"),
        CheckConstraint("balance_after >= 0", name="balance_after_not_negative"),
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        UniqueConstraint("user_id", "idempotency_key"),
        Index(None, "user_id", "created_at"),
        Index(None, "reference_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    amount: Mapped[int] = mapped_column(Integer)
    balance_after: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(32))
    reference_id: Mapped[str | None] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PurchaseOrder(Base):
    """An order of credits, reserved before the payment provider is asked to charge."""

    __tablename__ = "purchase_orders"
    __table_args__ = (
        UniqueConstraint("user_id", "order_id"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    order_id: Mapped[str] = mapped_column(String(64))
    amount: Mapped[int] = mapped_column(Integer)
    payment_reference: Mapped[str | None] = mapped_column(String(255))
    transaction_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("credit_transactions.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    paid_at: Mapped[datetime | None]


class Template(Base):
    """A topic to start from: a short script in the tag format, for one style and language."""

    __tablename__ = "templates"
    __table_args__ = (
        CheckConstraint(one_of("style", ConversationStyle), name="style"),
        Index(None, "language"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(Text)
    style: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    speakers: Mapped[list[Any]] = mapped_column(JsonData)
    description: Mapped[str] = mapped_column(Text)
    content: Mapped[str] = mapped_column(Text)
