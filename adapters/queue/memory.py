"""In-process Queue for the single-process embedded default; same semantics as Redis."""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from dataclasses import dataclass

from ports.queue import Queue, QueueMessage


@dataclass
class _Held:
    message: QueueMessage
    consumer: str
    deadline: float


class MemoryQueue(Queue):
    """A deque plus a table of held messages, guarded by one condition variable."""

    def __init__(self, visibility_timeout_seconds: float) -> None:
        self.visibility_timeout = visibility_timeout_seconds
        self._ready: deque[tuple[str, int]] = deque()
        self._held: dict[str, _Held] = {}
        self._receipts = itertools.count(1)
        self._changed = threading.Condition()

    def enqueue(self, task_id: str) -> None:
        with self._changed:
            self._ready.append((task_id, 1))
            self._changed.notify()

    def receive(self, consumer: str, timeout_seconds: float) -> QueueMessage | None:
        with self._changed:
            self._requeue_stale()
            if not self._changed.wait_for(lambda: bool(self._ready), timeout_seconds):
                return None
            task_id, deliveries = self._ready.popleft()
            message = QueueMessage(task_id, str(next(self._receipts)), deliveries)
            self._held[message.receipt] = _Held(
                message, consumer, time.monotonic() + self.visibility_timeout
            )
            return message

    def renew(self, message: QueueMessage, consumer: str) -> bool:
        with self._changed:
            held = self._held.get(message.receipt)
            if held is None or held.consumer != consumer:
                return False  # reclaimed (under a new receipt) or acknowledged
            held.deadline = time.monotonic() + self.visibility_timeout
            return True

    def ack(self, message: QueueMessage) -> None:
        with self._changed:
            self._held.pop(message.receipt, None)

    def recover_stale(self, consumer: str) -> int:
        with self._changed:
            return self._requeue_stale()

    def _requeue_stale(self) -> int:
        """Put messages held past their deadline first in line again (under the lock)."""
        now = time.monotonic()
        stale = [receipt for receipt, held in self._held.items() if held.deadline < now]
        for receipt in stale:
            message = self._held.pop(receipt).message
            self._ready.appendleft((message.task_id, message.deliveries + 1))
        if stale:
            self._changed.notify_all()
        return len(stale)

    def task_ids(self) -> set[str]:
        with self._changed:
            return {task_id for task_id, _ in self._ready} | {
                held.message.task_id for held in self._held.values()}

    def depth(self) -> int:
        with self._changed:
            return len(self._ready)

    def check_ready(self) -> None:
        return None  # lives in this process: reachable whenever the process is
