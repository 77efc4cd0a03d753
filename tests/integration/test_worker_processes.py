"""The deployment shape: API, `podforge worker --processes 2`, PostgreSQL and Redis."""

from __future__ import annotations

import json
import os
import signal
import time
from typing import Any

import pytest

from tests.helpers import read_events, sign_up, wait_for_progress
from tests.integration.conftest import (
    audio_rows,
    charges,
    grant,
    rendering_worker_pid,
    submit,
    wait_all,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]
SHORT = "**Alice:** Queues keep requests fast.\n**Bob:** And workers do the slow part.\n"


def test_twenty_tasks_across_two_worker_processes_all_complete(deployment: dict[str, Any]
                                                               ) -> None:
    client, container = deployment["client"], deployment["container"]
    user = sign_up(client)
    # Distinct scripts: identical requests would be served from the first one's result.
    task_ids = [submit(client, user, SHORT + f"**Alice:** Episode {n}.\n") for n in range(20)]
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
    finished = [json.loads(line) for line in log.splitlines()
                if line.startswith("{") and ": completed (worker" in line]
    assert {entry["task_id"] for entry in finished} == set(task_ids)  # logs name their task
    workers_used = {entry["message"].rsplit("(worker ", 1)[1] for entry in finished}
    assert len(workers_used) == 2, log[-2000:]


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
    pid = rendering_worker_pid(client, user, task_id, redis)
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
    ticket = client.post(f"/api/tasks/{task_id}/events/ticket",
                         headers=user["headers"]).json()["ticket"]
    events: list[tuple[str, dict[str, Any]]] = []
    with client.stream("GET", f"/api/tasks/{task_id}/events",
                       params={"ticket": ticket}) as stream:
        events += read_events(stream, until="end")
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
    wait_for_progress(client, user, task_id, 3)
    workers.send_signal(signal.SIGTERM)
    assert workers.wait(timeout=120) == 0
    final = client.get(f"/api/tasks/{task_id}/status", headers=user["headers"]).json()
    assert final["status"] == "completed"
