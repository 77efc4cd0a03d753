"""Small helpers shared by API tests."""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.resources import project_root

PASSWORD = "correct horse battery"


def sign_up(client: TestClient, name: str | None = None) -> dict[str, Any]:
    """Register and sign in a new user; returns the user with ``headers`` for requests."""
    name = name or f"user{uuid.uuid4().hex[:8]}"
    created = client.post("/api/auth/register",
                          json={"username": name, "email": f"{name}@example.org",
                                "password": PASSWORD})
    assert created.status_code == 201, created.text
    token = client.post("/api/auth/login", json={"username": name, "password": PASSWORD})
    assert token.status_code == 200, token.text
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    return {**created.json(), "headers": bearer}


def read_events(stream: Any, *, until: str | None = None) -> list[tuple[str, Any]]:
    """The Server-Sent Events of a streamed response as (event, data) pairs, stopping after
    the event named ``until``."""
    events: list[tuple[str, Any]] = []
    name = ""
    for line in stream.iter_lines():
        if line.startswith("event:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            events.append((name, json.loads(line.split(":", 1)[1])))
            if name == until:
                break
    return events


def wait_for_progress(client: TestClient, user: dict[str, Any], task_id: str, minimum: int,
                      seconds: float = 60) -> None:
    """Poll the task's status until its progress reaches ``minimum``."""
    deadline = time.monotonic() + seconds
    while client.get(f"/api/tasks/{task_id}/status",
                     headers=user["headers"]).json()["progress"] < minimum:
        assert time.monotonic() < deadline, "the task never started"
        time.sleep(0.05)


def uv_binary() -> str:
    """uv from the environment or PATH, else the copy `make setup` installed."""
    found = (os.environ.get("UV") or shutil.which("uv")
             or str(project_root() / ".tools" / "bin" / "uv"))
    if not Path(found).exists():
        pytest.fail("uv is not installed: run `make setup`", pytrace=False)
    return found
