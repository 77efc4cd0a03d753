"""Stored things the use cases pass around: scripts, tasks and their audio."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.states import AudioFormat, ScriptSource, TaskStatus


@dataclass(frozen=True)
class ScriptRecord:
    id: str
    user_id: str
    title: str
    content: str
    source: ScriptSource
    conversation_id: str | None
    generation_params: dict[str, Any] | None
    estimated_chars: int
    estimated_duration: float
    created_at: datetime


@dataclass(frozen=True)
class TaskRecord:
    id: str
    user_id: str
    script_id: str
    voice_config: dict[str, Any]
    engine_type: str
    status: TaskStatus
    progress: int
    error_message: str | None
    credit_cost: int
    chars_processed: int
    content_hash: str | None
    script_content: str
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    retry_count: int
    max_retries: int
    lease: str | None = None
    heartbeat_at: datetime | None = None


@dataclass(frozen=True)
class AudioRecord:
    id: str
    task_id: str
    format: AudioFormat
    file_path: str  # a storage key
    file_size: int
    duration: float
    sample_rate: int
    created_at: datetime
    expires_at: datetime | None = None


@dataclass(frozen=True)
class NewAudio:
    """A stored file about to get its audio row."""

    format: AudioFormat
    file_path: str
    file_size: int
    duration: float
    sample_rate: int


@dataclass(frozen=True)
class TemplateRecord:
    id: str
    title: str
    topic: str
    style: str
    language: str
    speakers: list[str]
    description: str
    content: str


@dataclass(frozen=True)
class PurchaseOrder:
    """A user's order of credits: ``paid`` once the payment went through and was recorded."""

    id: str
    user_id: str
    order_id: str
    amount: int
    paid: bool
    transaction_id: str | None
