"""Users and the rules of their accounts."""

from __future__ import annotations

import functools
import gzip
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

from core.errors import InvalidInput
from core.states import UserStatus

MIN_PASSWORD_LENGTH = 10
COMMON_PASSWORDS = "data/common-passwords.txt.gz"


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



@functools.cache
def common_passwords() -> frozenset[str]:
    """The most common passwords, lower-cased (the list ships with the package)."""
    data = resources.files("core").joinpath(COMMON_PASSWORDS).read_bytes()
    return frozenset(gzip.decompress(data).decode().split())


def check_password(password: str, *, username: str, email: str,
                   field: str = "password") -> None:
    """The rule every new password follows: long enough, not among the most common ones, and
    not built on the account's username or the name part of its email.

    :raises InvalidInput: (naming ``field``) saying which rule it breaks.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"{field} must have at least {MIN_PASSWORD_LENGTH} characters",
                           field=field)
    folded = password.casefold()
    if folded in common_passwords():
        raise InvalidInput(f"{field} is too common: choose one that is harder to guess",
                           field=field)
    for part, name in (("username", username), ("email", email.partition("@")[0])):
        name = name.casefold()
        # A name of one or two letters is in too many good passwords to refuse them all.
        if name == folded or (len(name) >= 3 and name in folded):
            raise InvalidInput(f"{field} must not contain your {part}", field=field)
