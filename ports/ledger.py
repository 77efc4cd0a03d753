"""Ledger port: every change of a user's credit balance, atomic, recorded and idempotent."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class TransactionType(StrEnum):
    """Why a balance changed."""

    PURCHASE = "purchase"
    GRANT = "grant"
    SCRIPT_GENERATION = "script_generation"
    AUDIO_GENERATION = "audio_generation"
    REFUND = "refund"


@dataclass(frozen=True)
class LedgerEntry:
    """One recorded change: ``amount`` is signed (negative for debits)."""

    id: str
    user_id: str
    amount: int
    balance_after: int
    type: TransactionType
    reference_id: str | None
    idempotency_key: str
    description: str
    created_at: datetime


class InsufficientCredits(Exception):
    """The balance does not cover a debit; nothing was written."""

    def __init__(self, *, required: int, balance: int) -> None:
        super().__init__(f"{required} credits required, {balance} available")
        self.required = required
        self.balance = balance

    @property
    def shortfall(self) -> int:
        """How many more credits the user needs."""
        return self.required - self.balance


class UnknownAccount(LookupError):
    """No user with that id."""


class Ledger(abc.ABC):
    """Each operation is one transaction; replaying an idempotency key returns the first entry
    and changes nothing. Amounts passed in are positive; the entry records the sign."""

    @abc.abstractmethod
    def debit(
        self,
        *,
        user_id: str,
        amount: int,
        type: TransactionType,
        reference_id: str | None,
        idempotency_key: str,
        description: str,
    ) -> LedgerEntry:
        """Take ``amount`` credits. :raises InsufficientCredits: balance would go negative."""

    @abc.abstractmethod
    def refund(
        self,
        *,
        user_id: str,
        amount: int,
        reference_id: str | None,
        idempotency_key: str,
        description: str,
    ) -> LedgerEntry:
        """Give back ``amount`` credits taken for work not delivered."""

    @abc.abstractmethod
    def grant(
        self,
        *,
        user_id: str,
        amount: int,
        reference_id: str | None,
        idempotency_key: str,
        description: str,
    ) -> LedgerEntry:
        """Give ``amount`` credits for free (sign-up bonus, an administrator)."""

    @abc.abstractmethod
    def purchase(
        self, *, user_id: str, amount: int, order_id: str, description: str
    ) -> LedgerEntry:
        """Add bought credits (key ``order:<order_id>``) and raise the user's purchased total."""

    @abc.abstractmethod
    def balance(self, user_id: str) -> int:
        """The user's current balance. :raises UnknownAccount: no such user."""
