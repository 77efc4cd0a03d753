"""AI script writing through litellm to the local OpenAI-compatible server."""

from __future__ import annotations

import json
import math
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.container import create_container
from adapters.db.migrate import upgrade
from adapters.llm.litellm_llm import litellm_module
from adapters.settings import load_settings
from api.app import create_app
from tests.helpers import read_events, sign_up

MODEL = "openai/podforge-local"
TOPIC = {"topic": "why background jobs keep web apps fast", "style": "educational",
         "target_duration": 60, "speakers": ["Alice", "Bob"]}


@pytest.fixture
def studio(llm_server: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("PODFORGE_LLM__MODEL", MODEL)
    monkeypatch.setenv("PODFORGE_LLM__API_BASE", f"{llm_server.base_url}/v1")
    monkeypatch.setenv("PODFORGE_LLM__API_KEY", "test-key")
    settings = load_settings()
    upgrade(settings.database_url)
    with TestClient(create_app(create_container(settings))) as client:
        yield client


def start(client: TestClient, user: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    created = client.post("/api/conversations/create", headers=user["headers"],
                          json={**TOPIC, **overrides})
    assert created.status_code == 201, created.text
    return dict(created.json())


def say(client: TestClient, user: dict[str, Any], conversation_id: str,
        content: str) -> dict[str, Any]:
    reply = client.post(f"/api/conversations/{conversation_id}/messages",
                        headers=user["headers"], json={"content": content})
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def balance(client: TestClient, user: dict[str, Any]) -> int:
    return int(client.get("/api/users/me", headers=user["headers"]).json()["credit_balance"])


def test_rounds_are_billed_by_the_rules_and_the_context_stays_bounded(
    studio: TestClient, llm_server: Any
) -> None:
    user = sign_up(studio)
    conversation = start(studio, user)
    assert balance(studio, user) == 100 and conversation["language"] == "en"
    long_note = "Please make it livelier and add an example about queues. " * 280  # ~4k tokens
    charged, charges = 0, []
    for round_number in range(1, 10):
        result = say(studio, user, conversation["id"], f"Round {round_number}. {long_note}")
        tokens = result["message"]["metadata"]["tokens"]
        expected = 10 if round_number == 1 else 0 if round_number <= 3 else math.ceil(
            tokens / 1000)
        expected = min(expected, 50 - charged)
        assert result["credits_charged"] == expected, round_number
        charged += expected
        charges.append(expected)
        assert balance(studio, user) == 100 - charged
    assert charges[:3] == [10, 0, 0] and all(c > 0 for c in charges[3:5])
    assert charged == 50  # the cap is reached, never passed
    litellm = litellm_module()
    for request in llm_server.seen.requests:
        assert len(request["messages"]) <= 21  # the system prompt and at most 20 messages
        assert litellm.token_counter(model=MODEL, messages=request["messages"]) <= 8000
    detail = studio.get(f"/api/conversations/{conversation['id']}",
                        headers=user["headers"]).json()
    assert detail["message_count"] == 18 and detail["total_tokens"] > 0
    assert {m["role"] for m in detail["messages"]} == {"user", "assistant"}
    assert all(m["metadata"]["cost"] is None for m in detail["messages"]
               if m["role"] == "assistant")  # the local model has no price


def test_only_the_last_twenty_messages_are_sent(studio: TestClient, llm_server: Any) -> None:
    user = sign_up(studio)
    conversation = start(studio, user)
    for n in range(12):
        say(studio, user, conversation["id"], f"Short note {n}.")
    last = llm_server.seen.requests[-1]["messages"]
    assert len(last) == 21 and last[0]["role"] == "system"
    assert last[-1]["content"] == "Short note 11." and "Short note 1." not in json.dumps(last)


def test_a_one_speaker_draft_fails_the_check_and_needs_force(studio: TestClient) -> None:
    user = sign_up(studio)
    conversation = start(studio, user)
    result = say(studio, user, conversation["id"], "Write it [one speaker] only, please.")
    checks = {check["name"]: check for check in result["quality"]["checks"]}
    assert result["quality"]["ok"] is False
    assert not checks["speakers"]["ok"] and not checks["everyone_speaks"]["ok"]
    assert "Bob" in checks["everyone_speaks"]["message"]
    refused = studio.post(f"/api/conversations/{conversation['id']}/finalize",
                          headers=user["headers"], json={})
    assert refused.status_code == 422 and "at least 2" in refused.json()["detail"]
    forced = studio.post(f"/api/conversations/{conversation['id']}/finalize",
                         headers=user["headers"], json={"force": True})
    assert forced.status_code == 201 and forced.json()["source"] == "ai_generated"


def test_finalize_then_render_the_script_end_to_end(studio: TestClient) -> None:
    user = sign_up(studio)
    conversation = start(studio, user, language="zh", speakers=["大牛", "一帆"],
                         topic="开源语音合成")
    draft = say(studio, user, conversation["id"], "请写一期轻松的节目。")
    assert draft["quality"]["ok"], draft["quality"]
    assert draft["script_preview"].startswith("# 开源语音合成")
    script = studio.post(f"/api/conversations/{conversation['id']}/finalize",
                         headers=user["headers"], json={"title": "AI 草稿"}).json()
    assert (script["title"], script["speakers"], script["conversation_id"]) == (
        "AI 草稿", ["daniu", "yifan"], conversation["id"])
    after = studio.get(f"/api/conversations/{conversation['id']}", headers=user["headers"])
    assert (after.json()["status"], after.json()["script_id"]) == ("completed", script["id"])
    again = studio.post(f"/api/conversations/{conversation['id']}/messages",
                        headers=user["headers"], json={"content": "one more"})
    assert again.status_code == 409
    resumed = studio.put(f"/api/conversations/{conversation['id']}/resume",
                         headers=user["headers"])
    assert resumed.json()["status"] == "active"
    task = studio.post("/api/tasks", headers=user["headers"], json={
        "script_id": script["id"], "voice_config": {"daniu": "zh-cn-daniu",
                                                    "yifan": "zh-cn-yifan"}})
    assert task.status_code == 202
    deadline = time.monotonic() + 60
    while (status := studio.get(f"/api/tasks/{task.json()['task_id']}/status",
                                headers=user["headers"]).json())["status"] not in (
            "completed", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert status["status"] == "completed" and len(status["audio"]) == 2


def test_a_failing_model_charges_nothing_and_keeps_the_conversation(
    studio: TestClient, llm_server: Any
) -> None:
    user = sign_up(studio)
    conversation = start(studio, user)
    llm_server.faults.fail_count, llm_server.faults.fail_status = 10, 500
    failed = studio.post(f"/api/conversations/{conversation['id']}/messages",
                         headers=user["headers"], json={"content": "hello"})
    assert failed.status_code == 502 and "nothing was charged" in failed.json()["detail"]
    assert balance(studio, user) == 100
    detail = studio.get(f"/api/conversations/{conversation['id']}", headers=user["headers"])
    assert detail.json()["message_count"] == 0 and detail.json()["status"] == "active"


def test_replies_can_stream(studio: TestClient) -> None:
    user = sign_up(studio)
    conversation = start(studio, user)
    events: list[tuple[str, Any]] = []
    with studio.stream("POST", f"/api/conversations/{conversation['id']}/messages?stream=true",
                       headers=user["headers"], json={"content": "Go"}) as stream:
        events += read_events(stream)
    deltas = "".join(data["text"] for name, data in events if name == "delta")
    done = [data for name, data in events if name == "done"]
    assert len(done) == 1 and done[0]["message"]["content"] == deltas
    assert done[0]["credits_charged"] == 10 and balance(studio, user) == 90


def test_without_a_model_the_writing_endpoints_say_how_to_configure_one(
    client: TestClient,
) -> None:
    user = sign_up(client)
    response = client.post("/api/conversations/create", headers=user["headers"], json=TOPIC)
    assert response.status_code == 503
    assert response.json()["detail"] == ("No LLM is configured: set [llm] model (and api_key "
                                         "or api_base)")
    assert client.get("/api/conversations", headers=user["headers"]).status_code == 200


def test_templates_in_both_languages_start_valid_scripts(client: TestClient) -> None:
    templates = client.get("/api/templates").json()
    assert len(templates) >= 10
    assert {t["language"] for t in templates} == {"zh", "en"}
    assert len(client.get("/api/templates", params={"language": "zh"}).json()) >= 5
    user = sign_up(client)
    for template in templates:
        created = client.post(f"/api/templates/{template['id']}/scripts",
                              headers=user["headers"])
        assert created.status_code == 201, (template["id"], created.text)
        assert created.json()["source"] == "template"
    missing = client.post("/api/templates/no-such/scripts", headers=user["headers"])
    assert missing.status_code == 404
