"""Stored things the use cases pass around: scripts, tasks and their audio."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.states import ScriptSource


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
