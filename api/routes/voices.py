"""The voice library."""

from __future__ import annotations

from fastapi import APIRouter

from api.dependencies import VoiceLibraryDep
from api.schemas import VoiceOut

router = APIRouter(prefix="/api/voices", tags=["voices"])


@router.get("")
def list_voices(library: VoiceLibraryDep, language: str | None = None) -> list[VoiceOut]:
    """Every voice in voices.yaml; ``?language=zh`` keeps those of one language family."""
    return [
        VoiceOut(voice_id=v.voice_id, display_name=v.display_name, preview_url=v.preview_url,
                 language=v.language, category=v.category, gender=v.gender, provider=v.provider)
        for v in library.all()
        if language is None or v.language_family == language.split("-")[0].lower()
    ]
