"""Segment caches: bounded memory for the single-process default, Redis for deployments."""

from __future__ import annotations

import io
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np
import soundfile

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
    """One key per segment: a JSON header line, then the samples as FLAC (lossless, about two
    thirds of the raw size for speech, a few milliseconds each way); expires after the TTL.
    Entries without ``"codec"`` in the header hold raw samples (written by earlier versions)."""

    def __init__(self, redis: Any, *, ttl_seconds: int, prefix: str = "podforge") -> None:
        """Keys: ``<prefix>:segment:<key>``."""
        self.redis = redis
        self.ttl = ttl_seconds
        self.namespace = f"{prefix}:segment"

    def get(self, key: str) -> CachedSegment | None:
        value = self.redis.get(f"{self.namespace}:{key}")
        if value is None:
            return None
        header, _, body = value.partition(b"\n")
        meta = json.loads(header)
        samples = from_flac(body) if meta.get("codec") == "flac" else body
        return CachedSegment(PcmAudio(samples, int(meta["rate"])), str(meta["task"]))

    def put(self, key: str, segment: CachedSegment) -> None:
        if self.ttl <= 0:
            return
        audio = segment.audio
        meta: dict[str, Any] = {"rate": audio.sample_rate, "task": segment.task_id}
        body = audio.samples
        if body:  # FLAC holds no empty stream
            meta["codec"], body = "flac", to_flac(audio)
        self.redis.set(f"{self.namespace}:{key}", json.dumps(meta).encode() + b"\n" + body,
                       ex=self.ttl)


def to_flac(audio: PcmAudio) -> bytes:
    buffer = io.BytesIO()
    soundfile.write(buffer, np.frombuffer(audio.samples, "<i2"), audio.sample_rate,
                    format="FLAC", subtype="PCM_16")
    return buffer.getvalue()


def from_flac(data: bytes) -> bytes:
    samples, _ = soundfile.read(io.BytesIO(data), dtype="int16")
    return bytes(samples.astype("<i2").tobytes())


def segment_cache_for(*, shared: bool, redis: Callable[[], Any], ttl_seconds: int,
                      prefix: str = "podforge") -> SegmentCache:
    """Chunks kept ``ttl_seconds``: in Redis when the deployment shares one (a Redis queue),
    else in this process's memory."""
    if shared:
        return RedisSegmentCache(redis(), ttl_seconds=ttl_seconds, prefix=prefix)
    return MemorySegmentCache(ttl_seconds=ttl_seconds)
