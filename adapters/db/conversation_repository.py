"""Conversations, their messages and the template library on SQLAlchemy."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from adapters.db import models
from adapters.db.ledger import as_uuid
from core.conversations import ConversationRecord, MessageRecord
from core.entities import TemplateRecord
from core.states import ConversationStatus, ConversationStyle, MessageRole
from ports.persistence import ConversationRepository, TemplateRepository

C = models.Conversation
M = models.ConversationMessage


def to_conversation(row: models.Conversation) -> ConversationRecord:
    return ConversationRecord(
        str(row.id), str(row.user_id), str(row.script_id) if row.script_id else None, row.title,
        row.topic, ConversationStyle(row.style), row.target_duration, list(row.speakers),
        row.language, ConversationStatus(row.status), row.message_count, row.total_tokens,
        row.total_cost, row.created_at, row.updated_at)


def to_message(row: models.ConversationMessage) -> MessageRecord:
    return MessageRecord(str(row.id), MessageRole(row.role), row.content, row.created_at,
                         dict(row.message_metadata or {}))


class SqlConversationRepository(ConversationRepository):
    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self, conversation_id: str, user_id: str | None = None) -> models.Conversation | None:
        cid = as_uuid(conversation_id)
        if cid is None:
            return None
        query = select(C).where(C.id == cid).execution_options(populate_existing=True)
        if user_id is not None:
            query = query.where(C.user_id == as_uuid(user_id))
        return self.session.execute(query).scalar_one_or_none()

    def add(self, *, user_id: str, title: str, topic: str, style: ConversationStyle,
            target_duration: int, speakers: list[str], language: str) -> ConversationRecord:
        row = C(user_id=as_uuid(user_id), title=title, topic=topic, style=style.value,
                target_duration=target_duration, speakers=speakers, language=language,
                status=ConversationStatus.ACTIVE.value, message_count=0, total_tokens=0,
                total_cost=0.0)
        self.session.add(row)
        self.session.flush()
        return to_conversation(row)

    def get(self, conversation_id: str, *, user_id: str) -> ConversationRecord | None:
        row = self._row(conversation_id, user_id)
        return to_conversation(row) if row else None

    def page(self, *, user_id: str, limit: int, offset: int
             ) -> tuple[list[ConversationRecord], int]:
        owned = C.user_id == as_uuid(user_id)
        total = self.session.execute(select(func.count()).select_from(C).where(owned)
                                     ).scalar_one()
        rows = self.session.execute(select(C).where(owned).order_by(C.updated_at.desc())
                                    .limit(limit).offset(offset)).scalars()
        return [to_conversation(row) for row in rows], total

    def messages(self, conversation_id: str) -> list[MessageRecord]:
        rows = self.session.execute(select(M).where(M.conversation_id == as_uuid(
            conversation_id)).order_by(M.created_at, M.id)).scalars()
        return [to_message(row) for row in rows]

    def add_message(self, conversation_id: str, *, role: MessageRole, content: str,
                    metadata: dict[str, Any] | None = None) -> MessageRecord:
        conversation = self._row(conversation_id)
        assert conversation is not None
        row = M(conversation_id=conversation.id, role=role.value, content=content,
                message_metadata=metadata or {})
        self.session.add(row)
        conversation.message_count += 1
        conversation.total_tokens += int((metadata or {}).get("tokens") or 0)
        conversation.total_cost += float((metadata or {}).get("cost") or 0.0)
        conversation.updated_at = datetime.now(UTC)
        self.session.flush()
        return to_message(row)

    def set_status(self, conversation_id: str, status: ConversationStatus, *,
                   script_id: str | None = None) -> None:
        conversation = self._row(conversation_id)
        assert conversation is not None
        conversation.status = status.value
        if script_id is not None:
            conversation.script_id = as_uuid(script_id)
        conversation.updated_at = datetime.now(UTC)
        self.session.flush()

    def start_round(self, conversation_id: str, *, lease: str, stale_before: datetime) -> bool:
        free = or_(C.round_lease.is_(None), C.round_started_at < stale_before)
        started = self.session.execute(
            update(C).where(C.id == as_uuid(conversation_id), free)
            .values(round_lease=lease, round_started_at=datetime.now(UTC)))
        return bool(started.rowcount)  # type: ignore[attr-defined]

    def end_round(self, conversation_id: str, *, lease: str) -> bool:
        ended = self.session.execute(
            update(C).where(C.id == as_uuid(conversation_id), C.round_lease == lease)
            .values(round_lease=None, round_started_at=None))
        return bool(ended.rowcount)  # type: ignore[attr-defined]


def to_template(row: models.Template) -> TemplateRecord:
    return TemplateRecord(row.id, row.title, row.topic, row.style, row.language,
                          list(row.speakers), row.description, row.content)


class SqlTemplateRepository(TemplateRepository):
    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self, *, language: str | None = None) -> list[TemplateRecord]:
        query = select(models.Template).order_by(models.Template.language, models.Template.id)
        if language:
            query = query.where(models.Template.language == language)
        return [to_template(row) for row in self.session.execute(query).scalars()]

    def get(self, template_id: str) -> TemplateRecord | None:
        row = self.session.get(models.Template, template_id)
        return to_template(row) if row else None
