"""Use cases for AI script writing: conversations in rounds, billed by the rules, finalized
into a script."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from core.billing import BillingRules
from core.conversations import (
    ConversationRecord,
    MessageRecord,
    Quality,
    character_budget,
    check_draft,
    context_window,
    extract_draft,
    guess_language,
)
from core.entities import ScriptRecord
from core.errors import Conflict, InvalidInput, NotFound
from core.script import ScriptLimits, SegmenterRules
from core.services.conflicts import retrying
from core.services.scripts import checked
from core.states import ConversationStatus, ConversationStyle, MessageRole, ScriptSource
from ports.ledger import InsufficientCredits, TransactionType
from ports.llm import ChatCompletion, ChatMessage
from ports.persistence import UnitOfWork

Render = Callable[..., str]


@dataclass(frozen=True)
class Round:
    """What one round needs after the model answered."""

    conversation: ConversationRecord
    number: int
    charged_before: int
    context: list[ChatMessage]
    lease: str  # this round's hold on the conversation, until it is recorded or released


@dataclass(frozen=True)
class RoundResult:
    message: MessageRecord
    draft: str
    quality: Quality
    credits_charged: int


def create_conversation(*, uow: UnitOfWork, styles: Sequence[str], user_id: str, topic: str,
                        style: str, target_duration: int, speakers: Sequence[str],
                        language: str | None, title: str | None) -> ConversationRecord:
    """No model is asked yet: that happens with the first message."""
    names = [name.strip() for name in speakers if name.strip()]
    # A style needs both a prompt template and a value the database accepts.
    offered = [name for name in styles if name in {s.value for s in ConversationStyle}]
    if style not in offered:
        raise InvalidInput(f"style must be one of {', '.join(offered)}", field="style")
    if len(set(names)) < 2:
        raise InvalidInput("a conversation needs at least 2 different speakers",
                           field="speakers")
    if language not in (None, "zh", "en"):
        raise InvalidInput("language must be zh or en", field="language")
    with uow:
        conversation = uow.conversations.add(
            user_id=user_id, title=(title or topic)[:200], topic=topic,
            style=ConversationStyle(style), target_duration=target_duration, speakers=names,
            language=language or guess_language(topic))
        uow.commit()
    return conversation


def get_conversation(*, uow: UnitOfWork, user_id: str, conversation_id: str
                     ) -> tuple[ConversationRecord, list[MessageRecord]]:
    with uow:
        conversation = uow.conversations.get(conversation_id, user_id=user_id)
        if conversation is None:
            raise NotFound("no such conversation")
        return conversation, uow.conversations.messages(conversation.id)


def list_conversations(*, uow: UnitOfWork, user_id: str, limit: int, offset: int
                       ) -> tuple[list[ConversationRecord], int]:
    with uow:
        return uow.conversations.page(user_id=user_id, limit=limit, offset=offset)


def resume_conversation(*, uow: UnitOfWork, user_id: str, conversation_id: str
                        ) -> ConversationRecord:
    with uow:
        conversation = uow.conversations.get(conversation_id, user_id=user_id)
        if conversation is None:
            raise NotFound("no such conversation")
        uow.conversations.set_status(conversation.id, ConversationStatus.ACTIVE)
        uow.commit()
        resumed = uow.conversations.get(conversation.id, user_id=user_id)
    assert resumed is not None
    return resumed


def system_prompt(conversation: ConversationRecord, render: Render,
                  rules: SegmenterRules) -> ChatMessage:
    return ChatMessage("system", render(
        conversation.style.value, topic=conversation.topic, speakers=conversation.speakers,
        language=conversation.language,
        character_budget=character_budget(conversation.target_duration,
                                          conversation.language, rules),
        target_minutes=round(conversation.target_duration / 60, 1)))


ROUND_RUNNING = ("a round of this conversation is already waiting for the model: wait for "
                 "its reply, then send your next message")


def prepare_round(*, uow: UnitOfWork, render: Render, count_tokens: Callable[..., int],
                  billing: BillingRules, rules: SegmenterRules, user_id: str,
                  conversation_id: str, content: str, stale_seconds: float) -> Round:
    """Claim the conversation's next round (409 while another one runs), check the balance
    (402 before any model call) and build the context. A round not recorded within
    ``stale_seconds`` counts as abandoned; :func:`release_round` ends one that failed."""
    lease = uuid.uuid4().hex

    def claim() -> Round:
        with uow:
            conversation = uow.conversations.get(conversation_id, user_id=user_id)
            if conversation is None:
                raise NotFound("no such conversation")
            if conversation.status is not ConversationStatus.ACTIVE:
                raise Conflict("this conversation is finished: resume it to continue")
            stale_before = datetime.now(UTC) - timedelta(seconds=stale_seconds)
            if not uow.conversations.start_round(conversation.id, lease=lease,
                                                 stale_before=stale_before):
                raise Conflict(ROUND_RUNNING)
            messages = uow.conversations.messages(conversation.id)
            charged = -uow.transactions.total_for_reference(user_id, conversation.id,
                                                            TransactionType.SCRIPT_GENERATION)
            user = uow.users.get(user_id)
            assert user is not None
            number = 1 + sum(1 for m in messages if m.role is MessageRole.ASSISTANT)
            required = billing.chat_required_balance(round_number=number,
                                                     charged_so_far=charged)
            if user.credit_balance < required:  # the claim is rolled back with the rest
                raise InsufficientCredits(required=required, balance=user.credit_balance)
            uow.commit()
        history = [ChatMessage(m.role.value, m.content)  # type: ignore[arg-type]
                   for m in messages if m.role is not MessageRole.SYSTEM]
        context = context_window(system_prompt(conversation, render, rules),
                                 [*history, ChatMessage("user", content)], count_tokens)
        return Round(conversation, number, charged, context, lease)

    return retrying(claim)


def release_round(*, uow: UnitOfWork, round: Round) -> None:
    """Give the conversation back after a round that will not be recorded (the model failed)."""
    with uow:
        uow.conversations.end_round(round.conversation.id, lease=round.lease)
        uow.commit()


def record_round(*, uow: UnitOfWork, billing: BillingRules, rules: SegmenterRules,
                 limits: ScriptLimits, user_id: str, round: Round, content: str,
                 reply: ChatCompletion) -> RoundResult:
    """Store the question and the answer and charge the round, in one transaction.

    The answer is already paid for: a round that costs more than the balance left takes what
    is left rather than being thrown away (the balance was checked before asking the model)."""
    conversation = round.conversation
    rule_charge = billing.chat_round_charge(round_number=round.number,
                                            round_tokens=reply.total_tokens,
                                            charged_so_far=round.charged_before)

    def record() -> tuple[MessageRecord, int]:
        with uow:
            if not uow.conversations.end_round(conversation.id, lease=round.lease):
                raise Conflict("this round took too long and was given up: send your message "
                               "again")
            user = uow.users.lock(user_id)
            assert user is not None
            charge = min(rule_charge, user.credit_balance)
            uow.conversations.add_message(conversation.id, role=MessageRole.USER,
                                          content=content)
            message = uow.conversations.add_message(
                conversation.id, role=MessageRole.ASSISTANT, content=reply.content,
                metadata={"model": reply.model, "tokens": reply.total_tokens,
                          "prompt_tokens": reply.prompt_tokens,
                          "completion_tokens": reply.completion_tokens, "cost": reply.cost,
                          "latency": round_seconds(reply.latency_seconds),
                          "round": round.number})
            if charge:
                uow.ledger.debit(
                    user_id=user_id, amount=charge, type=TransactionType.SCRIPT_GENERATION,
                    reference_id=conversation.id,
                    idempotency_key=f"conversation:{conversation.id}:round:{round.number}",
                    description=f"AI writing, round {round.number}")
            uow.commit()
        return message, charge

    message, charge = retrying(record)
    draft = extract_draft(reply.content)
    return RoundResult(message, draft, quality_of(conversation, draft, rules, limits), charge)


def round_seconds(value: float) -> float:
    return float(f"{value:.3f}")


def quality_of(conversation: ConversationRecord, draft: str, rules: SegmenterRules,
               limits: ScriptLimits) -> Quality:
    return check_draft(draft, speakers=conversation.speakers, language=conversation.language,
                       target_chars=character_budget(conversation.target_duration,
                                                     conversation.language, rules),
                       rules=rules, limits=limits)


def finalize(*, uow: UnitOfWork, rules: SegmenterRules, limits: ScriptLimits, user_id: str,
             conversation_id: str, title: str | None, force: bool) -> ScriptRecord:
    """The latest draft becomes a script (``ai_generated``), linked both ways."""
    conversation, messages = get_conversation(uow=uow, user_id=user_id,
                                              conversation_id=conversation_id)
    replies = [m for m in messages if m.role is MessageRole.ASSISTANT]
    if not replies:
        raise InvalidInput("there is no draft yet: send a message first", field="conversation")
    draft = extract_draft(replies[-1].content)
    quality = quality_of(conversation, draft, rules, limits)
    if not quality.ok and not force:
        raise InvalidInput("the draft fails the quality check: " + "; ".join(quality.failures)
                           + " (finalize with force to keep it anyway)", field="force")
    report = checked(draft, rules, limits)
    with uow:
        script = uow.scripts.add(
            user_id=user_id, title=(title or conversation.title)[:200], content=draft,
            source=ScriptSource.AI_GENERATED, estimated_chars=report.estimated_chars,
            estimated_duration=report.estimated_duration, conversation_id=conversation.id,
            generation_params={"model": replies[-1].metadata.get("model"),
                               "style": conversation.style.value,
                               "target_duration": conversation.target_duration,
                               "speakers": conversation.speakers})
        uow.conversations.set_status(conversation.id, ConversationStatus.COMPLETED,
                                     script_id=script.id)
        uow.commit()
    return script
