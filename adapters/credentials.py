"""Credential stores: a dict for the single-process default, Redis for deployments."""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Any

from adapters.async_redis import LoopClients
from ports.credentials import CredentialStore


def digest(ticket: str) -> str:
    """Tickets are kept by digest: whoever reads the store cannot replay them."""
    return hashlib.sha256(ticket.encode()).hexdigest()


class MemoryCredentialStore(CredentialStore):
    """Entries with their expiry times, dropped once past them."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def _put(self, key: str, value: str, seconds: int) -> None:
        now = time.time()
        with self._lock:
            self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
            self._entries[key] = (now + seconds, value)

    def _get(self, key: str, *, remove: bool = False) -> str | None:
        with self._lock:
            entry = self._entries.pop(key, None) if remove else self._entries.get(key)
        return entry[1] if entry is not None and entry[0] > time.time() else None

    def put_ticket(self, ticket: str, holder: str, *, seconds: int) -> None:
        self._put(f"ticket:{digest(ticket)}", holder, seconds)

    async def take_ticket(self, ticket: str) -> str | None:
        return self._get(f"ticket:{digest(ticket)}", remove=True)

    def revoke_token(self, token_id: str, *, seconds: int) -> None:
        self._put(f"token:{token_id}", "revoked", seconds)

    def revoke_tokens_before(self, user_id: str, moment: float, *, seconds: int) -> None:
        self._put(f"user:{user_id}", repr(moment), seconds)

    def revoked(self, token_id: str | None, user_id: str, issued_at: float) -> bool:
        not_before = self._get(f"user:{user_id}")
        return ((token_id is not None and self._get(f"token:{token_id}") is not None)
                or (not_before is not None and issued_at < float(not_before)))


class RedisCredentialStore(CredentialStore):
    """One key per ticket, revoked token and user whose older tokens are revoked; each
    expires with what it describes."""

    def __init__(self, redis: Any, url: str, namespace: str = "podforge") -> None:
        """``redis`` serves the blocking calls; the async ones open their own clients.
        ``namespace`` (the deployment's key prefix) starts every key."""
        self.redis = redis
        self.namespace = namespace
        self._async = LoopClients(url)

    def _ticket(self, ticket: str) -> str:
        return f"{self.namespace}:stream-ticket:{digest(ticket)}"

    def _token(self, token_id: str | None) -> str:
        return f"{self.namespace}:revoked-token:{token_id}"

    def _user(self, user_id: str) -> str:
        return f"{self.namespace}:tokens-not-before:{user_id}"

    def put_ticket(self, ticket: str, holder: str, *, seconds: int) -> None:
        self.redis.set(self._ticket(ticket), holder, ex=seconds)

    async def take_ticket(self, ticket: str) -> str | None:
        holder = await self._async.current().getdel(self._ticket(ticket))
        return holder.decode() if isinstance(holder, bytes) else holder

    def revoke_token(self, token_id: str, *, seconds: int) -> None:
        self.redis.set(self._token(token_id), 1, ex=max(seconds, 1))

    def revoke_tokens_before(self, user_id: str, moment: float, *, seconds: int) -> None:
        self.redis.set(self._user(user_id), repr(moment), ex=max(seconds, 1))

    @staticmethod
    def _verdict(token_revoked: Any, not_before: bytes | None, issued_at: float) -> bool:
        return bool(token_revoked) or (not_before is not None and issued_at < float(not_before))

    def revoked(self, token_id: str | None, user_id: str, issued_at: float) -> bool:
        """One round trip for both keys."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.exists(self._token(token_id))
        pipe.get(self._user(user_id))
        token_revoked, not_before = pipe.execute()
        return self._verdict(token_id is not None and token_revoked, not_before, issued_at)

    async def revoked_async(self, token_id: str | None, user_id: str, issued_at: float) -> bool:
        async with self._async.current().pipeline(transaction=False) as pipe:
            pipe.exists(self._token(token_id))
            pipe.get(self._user(user_id))
            token_revoked, not_before = await pipe.execute()
        return self._verdict(token_id is not None and token_revoked, not_before, issued_at)

    async def aclose(self) -> None:
        await self._async.aclose()
