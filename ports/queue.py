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
        been renewed for the visibility timeout, after which :meth:`recover_stale` hands it out
        again.
        """

    @abc.abstractmethod
    def renew(self, message: QueueMessage, consumer: str) -> None:
        """Tell the queue ``consumer`` is still working on ``message``."""

    @abc.abstractmethod
    def ack(self, message: QueueMessage) -> None:
        """The work is done (or finally failed): never deliver this message again."""

    @abc.abstractmethod
    def recover_stale(self, consumer: str) -> int:
        """Make messages held past the visibility timeout deliverable again; returns how many."""

    @abc.abstractmethod
    def task_ids(self) -> set[str]:
        """Every task id the queue holds, waiting or being worked on (for reconciliation)."""

    @abc.abstractmethod
    def depth(self) -> int:
        """How many messages wait to be received (not counting those being worked on)."""

    @abc.abstractmethod
    def check_ready(self) -> None:
        """Raise an exception saying what is wrong when the queue cannot be reached."""
