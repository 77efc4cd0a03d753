"""What things cost, in credits: audio by characters, AI conversations by round and tokens."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class BillingRules:
    """The ``[billing]`` numbers."""

    signup_credits: int = 100
    audio_chars_per_credit: int = 100
    chat_base_credits: int = 10
    chat_base_rounds: int = 3
    chat_tokens_per_credit: int = 1000
    chat_max_credits: int = 50
    max_purchase_credits: int = 100_000

    def audio_credits(self, chars: int) -> int:
        """Credits for synthesizing ``chars`` characters: one per started hundred."""
        return math.ceil(max(0, chars) / self.audio_chars_per_credit)

    def audio_settlement(self, *, held: int, chars_processed: int) -> tuple[int, int]:
        """(final cost, refund) of a completed task that held ``held`` credits."""
        cost = min(held, self.audio_credits(chars_processed))
        return cost, held - cost

    def chat_round_charge(self, *, round_number: int, round_tokens: int,
                          charged_so_far: int) -> int:
        """Credits for one answered round: the base price in round 1 covers the first rounds;
        later rounds pay per started thousand tokens; a conversation never passes the cap."""
        if round_number == 1:
            charge = self.chat_base_credits
        elif round_number <= self.chat_base_rounds:
            charge = 0
        else:
            charge = math.ceil(max(0, round_tokens) / self.chat_tokens_per_credit)
        return max(0, min(charge, self.chat_max_credits - charged_so_far))

    def chat_required_balance(self, *, round_number: int, charged_so_far: int) -> int:
        """The balance needed before asking the model for a round."""
        if charged_so_far >= self.chat_max_credits:
            return 0
        if round_number == 1:
            return min(self.chat_base_credits, self.chat_max_credits)
        return 0 if round_number <= self.chat_base_rounds else 1
