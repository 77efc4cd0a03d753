"""Fixtures for tests of the deployment shape: API, worker processes, PostgreSQL, Redis."""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from redis import Redis
from sqlalchemy import func, select

from adapters.container import create_container
from adapters.db.models import Audio, CreditTransaction
from adapters.resources import project_root
from adapters.settings import Settings, load_settings
from api.app import create_app
from tests.conftest import REDIS_URL, free_port

PODFORGE = project_root() / ".venv" / "bin" / "podforge"
VOICES = {"Alice": "en-us-sarah", "Bob": "en-gb-oliver"}


@pytest.fixture
def redis_url() -> str:
    """The Redis the deployment uses; a test module may override it (a private server)."""
    return REDIS_URL


@pytest.fixture
def deployment(pg_settings: Settings, redis_client: Any, redis_url: str,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """An API (in this process) on PostgreSQL and Redis, and a way to start worker processes."""
    for key, value in {"PODFORGE_QUEUE__TYPE": "redis", "PODFORGE_REDIS__URL": redis_url,
                       "PODFORGE_QUEUE__VISIBILITY_TIMEOUT_SECONDS": "3",
                       "PODFORGE_WORKER__DUTY_SECONDS": "1"}.items():
        monkeypatch.setenv(key, value)
    settings = load_settings()
    container = create_container(settings)
    started: list[subprocess.Popen[str]] = []

    def start_workers(processes: int = 2,
                      max_file_bytes: int | None = None) -> subprocess.Popen[str]:
        """``max_file_bytes`` caps the size of any file the workers write (a full disk)."""

        def limit_files() -> None:
            if max_file_bytes is not None:
                resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write, not the process

        process = subprocess.Popen([str(PODFORGE), "worker", "--processes", str(processes)],
                                   env=dict(os.environ), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True, preexec_fn=limit_files)
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


def submit(client: TestClient, user: dict[str, Any], content: str,
           voices: dict[str, str] | None = None) -> str:
    script = client.post("/api/scripts", headers=user["headers"], json={"content": content})
    task = client.post("/api/tasks", headers=user["headers"],
                       json={"script_id": script.json()["id"], "voice_config": voices or VOICES})
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
    with container.session_factory()() as session:
        return int(session.execute(select(func.count()).select_from(Audio).where(
            Audio.task_id == uuid.UUID(task_id))).scalar_one())


def check_invariants(container: Any) -> None:
    """After any failure: every task ended; every completed task has both files; credits were
    kept only for delivered work; every balance is the sum of its transactions."""
    from adapters.db.models import Task, User

    storage = container.storage()
    with container.session_factory()() as session:
        for task in session.execute(select(Task)).scalars():
            assert task.status in ("completed", "failed"), (task.id, task.status)
            rows = session.execute(select(Audio).where(Audio.task_id == task.id)).scalars().all()
            if task.status == "completed":
                assert len(rows) == 2 and all(storage.exists(r.file_path) for r in rows)
            else:
                assert rows == [] and task.credit_cost == 0
            kept = session.execute(select(func.coalesce(func.sum(CreditTransaction.amount), 0))
                                   .where(CreditTransaction.reference_id == str(task.id))
                                   ).scalar_one()
            assert -kept == task.credit_cost, (task.id, kept, task.credit_cost)
        for user in session.execute(select(User)).scalars():
            total = session.execute(select(func.coalesce(func.sum(CreditTransaction.amount), 0))
                                    .where(CreditTransaction.user_id == user.id)).scalar_one()
            assert total == user.credit_balance, (user.username, total, user.credit_balance)


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


def rendering_worker_pid(client: TestClient, user: dict[str, Any], task_id: str,
                         redis: Any, seconds: float = 60) -> int:
    """The pid of the worker process rendering the task, once its progress shows it started."""
    deadline = time.monotonic() + seconds
    while True:
        assert time.monotonic() < deadline, "no worker took the task"
        status = client.get(f"/api/tasks/{task_id}/status", headers=user["headers"]).json()
        if status["status"] == "processing" and status["progress"] >= 3:
            pid = holder_pid(redis)
            if pid is not None:
                return pid
        time.sleep(0.05)


class PrivateRedis:
    """A redis-server of this test's own, on another port, that can be stopped and restarted."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)], stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                Redis.from_url(self.url).ping()
                return
            except Exception:
                assert time.monotonic() < deadline, "the private redis-server did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()
