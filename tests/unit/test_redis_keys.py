"""`[redis] key_prefix` is checked, and every adapter that names Redis keys names them under it;
database pools are sized per kind of process.

No Redis is needed: the adapters below name their keys without connecting (the URL points at a
closed port), so a forgotten prefix shows here in milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError
from redis import Redis

from adapters.container import Container, create_container
from adapters.settings import Settings, load_settings
from adapters.voices.minimax import MiniMaxSettings
from adapters.voices.minimax_plugin import create_minimax
from ports.plugins import AdapterContext

NOWHERE = "redis://127.0.0.1:9/0"  # the discard port: nothing answers, nothing is written


def test_the_prefix_defaults_to_podforge() -> None:
    assert load_settings().redis.key_prefix == "podforge"


@pytest.mark.parametrize("prefix", ["", "two words", "{tenant}", "a" * 65, ":leading", "é"])
def test_a_prefix_that_could_collide_or_span_slots_is_refused(prefix: str) -> None:
    with pytest.raises(ValidationError, match="key_prefix"):
        load_settings(redis={"key_prefix": prefix})


def test_the_segment_cache_uses_the_main_redis_unless_it_has_its_own() -> None:
    assert load_settings(redis={"url": "redis://main/0"}).cache_redis_url == "redis://main/0"
    own = load_settings(redis={"url": "redis://main/0"},
                        cache={"redis_url": "redis://cache/0"})
    assert own.cache_redis_url == "redis://cache/0"


def on_prefix(prefix: str, **sections: Any) -> Settings:
    return load_settings(queue={"type": "redis"}, redis={"url": NOWHERE, "key_prefix": prefix},
                         **sections)


@pytest.fixture
def container() -> Iterator[Container]:
    built = create_container(on_prefix("tenant-b"))
    yield built
    built.shutdown_resources()


def test_status_cache_credentials_limits_and_segments_name_keys_under_the_prefix(
    container: Container
) -> None:
    status: Any = container.status_cache()
    assert (status.namespace, status.accounts) == ("tenant-b:task-status",
                                                   "tenant-b:account-status")
    credentials: Any = container.credentials()
    assert credentials._ticket("t").startswith("tenant-b:stream-ticket:")
    assert credentials._token("x") == "tenant-b:revoked-token:x"
    assert credentials._user("u") == "tenant-b:tokens-not-before:u"
    limits: Any = container.rate_limits()
    storage = limits._window.storage
    assert storage.prefixed_key("LIMITER/login") == "tenant-b:limits:LIMITER/login"
    segments: Any = container.segment_cache()
    assert segments.namespace == "tenant-b:segment"


def test_the_queue_keys_carry_the_prefix() -> None:
    from adapters.queue.redis_streams import RedisStreamQueue

    class NoGroupToCreate(RedisStreamQueue):
        def _ensure_group(self) -> None:  # the only call the constructor makes to Redis
            pass

    queue = NoGroupToCreate(Redis.from_url(NOWHERE), 60, prefix="tenant-b")
    assert (queue.stream, queue.known) == ("tenant-b:tasks", "tenant-b:tasks:ids")


def test_minimax_limits_are_kept_under_the_prefix() -> None:
    settings = on_prefix("tenant-b")
    client = Redis.from_url(NOWHERE)
    context = AdapterContext(data_dir=settings.data_dir, env="test",
                             config=settings.model_dump(mode="python"),
                             resources={"redis": lambda: client})
    synthesizer = create_minimax(MiniMaxSettings(api_key=SecretStr("key-1")), context)
    limits: Any = synthesizer.limits
    assert limits.window_key.startswith("tenant-b:minimax:")
    assert limits.slots_key.startswith("tenant-b:minimax:")
    assert "key-1" not in limits.window_key


def test_the_mofa_nodes_cache_segments_under_the_prefix_in_the_cache_redis() -> None:
    from podforge_mofa_engine.node_voices import open_voices

    settings = on_prefix("tenant-b", cache={"redis_url": "redis://127.0.0.1:9/3"})
    with open_voices(settings) as voices:
        cache: Any = voices.cache
        assert cache.namespace == "tenant-b:segment"
        assert cache.redis.connection_pool.connection_kwargs["db"] == 3


# ---- database pools per kind of process -----------------------------------------------------

@pytest.mark.parametrize(("kind", "size", "overflow"), [("api", 20, 20), ("worker", 2, 1)])
def test_a_worker_process_keeps_a_small_database_pool(kind: str, size: int,
                                                      overflow: int) -> None:
    settings = load_settings(database={"url": "postgresql://nobody@127.0.0.1:9/none"})
    container = create_container(settings, process_kind=kind)
    pool: Any = container.db_engine().pool  # no connection is opened until one is used
    try:
        assert (pool.size(), pool._max_overflow) == (size, overflow)
    finally:
        container.shutdown_resources()
