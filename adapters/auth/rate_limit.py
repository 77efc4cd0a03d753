"""Counts failed logins in sliding windows, in Redis when there is one, else in this process."""

from __future__ import annotations

import abc
import threading
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Window:
    """At most ``limit`` failures per ``seconds`` for keys with this ``prefix``."""

    prefix: str
    limit: int
    seconds: int


ACCOUNT_WINDOW = Window("account", 10, 15 * 60)
ADDRESS_WINDOW = Window("address", 30, 60)


class FailureCounter(abc.ABC):
    @abc.abstractmethod
    def add(self, key: str, window: Window) -> None:
        """Record one failure."""

    @abc.abstractmethod
    def retry_after(self, key: str, window: Window) -> int:
        """0 while under the limit, else seconds until the oldest failure leaves the window."""


class MemoryFailureCounter(FailureCounter):
    def __init__(self) -> None:
        self._events: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _live(self, key: str, window: Window, now: float) -> deque[float]:
        events = self._events[f"{window.prefix}:{key}"]
        while events and events[0] <= now - window.seconds:
            events.popleft()
        return events

    def add(self, key: str, window: Window) -> None:
        with self._lock:
            now = time.time()
            self._live(key, window, now).append(now)

    def retry_after(self, key: str, window: Window) -> int:
        with self._lock:
            now = time.time()
            events = self._live(key, window, now)
            if len(events) < window.limit:
                return 0
            return max(1, int(events[-window.limit] + window.seconds - now) + 1)


class RedisFailureCounter(FailureCounter):
    """One sorted set per key, scored by time; shared by every API process."""

    def __init__(self, redis: Any, namespace: str = "podforge:login-failures") -> None:
        self.redis = redis
        self.namespace = namespace

    def _key(self, key: str, window: Window) -> str:
        return f"{self.namespace}:{window.prefix}:{key}"

    def add(self, key: str, window: Window) -> None:
        now = time.time()
        name = self._key(key, window)
        pipe = self.redis.pipeline()
        pipe.zadd(name, {f"{now}:{uuid.uuid4().hex}": now})
        pipe.zremrangebyscore(name, 0, now - window.seconds)
        pipe.expire(name, window.seconds)
        pipe.execute()

    def retry_after(self, key: str, window: Window) -> int:
        now = time.time()
        name = self._key(key, window)
        self.redis.zremrangebyscore(name, 0, now - window.seconds)
        recent = self.redis.zrevrange(name, 0, window.limit - 1, withscores=True)
        if len(recent) < window.limit:
            return 0
        return max(1, int(recent[-1][1] + window.seconds - now) + 1)


class LoginLimiter:
    """Only failures count: 10 per account in 15 minutes, 30 per client address a minute."""

    def __init__(self, counter: FailureCounter) -> None:
        self.counter = counter

    def retry_after(self, *, login: str, address: str) -> int:
        return max(self.counter.retry_after(login.lower(), ACCOUNT_WINDOW),
                   self.counter.retry_after(address, ADDRESS_WINDOW))

    def failed(self, *, login: str, address: str) -> None:
        self.counter.add(login.lower(), ACCOUNT_WINDOW)
        self.counter.add(address, ADDRESS_WINDOW)
