"""Queue port: carries task ids to workers; the database stays the truth about task state."""

from __future__ import annotations

import abc
from dataclasses import dataclass


@dataclass(frozen=True)
class QueueMessage:
    """A received task id and the receipt needed to renew or acknowledge it."""

    task_id: str
    receipt: str
    deliveries: int = 1


class Queue(abc.ABC):
    """At-least-once delivery with a visibility timeout: unacknowledged work comes back."""

    @abc.abstractmethod
    def enqueue(self, task_id: str) -> None:
        """Add a task id to the queue."""

    @abc.abstractmethod
    def receive(self, consumer: str, timeout_seconds: float) -> QueueMessage | None:
        """Take the next id for ``consumer``, waiting up to ``timeout_seconds``; None if none.

        The message stays invisible to other consumers until acknowledged, or until it has not
        been renewed for the visibility timeout; such a stale message is handed out again
        before any new one, one per call, so that each idle consumer takes at most one.
        """

    @abc.abstractmethod
    def renew(self, message: QueueMessage, consumer: str) -> bool:
        """Tell the queue ``consumer`` is still working on ``message``.

        :returns: False, renewing nothing, when the message is no longer ``consumer``'s
            (another consumer took it after it went stale, or it was acknowledged).
        """

    @abc.abstractmethod
    def ack(self, message: QueueMessage) -> None:
        """The work is done (or finally failed): never deliver this message again."""

    @abc.abstractmethod
    def recover_stale(self, consumer: str) -> int:
        """How many messages are held past the visibility timeout: the next calls of
        :meth:`receive` hand them out again."""

    @abc.abstractmethod
    def task_ids(self) -> set[str]:
        """Every task id the queue holds, waiting or being worked on (for reconciliation)."""

    @abc.abstractmethod
    def depth(self) -> int:
        """How many messages wait to be received (not counting those being worked on)."""

    @abc.abstractmethod
    def check_ready(self) -> None:
        """Raise an exception saying what is wrong when the queue cannot be reached."""
