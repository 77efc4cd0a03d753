"""Tasks: start a render (holding credits), follow it, cancel it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, HTTPException, Response
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from api.audio_links import audio_out
from api.dependencies import (
    SIGNED_IN_ERRORS,
    BearerToken,
    BillingRulesDep,
    ContainerDep,
    CurrentUser,
    EngineDep,
    Limit,
    Offset,
    QueueDep,
    ScriptRulesDep,
    SettingsDep,
    StatusCacheDep,
    StorageDep,
    StreamTicketsDep,
    StreamUserId,
    TokensDep,
    UnitOfWorkDep,
    access_claims_async,
    limited_per_user,
    polling_user_id,
)
from api.schemas import (
    AudioOut,
    StreamTicketOut,
    TaskCreated,
    TaskIn,
    TaskOut,
    TaskPage,
    TaskStatusOut,
    Text,
)
from core.entities import AudioRecord
from core.services import tasks as service
from core.states import TaskStatus
from core.storage_keys import audio_key
from ports.persistence import UnitOfWork
from ports.status_cache import StatusCache, TaskState
from ports.storage import ObjectNotFound

router = APIRouter(prefix="/api/tasks", tags=["tasks"], responses=SIGNED_IN_ERRORS)
STREAM_POLL_SECONDS = 0.5


class Links:
    """Builds the audio URLs of one response."""

    def __init__(self, settings: SettingsDep, tokens: TokensDep, storage: StorageDep) -> None:
        self.tokens, self.storage = tokens, storage
        self.minutes = settings.auth.download_token_minutes

    def __call__(self, audio: list[AudioRecord], user_id: str) -> list[AudioOut]:
        return [audio_out(a, user_id=user_id, tokens=self.tokens, minutes=self.minutes,
                          storage_url=self.storage.presigned_url(
                              a.file_path, filename=a.file_path.rsplit("/", 1)[-1],
                              expires_seconds=self.minutes * 60))
                for a in audio]


def task_out(view: service.TaskView, links: Links) -> TaskOut:
    task = view.task
    return TaskOut(
        id=task.id, script_id=task.script_id, status=task.status.value, progress=task.progress,
        engine_type=task.engine_type, voice_config=task.voice_config,
        credit_cost=task.credit_cost, chars_processed=task.chars_processed,
        error_message=task.error_message, retry_count=task.retry_count,
        max_retries=task.max_retries, script_changed=view.script_changed,
        created_at=task.created_at, started_at=task.started_at,
        completed_at=task.completed_at, audio=links(view.audio, task.user_id))


@router.post("", status_code=202, responses={401: {}, 402: {}, 404: {}, 422: {}, 429: {}},
             dependencies=[limited_per_user("task_submit")])
def create(body: TaskIn, user: CurrentUser, uow: UnitOfWorkDep, engine: EngineDep,
           queue: QueueDep, cache: StatusCacheDep, script_rules: ScriptRulesDep,
           billing: BillingRulesDep, settings: SettingsDep) -> TaskCreated:
    """Render a script with the chosen voices; answers at once with the task id."""
    rules, limits = script_rules
    task = service.submit_task(
        uow=uow, engine=engine, engine_type=settings.engine.type, queue=queue, cache=cache,
        rules=rules, limits=limits, billing=billing, user_id=user.id, script_id=body.script_id,
        voice_config=body.voice_config, max_retries=settings.worker.max_retries)
    return TaskCreated(task_id=task.id, status=task.status.value, credit_cost=task.credit_cost)


@router.get("", responses={401: {}})
def list_tasks(user: CurrentUser, uow: UnitOfWorkDep, settings: SettingsDep, tokens: TokensDep,
               storage: StorageDep, script_id: Text | None = None,
               status: TaskStatus | None = None, limit: Limit = 20,
               offset: Offset = 0) -> TaskPage:
    """The user's tasks, newest first; ``?script_id=`` gives every version of one script."""
    views, total = service.list_tasks(uow=uow, user_id=user.id, script_id=script_id,
                                      status=status, limit=limit, offset=offset)
    links = Links(settings, tokens, storage)
    return TaskPage(items=[task_out(view, links) for view in views], total=total)


@router.get("/{task_id}", responses={401: {}, 404: {}})
def get(task_id: str, user: CurrentUser, uow: UnitOfWorkDep, settings: SettingsDep,
        tokens: TokensDep, storage: StorageDep) -> TaskOut:
    """One task, with its audio once completed and whether the script changed since."""
    view = service.view_task(uow=uow, user_id=user.id, task_id=task_id)
    return task_out(view, Links(settings, tokens, storage))


def live_status(state: TaskState | None, task_id: str, user_id: str) -> TaskStatusOut | None:
    """The cached state of the user's task, unless it is completed: audio links come from the
    database."""
    if state is None or state.user_id != user_id or state.status not in (
            TaskStatus.PENDING.value, TaskStatus.PROCESSING.value, TaskStatus.FAILED.value):
        return None
    return TaskStatusOut(task_id=task_id, status=state.status, progress=state.progress,
                         error_message=state.error_message, audio=[])


def stored_status(task_id: str, user_id: str, uow: UnitOfWork, links: Links) -> TaskStatusOut:
    task, audio = service.task_status(uow=uow, user_id=user_id, task_id=task_id)
    return TaskStatusOut(task_id=task_id, status=task.status.value, progress=task.progress,
                         error_message=task.error_message, audio=links(audio, user_id))


def current_status(task_id: str, user_id: str, uow: UnitOfWork, cache: StatusCache,
                   links: Links) -> TaskStatusOut:
    """From the cache when it can (no database query), else from the database."""
    return (live_status(cache.get(task_id), task_id, user_id)
            or stored_status(task_id, user_id, uow, links))


@router.get("/{task_id}/status", responses={401: {}, 403: {}, 404: {}})
async def status(task_id: str, token: BearerToken, container: ContainerDep) -> TaskStatusOut:
    """Cheap to poll (every 3 seconds is plenty): until the task completes, one round trip to
    the status cache and no database query."""
    # Providers are taken from the container as needed: the usual answer needs three of them.
    tokens, cache = container.tokens(), container.status_cache()
    user_id = str((await access_claims_async(tokens, container.credentials(), token))["sub"])
    state, account = await cache.poll(task_id, user_id)
    uow = container.unit_of_work()
    await polling_user_id(uow, cache, user_id, account)
    live = live_status(state, task_id, user_id)
    if live is not None:
        return live

    def stored() -> TaskStatusOut:  # in a worker thread, storage included (S3 may connect)
        return stored_status(task_id, user_id, uow,
                             Links(container.settings(), tokens, container.storage()))

    answer: TaskStatusOut = await run_in_threadpool(stored)
    return answer


@router.post("/{task_id}/events/ticket", responses={401: {}, 403: {}, 404: {}})
def events_ticket(task_id: str, user: CurrentUser, uow: UnitOfWorkDep,
                  tickets: StreamTicketsDep) -> StreamTicketOut:
    """A single-use ticket that opens this task's event stream (``GET …/events?ticket=``)
    within ``expires_in`` seconds: EventSource cannot send the Authorization header."""
    service.task_status(uow=uow, user_id=user.id, task_id=task_id)  # 404 unless the user's
    return StreamTicketOut(ticket=tickets.issue(user_id=user.id, task_id=task_id),
                           expires_in=tickets.seconds)


@router.get("/{task_id}/events", responses={401: {}, 403: {}, 404: {}})
async def events(task_id: str, user_id: StreamUserId, uow: UnitOfWorkDep, cache: StatusCacheDep,
                 settings: SettingsDep, tokens: TokensDep,
                 storage: StorageDep) -> EventSourceResponse:
    """Server-Sent Events: ``progress`` whenever it changes, then ``end`` with the final
    status. Works whichever process renders the task. Open it with the Authorization header
    or, from a browser's EventSource, with ``?ticket=`` from ``POST …/events/ticket``."""
    links = Links(settings, tokens, storage)
    first = await run_in_threadpool(current_status, task_id, user_id, uow, cache, links)

    async def stream() -> AsyncIterator[ServerSentEvent]:
        latest: TaskStatusOut = first
        seen: tuple[str, int] | None = None
        while True:
            if latest.status in (TaskStatus.COMPLETED.value, TaskStatus.FAILED.value):
                yield ServerSentEvent(event="end", data=latest.model_dump_json())
                return
            if (latest.status, latest.progress) != seen:
                seen = (latest.status, latest.progress)
                payload: dict[str, Any] = {"status": latest.status, "progress": latest.progress}
                yield ServerSentEvent(event="progress", data=json.dumps(payload))
            await asyncio.sleep(STREAM_POLL_SECONDS)
            latest = await run_in_threadpool(current_status, task_id, user_id, uow, cache,
                                             links)

    return EventSourceResponse(stream(), ping=15)


@router.post("/{task_id}/cancel", responses={401: {}, 404: {}, 409: {}})
def cancel(task_id: str, user: CurrentUser, uow: UnitOfWorkDep, cache: StatusCacheDep,
           settings: SettingsDep, tokens: TokensDep, storage: StorageDep) -> TaskOut:
    """Stop a pending or running task; its held credits are refunded in full."""
    service.cancel_task(uow=uow, cache=cache, user_id=user.id, task_id=task_id)
    view = service.view_task(uow=uow, user_id=user.id, task_id=task_id)
    return task_out(view, Links(settings, tokens, storage))


TRANSCRIPTS = {"transcript.srt": ("srt", "application/x-subrip; charset=utf-8"),
               "transcript.vtt": ("vtt", "text/vtt; charset=utf-8"),
               "chapters.json": ("chapters.json", "application/json")}


@router.get("/{task_id}/{name}", responses={401: {}, 404: {}},
            summary="Transcript (transcript.srt, transcript.vtt) or chapters (chapters.json)")
def transcript(task_id: str, name: str, user: CurrentUser, uow: UnitOfWorkDep,
               storage: StorageDep) -> Response:
    """One cue per turn from the real timings, with the speaker's name; chapters from the
    script's headings (Podcasting 2.0)."""
    if name not in TRANSCRIPTS:
        raise HTTPException(404, "no such file: ask for transcript.srt, transcript.vtt or "
                                 "chapters.json")
    view = service.view_task(uow=uow, user_id=user.id, task_id=task_id)
    if view.task.status is not TaskStatus.COMPLETED:
        raise HTTPException(404, "the task has not completed: there is no transcript yet")
    kind, media_type = TRANSCRIPTS[name]
    key = audio_key(view.task.id, kind, view.task.created_at)
    try:
        body = b"".join(storage.open_range(key))
    except ObjectNotFound:
        raise HTTPException(404, "this task was rendered without a transcript") from None
    return Response(body, media_type=media_type)
