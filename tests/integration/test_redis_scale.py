"""Deployments sharing one Redis database keep to their own keys: `[redis] key_prefix`."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from redis import Redis
from redis.exceptions import ResponseError

from adapters.container import Container, create_container
from adapters.settings import load_settings
from core.errors import RateLimited
from ports.segment_cache import CachedSegment
from ports.status_cache import TaskState
from ports.synthesizer import PcmAudio
from tests.conftest import REDIS_URL
from tests.helpers import read_events, sign_up
from tests.integration.conftest import submit, wait_all

pytestmark = pytest.mark.redis

PREFIX = "tenant-a"


def deployment_on(prefix: str) -> Container:
    """A deployment's composition root on the shared test Redis database, keys under ``prefix``."""
    settings = load_settings(queue={"type": "redis", "visibility_timeout_seconds": 1},
                             redis={"url": REDIS_URL, "key_prefix": prefix},
                             limits={"login": "2/minute"})
    return create_container(settings)


@pytest.fixture
def two_deployments(redis_client: Redis) -> Iterator[tuple[Container, Container]]:
    alpha, beta = deployment_on("alpha"), deployment_on("beta")
    yield alpha, beta
    alpha.shutdown_resources()
    beta.shutdown_resources()


def test_each_deployment_takes_only_its_own_tasks(two_deployments: tuple[Container, Container]
                                                  ) -> None:
    alpha, beta = (deployment.queue() for deployment in two_deployments)
    alpha.enqueue("alpha-task")
    beta.enqueue("beta-task")
    assert alpha.depth() == 1 and beta.depth() == 1
    taken_by_alpha = alpha.receive("alpha-worker", 1)
    taken_by_beta = beta.receive("beta-worker", 1)
    assert taken_by_alpha is not None and taken_by_alpha.task_id == "alpha-task"
    assert taken_by_beta is not None and taken_by_beta.task_id == "beta-task"
    assert alpha.receive("alpha-worker", 0.2) is None
    assert alpha.task_ids() == {"alpha-task"} and beta.task_ids() == {"beta-task"}
    time.sleep(1.3)  # both messages go stale: neither deployment may reclaim the other's
    assert beta.receive("beta-worker-2", 0.2) is not None
    assert beta.receive("beta-worker-3", 0.2) is None
    again = alpha.receive("alpha-worker-2", 0.2)
    assert again is not None and again.task_id == "alpha-task"


def test_statuses_tickets_limits_and_segments_stay_within_a_deployment(
    two_deployments: tuple[Container, Container]
) -> None:
    alpha, beta = two_deployments
    alpha.status_cache().put(TaskState("task-1", "user-1", "processing", 40, None))
    alpha.status_cache().put_account("user-1", "suspended", changed=True)
    assert alpha.status_cache().get("task-1") is not None
    assert beta.status_cache().get("task-1") is None
    assert beta.status_cache().account("user-1") is None

    alpha.credentials().put_ticket("ticket-1", "user-1", seconds=60)
    alpha.credentials().revoke_token("token-1", seconds=60)
    assert beta.credentials().revoked("token-1", "user-1", time.time()) is False
    assert alpha.credentials().revoked("token-1", "user-1", time.time()) is True

    for _ in range(2):
        alpha.rate_limits().hit("login", "someone")
    with pytest.raises(RateLimited):
        alpha.rate_limits().hit("login", "someone")
    beta.rate_limits().hit("login", "someone")  # its own budget, untouched

    segment = CachedSegment(PcmAudio(b"\x01\x00" * 100, 32000), "task-1")
    alpha.segment_cache().put("segment-key", segment)
    assert alpha.segment_cache().get("segment-key") is not None
    assert beta.segment_cache().get("segment-key") is None


# ---- every key a deployment writes carries its prefix --------------------------------------

QUOTED = re.compile(rb'"((?:[^"\\]|\\.)*)"')
MONITOR_LINE = re.compile(rb"^[\d.]+ \[(\d+) [^\]]*\] (.*)$", re.DOTALL)


class KeyRecorder:
    """Watches the server with MONITOR and keeps the keys of every command run on ``db``
    (by any client: this process, worker processes, Lua scripts), as the server names them
    with COMMAND GETKEYS."""

    def __init__(self, url: str) -> None:
        self.db = Redis.from_url(url).connection_pool.connection_kwargs.get("db", 0)
        self.client = Redis.from_url(url)
        self.commands: list[list[bytes]] = []
        self._stop = threading.Event()
        self._connection = self.client.connection_pool.get_connection()
        self._connection.send_command("MONITOR")
        assert self._connection.read_response(disable_decoding=True) == b"OK"
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while not self._stop.is_set():
            if not self._connection.can_read(timeout=0.5):
                continue
            line = self._connection.read_response(disable_decoding=True)
            found = MONITOR_LINE.match(line)
            if found and int(found.group(1)) == self.db:
                self.commands.append([arg for arg in QUOTED.findall(found.group(2))])

    def keys(self) -> set[str]:
        self._stop.set()
        self._thread.join(timeout=10)
        self._connection.disconnect()
        self.client.close()
        keys: set[str] = set()
        with Redis.from_url(REDIS_URL) as client:
            for command in self.commands:
                try:
                    named = client.command_getkeys(*command)
                except ResponseError:
                    continue  # no key (PING, SELECT, CLIENT, INFO, ...)
                keys.update(key.decode(errors="replace") if isinstance(key, bytes) else key
                            for key in named)
        return keys


@pytest.fixture
def redis_url(monkeypatch: pytest.MonkeyPatch) -> str:
    """The deployment and its worker processes keep their keys under ``tenant-a``."""
    monkeypatch.setenv("PODFORGE_REDIS__KEY_PREFIX", PREFIX)
    return REDIS_URL


@pytest.mark.slow
@pytest.mark.postgres
def test_a_render_sign_in_and_stream_ticket_write_no_key_outside_the_prefix(
    deployment: dict[str, Any]
) -> None:
    recorder = KeyRecorder(REDIS_URL)
    client = deployment["client"]
    user = sign_up(client)
    task_id = submit(client, user, "**Alice:** A prefix for every key.\n**Bob:** Every one.\n")
    deployment["start_workers"](1)
    ticket = client.post(f"/api/tasks/{task_id}/events/ticket",
                         headers=user["headers"]).json()["ticket"]
    with client.stream("GET", f"/api/tasks/{task_id}/events", params={"ticket": ticket}) as sse:
        assert read_events(sse, until="end")[-1][1]["status"] == "completed"
    wait_all(client, user, [task_id], seconds=60)
    client.post("/api/auth/logout", headers=user["headers"])
    keys = recorder.keys()
    outside = {key for key in keys if not key.startswith(f"{PREFIX}:")}
    assert outside == set(), sorted(keys)
    written = " ".join(sorted(keys))
    for kind in ("tasks", "task-status", "stream-ticket", "limits", "segment"):
        assert f"{PREFIX}:{kind}" in written, sorted(keys)


# ---- the segment cache ------------------------------------------------------------------------

def speech_like(seconds: float, rate: int = 32000) -> PcmAudio:
    """Voiced sound with pauses and noise: neither silence nor white noise, like speech."""
    import numpy as np

    t = np.arange(int(seconds * rate)) / rate
    voiced = np.sin(2 * np.pi * 140 * t) + 0.5 * np.sin(2 * np.pi * 280 * t + 1.0)
    envelope = np.clip(np.sin(2 * np.pi * 2.5 * t), 0, None)
    noise = np.random.default_rng(7).normal(0, 0.02, t.size)
    return PcmAudio((8000 * (voiced * envelope + noise)).astype("<i2").tobytes(), rate)


def test_a_cached_segment_comes_back_sample_identical_in_less_memory(redis_client: Redis
                                                                      ) -> None:
    from adapters.segment_cache import RedisSegmentCache

    cache = RedisSegmentCache(redis_client, ttl_seconds=60)
    audio = speech_like(6.7)  # about 431 KB of raw samples, a typical segment
    cache.put("key-1", CachedSegment(audio, "task-1"))
    found = cache.get("key-1")
    assert found is not None and found.task_id == "task-1"
    assert found.audio == audio
    stored = redis_client.memory_usage("podforge:segment:key-1")
    assert stored is not None and stored < 0.8 * len(audio.samples), (stored, len(audio.samples))
    cache.put("empty", CachedSegment(PcmAudio(b"", 32000), "task-2"))
    empty = cache.get("empty")
    assert empty is not None and empty.audio == PcmAudio(b"", 32000)


def test_a_segment_cached_raw_by_an_earlier_version_still_reads(redis_client: Redis) -> None:
    from adapters.segment_cache import RedisSegmentCache

    samples = speech_like(0.5).samples
    redis_client.set("podforge:segment:old", b'{"rate": 32000, "task": "task-0"}\n' + samples)
    found = RedisSegmentCache(redis_client, ttl_seconds=60).get("old")
    assert found is not None and found.audio == PcmAudio(samples, 32000)


def test_the_segment_cache_can_live_in_its_own_redis(redis_client: Redis) -> None:
    cache_url = REDIS_URL.rsplit("/", 1)[0] + "/13"  # the second test database
    separate = Redis.from_url(cache_url)
    separate.flushdb()
    settings = load_settings(queue={"type": "redis"}, redis={"url": REDIS_URL},
                             cache={"redis_url": cache_url})
    container = create_container(settings)
    try:
        segment = CachedSegment(speech_like(0.2), "task-1")
        container.segment_cache().put("key-1", segment)
        container.queue().enqueue("task-1")
        assert separate.keys("*") == [b"podforge:segment:key-1"]
        assert b"podforge:segment:key-1" not in redis_client.keys("*")
        assert redis_client.exists("podforge:tasks")
    finally:
        container.shutdown_resources()
        separate.flushdb()
        separate.close()
