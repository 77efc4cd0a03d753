"""AI script writing: a conversation with the model, billed per round, finalized into a script."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, HTTPException
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from adapters.llm.prompts import PromptLibrary
from adapters.plugin_manager import PluginError
from api.dependencies import (
    SIGNED_IN_ERRORS,
    BillingRulesDep,
    ContainerDep,
    CurrentUser,
    Limit,
    Offset,
    ScriptRulesDep,
    UnitOfWorkDep,
    limited_per_user,
)
from api.routes.scripts import script_out
from api.schemas import (
    CheckOut,
    ConversationDetail,
    ConversationIn,
    ConversationOut,
    ConversationPage,
    FinalizeIn,
    MessageIn,
    MessageOut,
    QualityOut,
    RoundOut,
    ScriptOut,
)
from core.conversations import ConversationRecord, MessageRecord
from core.services import conversations as service
from ports.llm import LLM, ChatCompletion, LLMError

router = APIRouter(prefix="/api/conversations", tags=["conversations"], responses=SIGNED_IN_ERRORS)
ERRORS: dict[int | str, dict[str, Any]] = {401: {}, 402: {}, 404: {}, 409: {}, 422: {},
                                           502: {}, 503: {}, 504: {}}


def conversation_out(conversation: ConversationRecord) -> ConversationOut:
    data = asdict(conversation)
    data.update(style=conversation.style.value, status=conversation.status.value)
    data.pop("user_id")
    return ConversationOut(**data)


def message_out(message: MessageRecord) -> MessageOut:
    return MessageOut(id=message.id, role=message.role.value, content=message.content,
                      created_at=message.created_at, metadata=message.metadata)


def round_out(result: service.RoundResult) -> RoundOut:
    return RoundOut(message=message_out(result.message), script_preview=result.draft,
                    quality=QualityOut(ok=result.quality.ok, checks=[
                        CheckOut(**asdict(check)) for check in result.quality.checks]),
                    credits_charged=result.credits_charged)


def configured_llm(container: Any) -> LLM:
    """The LLM adapter, or 503 saying how to configure one."""
    try:
        llm: LLM = container.llm()
    except PluginError as missing:
        raise HTTPException(503, str(missing).split(": ", 1)[-1]) from None
    return llm


def llm_failure(error: LLMError) -> HTTPException:
    status = 504 if error.timeout else 502
    return HTTPException(status, f"{error}; nothing was charged, try again")


@router.post("/create", status_code=201, responses=ERRORS)
def create(body: ConversationIn, user: CurrentUser, uow: UnitOfWorkDep,
           container: ContainerDep) -> ConversationOut:
    """Start a conversation (no model call, nothing charged); 503 when no LLM is configured."""
    configured_llm(container)
    prompts: PromptLibrary = container.prompts()
    conversation = service.create_conversation(
        uow=uow, styles=prompts.styles(), user_id=user.id, topic=body.topic, style=body.style,
        target_duration=body.target_duration, speakers=body.speakers, language=body.language,
        title=body.title)
    return conversation_out(conversation)


@router.post("/{conversation_id}/messages", response_model=None,
             responses={**ERRORS, 429: {}}, dependencies=[limited_per_user("ai_round")])
async def message(conversation_id: str, body: MessageIn, user: CurrentUser,
                  uow: UnitOfWorkDep, container: ContainerDep, billing: BillingRulesDep,
                  script_rules: ScriptRulesDep,
                  stream: bool = False) -> RoundOut | EventSourceResponse:
    """One round: your message, the model's draft, its quality check and what it cost.
    ``?stream=true`` sends the reply as Server-Sent Events (``delta``, then ``done``)."""
    llm = configured_llm(container)
    rules, limits = script_rules
    prompts: PromptLibrary = container.prompts()
    # A round is given up when not recorded well after the model's own time limit.
    stale_seconds = 3 * container.settings().llm.timeout_seconds + 60
    prepared = await run_in_threadpool(
        lambda: service.prepare_round(
            uow=uow, render=prompts.render, count_tokens=llm.count_tokens, billing=billing,
            rules=rules, user_id=user.id, conversation_id=conversation_id,
            content=body.content, stale_seconds=stale_seconds))

    recorded: list[service.RoundResult] = []

    def record(reply: ChatCompletion) -> service.RoundResult:
        recorded.append(service.record_round(
            uow=uow, billing=billing, rules=rules, limits=limits, user_id=user.id,
            round=prepared, content=body.content, reply=reply))
        return recorded[-1]

    async def release() -> None:
        """Give the conversation back after a round that was not recorded (recording ends
        the round itself)."""
        if not recorded:
            await run_in_threadpool(lambda: service.release_round(uow=uow, round=prepared))

    if not stream:
        try:
            reply = await llm.complete(prepared.context)
            return round_out(await run_in_threadpool(record, reply))
        except LLMError as error:
            raise llm_failure(error) from None
        finally:
            await release()

    async def events() -> AsyncIterator[ServerSentEvent]:
        try:
            async for piece in llm.stream(prepared.context):
                if isinstance(piece, str):
                    yield ServerSentEvent(event="delta", data=json.dumps({"text": piece}))
                else:
                    result = await run_in_threadpool(record, piece)
                    yield ServerSentEvent(event="done", data=round_out(result).model_dump_json())
        except LLMError as error:
            problem = llm_failure(error)
            yield ServerSentEvent(event="error", data=json.dumps(
                {"detail": problem.detail, "status": problem.status_code}))
        finally:
            await release()

    return EventSourceResponse(events())


@router.post("/{conversation_id}/finalize", status_code=201, responses=ERRORS)
def finalize(conversation_id: str, body: FinalizeIn, user: CurrentUser, uow: UnitOfWorkDep,
             script_rules: ScriptRulesDep) -> ScriptOut:
    """Turn the latest draft into a script; a draft failing the quality check needs ``force``."""
    rules, limits = script_rules
    script = service.finalize(uow=uow, rules=rules, limits=limits, user_id=user.id,
                              conversation_id=conversation_id, title=body.title,
                              force=body.force)
    return script_out(script, limits)


@router.get("", responses={401: {}})
def list_conversations(user: CurrentUser, uow: UnitOfWorkDep, limit: Limit = 20,
                       offset: Offset = 0) -> ConversationPage:
    items, total = service.list_conversations(uow=uow, user_id=user.id, limit=limit,
                                              offset=offset)
    return ConversationPage(items=[conversation_out(c) for c in items], total=total)


@router.get("/{conversation_id}", responses={401: {}, 404: {}})
def get(conversation_id: str, user: CurrentUser, uow: UnitOfWorkDep) -> ConversationDetail:
    conversation, messages = service.get_conversation(uow=uow, user_id=user.id,
                                                      conversation_id=conversation_id)
    return ConversationDetail(**conversation_out(conversation).model_dump(),
                              messages=[message_out(m) for m in messages])


@router.put("/{conversation_id}/resume", responses={401: {}, 404: {}})
def resume(conversation_id: str, user: CurrentUser, uow: UnitOfWorkDep) -> ConversationOut:
    """Continue a finalized or abandoned conversation."""
    return conversation_out(service.resume_conversation(uow=uow, user_id=user.id,
                                                        conversation_id=conversation_id))
