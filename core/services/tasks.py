"""Use cases for tasks: accept a render (holding its credits), read, cancel, fail."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from core.billing import BillingRules
from core.entities import AudioRecord, TaskRecord
from core.errors import Conflict, NotFound
from core.script import ScriptLimits, SegmenterRules
from core.services.conflicts import retrying
from core.services.scripts import checked
from core.states import TaskStatus
from ports.ledger import TransactionType
from ports.persistence import UnitOfWork
from ports.queue import Queue
from ports.status_cache import StatusCache, TaskState
from ports.tts_engine import TTSEngine

CANCELLED = "cancelled by the user"


def content_hash(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def remember(cache: StatusCache, task: TaskRecord) -> None:
    cache.put(TaskState(task.id, task.user_id, task.status.value, task.progress,
                        task.error_message))


@dataclass(frozen=True)
class TaskView:
    task: TaskRecord
    audio: list[AudioRecord]
    script_changed: bool


def submit_task(*, uow: UnitOfWork, engine: TTSEngine, engine_type: str, queue: Queue,
                cache: StatusCache, rules: SegmenterRules, limits: ScriptLimits,
                billing: BillingRules, user_id: str, script_id: str,
                voice_config: dict[str, Any], max_retries: int) -> TaskRecord:
    """Accept a render: the script is looked up (404), checked with its voices (422), its
    estimated credits held (402), then the task is queued. Nothing is written on refusal."""

    def accept() -> TaskRecord:
        with uow:
            # The user's row first: the task's foreign key and the debit then take their
            # locks in the same order in every submission, so parallel ones queue.
            if uow.users.lock(user_id) is None:
                raise NotFound("no such user")
            script = uow.scripts.get(script_id, user_id=user_id)
            if script is None:
                raise NotFound("no such script")
            report = checked(script.content, rules, limits)
            voices = engine.validate_voice_config(voice_config, report.speakers)
            cost = billing.audio_credits(report.estimated_chars)
            task = uow.tasks.add(user_id=user_id, script_id=script.id, voice_config=voices,
                                 engine_type=engine_type, credit_cost=cost,
                                 content_hash=content_hash(script.content),
                                 script_content=script.content, max_retries=max_retries)
            if cost:
                uow.ledger.debit(user_id=user_id, amount=cost,
                                 type=TransactionType.AUDIO_GENERATION, reference_id=task.id,
                                 idempotency_key=f"task:{task.id}:debit",
                                 description=f"audio for {script.title}"[:255])
            uow.commit()
        return task

    task = retrying(accept)
    remember(cache, task)
    queue.enqueue(task.id)
    return task


def view_task(*, uow: UnitOfWork, user_id: str, task_id: str) -> TaskView:
    with uow:
        task, audio = _task_and_audio(uow, user_id, task_id)
        script = uow.scripts.get(task.script_id, user_id=user_id)
    changed = script is not None and content_hash(script.content) != task.content_hash
    return TaskView(task, audio, changed)


def _task_and_audio(uow: UnitOfWork, user_id: str,
                    task_id: str) -> tuple[TaskRecord, list[AudioRecord]]:
    task = uow.tasks.get(task_id, user_id=user_id)
    if task is None:
        raise NotFound("no such task")
    audio = uow.tasks.audio_for(task.id) if task.status is TaskStatus.COMPLETED else []
    return task, audio


def task_status(*, uow: UnitOfWork, user_id: str,
                task_id: str) -> tuple[TaskRecord, list[AudioRecord]]:
    """A task and, once completed, its audio: what a status poll needs, in two queries."""
    with uow:
        return _task_and_audio(uow, user_id, task_id)


def list_tasks(*, uow: UnitOfWork, user_id: str, script_id: str | None,
               status: TaskStatus | None, limit: int, offset: int
               ) -> tuple[list[TaskView], int]:
    with uow:
        tasks, total = uow.tasks.page(user_id=user_id, script_id=script_id, status=status,
                                      limit=limit, offset=offset)
        hashes = {}
        views = []
        for task in tasks:
            if task.script_id not in hashes:
                script = uow.scripts.get(task.script_id, user_id=user_id)
                hashes[task.script_id] = content_hash(script.content) if script else None
            audio = uow.tasks.audio_for(task.id) if task.status is TaskStatus.COMPLETED else []
            views.append(TaskView(task, audio, hashes[task.script_id] not in (
                None, task.content_hash)))
    return views, total


def fail_task(*, uow: UnitOfWork, cache: StatusCache, task_id: str, error: str,
              lease: str | None = None) -> TaskRecord | None:
    """Fail an unfinished task and refund everything it held, in one transaction.

    Returns the failed task, or None if it had already finished (or lost ``lease``).
    """
    with uow:
        task = uow.tasks.get(task_id)
        if task is None or not uow.tasks.fail_if_unfinished(task_id, error=error, lease=lease):
            return None
        if task.credit_cost:
            uow.ledger.refund(user_id=task.user_id, amount=task.credit_cost,
                              reference_id=task.id, idempotency_key=f"task:{task.id}:refund",
                              description=f"refund: {error}"[:255])
        uow.commit()
        failed = uow.tasks.get(task_id)
    assert failed is not None
    remember(cache, failed)
    return failed


def cancel_task(*, uow: UnitOfWork, cache: StatusCache, user_id: str, task_id: str
                ) -> TaskRecord:
    """Stop a pending or running task and refund it; its worker notices and stops."""
    with uow:
        task = uow.tasks.get(task_id, user_id=user_id)
    if task is None:
        raise NotFound("no such task")
    failed = fail_task(uow=uow, cache=cache, task_id=task.id, error=CANCELLED)
    if failed is None:
        raise Conflict("the task has already ended; there is nothing to cancel")
    return failed
