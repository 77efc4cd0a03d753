"""The closed sets of values the domain uses: statuses, sources, styles, formats."""

from __future__ import annotations

from enum import StrEnum


class UserStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    BANNED = "banned"


class ScriptSource(StrEnum):
    UPLOADED = "uploaded"
    AI_GENERATED = "ai_generated"
    TEMPLATE = "template"


class ConversationStyle(StrEnum):
    EDUCATIONAL = "educational"
    CASUAL = "casual"
    INTERVIEW = "interview"


class ConversationStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


class MessageRole(StrEnum):
    USER = "user"
    ASSISTANT = "assistant"
    SYSTEM = "system"


class TaskStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        """Completed and failed tasks never change again."""
        return self in (TaskStatus.COMPLETED, TaskStatus.FAILED)


class AudioFormat(StrEnum):
    WAV = "wav"
    MP3 = "mp3"
