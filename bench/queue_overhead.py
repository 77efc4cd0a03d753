"""Submit to completed for a one-line script with an offline voice, on the embedded default."""

from __future__ import annotations

import statistics
import time
import uuid
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from bench.harness import studio

TASKS = 50


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run() -> dict[str, Any]:
    with studio() as container, TestClient(create_app(container)) as client:
        name = f"bench{uuid.uuid4().hex[:6]}"
        client.post("/api/auth/register", json={"username": name, "email": f"{name}@x.org",
                                                "password": "benchmark password"})
        token = client.post("/api/auth/login", json={"username": name,
                                                     "password": "benchmark password"})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        container.ledger().grant(user_id=client.get("/api/users/me", headers=headers).json()[
            "id"], amount=1000, reference_id=None, idempotency_key="bench", description="bench")
        latencies = []
        for n in range(TASKS):
            script = client.post("/api/scripts", headers=headers,
                                 json={"content": f"**A:** Line number {n}.\n"}).json()
            started = time.perf_counter()
            task = client.post("/api/tasks", headers=headers, json={
                "script_id": script["id"], "voice_config": {"A": "en-us-sarah"}}).json()
            while client.get(f"/api/tasks/{task['task_id']}/status",
                             headers=headers).json()["status"] not in ("completed", "failed"):
                time.sleep(0.005)
            latencies.append(time.perf_counter() - started)
    return {"tasks": TASKS, "p50_seconds": round(statistics.median(latencies), 3),
            "p95_seconds": round(percentile(latencies, 0.95), 3),
            "backend": "embedded default (SQLite, in-process queue)",
            "note": "includes rendering, loudness and MP3 of a one-line episode"}
