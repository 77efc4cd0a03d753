"""Contract for Ledger adapters. Fixtures to provide: ``ledger`` and ``account`` (a user id)."""

from __future__ import annotations

import pytest

from ports.ledger import InsufficientCredits, Ledger, TransactionType, UnknownAccount


class LedgerContract:
    """Subclass and define ``ledger`` and ``account``: the id of a user whose balance is 0."""

    def _grant(self, ledger: Ledger, account: str, amount: int, key: str = "grant:1") -> None:
        ledger.grant(
            user_id=account, amount=amount, reference_id=None, idempotency_key=key,
            description="test grant",
        )

    def _debit(self, ledger: Ledger, account: str, amount: int, key: str):  # type: ignore[no-untyped-def]
        return ledger.debit(
            user_id=account, amount=amount, type=TransactionType.AUDIO_GENERATION,
            reference_id="task-1", idempotency_key=key, description="test debit",
        )

    def test_entries_carry_signed_amounts_and_the_balance_after(
        self, ledger: Ledger, account: str
    ) -> None:
        self._grant(ledger, account, 100)
        entry = self._debit(ledger, account, 30, "task:1:debit")
        assert (entry.amount, entry.balance_after, entry.type) == (
            -30, 70, TransactionType.AUDIO_GENERATION
        )
        refund = ledger.refund(
            user_id=account, amount=5, reference_id="task-1",
            idempotency_key="task:1:refund", description="test refund",
        )
        assert (refund.amount, refund.balance_after) == (5, 75)
        assert ledger.balance(account) == 75

    def test_a_debit_beyond_the_balance_is_refused_and_writes_nothing(
        self, ledger: Ledger, account: str
    ) -> None:
        self._grant(ledger, account, 10)
        with pytest.raises(InsufficientCredits) as refused:
            self._debit(ledger, account, 11, "task:2:debit")
        assert (refused.value.required, refused.value.balance, refused.value.shortfall) == (
            11, 10, 1
        )
        assert ledger.balance(account) == 10
        assert self._debit(ledger, account, 10, "task:2:debit").balance_after == 0

    def test_replaying_an_idempotency_key_changes_nothing(
        self, ledger: Ledger, account: str
    ) -> None:
        self._grant(ledger, account, 50)
        first = self._debit(ledger, account, 20, "task:3:debit")
        again = self._debit(ledger, account, 20, "task:3:debit")
        assert again.id == first.id
        assert ledger.balance(account) == 30
        bought = ledger.purchase(user_id=account, amount=40, order_id="o-1", description="buy")
        assert ledger.purchase(user_id=account, amount=40, order_id="o-1", description="buy") == (
            bought
        )
        assert ledger.balance(account) == 70

    def test_amounts_must_be_positive(self, ledger: Ledger, account: str) -> None:
        with pytest.raises(ValueError):
            self._grant(ledger, account, 0)
        with pytest.raises(ValueError):
            self._debit(ledger, account, -5, "task:4:debit")

    def test_an_unknown_account_is_reported(self, ledger: Ledger) -> None:
        with pytest.raises(UnknownAccount):
            ledger.balance("00000000-0000-0000-0000-000000000000")
