"""The voice library and its previews."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.dependencies import (
    StorageDep,
    VoiceLibraryDep,
    VoicePreviewsDep,
    limited_per_address,
)
from api.schemas import Text, VoiceOut

router = APIRouter(prefix="/api/voices", tags=["voices"])


@router.get("")
def list_voices(library: VoiceLibraryDep, previews: VoicePreviewsDep,
                language: Text | None = None) -> list[VoiceOut]:
    """Every voice in voices.yaml; ``?language=zh`` keeps those of one language family.
    ``preview_url`` is null when the voice's provider is not configured here."""
    family = language.split("-")[0].lower() if language else None
    listed = []
    for voice in library.all():
        if family is not None and voice.language_family != family:
            continue
        available = previews.available(voice)
        preview = voice.preview_url or (
            f"/api/voices/{voice.voice_id}/preview" if available else None)
        listed.append(VoiceOut(voice_id=voice.voice_id, display_name=voice.display_name,
                               preview_url=preview, language=voice.language,
                               category=voice.category, gender=voice.gender,
                               provider=voice.provider, available=available))
    return listed


@router.get("/{voice_id}/preview", responses={200: {"content": {"audio/mpeg": {}}},
                                              404: {}, 429: {}, 503: {}},
            dependencies=[limited_per_address("preview")])
async def preview(voice_id: str, previews: VoicePreviewsDep, storage: StorageDep) -> Response:
    """A short MP3 in the voice's language, made on the first request and kept."""
    key = await run_in_threadpool(previews.clip, voice_id)
    body = await run_in_threadpool(lambda: b"".join(storage.open_range(key)))
    return Response(body, media_type="audio/mpeg",
                    headers={"Cache-Control": "public, max-age=86400"})
