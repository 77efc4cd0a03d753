"""Request limits with the ``limits`` library: moving windows in Redis, or in memory."""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Iterator, Mapping

from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter
from redis import Redis

from core.errors import RateLimited, ServiceUnavailable
from ports.rate_limits import RateLimits


def redis_storage(redis: Redis, prefix: str = "podforge") -> RedisStorage:
    """Shares the app's Redis connections; keys start with ``<prefix>:limits``."""
    return RedisStorage("redis://", connection_pool=redis.connection_pool,
                        key_prefix=f"{prefix}:limits", wrap_exceptions=True)


@contextlib.contextmanager
def store_reachable() -> Iterator[None]:
    """A limit that cannot be checked refuses the request (503), never lets it through."""
    try:
        yield
    except StorageError:
        raise ServiceUnavailable("the rate limit store (Redis) is unreachable: try again "
                                 "shortly") from None


class LimitsRateLimits(RateLimits):
    """``table`` maps a limit's name to its text in the library's notation ("5/hour")."""

    def __init__(self, storage: Storage, table: Mapping[str, str]) -> None:
        self._window = MovingWindowRateLimiter(storage)
        self._items = {name: parse_many(text) for name, text in table.items()}

    def hit(self, name: str, *keys: str) -> None:
        with store_reachable():
            for item in self._items[name]:
                if not self._window.hit(item, name, *keys):
                    wait = self._retry_after(item, name, *keys)
                    raise RateLimited(f"rate limit [limits] {name} reached ({item}): try "
                                      f"again in {wait} s", retry_after=wait)

    def clear(self, name: str, *keys: str) -> None:
        with store_reachable():
            for item in self._items[name]:
                self._window.clear(item, name, *keys)

    def _retry_after(self, item: RateLimitItem, *identifiers: str) -> int:
        """Whole seconds until the oldest counted request leaves the window (at least 1)."""
        reset = self._window.get_window_stats(item, *identifiers).reset_time
        return max(1, math.ceil(reset - time.time()))
