"""Provider limits: requests per minute (sliding window) and requests in flight, per API key.

Shared across processes through Redis when the deployment has it, else kept in this process.
Both are used from several event loops (one per worker thread), so the in-process versions
lock with threads and wait with ``asyncio.sleep``.
"""

from __future__ import annotations

import abc
import asyncio
import threading
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

# A minute plus a second: places are taken just before a request leaves, and the provider counts
# arrivals; without the margin, a request could arrive inside the previous minute at its end.
WINDOW_SECONDS = 61.0
POLL_SECONDS = 0.02


class RequestLimits(abc.ABC):
    """``async with limits.slot(): ...`` waits for a free concurrency slot and a free place in
    the per-minute window, then holds the slot for the block."""

    def __init__(self, *, requests_per_minute: int, max_concurrency: int,
                 window_seconds: float = WINDOW_SECONDS) -> None:
        self.per_minute = requests_per_minute
        self.concurrency = max_concurrency
        self.window = window_seconds

    @abc.abstractmethod
    def _try_window(self) -> float:
        """Take a place in the window now (returns 0), or say how many seconds to wait."""

    @abc.abstractmethod
    def _try_hold(self, holder: str, seconds: float) -> bool:
        """Take a concurrency slot for at most ``seconds``."""

    @abc.abstractmethod
    def _release(self, holder: str) -> None:
        """Give the slot back."""

    @asynccontextmanager
    async def slot(self, hold_seconds: float = 300.0) -> AsyncIterator[None]:
        holder = uuid.uuid4().hex
        try:
            # Released in ``finally`` even when cancelled while taking it: the thread may have
            # taken the slot just as the waiting coroutine was cancelled.
            while not await asyncio.to_thread(self._try_hold, holder, hold_seconds):
                await asyncio.sleep(POLL_SECONDS)
            while (wait := await asyncio.to_thread(self._try_window)) > 0:
                await asyncio.sleep(min(wait, 1.0))
            yield
        finally:
            self._release(holder)


class MemoryRequestLimits(RequestLimits):
    def __init__(self, *, requests_per_minute: int, max_concurrency: int,
                 window_seconds: float = WINDOW_SECONDS) -> None:
        super().__init__(requests_per_minute=requests_per_minute, max_concurrency=max_concurrency,
                         window_seconds=window_seconds)
        self._sent: deque[float] = deque()
        self._holders: set[str] = set()
        self._lock = threading.Lock()

    def _try_window(self) -> float:
        with self._lock:
            now = time.monotonic()
            while self._sent and self._sent[0] <= now - self.window:
                self._sent.popleft()
            if len(self._sent) < self.per_minute:
                self._sent.append(now)
                return 0.0
            return self._sent[0] + self.window - now

    def _try_hold(self, holder: str, seconds: float) -> bool:
        with self._lock:
            if len(self._holders) >= self.concurrency:
                return False
            self._holders.add(holder)
            return True

    def _release(self, holder: str) -> None:
        with self._lock:
            self._holders.discard(holder)


# Atomic in Redis: drop what left the window, then take a place if one is free.
_WINDOW = """
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])) + 1)
  return '0'
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tostring(tonumber(oldest[2]) + tonumber(ARGV[2]) - now)
"""
# Slots expire, so that a process killed while holding one cannot block the others for ever.
_HOLD = """
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[4])
  return 1
end
return 0
"""


class RedisRequestLimits(RequestLimits):
    def __init__(self, redis: Any, namespace: str, *, requests_per_minute: int,
                 max_concurrency: int, window_seconds: float = WINDOW_SECONDS) -> None:
        super().__init__(requests_per_minute=requests_per_minute, max_concurrency=max_concurrency,
                         window_seconds=window_seconds)
        self.redis = redis
        self.window_key, self.slots_key = f"{namespace}:window", f"{namespace}:slots"
        self._window = redis.register_script(_WINDOW)
        self._hold = redis.register_script(_HOLD)

    def _try_window(self) -> float:
        reply = self._window(keys=[self.window_key], args=[
            time.time(), self.window, self.per_minute, uuid.uuid4().hex])
        return max(0.0, float(reply))

    def _try_hold(self, holder: str, seconds: float) -> bool:
        return bool(self._hold(keys=[self.slots_key], args=[
            time.time(), self.concurrency, seconds, holder]))

    def _release(self, holder: str) -> None:
        self.redis.zrem(self.slots_key, holder)
