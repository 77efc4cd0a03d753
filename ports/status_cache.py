"""StatusCache port: a task's status and progress, cheap to poll from any process."""

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
