"""Scripts over HTTP: validation while typing, create, upload, list, read, edit; bad input 4xx."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import sign_up

SCRIPTS = Path(__file__).resolve().parents[1] / "fixtures" / "scripts"
TWO_HOSTS = (SCRIPTS / "two-hosts-en.md").read_text()


@pytest.fixture
def user(client: TestClient) -> dict[str, Any]:
    return sign_up(client)


def test_validate_reports_problems_with_lines_even_for_errors(client: TestClient,
                                                              user: dict[str, Any]) -> None:
    report = client.post("/api/scripts/validate", headers=user["headers"],
                         json={"content": (SCRIPTS / "bad" / "empty-turn.md").read_text()})
    assert report.status_code == 200
    assert report.json()["problems"] == [
        {"line": 2, "severity": "error", "message": "the turn of Bob has nothing to say"}]
    good = client.post("/api/scripts/validate", headers=user["headers"],
                       json={"content": TWO_HOSTS}).json()
    assert good["speakers"] == ["Alice", "Bob"] and good["problems"] == []
    assert good["estimated_credits"] == 9 and good["segments"][0]["line"] == 3


def test_create_list_get_and_edit(client: TestClient, user: dict[str, Any]) -> None:
    created = client.post("/api/scripts", headers=user["headers"], json={"content": TWO_HOSTS})
    assert created.status_code == 201
    script = created.json()
    assert script["title"] == "Episode 7: Why your web request should never wait for audio"
    assert (script["source"], script["speakers"], script["estimated_chars"]) == (
        "uploaded", ["Alice", "Bob"], 827)
    assert client.get(f"/api/scripts/{script['id']}", headers=user["headers"]).json() == script
    edited = client.put(f"/api/scripts/{script['id']}", headers=user["headers"],
                        json={"title": "Short", "content": "**Alice:** Hi.\n**Cleo:** Hey.\n"})
    assert edited.status_code == 200
    assert (edited.json()["title"], edited.json()["speakers"]) == ("Short", ["Alice", "Cleo"])
    page = client.get("/api/scripts", headers=user["headers"]).json()
    assert page["total"] == 1 and page["items"][0]["title"] == "Short"
    me = client.get("/api/users/me", headers=user["headers"]).json()
    assert me["credit_balance"] == 100  # scripts are free


def test_upload_of_a_markdown_file(client: TestClient, user: dict[str, Any]) -> None:
    response = client.post("/api/scripts/upload", headers=user["headers"],
                           files={"file": ("trio.md", (SCRIPTS / "trio-zh.md").read_bytes())})
    assert response.status_code == 201
    assert response.json()["speakers"] == ["daniu", "yifan", "boyu"]


@pytest.mark.parametrize(
    ("name", "data", "status", "words"),
    [("notes.pdf", b"%PDF-1.4", 422, ".md or .txt"),
     ("latin1.md", "**A:** hi\n**B:** café\n".encode("latin-1"), 422, "line 2"),
     ("empty.md", b"", 422, "no speaker tag"),
     ("binary.md", bytes(range(256)), 422, "line 2: the file is not UTF-8")],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(
    client: TestClient, user: dict[str, Any], name: str, data: bytes, status: int, words: str
) -> None:
    response = client.post("/api/scripts/upload", headers=user["headers"],
                           files={"file": (name, data)})
    assert response.status_code == status and words in response.json()["detail"]
    assert client.get("/api/scripts", headers=user["headers"]).json()["total"] == 0


@pytest.mark.parametrize(
    ("content", "status", "words"),
    [((SCRIPTS / "bad" / "empty-turn.md").read_text(), 422, "line 2"),
     ((SCRIPTS / "bad" / "no-speaker-tags.md").read_text(), 422, "line 1: no speaker tag"),
     ("**A:** bad \ufffd text", 422, "line 1"),
     ("**A:** " + "x" * 1_000_001, 413, "at most 1000000")],
)
def test_bad_scripts_name_the_line_and_are_not_stored(
    client: TestClient, user: dict[str, Any], content: str, status: int, words: str
) -> None:
    response = client.post("/api/scripts", headers=user["headers"], json={"content": content})
    assert response.status_code == status and words in response.json()["detail"]
    assert client.get("/api/scripts", headers=user["headers"]).json()["total"] == 0


def test_an_edit_with_errors_keeps_the_old_script(client: TestClient,
                                                  user: dict[str, Any]) -> None:
    script = client.post("/api/scripts", headers=user["headers"],
                         json={"content": TWO_HOSTS}).json()
    bad = client.put(f"/api/scripts/{script['id']}", headers=user["headers"],
                     json={"content": "no tags at all"})
    assert bad.status_code == 422
    kept = client.get(f"/api/scripts/{script['id']}", headers=user["headers"]).json()
    assert kept["content"] == TWO_HOSTS


@pytest.mark.parametrize("script_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000",
                                       "1' OR '1'='1"])
def test_unknown_or_malformed_ids_are_404(client: TestClient, user: dict[str, Any],
                                          script_id: str) -> None:
    assert client.get(f"/api/scripts/{script_id}", headers=user["headers"]).status_code == 404


def test_scripts_need_a_signed_in_user(client: TestClient) -> None:
    assert client.get("/api/scripts").status_code == 401
    assert client.post("/api/scripts", json={"content": TWO_HOSTS}).status_code == 401
