"""The deployment shape: API, `podforge worker --processes 2`, PostgreSQL and Redis."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from adapters.container import create_container
from adapters.db.models import Audio, CreditTransaction
from adapters.settings import Settings, load_settings, project_root
from api.app import create_app
from tests.conftest import REDIS_URL
from tests.helpers import sign_up

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]
PODFORGE = project_root() / ".venv" / "bin" / "podforge"
SHORT = "**Alice:** Queues keep requests fast.\n**Bob:** And workers do the slow part.\n"
VOICES = {"Alice": "en-us-sarah", "Bob": "en-gb-oliver"}


@pytest.fixture
def deployment(pg_settings: Settings, redis_client: Any,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """An API (in this process) on PostgreSQL and Redis, and a way to start worker processes."""
    for key, value in {"PODFORGE_QUEUE__TYPE": "redis", "PODFORGE_REDIS__URL": REDIS_URL,
                       "PODFORGE_QUEUE__VISIBILITY_TIMEOUT_SECONDS": "3",
                       "PODFORGE_WORKER__DUTY_SECONDS": "1"}.items():
        monkeypatch.setenv(key, value)
    settings = load_settings()
    container = create_container(settings)
    started: list[subprocess.Popen[str]] = []

    def start_workers(processes: int = 2) -> subprocess.Popen[str]:
        process = subprocess.Popen([str(PODFORGE), "worker", "--processes", str(processes)],
                                   env=dict(os.environ), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)
        started.append(process)
        return process

    with TestClient(create_app(container)) as client:
        yield {"client": client, "container": container, "start_workers": start_workers,
               "redis": redis_client}
    for process in started:
        process.send_signal(signal.SIGTERM)
    for process in started:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


def grant(container: Any, user: dict[str, Any], amount: int) -> None:
    container.ledger().grant(user_id=user["id"], amount=amount, reference_id=None,
                             idempotency_key=f"test-grant:{amount}", description="test")


def submit(client: TestClient, user: dict[str, Any], content: str) -> str:
    script = client.post("/api/scripts", headers=user["headers"], json={"content": content})
    task = client.post("/api/tasks", headers=user["headers"],
                       json={"script_id": script.json()["id"], "voice_config": VOICES})
    assert task.status_code == 202, task.text
    return str(task.json()["task_id"])


def wait_all(client: TestClient, user: dict[str, Any], task_ids: list[str],
             seconds: float) -> dict[str, dict[str, Any]]:
    deadline = time.monotonic() + seconds
    final: dict[str, dict[str, Any]] = {}
    while len(final) < len(task_ids):
        assert time.monotonic() < deadline, f"unfinished: {set(task_ids) - set(final)}"
        for task_id in set(task_ids) - set(final):
            status = client.get(f"/api/tasks/{task_id}/status", headers=user["headers"]).json()
            if status["status"] in ("completed", "failed"):
                final[task_id] = status
        time.sleep(0.3)
    return final


def charges(container: Any, task_id: str) -> list[tuple[str, int]]:
    with container.session_factory()() as session:
        rows = session.execute(select(CreditTransaction.type, CreditTransaction.amount).where(
            CreditTransaction.reference_id == task_id).order_by(CreditTransaction.created_at))
        return [(row.type, row.amount) for row in rows]


def audio_rows(container: Any, task_id: str) -> int:
    import uuid

    with container.session_factory()() as session:
        return int(session.execute(select(func.count()).select_from(Audio).where(
            Audio.task_id == uuid.UUID(task_id))).scalar_one())


def test_twenty_tasks_across_two_worker_processes_all_complete(deployment: dict[str, Any]
                                                               ) -> None:
    client, container = deployment["client"], deployment["container"]
    user = sign_up(client)
    task_ids = [submit(client, user, SHORT) for _ in range(20)]
    workers = deployment["start_workers"](2)
    final = wait_all(client, user, task_ids, seconds=180)
    assert {status["status"] for status in final.values()} == {"completed"}
    for task_id in task_ids:
        assert audio_rows(container, task_id) == 2
        assert charges(container, task_id) == [("audio_generation", -1)]
    me = client.get("/api/users/me", headers=user["headers"]).json()
    assert me["credit_balance"] == 100 - 20
    workers.send_signal(signal.SIGTERM)
    _, log = workers.communicate(timeout=60)
    finished_by = {line.split()[2] for line in log.splitlines() if ": completed" in line}
    assert finished_by == {"worker-0", "worker-1"}, log[-2000:]


def holder_pid(redis: Any) -> int | None:
    """The pid of the worker process holding the one task message (consumer host-pid)."""
    for consumer in redis.xinfo_consumers("podforge:tasks", "workers"):
        if consumer["pending"]:
            name = consumer["name"].decode() if isinstance(consumer["name"], bytes) \
                else consumer["name"]
            host, _, pid = name.rpartition("-")
            if host == socket.gethostname():
                return int(pid)
    return None


def test_a_worker_killed_mid_task_is_replaced_and_the_task_completes_once(
    deployment: dict[str, Any]
) -> None:
    client, container, redis = deployment["client"], deployment["container"], deployment["redis"]
    user = sign_up(client)
    grant(container, user, 1000)
    long_script = "".join(f"**{('Alice', 'Bob')[i % 2]}:** Line {i} of a long conversation "
                          "about queues and workers.\n" for i in range(400))
    task_id = submit(client, user, long_script)
    deployment["start_workers"](2)
    deadline = time.monotonic() + 60
    pid = None
    while pid is None:
        assert time.monotonic() < deadline, "no worker took the task"
        status = client.get(f"/api/tasks/{task_id}/status", headers=user["headers"]).json()
        if status["status"] == "processing" and status["progress"] >= 3:
            pid = holder_pid(redis)
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    killed_at = time.monotonic()
    final = wait_all(client, user, [task_id], seconds=120)[task_id]
    assert final["status"] == "completed"
    assert time.monotonic() - killed_at < 120
    assert audio_rows(container, task_id) == 2
    held = [amount for kind, amount in charges(container, task_id) if kind == "audio_generation"]
    assert len(held) == 1  # charged once, whatever happened to the first worker


def test_tasks_lost_by_redis_are_requeued_by_the_reconciler(deployment: dict[str, Any]) -> None:
    client, container, redis = deployment["client"], deployment["container"], deployment["redis"]
    user = sign_up(client)
    task_ids = [submit(client, user, SHORT) for _ in range(3)]
    redis.flushdb()  # as if Redis restarted without persistence: the queue is gone
    deployment["start_workers"](1)
    final = wait_all(client, user, task_ids, seconds=90)
    assert {status["status"] for status in final.values()} == {"completed"}
    assert all(audio_rows(container, task_id) == 2 for task_id in task_ids)


def test_events_from_a_separate_worker_process_reach_the_client(deployment: dict[str, Any]
                                                                 ) -> None:
    client = deployment["client"]
    user = sign_up(client)
    grant(deployment["container"], user, 500)
    task_id = submit(client, user, "".join(
        f"**{('Alice', 'Bob')[i % 2]}:** Sentence {i} for the progress bar.\n"
        for i in range(150)))
    deployment["start_workers"](1)
    token = user["headers"]["Authorization"].split()[1]
    events: list[tuple[str, dict[str, Any]]] = []
    with client.stream("GET", f"/api/tasks/{task_id}/events",
                       params={"access_token": token}) as stream:
        name = ""
        for line in stream.iter_lines():
            if line.startswith("event:"):
                name = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                events.append((name, json.loads(line.split(":", 1)[1])))
                if name == "end":
                    break
    progress = [data["progress"] for name, data in events if name == "progress"]
    assert events[-1][0] == "end" and events[-1][1]["status"] == "completed"
    assert progress == sorted(progress) and len(set(progress)) >= 3


def test_sigterm_lets_a_worker_finish_the_task_at_hand(deployment: dict[str, Any]) -> None:
    client = deployment["client"]
    user = sign_up(client)
    grant(deployment["container"], user, 500)
    task_id = submit(client, user, "".join(
        f"**{('Alice', 'Bob')[i % 2]}:** Sentence {i} before the shutdown.\n"
        for i in range(300)))
    workers = deployment["start_workers"](1)
    deadline = time.monotonic() + 60
    while client.get(f"/api/tasks/{task_id}/status",
                     headers=user["headers"]).json()["progress"] < 3:
        assert time.monotonic() < deadline, "the task never started"
        time.sleep(0.05)
    workers.send_signal(signal.SIGTERM)
    assert workers.wait(timeout=120) == 0
    final = client.get(f"/api/tasks/{task_id}/status", headers=user["headers"]).json()
    assert final["status"] == "completed"
