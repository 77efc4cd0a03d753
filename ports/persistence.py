"""Persistence and account ports: the unit of work, its repositories, passwords, payments."""

from __future__ import annotations

import abc
from datetime import datetime
from types import TracebackType
from typing import Any

from core.accounts import User
from core.conversations import ConversationRecord, MessageRecord
from core.entities import (
    AudioRecord,
    NewAudio,
    PurchaseOrder,
    ScriptRecord,
    TaskRecord,
    TemplateRecord,
)
from core.states import (
    ConversationStatus,
    ConversationStyle,
    MessageRole,
    ScriptSource,
    TaskStatus,
    UserStatus,
)
from ports.ledger import Ledger, LedgerEntry, TransactionType


class UserRepository(abc.ABC):
    """Users; never commits (the unit of work does)."""

    @abc.abstractmethod
    def add(self, *, username: str, email: str, password_hash: str) -> User:
        """Create an active user with a zero balance."""

    @abc.abstractmethod
    def get(self, user_id: str) -> User | None:
        """The user, or None (also for an id that is not a UUID)."""

    @abc.abstractmethod
    def get_by_login(self, login: str) -> User | None:
        """The user whose username, or email (any case), is ``login``."""

    @abc.abstractmethod
    def taken(self, *, username: str, email: str) -> list[str]:
        """Which of ``username`` and ``email`` another user already has."""

    @abc.abstractmethod
    def set_status(self, user_id: str, status: UserStatus) -> None:
        """Activate, suspend or ban."""

    @abc.abstractmethod
    def lock(self, user_id: str) -> User | None:
        """Lock the user's row until the transaction ends and return it (None: no such user).

        Take it before writing rows that refer to the user in a transaction that also changes
        the balance: two such transactions then queue instead of deadlocking."""

    @abc.abstractmethod
    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        """Replace the user's password hash."""

    @abc.abstractmethod
    def page(self, *, limit: int, offset: int) -> tuple[list[User], int]:
        """A page of users, oldest first, and the total."""


class TransactionRepository(abc.ABC):
    """The read side of the ledger."""

    @abc.abstractmethod
    def list_for_user(self, user_id: str, *, limit: int, offset: int
                      ) -> tuple[list[LedgerEntry], int]:
        """A page of the user's entries, newest first, and the total."""

    @abc.abstractmethod
    def find(self, user_id: str, idempotency_key: str) -> LedgerEntry | None:
        """The entry recorded under the key, if any."""

    @abc.abstractmethod
    def total_for_reference(self, user_id: str, reference_id: str,
                            type: TransactionType) -> int:
        """The sum of the user's entries of ``type`` about ``reference_id`` (signed)."""


class ScriptRepository(abc.ABC):
    """Scripts, always looked up by their owner too: another user's script does not exist."""

    @abc.abstractmethod
    def add(self, *, user_id: str, title: str, content: str, source: ScriptSource,
            estimated_chars: int, estimated_duration: float,
            conversation_id: str | None = None,
            generation_params: dict[str, Any] | None = None) -> ScriptRecord:
        """Store a new script."""

    @abc.abstractmethod
    def get(self, script_id: str, *, user_id: str) -> ScriptRecord | None:
        """The user's script, or None (also for a malformed id or another user's script)."""

    @abc.abstractmethod
    def page(self, *, user_id: str, limit: int, offset: int) -> tuple[list[ScriptRecord], int]:
        """A page of the user's scripts, newest first, and the total."""

    @abc.abstractmethod
    def update(self, script_id: str, *, user_id: str, title: str, content: str,
               estimated_chars: int, estimated_duration: float) -> ScriptRecord | None:
        """Replace title and content; None if the user has no such script."""


class TaskRepository(abc.ABC):
    """Tasks and their audio. Methods named ``*_if_*`` change a task only in the state they
    name and report whether they did, so that two processes can never both win."""

    @abc.abstractmethod
    def add(self, *, user_id: str, script_id: str, voice_config: dict[str, Any],
            engine_type: str, credit_cost: int, content_hash: str, script_content: str,
            max_retries: int) -> TaskRecord:
        """A new pending task."""

    @abc.abstractmethod
    def get(self, task_id: str, *, user_id: str | None = None) -> TaskRecord | None:
        """The task (the user's, when ``user_id`` is given), or None."""

    @abc.abstractmethod
    def page(self, *, user_id: str, script_id: str | None, status: TaskStatus | None,
             limit: int, offset: int) -> tuple[list[TaskRecord], int]:
        """A page of the user's tasks, newest first, and the total."""

    @abc.abstractmethod
    def start_if_available(self, task_id: str, *, lease: str, take_over: bool) -> bool:
        """pending -> processing under ``lease``; with ``take_over``, also a processing task
        whose worker is gone (the queue redelivered it). ``started_at`` keeps the first start,
        from which the time limit counts."""

    @abc.abstractmethod
    def heartbeat_if_leased(self, task_id: str, *, lease: str) -> bool:
        """Record that the lease holder is alive; False once it lost the task."""

    @abc.abstractmethod
    def raise_progress_if_leased(self, task_id: str, *, lease: str, progress: int) -> bool:
        """Set progress, never lowering it; False once the lease holder lost the task."""

    @abc.abstractmethod
    def complete_if_leased(self, task_id: str, *, lease: str, credit_cost: int,
                           chars_processed: int, content_hash: str) -> bool:
        """processing -> completed, progress 100."""

    @abc.abstractmethod
    def retry_if_leased(self, task_id: str, *, lease: str, error: str) -> bool:
        """processing -> pending again, one more retry counted."""

    @abc.abstractmethod
    def release_if_leased(self, task_id: str, *, lease: str) -> bool:
        """processing -> pending without counting a retry (a worker shutting down)."""

    @abc.abstractmethod
    def fail_if_unfinished(self, task_id: str, *, error: str, lease: str | None = None) -> bool:
        """pending or processing -> failed, credit_cost 0 (only under ``lease`` if given)."""

    @abc.abstractmethod
    def ids_in_status(self, status: TaskStatus, *, older_than_seconds: float) -> list[str]:
        """Tasks in ``status`` created (pending) or last heard of (processing) longer ago."""

    @abc.abstractmethod
    def overdue_ids(self, *, started_before_seconds: float) -> list[str]:
        """Processing tasks that started longer ago than the limit."""

    @abc.abstractmethod
    def find_reusable(self, task: TaskRecord, *, completed_after: datetime) -> TaskRecord | None:
        """Another completed task of the same user with the same content, voices and engine,
        finished after ``completed_after``, whose files can serve ``task`` as they are."""

    @abc.abstractmethod
    def add_audio(self, task_id: str, audio: NewAudio) -> AudioRecord:
        """Record a stored file of the task."""

    @abc.abstractmethod
    def audio_for(self, task_id: str) -> list[AudioRecord]:
        """The task's audio rows, WAV first."""

    @abc.abstractmethod
    def get_audio(self, audio_id: str, *, user_id: str | None = None) -> AudioRecord | None:
        """An audio row (the user's, when ``user_id`` is given)."""

    @abc.abstractmethod
    def expired_audio(self, *, now: datetime, limit: int) -> list[AudioRecord]:
        """Audio rows whose ``expires_at`` has passed."""

    @abc.abstractmethod
    def delete_audio(self, audio_id: str) -> None:
        """Remove an audio row."""


class ConversationRepository(abc.ABC):
    """AI writing conversations and their messages, looked up by owner."""

    @abc.abstractmethod
    def add(self, *, user_id: str, title: str, topic: str, style: ConversationStyle,
            target_duration: int, speakers: list[str], language: str) -> ConversationRecord:
        """A new active conversation without messages."""

    @abc.abstractmethod
    def get(self, conversation_id: str, *, user_id: str) -> ConversationRecord | None:
        """The user's conversation, or None."""

    @abc.abstractmethod
    def page(self, *, user_id: str, limit: int, offset: int
             ) -> tuple[list[ConversationRecord], int]:
        """A page of the user's conversations, most recently active first, and the total."""

    @abc.abstractmethod
    def messages(self, conversation_id: str) -> list[MessageRecord]:
        """Every message, oldest first."""

    @abc.abstractmethod
    def add_message(self, conversation_id: str, *, role: MessageRole, content: str,
                    metadata: dict[str, Any] | None = None) -> MessageRecord:
        """Append a message; the conversation's counters follow (messages, tokens, cost)."""

    @abc.abstractmethod
    def set_status(self, conversation_id: str, status: ConversationStatus, *,
                   script_id: str | None = None) -> None:
        """Change the status (and link the finalized script)."""


    @abc.abstractmethod
    def start_round(self, conversation_id: str, *, lease: str, stale_before: datetime) -> bool:
        """Mark a round as running under ``lease``, unless another one runs (one that started
        before ``stale_before`` is taken as abandoned). Whether this call got the round."""

    @abc.abstractmethod
    def end_round(self, conversation_id: str, *, lease: str) -> bool:
        """Clear the running round if it is still ``lease``'s; whether it was."""


class PurchaseOrderRepository(abc.ABC):
    """Orders of credits, reserved before any money moves."""

    @abc.abstractmethod
    def reserve(self, *, user_id: str, order_id: str, amount: int) -> PurchaseOrder:
        """The user's order ``order_id``, created as pending if new, locked until the
        transaction ends: a concurrent reservation of the same order waits for this one."""

    @abc.abstractmethod
    def mark_paid(self, order: PurchaseOrder, *, payment_reference: str,
                  transaction_id: str) -> None:
        """Record the payment and the ledger entry it bought."""


class TemplateRepository(abc.ABC):
    @abc.abstractmethod
    def all(self, *, language: str | None = None) -> list[TemplateRecord]:
        """Every template (of one language), in a stable order."""

    @abc.abstractmethod
    def get(self, template_id: str) -> TemplateRecord | None:
        """One template, or None."""


class UnitOfWork(abc.ABC):
    """One database transaction; leaving the block without :meth:`commit` rolls it back."""

    users: UserRepository
    transactions: TransactionRepository
    scripts: ScriptRepository
    tasks: TaskRepository
    conversations: ConversationRepository
    templates: TemplateRepository
    orders: PurchaseOrderRepository
    ledger: Ledger

    @abc.abstractmethod
    def __enter__(self) -> UnitOfWork:
        """Begin."""

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None:
        """Make everything done in the block permanent."""

    @abc.abstractmethod
    def rollback(self) -> None:
        """Undo everything not committed."""


class TransactionConflict(Exception):
    """The database aborted the transaction to settle a conflict with another one (a deadlock
    or a serialization failure); nothing was written and running it again is safe."""


class PasswordHasher(abc.ABC):
    @abc.abstractmethod
    def hash(self, password: str) -> str:
        """A salted, slow hash."""

    @abc.abstractmethod
    def verify(self, password_hash: str, password: str) -> bool:
        """Whether ``password`` matches."""

    @abc.abstractmethod
    def verify_for_nobody(self, password: str) -> None:
        """Do the work of one ``verify`` for a login that matches no account, so the answer
        takes as long as for an account that exists."""


class PaymentDeclined(Exception):
    """The payment provider refused; nothing was charged."""


class PaymentProvider(abc.ABC):
    """Takes money for credits; real providers are plugins, the dev adapter approves."""

    @abc.abstractmethod
    def charge(self, *, user_id: str, amount: int, order_id: str, idempotency_key: str) -> str:
        """Charge for ``amount`` credits; returns the provider's payment reference.

        ``idempotency_key`` is unique per user and order: a provider must charge at most once
        per key and answer a repeated call with the first payment (pass it on as the payment
        service's own idempotency key).

        :raises PaymentDeclined: refused (the message says why).
        """
