"""Tasks on the embedded default: accept, hold credits, render in-process, settle, download."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from dependency_injector import providers
from fastapi.testclient import TestClient

from adapters.container import Container
from core.script import ScriptLimits, SegmenterRules, validate_script
from ports.synthesizer import SynthesisError
from tests.fakes import ScriptedEngine
from tests.helpers import read_events, sign_up

SCRIPTS = Path(__file__).resolve().parents[1] / "fixtures" / "scripts"
TWO_HOSTS = (SCRIPTS / "two-hosts-en.md").read_text()  # 827 characters: 9 credits
VOICES = {"Alice": "en-us-sarah", "Bob": "en-gb-oliver"}


def new_script(client: TestClient, user: dict[str, Any], content: str = TWO_HOSTS) -> str:
    response = client.post("/api/scripts", headers=user["headers"], json={"content": content})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def submit(client: TestClient, user: dict[str, Any], script_id: str,
           voices: dict[str, Any] | None = None) -> Any:
    return client.post("/api/tasks", headers=user["headers"],
                       json={"script_id": script_id, "voice_config": voices or VOICES})


def wait_until_final(client: TestClient, user: dict[str, Any], task_id: str,
                     seconds: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status: dict[str, Any] = client.get(f"/api/tasks/{task_id}/status",
                                            headers=user["headers"]).json()
        if status["status"] in ("completed", "failed"):
            return status
        time.sleep(0.1)
    raise AssertionError(f"task {task_id} did not finish in {seconds} s")


def balance(client: TestClient, user: dict[str, Any]) -> int:
    return int(client.get("/api/users/me", headers=user["headers"]).json()["credit_balance"])


def ledger(client: TestClient, user: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get("/api/credits/transactions", headers=user["headers"],
                                             params={"limit": 100}).json()["items"]
    return items


def test_a_render_holds_its_credits_then_completes_with_two_files(client: TestClient) -> None:
    user = sign_up(client)
    accepted = submit(client, user, new_script(client, user))
    assert accepted.status_code == 202
    assert accepted.json()["status"] == "pending" and accepted.json()["credit_cost"] == 9
    task_id = accepted.json()["task_id"]
    final = wait_until_final(client, user, task_id)
    assert (final["status"], final["progress"]) == ("completed", 100)
    assert sorted(a["format"] for a in final["audio"]) == ["mp3", "wav"]
    task = client.get(f"/api/tasks/{task_id}", headers=user["headers"]).json()
    assert (task["credit_cost"], task["chars_processed"], task["script_changed"]) == (9, 827, False)
    assert balance(client, user) == 91
    debit = ledger(client, user)[0]
    assert (debit["type"], debit["amount"], debit["reference_id"]) == (
        "audio_generation", -9, task_id)


def test_refusals_come_in_order_and_write_nothing(client: TestClient) -> None:
    user = sign_up(client)
    script_id = new_script(client, user)
    missing = submit(client, user, "00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
    bad_voice = submit(client, user, script_id, {"Alice": "en-us-sarah"})
    assert bad_voice.status_code == 422 and "Bob" in bad_voice.json()["detail"]
    out_of_range = submit(client, user, script_id, {**VOICES, "Bob": {"voice_id": "en-gb-oliver",
                                                                      "speed": 9}})
    assert out_of_range.status_code == 422 and "speed" in out_of_range.json()["detail"]
    expensive = new_script(client, user, "**A:** " + "word " * 2100)  # 10,499 chars: 105
    poor = submit(client, user, expensive, {"A": "en-us-sarah"})
    assert poor.status_code == 402
    assert poor.json() | {"detail": ""} == {"detail": "", "required": 105, "balance": 100,
                                              "shortfall": 5}
    assert client.get("/api/tasks", headers=user["headers"]).json()["total"] == 0
    assert balance(client, user) == 100 and len(ledger(client, user)) == 1


def test_signed_audio_links_work_without_a_header_and_serve_ranges(client: TestClient) -> None:
    user = sign_up(client)
    task_id = submit(client, user, new_script(client, user)).json()["task_id"]
    audio = {a["format"]: a for a in wait_until_final(client, user, task_id)["audio"]}
    whole = client.get(audio["mp3"]["url"])
    assert whole.status_code == 200 and whole.headers["content-type"] == "audio/mpeg"
    assert len(whole.content) == audio["mp3"]["file_size"]
    assert 'filename="podforge-' in whole.headers["content-disposition"]
    part = client.get(audio["wav"]["url"], headers={"Range": "bytes=100-199"})
    full_wav = client.get(audio["wav"]["url"]).content
    assert part.status_code == 206 and part.content == full_wav[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(full_wav)}"
    tail = client.get(audio["wav"]["url"], headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == full_wav[-10:]
    beyond = client.get(audio["wav"]["url"], headers={"Range": f"bytes={len(full_wav)}-"})
    assert beyond.status_code == 416
    with_bearer = client.get(f"/api/audio/{audio['wav']['id']}/download",
                             headers=user["headers"])
    assert with_bearer.content == full_wav
    intruder = sign_up(client)
    assert client.get(f"/api/audio/{audio['wav']['id']}/download",
                      headers=intruder["headers"]).status_code == 404
    other_file = audio["mp3"]["url"].replace(audio["mp3"]["id"], audio["wav"]["id"])
    assert client.get(other_file).status_code == 401


def test_a_signed_link_stops_working_after_it_expires(client: TestClient) -> None:
    user = sign_up(client)
    task_id = submit(client, user, new_script(client, user)).json()["task_id"]
    audio_id = wait_until_final(client, user, task_id)["audio"][0]["id"]
    tokens = client.app.state.container.tokens()  # type: ignore[attr-defined]
    expired = tokens.issue(user["id"], purpose="download", lifetime=1, aid=audio_id)
    assert client.get(f"/api/audio/{audio_id}/download?token={expired}").status_code == 200
    time.sleep(2.1)
    response = client.get(f"/api/audio/{audio_id}/download?token={expired}")
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_versions_of_a_script_and_whether_it_changed_since(client: TestClient) -> None:
    user = sign_up(client)
    script_id = new_script(client, user)
    first = submit(client, user, script_id).json()["task_id"]
    wait_until_final(client, user, first)
    client.put(f"/api/scripts/{script_id}", headers=user["headers"],
               json={"content": TWO_HOSTS + "**Alice:** One more thing.\n"})
    second = submit(client, user, script_id, {"Alice": "en-us-emma", "Bob": "en-us-michael"})
    wait_until_final(client, user, second.json()["task_id"])
    versions = client.get("/api/tasks", headers=user["headers"],
                          params={"script_id": script_id}).json()
    assert versions["total"] == 2
    changed = {item["id"]: item["script_changed"] for item in versions["items"]}
    assert changed == {first: True, second.json()["task_id"]: False}
    other = new_script(client, user, "**A:** Another show.\n")
    assert client.get("/api/tasks", headers=user["headers"],
                      params={"script_id": other}).json()["total"] == 0


def engine_client(make_client: Any, watchdog_seconds: float | None = None,
                  **behaviour: Any) -> tuple[TestClient, ScriptedEngine]:
    """A client whose engine is a ScriptedEngine; optionally a watchdog with a short limit."""
    holder: dict[str, ScriptedEngine] = {}

    def configure(container: Container) -> None:
        holder["engine"] = ScriptedEngine(container.tts_engine(), **behaviour)
        container.tts_engine.override(providers.Object(holder["engine"]))
        if watchdog_seconds is not None:  # the worker's own limit stays at 30 minutes
            container.maintenance().timeout_seconds = watchdog_seconds

    client = make_client(configure)
    return client, holder["engine"]


def test_an_engine_that_always_fails_ends_failed_after_exactly_one_retry(make_client: Any) -> None:
    client, engine = engine_client(
        make_client, fail_with=SynthesisError("the voice provider refused the request"))
    user = sign_up(client)
    task_id = submit(client, user, new_script(client, user)).json()["task_id"]
    final = wait_until_final(client, user, task_id)
    assert final["status"] == "failed"
    assert final["error_message"] == "rendering failed: the voice provider refused the request"
    task = client.get(f"/api/tasks/{task_id}", headers=user["headers"]).json()
    assert (task["retry_count"], engine.attempts, task["credit_cost"]) == (1, 2, 0)
    assert balance(client, user) == 100
    assert [(e["type"], e["amount"]) for e in ledger(client, user)] == [
        ("refund", 9), ("audio_generation", -9), ("grant", 100)]


def test_cancelling_a_running_task_stops_its_engine_and_refunds(make_client: Any) -> None:
    client, engine = engine_client(make_client, hold_seconds=30)
    user = sign_up(client)
    task_id = submit(client, user, new_script(client, user)).json()["task_id"]
    deadline = time.monotonic() + 20
    while client.get(f"/api/tasks/{task_id}/status",
                     headers=user["headers"]).json()["progress"] < 3:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    cancelled = client.post(f"/api/tasks/{task_id}/cancel", headers=user["headers"])
    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["error_message"]) == (
        "failed", "cancelled by the user")
    assert balance(client, user) == 100
    deadline = time.monotonic() + 10
    while engine.stopped == 0:
        assert time.monotonic() < deadline, "the engine kept running after the cancel"
        time.sleep(0.1)
    again = client.post(f"/api/tasks/{task_id}/cancel", headers=user["headers"])
    assert again.status_code == 409
    assert len([e for e in ledger(client, user) if e["type"] == "refund"]) == 1


def test_the_watchdog_fails_a_task_past_its_time_limit_and_stops_it(make_client: Any) -> None:
    client, engine = engine_client(make_client, watchdog_seconds=1.0, hold_seconds=60)
    user = sign_up(client)
    task_id = submit(client, user, new_script(client, user)).json()["task_id"]
    maintenance = client.app.state.container.maintenance()  # type: ignore[attr-defined]
    deadline = time.monotonic() + 20
    failed: list[str] = []
    while not failed:
        assert time.monotonic() < deadline
        time.sleep(0.3)
        failed = maintenance.fail_overdue()
    assert failed == [task_id]
    final = wait_until_final(client, user, task_id)
    assert final["status"] == "failed" and "longer than" in final["error_message"]
    assert balance(client, user) == 100
    deadline = time.monotonic() + 10
    while engine.stopped == 0:
        assert time.monotonic() < deadline, "the engine kept running past the watchdog"
        time.sleep(0.1)


def test_events_stream_progress_then_the_final_status(client: TestClient) -> None:
    user = sign_up(client)
    task_id = submit(client, user, new_script(client, user)).json()["task_id"]
    ticket = client.post(f"/api/tasks/{task_id}/events/ticket",
                         headers=user["headers"]).json()["ticket"]
    events: list[tuple[str, dict[str, Any]]] = []
    with client.stream("GET", f"/api/tasks/{task_id}/events?ticket={ticket}") as stream:
        events += read_events(stream, until="end")
    *progress, (last_name, last) = events
    assert last_name == "end" and last["status"] == "completed" and len(last["audio"]) == 2
    values = [data["progress"] for name, data in progress if name == "progress"]
    assert values == sorted(values)
    assert client.get(f"/api/tasks/{task_id}/events").status_code == 401


def test_a_worker_stops_a_render_at_its_own_time_limit(make_client: Any) -> None:
    def configure(container: Container) -> None:
        engine = ScriptedEngine(container.tts_engine(), hold_seconds=60)
        container.tts_engine.override(providers.Object(engine))
        deps = container.render_deps()
        container.render_deps.override(providers.Object(replace(deps, timeout_seconds=1.5)))

    client = make_client(configure)
    user = sign_up(client)
    task_id = submit(client, user, new_script(client, user)).json()["task_id"]
    final = wait_until_final(client, user, task_id)
    assert final["error_message"].startswith("rendering took longer than 1.5 seconds")
    assert balance(client, user) == 100


def test_transcripts_and_chapters_are_served_for_a_completed_task(client: TestClient) -> None:
    user = sign_up(client)
    task_id = submit(client, user, new_script(client, user)).json()["task_id"]
    wait_until_final(client, user, task_id)
    srt = client.get(f"/api/tasks/{task_id}/transcript.srt", headers=user["headers"])
    vtt = client.get(f"/api/tasks/{task_id}/transcript.vtt", headers=user["headers"])
    chapters = client.get(f"/api/tasks/{task_id}/chapters.json", headers=user["headers"])
    assert srt.status_code == vtt.status_code == chapters.status_code == 200
    assert srt.text.startswith("1\n00:00:00,000 --> ") and "Alice: Welcome back" in srt.text
    assert vtt.headers["content-type"].startswith("text/vtt") and vtt.text.startswith("WEBVTT")
    assert [c["title"] for c in chapters.json()["chapters"]][1] == "The queue"
    assert client.get(f"/api/tasks/{task_id}/transcript.txt",
                      headers=user["headers"]).status_code == 404
    intruder = sign_up(client)
    assert client.get(f"/api/tasks/{task_id}/transcript.srt",
                      headers=intruder["headers"]).status_code == 404


def test_metrics_count_tasks_by_status_after_a_render(client: TestClient) -> None:
    user = sign_up(client)
    task_id = submit(client, user, new_script(client, user)).json()["task_id"]
    wait_until_final(client, user, task_id)
    on_this_machine = TestClient(client.app, client=("127.0.0.1", 50000))  # [metrics] default
    metrics = on_this_machine.get("/metrics")
    assert metrics.status_code == 200
    lines = metrics.text.splitlines()
    assert 'podforge_tasks_total{status="completed"} 1.0' in lines
    assert 'podforge_tasks_total{status="failed"} 0.0' in lines
    assert "podforge_render_seconds_count 1.0" in lines
    assert "podforge_credits_debited_total 9.0" in lines
    chunks = len(validate_script(TWO_HOSTS, SegmenterRules(), ScriptLimits()).segments)
    assert f'podforge_tts_requests_total{{provider="espeak"}} {chunks:.1f}' in lines
