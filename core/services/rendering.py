"""The render use case a worker runs for one task id: claim, render, store, settle."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path

from core import log_context
from core.billing import BillingRules
from core.entities import NewAudio, TaskRecord
from core.failures import describe_failure
from core.services.tasks import content_hash, fail_task, remember
from core.states import AudioFormat, TaskStatus
from core.storage_keys import audio_key
from ports.persistence import UnitOfWork
from ports.status_cache import StatusCache, TaskState
from ports.storage import ObjectNotFound, Storage
from ports.tts_engine import AudioResult, TTSEngine

log = logging.getLogger(__name__)


class Outcome(Enum):
    COMPLETED = "completed"
    RETRY = "retry"  # handed back for another attempt: the caller queues it again
    FAILED = "failed"
    SKIPPED = "skipped"  # finished, cancelled or owned by another worker: nothing to do
    LOST = "lost"  # cancelled or timed out while rendering; the result was discarded


class LeaseLost(Exception):
    """The task was cancelled, timed out or taken over while this attempt rendered it."""


class NotStarted(Exception):
    """The task could not be claimed (its database did not answer); nothing was done."""


class TimeLimitReached(Exception):
    """The render ran past ``[worker] task_timeout_minutes`` and was stopped."""


Timing = Callable[[str, float], None]
"""Called with a name (a render stage, or how an attempt ended) and the seconds it took."""


def ignore_timing(name: str, seconds: float) -> None:
    """The :data:`Timing` of deployments that keep no metrics."""


@dataclass(frozen=True)
class RenderDeps:
    unit_of_work: Callable[[], UnitOfWork]
    engine: TTSEngine
    storage: Storage
    cache: StatusCache
    billing: BillingRules
    work_root: Path
    timeout_seconds: float
    heartbeat_seconds: float = 20.0
    reuse_seconds: float = 3600.0  # an identical request within this time reuses the files
    record_stage: Timing = ignore_timing
    record_outcome: Timing = ignore_timing  # each attempt's outcome, or "error" if it raised


def companion_files(result: AudioResult) -> dict[str, Path]:
    """Transcripts and chapters by the extension their storage key gets."""
    files = dict(result.transcript_paths)
    if result.chapters_path is not None:
        files["chapters.json"] = result.chapters_path
    return files


def time_limit_message(seconds: float) -> str:
    """Why a task was stopped for taking too long, with its limit in readable units."""
    limit = f"{seconds / 60:g} minutes" if seconds >= 60 else f"{seconds:g} seconds"
    return f"rendering took longer than {limit} and was stopped; try a shorter script or " \
           "try again later"


def user_message(error: BaseException) -> str:
    """What went wrong, in words the person who asked for the render can act on."""
    return f"rendering failed: {describe_failure(error)}"


class Attempt:
    """One worker's attempt at one task, identified by its lease."""

    def __init__(self, deps: RenderDeps, task: TaskRecord, lease: str,
                 on_heartbeat: Callable[[], None]) -> None:
        self.deps = deps
        self.task = task
        self.lease = lease
        self.on_heartbeat = on_heartbeat
        self.progress = task.progress

    def report(self, percent: int) -> None:
        """The engine's progress callback: never lowers progress; stops a lost attempt."""
        if percent <= self.progress:
            return
        with self.deps.unit_of_work() as uow:
            if not uow.tasks.raise_progress_if_leased(self.task.id, lease=self.lease,
                                                      progress=percent):
                raise LeaseLost(self.task.id)
            uow.commit()
        self.progress = percent
        # Known without asking the database again: this attempt holds the task.
        self.deps.cache.put(TaskState(self.task.id, self.task.user_id,
                                      TaskStatus.PROCESSING.value, percent))

    def remember(self) -> None:
        with self.deps.unit_of_work() as uow:
            task = uow.tasks.get(self.task.id)
        if task is not None:
            remember(self.deps.cache, task)

    async def keep_alive(self, render: asyncio.Task[AudioResult]) -> None:
        """Renew the claim; cancel the render as soon as the task is no longer ours."""
        while not render.done():
            await asyncio.sleep(self.deps.heartbeat_seconds)
            with self.deps.unit_of_work() as uow:
                alive = uow.tasks.heartbeat_if_leased(self.task.id, lease=self.lease)
                uow.commit()
            if not alive:
                render.cancel()
                return
            self.on_heartbeat()

    async def render(self, work_dir: Path) -> AudioResult:
        render = asyncio.create_task(self.deps.engine.generate_audio(
            self.task.script_content, self.task.voice_config, work_dir, self.task.id,
            self.report, cache_scope=self.task.user_id))
        watcher = asyncio.create_task(self.keep_alive(render))
        try:
            return await asyncio.wait_for(asyncio.shield(render), self.deps.timeout_seconds)
        except TimeoutError:
            if render.done():  # the engine's own error, not this attempt's time limit
                raise
            render.cancel()
            with contextlib.suppress(BaseException):
                await render
            raise TimeLimitReached(self.task.id) from None
        except asyncio.CancelledError:
            if render.cancelled():  # keep_alive saw the task cancelled or taken over
                raise LeaseLost(self.task.id) from None
            render.cancel()  # this worker is shutting down: stop the engine too
            raise
        finally:
            watcher.cancel()

    def store(self, result: AudioResult) -> list[NewAudio]:
        """Put the audio, transcripts and chapters beside each other in storage; when one
        cannot be stored, those already put are removed again (no row points at them yet)."""
        stored = []
        try:
            for fmt, path in ((AudioFormat.WAV, result.wav_path),
                              (AudioFormat.MP3, result.mp3_path)):
                key = audio_key(self.task.id, fmt.value, self.task.created_at)
                size = self.deps.storage.put_file(key, path)
                stored.append(NewAudio(fmt, key, size, result.duration, result.sample_rate))
            for kind, path in companion_files(result).items():
                self.deps.storage.put_file(audio_key(self.task.id, kind, self.task.created_at),
                                           path)
        except Exception:
            with contextlib.suppress(Exception):  # storage is failing: keep the first error
                self.discard(stored, result)
            raise
        return stored

    def discard(self, audio: list[NewAudio], result: AudioResult) -> None:
        """Remove what :meth:`store` put, for an attempt that lost its task meanwhile."""
        for item in audio:
            self.deps.storage.delete(item.file_path)
        for kind in companion_files(result):
            self.deps.storage.delete(audio_key(self.task.id, kind, self.task.created_at))

    def reuse(self, work_dir: Path) -> tuple[AudioResult, list[NewAudio]] | None:
        """The files of an identical, recent render by the same user, copied for this task:
        no synthesis, so nothing is charged."""
        since = datetime.now(UTC) - timedelta(seconds=self.deps.reuse_seconds)
        with self.deps.unit_of_work() as uow:
            previous = uow.tasks.find_reusable(self.task, completed_after=since)
            rows = uow.tasks.audio_for(previous.id) if previous else []
        if previous is None or len(rows) != 2:
            return None
        work_dir.mkdir(parents=True, exist_ok=True)
        paths: dict[str, Path] = {}
        for kind in ("wav", "mp3", "srt", "vtt", "chapters.json"):
            path = work_dir / f"podcast.{kind}"
            try:
                self.deps.storage.get_file(audio_key(previous.id, kind, previous.created_at),
                                           path)
            except ObjectNotFound:
                if kind in ("wav", "mp3"):
                    return None
                continue
            paths[kind] = path
        result = AudioResult(
            wav_path=paths["wav"], mp3_path=paths["mp3"], duration=rows[0].duration,
            sample_rate=rows[0].sample_rate, chars_processed=0,
            transcript_paths={k: paths[k] for k in ("srt", "vtt") if k in paths},
            chapters_path=paths.get("chapters.json"))
        return result, self.store(result)

    def settle(self, result: AudioResult, audio: list[NewAudio]) -> bool:
        """Completed, two audio rows and the refund of unused credits, all or nothing."""
        cost, refund = self.deps.billing.audio_settlement(
            held=self.task.credit_cost, chars_processed=result.chars_processed)
        with self.deps.unit_of_work() as uow:
            if not uow.tasks.complete_if_leased(
                    self.task.id, lease=self.lease, credit_cost=cost,
                    chars_processed=result.chars_processed,
                    content_hash=content_hash(self.task.script_content)):
                return False
            for item in audio:
                uow.tasks.add_audio(self.task.id, item)
            if refund:
                uow.ledger.refund(user_id=self.task.user_id, amount=refund,
                                  reference_id=self.task.id,
                                  idempotency_key=f"task:{self.task.id}:refund",
                                  description="unused credits of a completed render")
            uow.commit()
        return True

    async def run(self, work_dir: Path) -> Outcome:
        """Reuse or render, store, settle; raises whatever went wrong on the way."""
        self.remember()
        reused = self.reuse(work_dir)
        if reused is not None:
            result, audio = reused
        else:
            result = await self.render(work_dir)
            started = time.monotonic()
            audio = self.store(result)
            self.deps.record_stage("storing", time.monotonic() - started)
        if not self.settle(result, audio):
            self.discard(audio, result)  # cancelled or timed out meanwhile: nobody's files
            return Outcome.LOST
        self.remember()
        return Outcome.COMPLETED

    def give_up_or_retry(self, error: BaseException) -> Outcome:
        # The user reads plain words; the operator needs the path and the error number.
        log.warning("attempt %d of task %s failed", self.task.retry_count + 1, self.task.id,
                    exc_info=error)
        message = user_message(error)
        if self.task.retry_count < self.task.max_retries:
            with self.deps.unit_of_work() as uow:
                retried = uow.tasks.retry_if_leased(self.task.id, lease=self.lease,
                                                    error=message)
                uow.commit()
            self.remember()
            return Outcome.RETRY if retried else Outcome.LOST
        failed = fail_task(uow=self.deps.unit_of_work(), cache=self.deps.cache,
                           task_id=self.task.id, error=message, lease=self.lease)
        return Outcome.FAILED if failed else Outcome.LOST


async def process_task(deps: RenderDeps, *, task_id: str, lease: str, take_over: bool,
                       on_heartbeat: Callable[[], None] = lambda: None) -> Outcome:
    """Render one task if it is still waiting (or, with ``take_over``, abandoned).

    Whatever fails inside the attempt (the work folder, reuse, render, storage, settlement)
    counts as one attempt: the task is retried, or failed and refunded after its last one.
    """
    try:
        with deps.unit_of_work() as uow:
            started = uow.tasks.start_if_available(task_id, lease=lease, take_over=take_over)
            uow.commit()
            task = uow.tasks.get(task_id)
    except Exception as error:
        raise NotStarted(task_id) from error
    if not started or task is None:
        return Outcome.SKIPPED
    log_context.task_id.set(task.id)
    log_context.user_id.set(task.user_id)
    attempt = Attempt(deps, task, lease, on_heartbeat)
    begun = time.monotonic()
    ended = "error"  # unless the attempt reaches an outcome: it raised on its way
    try:
        outcome = await conclude(deps, attempt, task_id)
        ended = outcome.value
        return outcome
    finally:
        deps.record_outcome(ended, time.monotonic() - begun)


async def conclude(deps: RenderDeps, attempt: Attempt, task_id: str) -> Outcome:
    """Run the attempt and settle however it ends: done, lost, out of time, retry or fail."""
    lease = attempt.lease
    try:
        return await attempt.run(deps.work_root / task_id / lease)
    except LeaseLost:
        return Outcome.LOST
    except TimeLimitReached:
        failed = fail_task(uow=deps.unit_of_work(), cache=deps.cache, task_id=task_id,
                           lease=lease, error=time_limit_message(deps.timeout_seconds))
        return Outcome.FAILED if failed else Outcome.LOST
    except Exception as error:
        return attempt.give_up_or_retry(error)
