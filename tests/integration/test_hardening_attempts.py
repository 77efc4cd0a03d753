"""A failing attempt always ends: retried, then failed and refunded in plain words, and the
time limit counts from the task's first start, whatever happened to its workers."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from adapters.container import create_container
from adapters.db.models import Task
from adapters.settings import Settings
from core.entities import TaskRecord
from core.states import ScriptSource, TaskStatus
from tests.helpers import sign_up
from tests.integration.conftest import (
    check_invariants,
    grant,
    rendering_worker_pid,
    submit,
    wait_all,
)

pytestmark = [pytest.mark.postgres]
SCRIPT = "**Alice:** A line for the storage, number {n}.\n**Bob:** And a reply to it.\n"


@contextmanager
def immutable(folder: Path) -> Iterator[None]:
    """``chattr +i`` on ``folder`` and everything in it: nobody, root included, can add a
    file there until the flag is cleared again."""
    flagged = subprocess.run(["chattr", "-R", "+i", str(folder)], capture_output=True,
                             text=True)
    if flagged.returncode != 0:
        pytest.fail(f"chattr +i does not work on {folder} ({flagged.stderr.strip()}): run the "
                    "tests as root with the temporary folder on ext4 or xfs", pytrace=False)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-R", "-i", str(folder)], check=True)


def task_row(container: Any, task_id: str) -> TaskRecord:
    with container.unit_of_work() as uow:
        task = uow.tasks.get(task_id)
    assert task is not None
    return task


def balance(client: Any, user: dict[str, Any]) -> int:
    return int(client.get("/api/users/me", headers=user["headers"]).json()["credit_balance"])


def wait_until_acknowledged(container: Any, task_id: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while task_id in container.queue().task_ids():
        assert time.monotonic() < deadline, "the failed task's message was never acknowledged"
        time.sleep(0.1)


@pytest.mark.slow
@pytest.mark.redis
def test_a_storage_that_refuses_every_file_fails_the_task_after_its_retries_with_a_refund(
    deployment: dict[str, Any]
) -> None:
    client, container = deployment["client"], deployment["container"]
    user = sign_up(client)
    deployment["start_workers"](1)
    first = submit(client, user, SCRIPT.format(n=1))  # the worker is up and storage works
    assert wait_all(client, user, [first], seconds=120)[first]["status"] == "completed"
    before = balance(client, user)
    with immutable(container.storage().root):
        task_id = submit(client, user, SCRIPT.format(n=2))
        final = wait_all(client, user, [task_id], seconds=120)[task_id]
        assert final["status"] == "failed"
        assert final["error_message"] == "rendering failed: storage refused the file"
        task = task_row(container, task_id)
        assert task.retry_count == task.max_retries == 1
        assert balance(client, user) == before
        wait_until_acknowledged(container, task_id)
        check_invariants(container)


@pytest.mark.slow
@pytest.mark.redis
def test_a_task_taken_over_after_its_worker_died_keeps_its_first_start(
    deployment: dict[str, Any]
) -> None:
    client, container, redis = deployment["client"], deployment["container"], deployment["redis"]
    user = sign_up(client)
    grant(container, user, 1000)
    task_id = submit(client, user, "".join(
        f"**{('Alice', 'Bob')[i % 2]}:** Line {i}, said before and after a worker dies.\n"
        for i in range(300)))
    deployment["start_workers"](1)
    pid = rendering_worker_pid(client, user, task_id, redis)
    first = task_row(container, task_id)
    os.kill(pid, signal.SIGKILL)  # the supervisor starts another, which takes the task over
    final = wait_all(client, user, [task_id], seconds=120)[task_id]
    assert final["status"] == "completed"
    last = task_row(container, task_id)
    assert last.started_at == first.started_at
    check_invariants(container)


@pytest.fixture
def pg_container(pg_settings: Settings) -> Iterator[Any]:
    built = create_container(pg_settings)
    yield built
    built.shutdown_resources()


def new_task(container: Any) -> str:
    with container.unit_of_work() as uow:
        user = uow.users.add(username="timed", email="timed@example.org", password_hash="x")
        script = uow.scripts.add(user_id=user.id, title="t", content="**A:** hi",
                                 source=ScriptSource.UPLOADED, estimated_chars=2,
                                 estimated_duration=1.0)
        task = uow.tasks.add(user_id=user.id, script_id=script.id, voice_config={},
                             engine_type="direct", credit_cost=0, content_hash="h",
                             script_content="**A:** hi", max_retries=1)
        uow.commit()
    return task.id


def start(container: Any, task_id: str, lease: str, *, take_over: bool) -> None:
    with container.unit_of_work() as uow:
        assert uow.tasks.start_if_available(task_id, lease=lease, take_over=take_over)
        uow.commit()


def started_long_ago(container: Any, task_id: str, minutes: float) -> datetime:
    moment = datetime.now(UTC) - timedelta(minutes=minutes)
    with container.unit_of_work() as uow:
        uow.session.execute(update(Task).where(Task.id == uuid.UUID(task_id))
                            .values(started_at=moment))
        uow.commit()
    return moment


def test_the_watchdog_counts_from_the_first_start_across_take_overs_and_retries(
    pg_container: Any
) -> None:
    container = pg_container
    maintenance = container.maintenance()
    task_id = new_task(container)
    start(container, task_id, "first", take_over=False)
    limit_minutes = maintenance.timeout_seconds / 60
    first_start = started_long_ago(container, task_id, limit_minutes + 1)
    start(container, task_id, "second", take_over=True)  # a redelivered message
    with container.unit_of_work() as uow:
        assert uow.tasks.retry_if_leased(task_id, lease="second", error="a failed attempt")
        uow.commit()
    start(container, task_id, "third", take_over=False)  # the retry
    assert task_row(container, task_id).started_at == first_start
    assert maintenance.fail_overdue() == [task_id]
    task = task_row(container, task_id)
    assert task.status is TaskStatus.FAILED and "longer than" in (task.error_message or "")


@pytest.mark.slow
@pytest.mark.redis
def test_a_full_disk_is_told_as_such_after_the_retries_with_a_refund(
    deployment: dict[str, Any]
) -> None:
    client, container = deployment["client"], deployment["container"]
    user = sign_up(client)
    grant(container, user, 200)
    task_id = submit(client, user, "".join(
        f"**{('Alice', 'Bob')[n % 2]}:** Line {n} of an episode longer than the disk allows.\n"
        for n in range(80)))
    deployment["start_workers"](1, max_file_bytes=200_000)
    final = wait_all(client, user, [task_id], seconds=120)[task_id]
    assert final["status"] == "failed"
    assert final["error_message"] == "rendering failed: the server ran out of disk space"
    task = task_row(container, task_id)
    assert task.retry_count == task.max_retries
    assert balance(client, user) == 300
    check_invariants(container)
