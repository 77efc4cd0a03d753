"""The Redis Streams queue keeps the Queue contract, and survives Redis losing everything."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.queue.redis_streams import RedisStreamQueue
from ports.contracts import QueueContract

pytestmark = pytest.mark.redis


class TestRedisStreamQueue(QueueContract):
    visibility_timeout = 0.5

    @pytest.fixture
    def queue(self, redis_client: Any) -> RedisStreamQueue:
        return RedisStreamQueue(redis_client, self.visibility_timeout)


def test_two_queue_objects_share_the_work_like_two_worker_processes(redis_client: Any) -> None:
    api, worker = RedisStreamQueue(redis_client, 60), RedisStreamQueue(redis_client, 60)
    api.enqueue("task-1")
    message = worker.receive("worker-a", 1)
    assert message is not None and message.task_id == "task-1"
    assert api.task_ids() == {"task-1"} and api.depth() == 0
    worker.ack(message)
    assert api.task_ids() == set()


def test_after_flushdb_the_queue_recreates_its_stream_and_group(redis_client: Any) -> None:
    queue = RedisStreamQueue(redis_client, 60)
    queue.enqueue("lost-task")
    redis_client.flushdb()
    assert queue.task_ids() == set()  # what the reconciler compares with the database
    assert queue.receive("worker-a", 0.1) is None
    assert queue.recover_stale("worker-a") == 0
    queue.enqueue("new-task")
    message = queue.receive("worker-a", 1)
    assert message is not None and message.task_id == "new-task"
