"""Renders with MiniMax voices: pay once per line, re-render only what changed, reuse results."""

from __future__ import annotations

import math
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.container import create_container
from adapters.db.migrate import upgrade
from adapters.settings import load_settings
from api.app import create_app
from tests.helpers import rendered_task, sign_up

LINES = [f"Line {n}: queues let the web answer at once while workers take their time."
         for n in range(60)]
VOICES = {"Alice": "English_CalmWoman", "Bob": "English_Trustworth_Man"}


def script(lines: list[str]) -> str:
    return "".join(f"**{('Alice', 'Bob')[n % 2]}:** {line}\n" for n, line in enumerate(lines))


@pytest.fixture
def studio(minimax_server: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The embedded default with MiniMax configured to the local server."""
    monkeypatch.setenv("PODFORGE_TTS__MINIMAX__BASE_URL", minimax_server.base_url)
    monkeypatch.setenv("PODFORGE_TTS__MINIMAX__API_KEY", "test-key")
    monkeypatch.setenv("PODFORGE_TTS__MINIMAX__REQUESTS_PER_MINUTE", "10000")  # not measured here
    monkeypatch.setattr("adapters.voices.minimax.BACKOFF_BASE_SECONDS", 0.01)
    settings = load_settings()
    upgrade(settings.database_url)
    with TestClient(create_app(create_container(settings))) as client:
        client.server = minimax_server  # type: ignore[attr-defined]
        yield client


def render(client: TestClient, user: dict[str, Any], script_id: str) -> dict[str, Any]:
    return rendered_task(client, user, script_id, VOICES)


def test_editing_one_line_re_renders_and_charges_only_that_line(studio: TestClient) -> None:
    server = studio.server  # type: ignore[attr-defined]
    user = sign_up(studio)
    created = studio.post("/api/scripts", headers=user["headers"],
                          json={"content": script(LINES)}).json()
    first = render(studio, user, created["id"])
    assert first["status"] == "completed", first["error_message"]
    assert server.stats.requests == 60
    assert first["chars_processed"] == sum(map(len, LINES))
    edited = [*LINES]
    edited[17] = "Line 17: this one changed, and only this one is synthesized again."
    studio.put(f"/api/scripts/{created['id']}", headers=user["headers"],
               json={"content": script(edited)})
    second = render(studio, user, created["id"])
    assert second["status"] == "completed"
    assert server.stats.requests == 61
    assert second["chars_processed"] == len(edited[17])
    assert second["credit_cost"] == math.ceil(len(edited[17]) / 100) == 1
    history = studio.get("/api/credits/transactions", headers=user["headers"],
                         params={"limit": 100}).json()["items"]
    second_charges = [i["amount"] for i in history if i["reference_id"] == second["id"]]
    assert sum(second_charges) == -1


def test_an_identical_request_completes_from_the_stored_result(studio: TestClient) -> None:
    server = studio.server  # type: ignore[attr-defined]
    user = sign_up(studio)
    created = studio.post("/api/scripts", headers=user["headers"],
                          json={"content": script(LINES[:6])}).json()
    first = render(studio, user, created["id"])
    again = render(studio, user, created["id"])
    assert server.stats.requests == 6
    assert (again["status"], again["chars_processed"], again["credit_cost"]) == ("completed",
                                                                                 0, 0)
    first_mp3 = studio.get(next(a["url"] for a in first["audio"] if a["format"] == "mp3"))
    again_mp3 = studio.get(next(a["url"] for a in again["audio"] if a["format"] == "mp3"))
    assert again_mp3.content == first_mp3.content and again["audio"][0]["id"] != \
        first["audio"][0]["id"]
    srt = studio.get(f"/api/tasks/{again['id']}/transcript.srt", headers=user["headers"])
    assert srt.status_code == 200 and "Alice: Line 0" in srt.text


def test_a_retried_task_does_not_request_finished_lines_again(studio: TestClient) -> None:
    server = studio.server  # type: ignore[attr-defined]
    server.faults.fail_code, server.faults.fail_after, server.faults.fail_count = 1026, 30, 1
    user = sign_up(studio)
    created = studio.post("/api/scripts", headers=user["headers"],
                          json={"content": script(LINES)}).json()
    task = render(studio, user, created["id"])
    assert task["status"] == "completed" and task["retry_count"] == 1
    assert 61 <= server.stats.requests <= 61 + 16  # at most the lines in flight at the failure
    assert task["chars_processed"] == sum(map(len, LINES))  # each line paid once


def test_without_a_key_minimax_voices_are_refused_before_anything_is_charged(
    client: TestClient,
) -> None:
    user = sign_up(client)
    created = client.post("/api/scripts", headers=user["headers"],
                          json={"content": script(LINES[:2])}).json()
    voices = {v["voice_id"]: v for v in client.get("/api/voices").json()}
    assert voices["English_CalmWoman"]["available"] is False
    task = render(client, user, created["id"])
    assert task["status"] == "failed" and "api_key" in task["error_message"]
    assert client.get("/api/users/me", headers=user["headers"]).json()["credit_balance"] == 100
