"""Registers the Redis Streams queue as ``[queue] type = "redis"`` (uses ``[redis] url``)."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.queue.redis_streams import RedisStreamQueue
from ports import AdapterContext, AdapterSpec, NoSettings, hookimpl


def create_redis_queue(settings: NoSettings, context: AdapterContext) -> RedisStreamQueue:
    """The queue on the container's shared Redis client, under ``[redis] key_prefix``."""
    redis = context.resources["redis"]()
    return RedisStreamQueue(redis, float(context.config["queue"]["visibility_timeout_seconds"]),
                            prefix=str(context.config["redis"]["key_prefix"]))


@hookimpl
def podforge_register_adapters() -> Sequence[AdapterSpec]:
    return [AdapterSpec("queue", "redis", create_redis_queue,
                        description="Redis Streams with a consumer group (several machines)")]
