"""Audio URLs a browser can use as they are: presigned by the store, or signed by us."""

from __future__ import annotations

from adapters.auth.tokens import JwtTokens
from api.schemas import AudioOut
from core.entities import AudioRecord

MIME_TYPES = {"wav": "audio/wav", "mp3": "audio/mpeg", "srt": "application/x-subrip",
              "vtt": "text/vtt", "json": "application/json"}


def download_name(audio: AudioRecord) -> str:
    """A safe file name: ASCII only, no path, no quotes."""
    return f"podforge-{audio.task_id[:8]}.{audio.format.value}"


def audio_out(audio: AudioRecord, *, user_id: str, tokens: JwtTokens, storage_url: str | None,
              minutes: int) -> AudioOut:
    url = storage_url or (
        f"/api/audio/{audio.id}/download?token="
        + tokens.issue(user_id, purpose="download", lifetime=minutes * 60, aid=audio.id))
    return AudioOut(id=audio.id, format=audio.format.value, url=url, duration=audio.duration,
                    file_size=audio.file_size, sample_rate=audio.sample_rate)
