"""Faults injected into the deployment shape; the invariants hold after each."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import sign_up, wait_for_progress
from tests.integration.conftest import PrivateRedis, check_invariants, grant, submit, wait_all

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]
SCRIPT = "**Alice:** A line before the fault.\n**Bob:** And one after it, number {n}.\n"


@pytest.fixture
def redis_url(private_redis: PrivateRedis) -> str:
    return private_redis.url


def test_tasks_survive_a_redis_restart_that_loses_everything(
    deployment: dict[str, Any], private_redis: PrivateRedis
) -> None:
    client = deployment["client"]
    user = sign_up(client)
    tasks = [submit(client, user, SCRIPT.format(n=n)) for n in range(4)]
    private_redis.stop()  # no persistence: the queue and the status cache are gone
    private_redis.start()
    deployment["start_workers"](2)
    final = wait_all(client, user, tasks, seconds=120)
    assert {status["status"] for status in final.values()} == {"completed"}
    check_invariants(deployment["container"])


def test_a_full_disk_fails_the_render_with_a_refund_and_leaves_no_audio(
    deployment: dict[str, Any]
) -> None:
    client = deployment["client"]
    user = sign_up(client)
    grant(deployment["container"], user, 200)
    long_script = "".join(f"**{('Alice', 'Bob')[n % 2]}:** Line {n} of an episode too long for "
                          "the disk that is left.\n" for n in range(80))
    task = submit(client, user, long_script)
    deployment["start_workers"](1, max_file_bytes=200_000)
    final = wait_all(client, user, [task], seconds=120)[task]
    assert final["status"] == "failed" and final["error_message"].startswith("rendering failed")
    assert client.get("/api/users/me", headers=user["headers"]).json()["credit_balance"] == 300
    check_invariants(deployment["container"])


def test_dropped_database_connections_lose_no_task_and_no_credit(
    deployment: dict[str, Any], pg_settings: Any
) -> None:
    from sqlalchemy import create_engine, text

    client = deployment["client"]
    user = sign_up(client)
    grant(deployment["container"], user, 300)
    task = submit(client, user, "".join(
        f"**{('Alice', 'Bob')[n % 2]}:** Line {n}, said while the database drops us.\n"
        for n in range(250)))
    deployment["start_workers"](1)
    wait_for_progress(client, user, task, 5)
    admin = create_engine(pg_settings.database_url.replace("postgresql://",
                                                           "postgresql+psycopg2://", 1))
    with admin.connect() as connection:
        dropped = connection.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar_one()
    admin.dispose()
    assert dropped >= 1
    final = wait_all(client, user, [task], seconds=120)[task]
    assert final["status"] in ("completed", "failed")
    check_invariants(deployment["container"])
