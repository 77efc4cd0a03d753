"""The billing rules: audio by started hundred characters, conversations by round and tokens."""

from __future__ import annotations

import pytest

from core.billing import BillingRules

RULES = BillingRules()


@pytest.mark.parametrize(("chars", "credits"), [(0, 0), (1, 1), (100, 1), (101, 2), (827, 9)])
def test_audio_costs_one_credit_per_started_hundred_characters(chars: int, credits: int) -> None:
    assert RULES.audio_credits(chars) == credits


def test_a_completed_task_refunds_what_it_did_not_use() -> None:
    assert RULES.audio_settlement(held=9, chars_processed=827) == (9, 0)
    assert RULES.audio_settlement(held=9, chars_processed=150) == (2, 7)  # cache hits
    assert RULES.audio_settlement(held=9, chars_processed=0) == (0, 9)
    assert RULES.audio_settlement(held=2, chars_processed=900) == (2, 0)  # never more than held


def test_a_conversation_pays_10_for_rounds_1_to_3_then_by_tokens_up_to_50() -> None:
    charged, charges = 0, []
    for round_number, tokens in enumerate([500, 9000, 9000, 2500, 1000, 40_000, 5000], start=1):
        charge = RULES.chat_round_charge(round_number=round_number, round_tokens=tokens,
                                         charged_so_far=charged)
        charges.append(charge)
        charged += charge
    assert charges == [10, 0, 0, 3, 1, 36, 0]
    assert charged == 50


def test_the_balance_needed_before_a_round() -> None:
    need = RULES.chat_required_balance
    assert need(round_number=1, charged_so_far=0) == 10
    assert need(round_number=2, charged_so_far=10) == 0
    assert need(round_number=4, charged_so_far=10) == 1
    assert need(round_number=9, charged_so_far=50) == 0  # the cap is reached: free from now on


def test_the_numbers_come_from_configuration() -> None:
    rules = BillingRules(audio_chars_per_credit=50, chat_base_credits=5, chat_max_credits=6)
    assert rules.audio_credits(101) == 3
    assert rules.chat_round_charge(round_number=1, round_tokens=0, charged_so_far=0) == 5
    assert rules.chat_round_charge(round_number=4, round_tokens=5000, charged_so_far=5) == 1
