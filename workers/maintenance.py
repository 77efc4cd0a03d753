"""Periodic duties every worker shares: watchdog, queue reconciliation, old-file cleanup."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.services.rendering import time_limit_message
from core.services.tasks import fail_task
from core.states import TaskStatus
from ports.persistence import UnitOfWork
from ports.queue import Queue
from ports.status_cache import StatusCache
from ports.storage import Storage

log = logging.getLogger(__name__)

PENDING_GRACE_SECONDS = 5.0  # a task just accepted may not have reached the queue yet


@dataclass
class Maintenance:
    unit_of_work: Callable[[], UnitOfWork]
    queue: Queue
    storage: Storage
    cache: StatusCache
    work_root: Path
    timeout_seconds: float
    stale_after_seconds: float
    retention_seconds: float

    def fail_overdue(self) -> list[str]:
        """The watchdog: tasks processing past the limit fail and are refunded; their worker
        sees the lease gone at its next heartbeat and stops the engine."""
        with self.unit_of_work() as uow:
            overdue = uow.tasks.overdue_ids(started_before_seconds=self.timeout_seconds)
        message = time_limit_message(self.timeout_seconds)
        return [task_id for task_id in overdue if fail_task(
            uow=self.unit_of_work(), cache=self.cache, task_id=task_id, error=message)]

    def reconcile(self) -> list[str]:
        """Queue again what the queue lost: pending tasks it does not hold, and processing
        tasks whose worker went silent and whose message is gone (e.g. Redis restarted)."""
        held = self.queue.task_ids()
        with self.unit_of_work() as uow:
            pending = uow.tasks.ids_in_status(TaskStatus.PENDING,
                                              older_than_seconds=PENDING_GRACE_SECONDS)
            silent = uow.tasks.ids_in_status(TaskStatus.PROCESSING,
                                             older_than_seconds=self.stale_after_seconds)
            for task_id in silent:
                task = uow.tasks.get(task_id)
                if task_id not in held and task is not None and task.lease:
                    uow.tasks.release_if_leased(task_id, lease=task.lease)
                    pending.append(task_id)
            uow.commit()
        lost = [task_id for task_id in dict.fromkeys(pending) if task_id not in held]
        for task_id in lost:
            self.queue.enqueue(task_id)
        return lost

    def clean_work_dirs(self) -> int:
        """Delete per-task work folders (engine files, logs) older than the retention."""
        if not self.work_root.is_dir():
            return 0
        cutoff = time.time() - self.retention_seconds
        removed = 0
        for folder in self.work_root.iterdir():
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        return removed

    def delete_expired_audio(self) -> int:
        """Audio whose ``expires_at`` passed: the file first, then its row."""
        with self.unit_of_work() as uow:
            expired = uow.tasks.expired_audio(now=datetime.now(UTC), limit=500)
        for audio in expired:
            self.storage.delete(audio.file_path)
            with self.unit_of_work() as uow:
                uow.tasks.delete_audio(audio.id)
                uow.commit()
        return len(expired)


class Schedule:
    """Runs each duty at its own interval, from whatever loop calls :meth:`tick`."""

    def __init__(self, duties: list[tuple[float, Callable[[], object]]]) -> None:
        self.duties = duties
        self.due = [0.0] * len(duties)

    def tick(self) -> None:
        now = time.monotonic()
        for index, (interval, duty) in enumerate(self.duties):
            if now >= self.due[index]:
                self.due[index] = now + interval
                try:
                    duty()
                except Exception:  # one failing duty must not stop the worker or the others
                    log.exception("maintenance duty %s failed", getattr(duty, "__name__", duty))
