"""After a crash, each idle worker reclaims one stale task, and a reclaimed task has one owner."""

from __future__ import annotations

import re
import subprocess
import threading
import time
import uuid
from typing import IO, Any

import pytest
from sqlalchemy import select

from adapters.db.models import Task
from adapters.queue.redis_streams import RedisStreamQueue
from tests.helpers import sign_up
from tests.integration.conftest import grant, submit, wait_all

pytestmark = pytest.mark.redis

VISIBILITY = 0.5


def crash_holding(queue: RedisStreamQueue, count: int) -> list[str]:
    """A worker takes ``count`` messages and dies without acknowledging or renewing them."""
    task_ids = [f"task-{n}" for n in range(count)]
    for task_id in task_ids:
        queue.enqueue(task_id)
    for _ in task_ids:
        assert queue.receive("crashed-host-1", 1) is not None
    return task_ids


def test_each_idle_worker_reclaims_one_stale_task(redis_client: Any) -> None:
    # One queue object per worker process, as in a deployment.
    workers = {f"worker-{n}": RedisStreamQueue(redis_client, VISIBILITY) for n in range(4)}
    task_ids = crash_holding(next(iter(workers.values())), 4)
    time.sleep(VISIBILITY + 0.3)
    taken = {name: queue.receive(name, 0.2) for name, queue in workers.items()}
    assert sorted(message.task_id for message in taken.values() if message) == task_ids
    assert all(message is not None and message.deliveries == 2 for message in taken.values())
    # Each holds just the one it started: none waits in a private list, unrenewed.
    pending = redis_client.xpending_range("podforge:tasks", "workers", min="-", max="+",
                                          count=10)
    assert sorted(entry["consumer"].decode() for entry in pending) == sorted(workers)


def test_a_worker_whose_task_was_reclaimed_cannot_take_it_back(redis_client: Any) -> None:
    slow, idle = RedisStreamQueue(redis_client, VISIBILITY), RedisStreamQueue(redis_client,
                                                                             VISIBILITY)
    slow.enqueue("task-1")
    held = slow.receive("slow-worker", 1)
    assert held is not None and slow.renew(held, "slow-worker")
    time.sleep(VISIBILITY + 0.3)  # the slow worker missed its renewal
    reclaimed = idle.receive("idle-worker", 0.2)
    assert reclaimed is not None and reclaimed.task_id == "task-1"
    assert slow.renew(held, "slow-worker") is False
    assert idle.renew(reclaimed, "idle-worker") is True
    pending = redis_client.xpending_range("podforge:tasks", "workers", min="-", max="+", count=5)
    assert [entry["consumer"] for entry in pending] == [b"idle-worker"]


LONG = "".join(f"**{('Alice', 'Bob')[i % 2]}:** Line {i} of a conversation that takes a "
               "while to speak.\n" for i in range(150))


@pytest.mark.slow
@pytest.mark.postgres
def test_four_tasks_of_a_crashed_worker_all_start_within_one_visibility_timeout(
    deployment: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, container, redis = deployment["client"], deployment["container"], deployment["redis"]
    visibility = 6.0
    monkeypatch.setenv("PODFORGE_QUEUE__VISIBILITY_TIMEOUT_SECONDS", str(visibility))
    user = sign_up(client)
    grant(container, user, 1000)
    task_ids = [submit(client, user, LONG + f"**Alice:** Episode {n}.\n") for n in range(4)]
    held = [redis.xreadgroup("workers", "crashed-host-1", {"podforge:tasks": ">"}, count=1)
            [0][1][0][0] for _ in task_ids]  # a worker took all four...
    workers = deployment["start_workers"](4)
    log = WorkerLog(workers)
    deadline = time.monotonic() + 180
    # ...and kept renewing them while the four workers came up...
    while log.count(r'"message": "worker \S+ started"') < 4:
        if time.monotonic() > deadline:
            workers.terminate()
            pytest.fail(f"the workers did not start: {log.text()[-3000:]}")
        redis.xclaim("podforge:tasks", "workers", "crashed-host-1", 0, held, justid=True)
        time.sleep(0.5)
    redis.xclaim("podforge:tasks", "workers", "crashed-host-1", 0, held, justid=True)
    stale_at = time.monotonic() + visibility  # ...then died: the four idle workers wait
    starts = wait_for_starts(container, task_ids, seconds=visibility + 90)
    late = {task_id: round(at - stale_at, 1) for task_id, at in starts.items()
            if at > stale_at + visibility}
    assert late == {}, f"seconds after going stale, beyond {visibility}: {late}; " \
                       f"{log.text()[-3000:]}"
    final = wait_all(client, user, task_ids, seconds=300)
    assert {status["status"] for status in final.values()} == {"completed"}
    # Nobody started a task that another worker then took over.
    assert log.count(r": lost \(worker|taken over|took it over") == 0, log.text()[-3000:]


class WorkerLog:
    """The log lines of a running `podforge worker`, read as they come."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        assert process.stderr is not None
        self._thread = threading.Thread(target=self._read, args=(process.stderr,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.append(line)

    def count(self, pattern: str) -> int:
        return sum(bool(re.search(pattern, line)) for line in list(self.lines))

    def text(self) -> str:
        return "".join(self.lines)


def wait_for_starts(container: Any, task_ids: list[str], seconds: float) -> dict[str, float]:
    """When each task was first started, on this process's monotonic clock (polled)."""
    deadline = time.monotonic() + seconds
    starts: dict[str, float] = {}
    while len(starts) < len(task_ids) and time.monotonic() < deadline:
        with container.session_factory()() as session:
            started = session.execute(select(Task.id).where(
                Task.id.in_([uuid.UUID(task_id) for task_id in task_ids]),
                Task.started_at.is_not(None))).scalars().all()
        for task_id in map(str, started):
            starts.setdefault(task_id, time.monotonic())
        time.sleep(0.1)
    return starts | {task_id: float("inf") for task_id in task_ids if task_id not in starts}
