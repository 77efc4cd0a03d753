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


def rendered_task(client: TestClient, user: dict[str, Any], script_id: str,
                  voices: dict[str, str], seconds: float = 60) -> dict[str, Any]:
    """Submit a render of the script and wait for it to end; the task's full record."""
    accepted = client.post("/api/tasks", headers=user["headers"],
                           json={"script_id": script_id, "voice_config": voices})
    assert accepted.status_code == 202, accepted.text
    task_id = accepted.json()["task_id"]
    deadline = time.monotonic() + seconds
    while True:
        task: dict[str, Any] = client.get(f"/api/tasks/{task_id}",
                                          headers=user["headers"]).json()
        if task["status"] in ("completed", "failed"):
            return task
        assert time.monotonic() < deadline, f"task {task_id} never ended: {task}"
        time.sleep(0.1)


def wait_until_serving(base: str, process: Any, log: Path, seconds: float = 60) -> None:
    """Wait until the `podforge serve` process at ``base`` answers /healthz; fail with its log
    when it exits or never answers."""
    import httpx

    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(f"{base}/healthz", timeout=2)
            return
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"podforge serve did not come up:\n{log.read_text()}")
            time.sleep(0.2)
