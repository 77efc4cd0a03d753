"""Persistence and account ports: the unit of work, its repositories, passwords, payments."""

from __future__ import annotations

import abc
from types import TracebackType
from typing import Any

from core.accounts import User
from core.entities import ScriptRecord
from core.states import ScriptSource, UserStatus
from ports.ledger import Ledger, LedgerEntry


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
    def list(self, *, limit: int, offset: int) -> tuple[list[User], int]:
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
    def list(self, *, user_id: str, limit: int, offset: int) -> tuple[list[ScriptRecord], int]:
        """A page of the user's scripts, newest first, and the total."""

    @abc.abstractmethod
    def update(self, script_id: str, *, user_id: str, title: str, content: str,
               estimated_chars: int, estimated_duration: float) -> ScriptRecord | None:
        """Replace title and content; None if the user has no such script."""


class UnitOfWork(abc.ABC):
    """One database transaction; leaving the block without :meth:`commit` rolls it back."""

    users: UserRepository
    transactions: TransactionRepository
    scripts: ScriptRepository
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


class PasswordHasher(abc.ABC):
    @abc.abstractmethod
    def hash(self, password: str) -> str:
        """A salted, slow hash."""

    @abc.abstractmethod
    def verify(self, password_hash: str, password: str) -> bool:
        """Whether ``password`` matches."""


class PaymentDeclined(Exception):
    """The payment provider refused; nothing was charged."""


class PaymentProvider(abc.ABC):
    """Takes money for credits; real providers are plugins, the dev adapter approves."""

    @abc.abstractmethod
    def charge(self, *, user_id: str, amount: int, order_id: str) -> str:
        """Charge for ``amount`` credits; returns the provider's payment reference.

        :raises PaymentDeclined: refused (the message says why).
        """
