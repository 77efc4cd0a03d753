"""Queue on Redis Streams: a consumer group, acknowledgements, and reclaiming stale messages."""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

from redis.exceptions import ResponseError

from ports.queue import Queue, QueueMessage

STREAM = "podforge:tasks"
GROUP = "workers"
KNOWN = "podforge:tasks:ids"  # a set of every id held, for the reconciler


class RedisStreamQueue(Queue):
    """Messages stay pending for their consumer until acknowledged; one that nobody renewed
    for ``visibility_timeout`` seconds is claimed by :meth:`recover_stale` (XAUTOCLAIM)."""

    def __init__(self, redis: Any, visibility_timeout_seconds: float, *,
                 stream: str = STREAM, group: str = GROUP, known: str = KNOWN) -> None:
        self.redis = redis
        self.visibility_ms = int(visibility_timeout_seconds * 1000)
        self.stream, self.group, self.known = stream, group, known
        self._claimed: dict[str, deque[QueueMessage]] = {}
        self._lock = threading.Lock()
        self._ensure_group()

    def _ensure_group(self) -> None:
        try:
            self.redis.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except ResponseError as exists:
            if "BUSYGROUP" not in str(exists):
                raise

    def _retrying_missing_group(self, call: Any, *args: Any, **kwargs: Any) -> Any:
        """Run a stream command, recreating stream and group if Redis lost them (a restart
        without persistence, FLUSHDB): the reconciler then re-enqueues what was lost."""
        try:
            return call(*args, **kwargs)
        except ResponseError as missing:
            if "NOGROUP" not in str(missing):
                raise
            self._ensure_group()
            return call(*args, **kwargs)

    def enqueue(self, task_id: str) -> None:
        pipe = self.redis.pipeline()
        pipe.sadd(self.known, task_id)
        pipe.xadd(self.stream, {"task_id": task_id})
        pipe.execute()

    def _deliveries(self, message_id: str) -> int:
        entries = self.redis.xpending_range(self.stream, self.group, min=message_id,
                                            max=message_id, count=1)
        return int(entries[0]["times_delivered"]) if entries else 1

    def receive(self, consumer: str, timeout_seconds: float) -> QueueMessage | None:
        with self._lock:
            claimed = self._claimed.get(consumer)
            if claimed:
                return claimed.popleft()
        reply = self._retrying_missing_group(
            self.redis.xreadgroup, self.group, consumer, {self.stream: ">"}, count=1,
            block=max(1, int(timeout_seconds * 1000)))
        if not reply:
            return None
        message_id, fields = reply[0][1][0]
        return QueueMessage(fields[b"task_id"].decode(), message_id.decode(), 1)

    def renew(self, message: QueueMessage, consumer: str) -> None:
        # Claiming our own message with min-idle 0 resets its idle time (JUSTID: no new delivery).
        self._retrying_missing_group(self.redis.xclaim, self.stream, self.group, consumer, 0,
                                     [message.receipt], justid=True)

    def ack(self, message: QueueMessage) -> None:
        pipe = self.redis.pipeline()
        pipe.xack(self.stream, self.group, message.receipt)
        pipe.xdel(self.stream, message.receipt)
        pipe.srem(self.known, message.task_id)
        pipe.execute()

    def recover_stale(self, consumer: str) -> int:
        reply = self._retrying_missing_group(
            self.redis.xautoclaim, self.stream, self.group, consumer, self.visibility_ms,
            start_id="0-0", count=25)
        claimed = [QueueMessage(fields[b"task_id"].decode(), message_id.decode(),
                                self._deliveries(message_id.decode()))
                   for message_id, fields in reply[1] if fields]
        with self._lock:
            self._claimed.setdefault(consumer, deque()).extend(claimed)
        return len(claimed)

    def task_ids(self) -> set[str]:
        return {member.decode() for member in self.redis.smembers(self.known)}

    def depth(self) -> int:
        length = self.redis.xlen(self.stream)
        try:
            pending = self.redis.xpending(self.stream, self.group)["pending"]
        except ResponseError:
            pending = 0
        return max(0, int(length) - int(pending))

    def check_ready(self) -> None:
        self.redis.ping()
