"""Use cases for credits: buying them and reading the history."""

from __future__ import annotations

from core.billing import BillingRules
from core.errors import InvalidInput
from ports.ledger import LedgerEntry
from ports.persistence import PaymentProvider, UnitOfWork


def purchase_credits(*, uow: UnitOfWork, payments: PaymentProvider, rules: BillingRules,
                     user_id: str, amount: int, order_id: str) -> tuple[LedgerEntry, bool]:
    """Buy ``amount`` credits once per ``order_id``; returns the entry and whether it is new.

    :raises ports.persistence.PaymentDeclined: the provider refused; nothing was recorded.
    """
    if not 0 < amount <= rules.max_purchase_credits:
        raise InvalidInput(f"amount must be between 1 and {rules.max_purchase_credits}",
                           field="amount")
    key = f"order:{order_id}"
    with uow:
        existing = uow.transactions.find(user_id, key)
    if existing is not None:  # a replayed order is answered, never charged again
        if existing.amount != amount:
            raise InvalidInput(f"order {order_id} was already placed for {existing.amount} "
                               "credits", field="order_id")
        return existing, False
    payment = payments.charge(user_id=user_id, amount=amount, order_id=order_id)
    with uow:
        entry = uow.ledger.purchase(user_id=user_id, amount=amount, order_id=order_id,
                                    description=f"purchase of {amount} credits ({payment})")
        uow.commit()
    return entry, True


def list_transactions(*, uow: UnitOfWork, user_id: str, limit: int, offset: int
                      ) -> tuple[list[LedgerEntry], int]:
    """A page of the user's ledger, newest first."""
    with uow:
        return uow.transactions.list_for_user(user_id, limit=limit, offset=offset)
