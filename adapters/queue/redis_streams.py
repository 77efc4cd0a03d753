"""Queue on Redis Streams: a consumer group, acknowledgements, and reclaiming stale messages."""

from __future__ import annotations

import threading
from typing import Any

from redis.exceptions import ResponseError

from ports.queue import Queue, QueueMessage

PREFIX = "podforge"
GROUP = "workers"
STALE_COUNTED = 1000  # recover_stale counts at most this many

# Renews a message only while this consumer holds it: XCLAIM alone would take it back from the
# worker that reclaimed it after this one missed its renewals.
_RENEW_IF_HELD = """
if #redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1, ARGV[2]) == 0 then
  return 0
end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
return 1
"""


class RedisStreamQueue(Queue):
    """Messages stay pending for their consumer until acknowledged; one that nobody renewed
    for ``visibility_timeout`` seconds is claimed by the next idle consumer's :meth:`receive`
    (XAUTOCLAIM, one message at a time).

    Keys: the stream ``<prefix>:tasks`` with its group ``workers``, and the set
    ``<prefix>:tasks:ids`` of every id held, for the reconciler."""

    def __init__(self, redis: Any, visibility_timeout_seconds: float, *,
                 prefix: str = PREFIX, group: str = GROUP) -> None:
        self.redis = redis
        self.visibility_ms = int(visibility_timeout_seconds * 1000)
        self.stream, self.known, self.group = f"{prefix}:tasks", f"{prefix}:tasks:ids", group
        self._renew_if_held = redis.register_script(_RENEW_IF_HELD)
        self._scan_from = "0-0"  # where the next XAUTOCLAIM goes on through the pending list
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
        """A stale message first, else a new one: a worker only asks when it is idle, so each
        idle worker takes one stale message and none waits behind another's work."""
        stale = self._claim_one_stale(consumer)
        if stale is not None:
            return stale
        reply = self._retrying_missing_group(
            self.redis.xreadgroup, self.group, consumer, {self.stream: ">"}, count=1,
            block=max(1, int(timeout_seconds * 1000)))
        if not reply:
            return None
        message_id, fields = reply[0][1][0]
        return QueueMessage(fields[b"task_id"].decode(), message_id.decode(), 1)

    def _claim_one_stale(self, consumer: str) -> QueueMessage | None:
        """XAUTOCLAIM COUNT 1, going on through the pending list where the last call stopped
        (each call looks at a few entries only)."""
        with self._lock:
            start = self._scan_from
        reply = self._retrying_missing_group(
            self.redis.xautoclaim, self.stream, self.group, consumer, self.visibility_ms,
            start_id=start, count=1)
        following = reply[0].decode() if isinstance(reply[0], bytes) else str(reply[0])
        with self._lock:
            self._scan_from = following
        for message_id, fields in reply[1]:
            if fields:  # an entry deleted meanwhile comes back empty (Redis 6.2)
                receipt = message_id.decode()
                return QueueMessage(fields[b"task_id"].decode(), receipt,
                                    self._deliveries(receipt))
        return None

    def renew(self, message: QueueMessage, consumer: str) -> bool:
        # Claiming our own message with min-idle 0 resets its idle time (JUSTID: no new delivery).
        held = self._retrying_missing_group(
            self._renew_if_held, keys=[self.stream], args=[self.group, consumer, message.receipt])
        return bool(held)

    def ack(self, message: QueueMessage) -> None:
        pipe = self.redis.pipeline()
        pipe.xack(self.stream, self.group, message.receipt)
        pipe.xdel(self.stream, message.receipt)
        pipe.srem(self.known, message.task_id)
        pipe.execute()

    def recover_stale(self, consumer: str) -> int:
        """Stale messages are claimed by :meth:`receive`; this counts them (up to
        ``STALE_COUNTED``), for the duties and the tests."""
        stale = self._retrying_missing_group(
            self.redis.xpending_range, self.stream, self.group, min="-", max="+",
            count=STALE_COUNTED, idle=self.visibility_ms)
        return len(stale)

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
