"""Hostile inputs get a clear 4xx and leave nothing behind (or are stored as plain text)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import sign_up

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"
GOOD = "**Alice:** Hello there.\n**Bob:** Hi Alice.\n"


@pytest.fixture
def user(client: TestClient) -> dict[str, Any]:
    return sign_up(client)


def nothing_written(client: TestClient, user: dict[str, Any], scripts: int = 0) -> None:
    assert client.get("/api/scripts", headers=user["headers"]).json()["total"] == scripts
    assert client.get("/api/tasks", headers=user["headers"]).json()["total"] == 0
    assert client.get("/api/users/me", headers=user["headers"]).json()["credit_balance"] == 100


@pytest.mark.parametrize(("name", "status", "words"), [
    ("empty.md", 422, "no speaker tag"),
    ("binary.md", 422, "not UTF-8"),
    ("latin1.md", 422, "line 1: the file is not UTF-8"),
    ("utf16.md", 422, "not UTF-8"),
    ("many-speakers.md", 422, "at most 8"),
    ("nul-bytes.md", 422, "U+0000"),
])
def test_hostile_files_are_refused_naming_what_is_wrong(client: TestClient,
                                                        user: dict[str, Any], name: str,
                                                        status: int, words: str) -> None:
    response = client.post("/api/scripts/upload", headers=user["headers"],
                           files={"file": (name, (HOSTILE / name).read_bytes())})
    assert response.status_code == status and words in response.json()["detail"], response.text
    nothing_written(client, user)


def test_a_script_over_the_size_limit_is_a_413(client: TestClient, user: dict[str, Any]) -> None:
    huge = "**A:** " + "x" * 1_000_001
    assert client.post("/api/scripts", headers=user["headers"],
                       json={"content": huge}).status_code == 413
    upload = client.post("/api/scripts/upload", headers=user["headers"],
                         files={"file": ("huge.md", huge.encode())})
    assert upload.status_code == 413
    nothing_written(client, user)


def test_html_in_titles_and_turns_is_stored_as_text(client: TestClient,
                                                    user: dict[str, Any]) -> None:
    content = (HOSTILE / "html-and-script.md").read_text()
    created = client.post("/api/scripts", headers=user["headers"],
                          json={"title": "<script>alert(1)</script>", "content": content})
    assert created.status_code == 201
    stored = client.get(f"/api/scripts/{created.json()['id']}", headers=user["headers"]).json()
    assert (stored["title"], stored["content"]) == ("<script>alert(1)</script>", content)
    assert created.headers["content-type"] == "application/json"


@pytest.mark.parametrize("voice_config", [
    {"Alice": "en-us-sarah\"; DROP TABLE tasks; --", "Bob": "en-gb-oliver"},
    {"Alice": "en-us-sarah\nvoice_id: en-gb-oliver", "Bob": "en-gb-oliver"},
    {"Alice": "{{ config.items() }}", "Bob": "en-gb-oliver"},
    {"Alice": "../../etc/passwd", "Bob": "en-gb-oliver"},
    {"Alice": {"voice_id": "en-us-sarah", "speed": "1; rm -rf /"}, "Bob": "en-gb-oliver"},
    {"Alice": {"voice_id": "en-us-sarah", "pitch": 10**100}, "Bob": "en-gb-oliver"},
    {"Alice": ["en-us-sarah"], "Bob": "en-gb-oliver"},
])
def test_hostile_voice_configs_are_422_and_charge_nothing(client: TestClient,
                                                          user: dict[str, Any],
                                                          voice_config: dict[str, Any]) -> None:
    script = client.post("/api/scripts", headers=user["headers"], json={"content": GOOD}).json()
    response = client.post("/api/tasks", headers=user["headers"],
                           json={"script_id": script["id"], "voice_config": voice_config})
    assert response.status_code == 422 and "Alice" in response.json()["detail"]
    nothing_written(client, user, scripts=1)


@pytest.mark.parametrize("body", [b"", b"{", b"[]", b'{"content": 5}', b'{"content": null}',
                                  "{\"content\": \"\ud800\"}".encode("utf-8", "surrogatepass")])
def test_malformed_bodies_are_4xx_never_500(client: TestClient, user: dict[str, Any],
                                            body: bytes) -> None:
    response = client.post("/api/scripts", headers={**user["headers"],
                                                    "content-type": "application/json"},
                           content=body)
    assert 400 <= response.status_code < 500, response.text
    nothing_written(client, user)
