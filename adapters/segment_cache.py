"""Segment caches: bounded memory for the single-process default, Redis for deployments."""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from ports.segment_cache import CachedSegment, SegmentCache
from ports.synthesizer import PcmAudio


class MemorySegmentCache(SegmentCache):
    """Least recently used first out once ``max_bytes`` of audio is held."""

    def __init__(self, *, ttl_seconds: float, max_bytes: int = 256 * 1024 * 1024) -> None:
        self.ttl = ttl_seconds
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, tuple[float, CachedSegment]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedSegment | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] < time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: str, segment: CachedSegment) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (time.monotonic() + self.ttl, segment)
            self._bytes += len(segment.audio.samples)
            while self._bytes > self.max_bytes and self._entries:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: str) -> None:
        _, segment = self._entries.pop(key)
        self._bytes -= len(segment.audio.samples)


class RedisSegmentCache(SegmentCache):
    """One key per segment: a JSON header line, then the samples; expires after the TTL."""

    def __init__(self, redis: Any, *, ttl_seconds: int, prefix: str = "podforge") -> None:
        """Keys: ``<prefix>:segment:<key>``."""
        self.redis = redis
        self.ttl = ttl_seconds
        self.namespace = f"{prefix}:segment"

    def get(self, key: str) -> CachedSegment | None:
        value = self.redis.get(f"{self.namespace}:{key}")
        if value is None:
            return None
        header, _, samples = value.partition(b"\n")
        meta = json.loads(header)
        return CachedSegment(PcmAudio(samples, int(meta["rate"])), str(meta["task"]))

    def put(self, key: str, segment: CachedSegment) -> None:
        if self.ttl <= 0:
            return
        header = json.dumps({"rate": segment.audio.sample_rate, "task": segment.task_id})
        self.redis.set(f"{self.namespace}:{key}", header.encode() + b"\n" + segment.audio.samples,
                       ex=self.ttl)


def segment_cache_for(*, shared: bool, redis: Callable[[], Any], ttl_seconds: int,
                      prefix: str = "podforge") -> SegmentCache:
    """Chunks kept ``ttl_seconds``: in Redis when the deployment shares one (a Redis queue),
    else in this process's memory."""
    if shared:
        return RedisSegmentCache(redis(), ttl_seconds=ttl_seconds, prefix=prefix)
    return MemorySegmentCache(ttl_seconds=ttl_seconds)
