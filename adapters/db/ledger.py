"""The Ledger on SQLAlchemy: each operation locks the user's row, then records one entry."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from adapters.db.models import CreditTransaction, User
from ports.ledger import InsufficientCredits, Ledger, LedgerEntry, TransactionType, UnknownAccount


def as_uuid(value: str) -> uuid.UUID | None:
    """The UUID in ``value``, or None for anything else."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def to_entry(row: CreditTransaction) -> LedgerEntry:
    return LedgerEntry(str(row.id), str(row.user_id), row.amount, row.balance_after,
                       TransactionType(row.type), row.reference_id, row.idempotency_key,
                       row.description, row.created_at)


def lock_user(user_id: uuid.UUID) -> Select[User]:
    """The user's row, locked until the transaction ends. FOR NO KEY UPDATE, not FOR UPDATE:
    a balance change touches no key, and so it does not wait for the key-share locks that
    inserting a row referring to the user takes (a task, an order), which would deadlock two
    transactions that each insert such a row and then change the balance."""
    return (select(User).where(User.id == user_id).with_for_update(key_share=True)
            .execution_options(populate_existing=True))


def _positive(amount: int) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValueError(f"amount must be a positive whole number, got {amount!r}")
    return amount


class SqlAlchemyLedger(Ledger):
    """Either bound to a unit of work's ``session`` (it never commits), or given a
    ``session_factory`` so that each operation is its own committed transaction."""

    def __init__(self, *, session: Session | None = None,
                 session_factory: Callable[[], Session] | None = None) -> None:
        if (session is None) == (session_factory is None):
            raise ValueError("give exactly one of session and session_factory")
        self._session = session
        self._factory = session_factory

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        if self._session is not None:
            yield self._session
            return
        assert self._factory is not None
        with self._factory() as session, session.begin():
            yield session

    def _record(self, *, user_id: str, amount: int, type: TransactionType,
                reference_id: str | None, key: str, description: str,
                purchased: int = 0) -> LedgerEntry:
        uid = as_uuid(user_id)
        with self._transaction() as session:
            # The row lock serialises every balance change of one user (PostgreSQL); SQLite
            # gets the same from BEGIN IMMEDIATE. The idempotency check must come after it.
            user = session.execute(lock_user(uid)).scalar_one_or_none() if uid else None
            if user is None:
                raise UnknownAccount(user_id)
            existing = session.execute(select(CreditTransaction).where(
                CreditTransaction.user_id == uid, CreditTransaction.idempotency_key == key)
            ).scalar_one_or_none()
            if existing is not None:
                return to_entry(existing)
            if user.credit_balance + amount < 0:
                raise InsufficientCredits(required=-amount, balance=user.credit_balance)
            user.credit_balance += amount
            user.total_credit_purchased += purchased
            row = CreditTransaction(user_id=uid, amount=amount, balance_after=user.credit_balance,
                                    type=type.value, reference_id=reference_id,
                                    idempotency_key=key, description=description[:255])
            session.add(row)
            session.flush()
            return to_entry(row)

    def debit(self, *, user_id: str, amount: int, type: TransactionType,
              reference_id: str | None, idempotency_key: str, description: str) -> LedgerEntry:
        return self._record(user_id=user_id, amount=-_positive(amount), type=type,
                            reference_id=reference_id, key=idempotency_key,
                            description=description)

    def refund(self, *, user_id: str, amount: int, reference_id: str | None,
               idempotency_key: str, description: str) -> LedgerEntry:
        return self._record(user_id=user_id, amount=_positive(amount),
                            type=TransactionType.REFUND, reference_id=reference_id,
                            key=idempotency_key, description=description)

    def grant(self, *, user_id: str, amount: int, reference_id: str | None,
              idempotency_key: str, description: str) -> LedgerEntry:
        return self._record(user_id=user_id, amount=_positive(amount),
                            type=TransactionType.GRANT, reference_id=reference_id,
                            key=idempotency_key, description=description)

    def purchase(self, *, user_id: str, amount: int, order_id: str,
                 description: str) -> LedgerEntry:
        return self._record(user_id=user_id, amount=_positive(amount),
                            type=TransactionType.PURCHASE, reference_id=order_id,
                            key=f"order:{order_id}", description=description, purchased=amount)

    def balance(self, user_id: str) -> int:
        uid = as_uuid(user_id)
        with self._transaction() as session:
            balance = session.execute(
                select(User.credit_balance).where(User.id == uid)
            ).scalar_one_or_none() if uid else None
        if balance is None:
            raise UnknownAccount(user_id)
        return balance
