"""Text PostgreSQL cannot store (U+0000, lone surrogates) is a 422 naming the field, on every
request string, and writes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select

from adapters.container import create_container
from adapters.db import models
from adapters.settings import Settings, load_settings
from api.app import create_app
from tests.helpers import PASSWORD, sign_up

pytestmark = pytest.mark.postgres
HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"
GOOD = "**Alice:** Hello there.\n**Bob:** Hi Alice.\n"
TOPIC = {"topic": "why background jobs keep web apps fast", "style": "educational",
         "target_duration": 60, "speakers": ["Alice", "Bob"]}
NUL, SURROGATE = "\u0000", "\ud800"
NEW_PASSWORD = "a quite different passphrase"
TABLES = (models.User, models.Script, models.Conversation, models.ConversationMessage,
          models.Task, models.CreditTransaction)


@pytest.fixture
def studio(pg_settings: Settings, llm_server: Any,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The app on PostgreSQL with a model configured; a user with a script and a
    conversation that has had one round."""
    monkeypatch.setenv("PODFORGE_LLM__MODEL", "openai/podforge-local")
    monkeypatch.setenv("PODFORGE_LLM__API_BASE", f"{llm_server.base_url}/v1")
    monkeypatch.setenv("PODFORGE_LLM__API_KEY", "test-key")
    settings = load_settings()
    engine = create_engine(settings.database_url.replace("postgresql://",
                                                         "postgresql+psycopg2://", 1))
    with TestClient(create_app(create_container(settings)),
                    raise_server_exceptions=False) as client:
        user = sign_up(client)
        script = client.post("/api/scripts", headers=user["headers"], json={"content": GOOD})
        conversation = client.post("/api/conversations/create", headers=user["headers"],
                                   json=TOPIC)
        assert script.status_code == conversation.status_code == 201
        said = client.post(f"/api/conversations/{conversation.json()['id']}/messages",
                           headers=user["headers"], json={"content": "a first draft"})
        assert said.status_code == 200, said.text

        def rows() -> dict[str, int]:
            with engine.connect() as connection:
                return {table.__tablename__: connection.execute(
                    select(func.count()).select_from(table)).scalar_one() for table in TABLES}

        yield {"client": client, "headers": user["headers"], "username": user["username"],
               "script": script.json()["id"], "conversation": conversation.json()["id"],
               "rows": rows}
    engine.dispose()


def as_json(body: dict[str, Any]) -> dict[str, Any]:
    """Raw JSON bytes: a lone surrogate goes out as the escape ``\\ud800``, as a client
    may send it."""
    return {"content": json.dumps(body).encode(), "headers": {"content-type": "application/json"}}


def raw_upload(filename: bytes) -> dict[str, Any]:
    """A multipart body written by hand: clients percent-encode a NUL in a file name, a raw
    request need not."""
    body = (b'--B\r\nContent-Disposition: form-data; name="file"; filename="' + filename
            + b'"\r\n\r\n' + GOOD.encode() + b"\r\n--B--\r\n")
    return {"content": body, "headers": {"content-type": "multipart/form-data; boundary=B"}}


# (what, field, request builder taking the app's state and the bad text)
Request = Callable[[dict[str, Any], str], tuple[str, str, dict[str, Any]]]
JSON_FIELDS: list[tuple[str, str, Request]] = [
    ("validate", "content", lambda s, bad: (
        "POST", "/api/scripts/validate", as_json({"content": f"**Alice:** hi{bad}"}))),
    ("script title", "title", lambda s, bad: (
        "POST", "/api/scripts", as_json({"title": f"T{bad}", "content": GOOD}))),
    ("script content", "content", lambda s, bad: (
        "POST", "/api/scripts", as_json({"content": f"**Alice:** hi{bad}\n**Bob:** yo\n"}))),
    ("edited title", "title", lambda s, bad: (
        "PUT", f"/api/scripts/{s['script']}", as_json({"title": f"T{bad}"}))),
    ("edited content", "content", lambda s, bad: (
        "PUT", f"/api/scripts/{s['script']}", as_json({"content": f"{GOOD}**Bob:** a{bad}\n"}))),
    ("login", "username", lambda s, bad: (
        "POST", "/api/auth/login", as_json({"username": f"{s['username']}{bad}",
                                            "password": PASSWORD}))),
    ("login password", "password", lambda s, bad: (
        "POST", "/api/auth/login", as_json({"username": s["username"],
                                            "password": f"{PASSWORD}{bad}"}))),
    ("register email", "email", lambda s, bad: (
        "POST", "/api/auth/register", as_json({"username": "newcomer",
                                               "email": f"n{bad}@example.org",
                                               "password": PASSWORD}))),
    ("register password", "password", lambda s, bad: (
        "POST", "/api/auth/register", as_json({"username": "newcomer", "email": "n@example.org",
                                               "password": f"{PASSWORD}{bad}"}))),
    ("conversation topic", "topic", lambda s, bad: (
        "POST", "/api/conversations/create", as_json({**TOPIC, "topic": f"jobs{bad}"}))),
    ("speakers", "speakers", lambda s, bad: (
        "POST", "/api/conversations/create", as_json({**TOPIC, "speakers": ["Alice", f"B{bad}"]}))),
    ("conversation title", "title", lambda s, bad: (
        "POST", "/api/conversations/create", as_json({**TOPIC, "title": f"T{bad}"}))),
    ("style", "style", lambda s, bad: (
        "POST", "/api/conversations/create", as_json({**TOPIC, "style": f"casual{bad}"}))),
    ("message", "content", lambda s, bad: (
        "POST", f"/api/conversations/{s['conversation']}/messages",
        as_json({"content": f"shorter{bad}"}))),
    ("finalize title", "title", lambda s, bad: (
        "POST", f"/api/conversations/{s['conversation']}/finalize",
        as_json({"title": f"T{bad}", "force": True}))),
    ("task script id", "script_id", lambda s, bad: (
        "POST", "/api/tasks", as_json({"script_id": f"{s['script']}{bad}",
                                       "voice_config": {"Alice": "en-us-sarah"}}))),
    ("voice config", "voice_config", lambda s, bad: (
        "POST", "/api/tasks", as_json({"script_id": s["script"], "voice_config": {
            "Alice": {"voice_id": "en-us-sarah", "emotion": f"calm{bad}"},
            "Bob": "en-gb-oliver"}}))),
    # Last: a password change that went through would sign this user out.
    ("current password", "current_password", lambda s, bad: (
        "POST", "/api/users/me/password", as_json({"current_password": f"{PASSWORD}{bad}",
                                                   "new_password": NEW_PASSWORD}))),
    ("new password", "new_password", lambda s, bad: (
        "POST", "/api/users/me/password", as_json({"current_password": PASSWORD,
                                                   "new_password": f"{NEW_PASSWORD}{bad}"}))),
]
# Forms, query strings and paths carry no lone surrogate (their bytes are decoded as UTF-8
# with replacement), but they do carry U+0000.
NUL_ONLY_FIELDS: list[tuple[str, str, Request]] = [
    ("token form", "username", lambda s, bad: (
        "POST", "/api/auth/token", {"data": {"username": f"{s['username']}{bad}",
                                             "password": PASSWORD}})),
    ("upload title", "title", lambda s, bad: (
        "POST", "/api/scripts/upload", {"files": {"file": ("a.md", GOOD.encode())},
                                        "data": {"title": f"T{bad}"}})),
    ("upload file name", "file", lambda s, bad: (
        "POST", "/api/scripts/upload", raw_upload(f"a{bad}.md".encode()))),
    ("tasks by script", "script_id", lambda s, bad: (
        "GET", "/api/tasks", {"params": {"script_id": f"x{bad}"}})),
    ("templates by language", "language", lambda s, bad: (
        "GET", "/api/templates", {"params": {"language": f"en{bad}"}})),
    ("voices by language", "language", lambda s, bad: (
        "GET", "/api/voices", {"params": {"language": f"en{bad}"}})),
    ("script id in the path", "script_id", lambda s, bad: (
        "GET", f"/api/scripts/{s['script']}{quote(bad)}", {})),
    ("conversation id in the path", "conversation_id", lambda s, bad: (
        "GET", f"/api/conversations/{s['conversation']}{quote(bad)}", {})),
]
CASES = ([(f"{what} with {name}", field, build, bad)
          for what, field, build in JSON_FIELDS
          for name, bad in (("U+0000", NUL), ("a lone surrogate", SURROGATE))]
         + [(f"{what} with U+0000", field, build, NUL) for what, field, build in NUL_ONLY_FIELDS])


def names_the_field(response: httpx.Response, field: str) -> bool:
    detail = response.json()["detail"]
    if isinstance(detail, str):
        return field in detail
    return any(field in [str(part) for part in item["loc"]] for item in detail)


def refusal_problem(studio: dict[str, Any], field: str, build: Request, bad: str) -> str | None:
    """What is wrong with the answer to one request carrying ``bad`` in ``field``, if
    anything."""
    before = studio["rows"]()
    method, path, options = build(studio, bad)
    headers = {**studio["headers"], **options.pop("headers", {})}
    response = studio["client"].request(method, path, headers=headers, **options)
    if response.status_code != 422:
        return f"answered {response.status_code}: {response.text[:200]}"
    if not names_the_field(response, field):
        return f"the 422 does not name {field!r}: {response.text[:200]}"
    if studio["rows"]() != before:
        return "a row was written"
    return None


def test_text_the_database_refuses_is_a_422_naming_the_field_in_every_request_string(
    studio: dict[str, Any]
) -> None:
    """One app for every case (each would otherwise build its own database and studio)."""
    problems = [f"{what}: {problem}" for what, field, build, bad in CASES
                if (problem := refusal_problem(studio, field, build, bad))]
    assert len(CASES) >= 40
    assert not problems, "\n".join(problems)


def test_uploaded_files_with_nul_bytes_are_refused_on_postgresql(
    studio: dict[str, Any]
) -> None:
    client: TestClient = studio["client"]
    before = studio["rows"]()
    response = client.post("/api/scripts/upload", headers=studio["headers"], files={
        "file": ("nul-bytes.md", (HOSTILE / "nul-bytes.md").read_bytes())})
    assert response.status_code == 422 and "U+0000" in response.json()["detail"], response.text
    assert studio["rows"]() == before


def test_ordinary_text_in_the_same_fields_is_still_stored(studio: dict[str, Any]) -> None:
    """The refusal is exact: emoji (astral characters) and CJK text are fine."""
    client: TestClient = studio["client"]
    created = client.post("/api/scripts", headers=studio["headers"], json={
        "title": "播客 🎙️", "content": "**Alice:** 你好 🎉\n**Bob:** Hi.\n"})
    assert created.status_code == 201, created.text
    assert created.json()["title"] == "播客 🎙️"
