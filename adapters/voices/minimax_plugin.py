"""Registers MiniMax as the ``minimax`` voice provider, configured by ``[tts.minimax]``."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from adapters.voices.limits import MemoryRequestLimits, RedisRequestLimits, RequestLimits
from adapters.voices.minimax import MiniMaxSettings, MiniMaxSynthesizer
from ports import AdapterContext, AdapterSpec, AdapterUnavailable, hookimpl


def create_minimax(settings: MiniMaxSettings, context: AdapterContext) -> MiniMaxSynthesizer:
    """Limits are per API key (named by a hash, never the key), shared through Redis when the
    deployment uses a Redis queue."""
    key = settings.api_key.get_secret_value()
    if not key:
        raise AdapterUnavailable(
            "[tts.minimax] api_key is not set (PODFORGE_TTS__MINIMAX__API_KEY)")
    limits: RequestLimits
    if context.config["queue"]["type"] == "redis":
        prefix = context.config["redis"]["key_prefix"]
        namespace = f"{prefix}:minimax:{hashlib.sha256(key.encode()).hexdigest()[:16]}"
        limits = RedisRequestLimits(context.resources["redis"](), namespace,
                                    requests_per_minute=settings.requests_per_minute,
                                    max_concurrency=settings.max_concurrency)
    else:
        limits = MemoryRequestLimits(requests_per_minute=settings.requests_per_minute,
                                     max_concurrency=settings.max_concurrency)
    return MiniMaxSynthesizer(settings, limits)


@hookimpl
def podforge_register_adapters() -> Sequence[AdapterSpec]:
    return [AdapterSpec("synthesizer", "minimax", create_minimax, MiniMaxSettings,
                        "MiniMax T2A v2 voices (needs an API key)")]
