"""Contract for Queue adapters. Fixture to provide: ``queue`` (visibility timeout <= 1 s)."""

from __future__ import annotations

import time

from ports.queue import Queue


class QueueContract:
    """Subclass and define a ``queue`` fixture: empty, with a visibility timeout of at most 1 s."""

    visibility_timeout = 1.0

    def test_delivers_ids_in_order_and_ack_removes_them(self, queue: Queue) -> None:
        queue.enqueue("task-1")
        queue.enqueue("task-2")
        assert queue.depth() == 2
        first = queue.receive("worker-a", 1)
        second = queue.receive("worker-a", 1)
        assert first is not None and second is not None
        assert (first.task_id, second.task_id) == ("task-1", "task-2")
        queue.ack(first)
        queue.ack(second)
        assert queue.receive("worker-a", 0.1) is None
        assert queue.depth() == 0

    def test_receive_returns_none_when_empty(self, queue: Queue) -> None:
        started = time.monotonic()
        assert queue.receive("worker-a", 0.2) is None
        assert time.monotonic() - started < 5

    def test_a_received_message_is_not_given_to_another_consumer(self, queue: Queue) -> None:
        queue.enqueue("task-1")
        assert queue.receive("worker-a", 1) is not None
        assert queue.receive("worker-b", 0.1) is None

    def test_an_unacknowledged_message_comes_back_after_the_visibility_timeout(
        self, queue: Queue
    ) -> None:
        queue.enqueue("task-1")
        held = queue.receive("worker-a", 1)
        assert held is not None
        assert queue.recover_stale("worker-b") == 0
        time.sleep(self.visibility_timeout + 0.3)
        assert queue.recover_stale("worker-b") == 1
        again = queue.receive("worker-b", 1)
        assert again is not None and again.task_id == "task-1"
        assert again.deliveries == 2
        queue.ack(again)
        assert queue.recover_stale("worker-b") == 0

    def test_renewing_keeps_a_message_from_being_reclaimed(self, queue: Queue) -> None:
        queue.enqueue("task-1")
        held = queue.receive("worker-a", 1)
        assert held is not None
        for _ in range(3):
            time.sleep(self.visibility_timeout * 0.6)
            queue.renew(held, "worker-a")
        assert queue.recover_stale("worker-b") == 0
        queue.ack(held)

    def test_each_receive_takes_one_stale_message_so_idle_consumers_share_them(
        self, queue: Queue
    ) -> None:
        queue.enqueue("task-1")
        queue.enqueue("task-2")
        assert queue.receive("crashed", 1) is not None and queue.receive("crashed", 1) is not None
        time.sleep(self.visibility_timeout + 0.3)
        first, second = queue.receive("worker-b", 1), queue.receive("worker-c", 1)
        assert first is not None and second is not None
        assert {first.task_id, second.task_id} == {"task-1", "task-2"}
        assert queue.receive("worker-d", 0.1) is None

    def test_renewing_fails_once_another_consumer_took_the_message(self, queue: Queue) -> None:
        queue.enqueue("task-1")
        held = queue.receive("worker-a", 1)
        assert held is not None and queue.renew(held, "worker-a") is True
        time.sleep(self.visibility_timeout + 0.3)
        taken = queue.receive("worker-b", 1)
        assert taken is not None and taken.task_id == "task-1"
        assert queue.renew(held, "worker-a") is False
        assert queue.renew(taken, "worker-b") is True
        queue.ack(taken)
        assert queue.renew(taken, "worker-b") is False

    def test_it_knows_the_ids_it_holds_until_acknowledged(self, queue: Queue) -> None:
        queue.enqueue("task-1")
        queue.enqueue("task-2")
        held = queue.receive("worker-a", 1)
        assert held is not None
        assert queue.task_ids() == {"task-1", "task-2"}
        queue.ack(held)
        assert queue.task_ids() == {"task-2"}

    def test_is_ready_when_reachable(self, queue: Queue) -> None:
        queue.check_ready()
