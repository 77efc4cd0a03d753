"""Use cases for credits: buying them and reading the history."""

from __future__ import annotations

from core.billing import BillingRules
from core.errors import Conflict, InvalidInput
from core.services.conflicts import retrying
from ports.ledger import LedgerEntry
from ports.persistence import PaymentProvider, UnitOfWork


def purchase_credits(*, uow: UnitOfWork, payments: PaymentProvider, rules: BillingRules,
                     user_id: str, amount: int, order_id: str) -> tuple[LedgerEntry, bool]:
    """Buy ``amount`` credits once per ``order_id``; returns the entry and whether it is new.

    The order is reserved (and locked) before the provider is asked to charge, so parallel
    requests for one order charge once and the others answer with its result.

    :raises Conflict: the order was placed for another amount.
    :raises ports.persistence.PaymentDeclined: the provider refused; nothing was recorded.
    """
    if not 0 < amount <= rules.max_purchase_credits:
        raise InvalidInput(f"amount must be between 1 and {rules.max_purchase_credits}",
                           field="amount")

    def buy() -> tuple[LedgerEntry, bool]:
        with uow:
            order = uow.orders.reserve(user_id=user_id, order_id=order_id, amount=amount)
            if order.amount != amount:
                raise Conflict(f"order_id {order_id!r} was already placed for {order.amount} "
                               "credits: use a new order_id for another amount",
                               field="order_id")
            earlier = uow.transactions.find(user_id, f"order:{order_id}")
            if earlier is not None:  # a replayed order is answered, never charged again
                return earlier, False
            payment = payments.charge(user_id=user_id, amount=amount, order_id=order_id,
                                      idempotency_key=payment_key(user_id, order_id))
            entry = uow.ledger.purchase(user_id=user_id, amount=amount, order_id=order_id,
                                        description=f"purchase of {amount} credits ({payment})")
            uow.orders.mark_paid(order, payment_reference=payment, transaction_id=entry.id)
            uow.commit()
        return entry, True

    return retrying(buy)


def payment_key(user_id: str, order_id: str) -> str:
    """The payment's idempotency key: order ids are the user's own, so it names the user."""
    return f"podforge:{user_id}:{order_id}"


def list_transactions(*, uow: UnitOfWork, user_id: str, limit: int, offset: int
                      ) -> tuple[list[LedgerEntry], int]:
    """A page of the user's ledger, newest first."""
    with uow:
        return uow.transactions.list_for_user(user_id, limit=limit, offset=offset)
