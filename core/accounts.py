"""Users and the rules of their accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.states import UserStatus

MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class User:
    id: str
    username: str
    email: str
    password_hash: str
    credit_balance: int
    total_credit_purchased: int
    status: UserStatus
    created_at: datetime

    @property
    def active(self) -> bool:
        return self.status is UserStatus.ACTIVE
