"""What a TTS node speaks with, built from the settings without the whole composition root:
a node starts for every task, so what it imports is paid for every task."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from redis import Redis

from adapters.plugin_manager import AdapterRegistry, get_plugin_manager
from adapters.segment_cache import segment_cache_for
from adapters.settings import Settings
from adapters.voices.library import VoiceLibrary
from adapters.voices.providers import SynthesizerLookup
from ports.plugins import AdapterContext
from ports.segment_cache import SegmentCache


@dataclass(frozen=True)
class NodeVoices:
    library: VoiceLibrary
    synthesizers: SynthesizerLookup
    cache: SegmentCache


@contextmanager
def open_voices(settings: Settings) -> Iterator[NodeVoices]:
    """The voice providers as the worker configures them (MiniMax limits shared through Redis
    in a Redis deployment), closed on exit."""
    clients: dict[str, Redis] = {}

    def client(url: str) -> Redis:
        if url not in clients:
            clients[url] = Redis.from_url(url)
        return clients[url]

    def redis() -> Redis:
        return client(settings.redis.url)

    def cache_redis() -> Redis:
        return client(settings.cache_redis_url)

    library = VoiceLibrary(settings.voices_path)
    resources: dict[str, Any] = {"voices": library, "redis": redis}
    context = AdapterContext(data_dir=settings.data_dir, env=settings.app.env,
                             config=settings.model_dump(mode="python"), resources=resources)
    synthesizers = SynthesizerLookup(AdapterRegistry.from_plugin_manager(get_plugin_manager()),
                                     settings, context)
    cache = segment_cache_for(shared=settings.queue.type == "redis", redis=cache_redis,
                              ttl_seconds=settings.cache.ttl_seconds,
                              prefix=settings.redis.key_prefix)
    try:
        yield NodeVoices(library, synthesizers, cache)
    finally:
        synthesizers.close()
        for opened in clients.values():
            opened.close()
