"""The voice library and its previews."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.dependencies import StorageDep, VoiceLibraryDep, VoicePreviewsDep
from api.schemas import VoiceOut

router = APIRouter(prefix="/api/voices", tags=["voices"])


@router.get("")
def list_voices(library: VoiceLibraryDep, previews: VoicePreviewsDep,
                language: str | None = None) -> list[VoiceOut]:
    """Every voice in voices.yaml; ``?language=zh`` keeps those of one language family.
    ``preview_url`` is null when the voice's provider is not configured here."""
    family = language.split("-")[0].lower() if language else None
    return [
        VoiceOut(voice_id=v.voice_id, display_name=v.display_name,
                 preview_url=v.preview_url or (
                     f"/api/voices/{v.voice_id}/preview" if previews.available(v) else None),
                 language=v.language, category=v.category, gender=v.gender,
                 provider=v.provider)
        for v in library.all() if family is None or v.language_family == family
    ]


@router.get("/{voice_id}/preview", responses={200: {"content": {"audio/mpeg": {}}},
                                              404: {}, 503: {}})
async def preview(voice_id: str, previews: VoicePreviewsDep, storage: StorageDep) -> Response:
    """A short MP3 in the voice's language, made on the first request and kept."""
    key = await run_in_threadpool(previews.clip, voice_id)
    body = await run_in_threadpool(lambda: b"".join(storage.open_range(key)))
    return Response(body, media_type="audio/mpeg",
                    headers={"Cache-Control": "public, max-age=86400"})
