"""asyncio Redis clients, one per event loop: an asyncio connection belongs to its loop."""

from __future__ import annotations

import asyncio
import weakref

from redis.asyncio import BlockingConnectionPool
from redis.asyncio import Redis as AsyncRedis

# Connections per event loop: many requests wait briefly for one rather than failing.
CONNECTIONS = 32
WAIT_SECONDS = 10


class LoopClients:
    """Hands out the running event loop's client to ``url``, opening it on first use."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncRedis] = (
            weakref.WeakKeyDictionary())

    def current(self) -> AsyncRedis:
        loop = asyncio.get_running_loop()
        if loop not in self._clients:
            self._clients[loop] = AsyncRedis.from_pool(BlockingConnectionPool.from_url(
                self.url, max_connections=CONNECTIONS, timeout=WAIT_SECONDS))
        return self._clients[loop]

    async def aclose(self) -> None:
        """Close the running loop's client, if it opened one."""
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.aclose()
