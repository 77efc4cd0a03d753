"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, EmailStr, Field, StringConstraints
from pydantic_core import PydanticCustomError

from core.accounts import MIN_PASSWORD_LENGTH, User
from core.text import unstorable, unstorable_in
from ports.ledger import LedgerEntry


def storable_text(value: str) -> str:
    """:raises PydanticCustomError: the text has a character no database can store."""
    reason = unstorable(value)
    if reason:
        raise PydanticCustomError("unstorable_text", reason)
    return value


def storable_json(value: Any) -> Any:
    """:raises PydanticCustomError: a string inside has a character no database can store."""
    reason = unstorable_in(value)
    if reason:
        raise PydanticCustomError("unstorable_text", reason)
    return value


# Every string a request carries: a 422 naming the field instead of a database error.
Text = Annotated[str, AfterValidator(storable_text)]
StorableJson = Annotated[dict[str, Any], AfterValidator(storable_json)]

Username = Annotated[Text, StringConstraints(strip_whitespace=True, min_length=3, max_length=64,
                                            pattern=r"^[A-Za-z0-9_.-]+$")]


class VoiceOut(BaseModel):
    voice_id: str
    display_name: str
    preview_url: str | None
    language: str
    category: str
    gender: str
    provider: str
    available: bool = Field(description="whether its provider is configured here")


class RegisterIn(BaseModel):
    username: Username
    email: EmailStr
    password: Annotated[Text, Field(min_length=MIN_PASSWORD_LENGTH, max_length=256)]


class LoginIn(BaseModel):
    username: Annotated[Text, Field(min_length=1, max_length=254,
                                   description="username or email")]
    password: Annotated[Text, Field(min_length=1, max_length=256)]


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class PasswordChangeIn(BaseModel):
    current_password: Annotated[Text, Field(min_length=1, max_length=256)]
    new_password: Annotated[Text, Field(min_length=1, max_length=256)]


class StreamTicketOut(BaseModel):
    ticket: str
    expires_in: int = Field(description="seconds the ticket stays usable, once")


class UserOut(BaseModel):
    id: str
    username: str
    email: str
    credit_balance: int
    total_credit_purchased: int
    status: str
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(id=user.id, username=user.username, email=user.email,
                   credit_balance=user.credit_balance,
                   total_credit_purchased=user.total_credit_purchased,
                   status=user.status.value, created_at=user.created_at)


class TransactionOut(BaseModel):
    id: str
    amount: int
    balance_after: int
    type: str
    reference_id: str | None
    description: str
    created_at: datetime

    @classmethod
    def of(cls, entry: LedgerEntry) -> TransactionOut:
        return cls(id=entry.id, amount=entry.amount, balance_after=entry.balance_after,
                   type=entry.type.value, reference_id=entry.reference_id,
                   description=entry.description, created_at=entry.created_at)


class TransactionPage(BaseModel):
    items: list[TransactionOut]
    total: int


class SignupBonusOut(BaseModel):
    credits: int  # what a new account is granted, possibly 0


class PurchaseIn(BaseModel):
    amount: Annotated[int, Field(gt=0, strict=True)]
    order_id: Annotated[Text, StringConstraints(min_length=1, max_length=64,
                                               pattern=r"^[A-Za-z0-9_.:-]+$")]


class ScriptIn(BaseModel):
    title: Annotated[Text, Field(max_length=200)] | None = None
    content: Text


class ScriptUpdate(BaseModel):
    title: Annotated[Text, Field(min_length=1, max_length=200)] | None = None
    content: Text | None = None


class ContentIn(BaseModel):
    content: Text


class ScriptOut(BaseModel):
    id: str
    title: str
    content: str
    source: str
    speakers: list[str]
    estimated_chars: int
    estimated_duration: float
    estimated_credits: int
    conversation_id: str | None
    created_at: datetime


class ScriptPage(BaseModel):
    items: list[ScriptOut]
    total: int


class SegmentOut(BaseModel):
    speaker: str
    text: str
    line: int


class ProblemOut(BaseModel):
    line: int
    severity: Literal["error", "warning"]
    message: str


class ValidationOut(BaseModel):
    speakers: list[str]
    segments: list[SegmentOut]
    estimated_chars: int
    estimated_duration: float
    estimated_credits: int
    problems: list[ProblemOut]
    language: str


class TaskIn(BaseModel):
    script_id: Text
    voice_config: StorableJson


class TaskCreated(BaseModel):
    task_id: str
    status: str
    credit_cost: int


class AudioOut(BaseModel):
    id: str
    format: Literal["wav", "mp3"]
    url: str
    duration: float
    file_size: int
    sample_rate: int


class TaskOut(BaseModel):
    id: str
    script_id: str
    status: str
    progress: int
    engine_type: str
    voice_config: dict[str, Any]
    credit_cost: int
    chars_processed: int
    error_message: str | None
    retry_count: int
    max_retries: int
    script_changed: bool
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    audio: list[AudioOut]


class TaskPage(BaseModel):
    items: list[TaskOut]
    total: int


class TaskStatusOut(BaseModel):
    task_id: str
    status: str
    progress: int
    error_message: str | None
    audio: list[AudioOut]


class ConversationIn(BaseModel):
    topic: Annotated[Text, Field(min_length=1, max_length=2000)]
    style: Text
    target_duration: Annotated[int, Field(ge=30, le=4 * 3600, description="seconds")]
    speakers: Annotated[list[Annotated[Text, Field(min_length=1, max_length=40)]],
                        Field(min_length=2, max_length=8)]
    language: Literal["zh", "en"] | None = None
    title: Annotated[Text, Field(max_length=200)] | None = None


class MessageIn(BaseModel):
    content: Annotated[Text, Field(min_length=1, max_length=20_000)]


class MessageOut(BaseModel):
    id: str
    role: str
    content: str
    created_at: datetime
    metadata: dict[str, Any]


class ConversationOut(BaseModel):
    id: str
    title: str
    topic: str
    style: str
    target_duration: int
    speakers: list[str]
    language: str
    status: str
    script_id: str | None
    message_count: int
    total_tokens: int
    total_cost: float
    created_at: datetime
    updated_at: datetime


class ConversationDetail(ConversationOut):
    messages: list[MessageOut]


class ConversationPage(BaseModel):
    items: list[ConversationOut]
    total: int


class CheckOut(BaseModel):
    name: str
    ok: bool
    message: str


class QualityOut(BaseModel):
    ok: bool
    checks: list[CheckOut]


class RoundOut(BaseModel):
    message: MessageOut
    script_preview: str
    quality: QualityOut
    credits_charged: int


class FinalizeIn(BaseModel):
    title: Annotated[Text, Field(max_length=200)] | None = None
    force: bool = False


class TemplateOut(BaseModel):
    id: str
    title: str
    topic: str
    style: str
    language: str
    speakers: list[str]
    description: str
