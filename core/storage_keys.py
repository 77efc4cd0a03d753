"""Storage keys for a task's files: ``audio/YYYY/MM/DD/<task id>.<ext>``, by creation date."""

from __future__ import annotations

from datetime import datetime


def audio_key(task_id: str, extension: str, created_at: datetime) -> str:
    """The key under which a task's ``wav``, ``mp3``, ``srt``... file is stored."""
    if not extension.isalnum() and not extension.replace(".", "").isalnum():
        raise ValueError(f"invalid file extension {extension!r}")
    return f"audio/{created_at:%Y/%m/%d}/{task_id}.{extension}"
