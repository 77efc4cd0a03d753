"""CredentialStore port: single-use stream tickets and revoked tokens, short-lived by nature."""

from __future__ import annotations

import abc


class CredentialStore(abc.ABC):
    """Facts about credentials that every API process must see, and that lapse on their own
    (a ticket after a minute, a revocation when the token would have expired anyway)."""

    @abc.abstractmethod
    def put_ticket(self, ticket: str, holder: str, *, seconds: int) -> None:
        """Remember for ``seconds`` that ``ticket`` stands for ``holder``."""

    @abc.abstractmethod
    async def take_ticket(self, ticket: str) -> str | None:
        """The ticket's holder, forgotten in the same atomic step, so a ticket serves once;
        None when it is unknown, used or expired."""

    @abc.abstractmethod
    def revoke_token(self, token_id: str, *, seconds: int) -> None:
        """Refuse the token ``token_id`` for ``seconds`` (until it would expire)."""

    @abc.abstractmethod
    def revoke_tokens_before(self, user_id: str, moment: float, *, seconds: int) -> None:
        """Refuse every token of ``user_id`` issued before ``moment`` (a Unix time), for
        ``seconds`` (until the last of them would expire)."""

    @abc.abstractmethod
    def revoked(self, token_id: str | None, user_id: str, issued_at: float) -> bool:
        """Whether a token (its id, owner and issue time) has been revoked."""

    async def revoked_async(self, token_id: str | None, user_id: str, issued_at: float) -> bool:
        """:meth:`revoked` without blocking the event loop; stores on a server override it."""
        return self.revoked(token_id, user_id, issued_at)

    async def aclose(self) -> None:  # noqa: B027 - nothing to release unless a client was opened
        """Release what the async methods opened for the running event loop."""
