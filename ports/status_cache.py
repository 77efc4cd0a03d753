"""StatusCache port: a task's status and progress, and an account's status, cheap to poll."""

from __future__ import annotations

import abc
from dataclasses import dataclass


@dataclass(frozen=True)
class TaskState:
    task_id: str
    user_id: str
    status: str
    progress: int
    error_message: str | None = None


class StatusCache(abc.ABC):
    """A copy of what the database says, kept for polling; the database stays the truth."""

    @abc.abstractmethod
    def put(self, state: TaskState) -> None:
        """Remember the latest state of a task."""

    @abc.abstractmethod
    def get(self, task_id: str) -> TaskState | None:
        """The latest state seen, or None when the cache does not know the task."""

    @abc.abstractmethod
    def put_account(self, user_id: str, status: str, *, changed: bool) -> None:
        """Remember an account's status. ``changed``: it was just set, so it replaces what is
        known; otherwise it was read from the database and is kept only if nothing is known,
        so a read that raced a change never overwrites it."""

    @abc.abstractmethod
    def account(self, user_id: str) -> str | None:
        """The account's status as last remembered, or None when the cache does not know it."""

    async def poll(self, task_id: str, user_id: str) -> tuple[TaskState | None, str | None]:
        """:meth:`get` and :meth:`account` at once, without blocking the event loop: what
        a status poll needs. Caches that talk to a server override it."""
        return self.get(task_id), self.account(user_id)

    async def aclose(self) -> None:  # noqa: B027 - nothing to release unless poll opened it
        """Release what :meth:`poll` opened for the running event loop."""
