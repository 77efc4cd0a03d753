"""Stream tickets: what an EventSource sends instead of the access token, once, briefly."""

from __future__ import annotations

import secrets

from ports.credentials import CredentialStore


class StreamTickets:
    """A ticket opens one task's event stream for one user, once, within ``seconds``: it may
    sit in a URL, and so in a log, without lending the account to whoever reads it."""

    def __init__(self, store: CredentialStore, seconds: int) -> None:
        self.store = store
        self.seconds = seconds

    def issue(self, *, user_id: str, task_id: str) -> str:
        ticket = secrets.token_urlsafe(32)
        self.store.put_ticket(ticket, f"{user_id} {task_id}", seconds=self.seconds)
        return ticket

    async def redeem(self, ticket: str, *, task_id: str) -> str | None:
        """The user the ticket was issued to, if it was for ``task_id`` and is unused and
        fresh; it is used up either way."""
        holder = await self.store.take_ticket(ticket)
        if holder is None:
            return None
        user_id, _, bound_task = holder.partition(" ")
        return user_id if bound_task == task_id else None
