"""Tasks and audio on SQLAlchemy; state changes are conditional UPDATEs, safe across processes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from adapters.db import models
from adapters.db.ledger import as_uuid
from core.entities import AudioRecord, NewAudio, TaskRecord
from core.states import AudioFormat, TaskStatus
from ports.persistence import TaskRepository

T = models.Task
PROCESSING = TaskStatus.PROCESSING.value
PENDING = TaskStatus.PENDING.value
UNFINISHED = (PENDING, PROCESSING)


def now() -> datetime:
    return datetime.now(UTC)


def to_task(row: models.Task) -> TaskRecord:
    return TaskRecord(
        str(row.id), str(row.user_id), str(row.script_id), row.voice_config, row.engine_type,
        TaskStatus(row.status), row.progress, row.error_message, row.credit_cost,
        row.chars_processed, row.content_hash, row.script_content, row.created_at,
        row.started_at, row.completed_at, row.retry_count, row.max_retries, row.lease,
        row.heartbeat_at)


def to_audio(row: models.Audio) -> AudioRecord:
    return AudioRecord(str(row.id), str(row.task_id), AudioFormat(row.format), row.file_path,
                       row.file_size, row.duration, row.sample_rate, row.created_at,
                       row.expires_at)


class SqlTaskRepository(TaskRepository):
    def __init__(self, session: Session) -> None:
        self.session = session

    def _change(self, task_id: str, condition: ColumnElement[bool], **values: Any) -> bool:
        uid = as_uuid(task_id)
        if uid is None:
            return False
        result = self.session.execute(update(T).where(T.id == uid, condition).values(**values)
                                      .execution_options(synchronize_session=False))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def _leased(self, lease: str) -> ColumnElement[bool]:
        return and_(T.status == PROCESSING, T.lease == lease)

    def add(self, *, user_id: str, script_id: str, voice_config: dict[str, Any],
            engine_type: str, credit_cost: int, content_hash: str, script_content: str,
            max_retries: int) -> TaskRecord:
        row = T(user_id=as_uuid(user_id), script_id=as_uuid(script_id),
                voice_config=voice_config, engine_type=engine_type, status=PENDING,
                progress=0, credit_cost=credit_cost, chars_processed=0,
                content_hash=content_hash, script_content=script_content, retry_count=0,
                max_retries=max_retries)
        self.session.add(row)
        self.session.flush()
        return to_task(row)

    def get(self, task_id: str, *, user_id: str | None = None) -> TaskRecord | None:
        uid = as_uuid(task_id)
        if uid is None:
            return None
        query = select(T).where(T.id == uid).execution_options(populate_existing=True)
        if user_id is not None:
            query = query.where(T.user_id == as_uuid(user_id))
        row = self.session.execute(query).scalar_one_or_none()
        return to_task(row) if row else None

    def page(self, *, user_id: str, script_id: str | None, status: TaskStatus | None,
             limit: int, offset: int) -> tuple[list[TaskRecord], int]:
        conditions = [T.user_id == as_uuid(user_id)]
        if script_id is not None:
            conditions.append(T.script_id == as_uuid(script_id))
        if status is not None:
            conditions.append(T.status == status.value)
        total = self.session.execute(
            select(func.count()).select_from(T).where(*conditions)).scalar_one()
        rows = self.session.execute(select(T).where(*conditions).order_by(
            T.created_at.desc()).limit(limit).offset(offset)).scalars()
        return [to_task(row) for row in rows], total

    def start_if_available(self, task_id: str, *, lease: str, take_over: bool) -> bool:
        available = T.status == PENDING
        if take_over:
            available = or_(available, T.status == PROCESSING)
        moment = now()
        # The first start stays: the time limit covers every attempt and every take-over.
        return self._change(task_id, available, status=PROCESSING, lease=lease,
                            started_at=func.coalesce(T.started_at, moment), heartbeat_at=moment)

    def heartbeat_if_leased(self, task_id: str, *, lease: str) -> bool:
        return self._change(task_id, self._leased(lease), heartbeat_at=now())

    def raise_progress_if_leased(self, task_id: str, *, lease: str, progress: int) -> bool:
        if self._change(task_id, and_(self._leased(lease), T.progress < progress),
                        progress=progress, heartbeat_at=now()):
            return True
        return self.heartbeat_if_leased(task_id, lease=lease)

    def complete_if_leased(self, task_id: str, *, lease: str, credit_cost: int,
                           chars_processed: int, content_hash: str) -> bool:
        return self._change(task_id, self._leased(lease), status=TaskStatus.COMPLETED.value,
                            progress=100, credit_cost=credit_cost,
                            chars_processed=chars_processed, content_hash=content_hash,
                            completed_at=now(), lease=None, error_message=None)

    def retry_if_leased(self, task_id: str, *, lease: str, error: str) -> bool:
        return self._change(task_id, self._leased(lease), status=PENDING, lease=None,
                            retry_count=T.retry_count + 1, error_message=error[:2000])

    def release_if_leased(self, task_id: str, *, lease: str) -> bool:
        return self._change(task_id, self._leased(lease), status=PENDING, lease=None)

    def fail_if_unfinished(self, task_id: str, *, error: str, lease: str | None = None) -> bool:
        condition = T.status.in_(UNFINISHED) if lease is None else self._leased(lease)
        return self._change(task_id, condition, status=TaskStatus.FAILED.value,
                            error_message=error[:2000], credit_cost=0, lease=None,
                            completed_at=now())

    def ids_in_status(self, status: TaskStatus, *, older_than_seconds: float) -> list[str]:
        cutoff = now() - timedelta(seconds=older_than_seconds)
        heard = T.heartbeat_at if status is TaskStatus.PROCESSING else T.created_at
        rows = self.session.execute(select(T.id).where(T.status == status.value, heard < cutoff)
                                    .order_by(T.created_at).limit(500)).scalars()
        return [str(task_id) for task_id in rows]

    def overdue_ids(self, *, started_before_seconds: float) -> list[str]:
        cutoff = now() - timedelta(seconds=started_before_seconds)
        rows = self.session.execute(select(T.id).where(T.status == PROCESSING,
                                                       T.started_at < cutoff)).scalars()
        return [str(task_id) for task_id in rows]

    def find_reusable(self, task: TaskRecord, *, completed_after: datetime) -> TaskRecord | None:
        rows = self.session.execute(select(T).where(
            T.user_id == as_uuid(task.user_id), T.id != as_uuid(task.id),
            T.status == TaskStatus.COMPLETED.value, T.content_hash == task.content_hash,
            T.engine_type == task.engine_type, T.completed_at > completed_after,
        ).order_by(T.completed_at.desc()).limit(20)).scalars()
        for row in rows:  # JSON columns compare differently per database: compare here
            if row.voice_config == task.voice_config:
                return to_task(row)
        return None

    def add_audio(self, task_id: str, audio: NewAudio) -> AudioRecord:
        row = models.Audio(task_id=as_uuid(task_id), format=audio.format.value,
                           file_path=audio.file_path, file_size=audio.file_size,
                           duration=audio.duration, sample_rate=audio.sample_rate)
        self.session.add(row)
        self.session.flush()
        return to_audio(row)

    def audio_for(self, task_id: str) -> list[AudioRecord]:
        rows = self.session.execute(select(models.Audio).where(
            models.Audio.task_id == as_uuid(task_id)).order_by(models.Audio.format.desc())
        ).scalars()
        return [to_audio(row) for row in rows]

    def get_audio(self, audio_id: str, *, user_id: str | None = None) -> AudioRecord | None:
        aid = as_uuid(audio_id)
        if aid is None:
            return None
        query = select(models.Audio).where(models.Audio.id == aid)
        if user_id is not None:
            query = query.join(T, T.id == models.Audio.task_id).where(
                T.user_id == as_uuid(user_id))
        row = self.session.execute(query).scalar_one_or_none()
        return to_audio(row) if row else None

    def expired_audio(self, *, now: datetime, limit: int) -> list[AudioRecord]:
        rows = self.session.execute(select(models.Audio).where(
            models.Audio.expires_at.is_not(None), models.Audio.expires_at < now).limit(limit)
        ).scalars()
        return [to_audio(row) for row in rows]

    def delete_audio(self, audio_id: str) -> None:
        row = self.session.get(models.Audio, as_uuid(audio_id))
        if row is not None:
            self.session.delete(row)
            self.session.flush()
