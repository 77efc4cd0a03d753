"""Polling a task's status on PostgreSQL + Redis: no database query while the task waits or
runs, and an account suspended from any process is refused at its next poll."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from adapters.status_cache import RedisStatusCache
from tests.conftest import REDIS_URL
from tests.helpers import sign_up
from tests.integration.conftest import PODFORGE, grant, submit

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
WAITING = "**Alice:** Nobody renders this while the test runs.\n"


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement the engine sends meanwhile."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def waiting_task(deployment: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A user and a task of theirs that stays pending: no worker is started."""
    user = sign_up(deployment["client"])
    grant(deployment["container"], user, 1000)
    return user, submit(deployment["client"], user, WAITING)


def test_polling_a_waiting_task_queries_no_database(deployment: dict[str, Any]) -> None:
    client = deployment["client"]
    user, task_id = waiting_task(deployment)
    url = f"/api/tasks/{task_id}/status"
    assert client.get(url, headers=user["headers"]).status_code == 200  # learns the account
    with statements(deployment["container"].db_engine()) as seen:
        polls = [client.get(url, headers=user["headers"]) for _ in range(3)]
    assert [poll.json()["status"] for poll in polls] == ["pending"] * 3
    assert seen == []
    other = sign_up(client)  # the cache never answers for another user's task
    assert client.get(url, headers=other["headers"]).status_code == 404


def test_many_clients_polling_at_once_all_get_their_status(deployment: dict[str, Any]) -> None:
    client = deployment["client"]
    user, task_id = waiting_task(deployment)
    url = f"/api/tasks/{task_id}/status"
    with ThreadPoolExecutor(max_workers=200) as pool:  # more polls at once than connections
        codes = list(pool.map(lambda _: client.get(url, headers=user["headers"]).status_code,
                              range(600)))
    assert codes == [200] * 600


def test_an_account_suspended_from_the_command_line_is_refused_at_its_next_poll(
    deployment: dict[str, Any]
) -> None:
    client = deployment["client"]
    user, task_id = waiting_task(deployment)
    url = f"/api/tasks/{task_id}/status"
    assert client.get(url, headers=user["headers"]).status_code == 200
    ticket = client.post(f"/api/tasks/{task_id}/events/ticket",
                         headers=user["headers"]).json()["ticket"]

    def suspend(*flags: str) -> None:
        subprocess.run([str(PODFORGE), "users", "suspend", user["username"], *flags],
                       env=dict(os.environ), check=True, capture_output=True, timeout=60)

    suspend()
    refused = client.get(url, headers=user["headers"])
    assert refused.status_code == 403 and "suspended" in refused.json()["detail"]
    events = client.get(f"/api/tasks/{task_id}/events",
                        params={"ticket": ticket})
    assert events.status_code == 403  # a ticket taken before the suspension opens nothing
    assert client.post(f"/api/tasks/{task_id}/events/ticket",
                       headers=user["headers"]).status_code == 403
    suspend("--lift")
    assert client.get(url, headers=user["headers"]).status_code == 200


def test_a_status_read_before_a_change_never_overwrites_it(redis_client: Any) -> None:
    cache = RedisStatusCache(redis_client, REDIS_URL)
    cache.put_account("user-1", "suspended", changed=True)
    cache.put_account("user-1", "active", changed=False)  # read from the database earlier
    assert cache.account("user-1") == "suspended"
    cache.put_account("user-1", "active", changed=True)
    assert cache.account("user-1") == "active"
    assert 0 < redis_client.ttl("podforge:account-status:user-1") <= 60
    assert cache.account("user-2") is None
