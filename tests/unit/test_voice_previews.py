"""Voice previews: a short clip in the voice's language, made once and then served."""

from __future__ import annotations

import soundfile
from fastapi.testclient import TestClient


def test_every_offline_voice_offers_a_preview_made_on_first_request(client: TestClient) -> None:
    voices = client.get("/api/voices").json()
    chinese = next(v for v in voices if v["language"] == "zh-CN")
    for voice in voices:  # MiniMax has no key in the tests: no preview, not available
        offline = voice["provider"] == "espeak"
        assert voice["available"] is offline
        assert voice["preview_url"] == (
            f"/api/voices/{voice['voice_id']}/preview" if offline else None)
    first = client.get(chinese["preview_url"])
    assert first.status_code == 200 and first.headers["content-type"] == "audio/mpeg"
    container = client.app.state.container  # type: ignore[attr-defined]
    storage, previews = container.storage(), container.voice_previews()
    key = previews.key_for(container.voice_library().by_id()[chinese["voice_id"]])
    assert storage.exists(key)
    clip = storage.path_for(key)
    assert 1.0 < soundfile.info(clip).duration < 15.0
    again = client.get(chinese["preview_url"])
    assert again.content == first.content


def test_an_unknown_voice_has_no_preview(client: TestClient) -> None:
    response = client.get("/api/voices/no-such-voice/preview")
    assert response.status_code == 404 and "no-such-voice" in response.json()["detail"]
