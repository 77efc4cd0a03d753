"""Contract for CredentialStore adapters. Fixture to provide: ``store``, empty."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from ports.credentials import CredentialStore

T = TypeVar("T")


def run(store: CredentialStore, call: Callable[[], Awaitable[T]]) -> T:
    """Await ``call()`` in a loop of its own, releasing what the store opened for it."""

    async def closing() -> T:
        try:
            return await call()
        finally:
            await store.aclose()

    return asyncio.run(closing())


class CredentialStoreContract:
    """Subclass and define a ``store`` fixture: empty."""

    def test_a_ticket_serves_its_holder_once(self, store: CredentialStore) -> None:
        store.put_ticket("ticket-1", "user-1 task-1", seconds=60)
        assert run(store, lambda: store.take_ticket("ticket-1")) == "user-1 task-1"
        assert run(store, lambda: store.take_ticket("ticket-1")) is None
        assert run(store, lambda: store.take_ticket("never-issued")) is None

    def test_of_tickets_taken_at_once_only_one_serves(self, store: CredentialStore) -> None:
        store.put_ticket("ticket-2", "user-1 task-1", seconds=60)

        async def race() -> list[str | None]:
            return list(await asyncio.gather(*(store.take_ticket("ticket-2") for _ in range(20))))

        assert run(store, race).count("user-1 task-1") == 1

    def test_a_ticket_expires(self, store: CredentialStore) -> None:
        store.put_ticket("ticket-3", "user-1 task-1", seconds=1)
        time.sleep(1.2)  # past its lifetime: waiting for the expiry, not timing anything
        assert run(store, lambda: store.take_ticket("ticket-3")) is None

    def test_a_revoked_token_is_refused_and_others_are_not(self, store: CredentialStore) -> None:
        now = time.time()
        store.revoke_token("token-1", seconds=60)
        assert store.revoked("token-1", "user-1", now)
        assert not store.revoked("token-2", "user-1", now)
        assert not store.revoked(None, "user-1", now)
        assert run(store, lambda: store.revoked_async("token-1", "user-1", now))

    def test_tokens_issued_before_a_moment_are_refused(self, store: CredentialStore) -> None:
        moment = time.time()
        store.revoke_tokens_before("user-1", moment, seconds=60)
        assert store.revoked("token-1", "user-1", moment - 0.001)
        assert not store.revoked("token-1", "user-1", moment)
        assert not store.revoked("token-1", "user-2", moment - 0.001)
        assert run(store, lambda: store.revoked_async(None, "user-1", moment - 0.001))
        assert not run(store, lambda: store.revoked_async(None, "user-1", moment + 0.001))
