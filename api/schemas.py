"""Response and request bodies of the HTTP API."""

from __future__ import annotations

from pydantic import BaseModel


class VoiceOut(BaseModel):
    voice_id: str
    display_name: str
    preview_url: str | None
    language: str
    category: str
    gender: str
    provider: str
