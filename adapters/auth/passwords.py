"""Argon2id password hashing (argon2-cffi)."""

from __future__ import annotations

import functools
import secrets

from argon2 import PasswordHasher as Argon2
from argon2.exceptions import InvalidHashError, VerificationError

from ports.persistence import PasswordHasher


class Argon2PasswordHasher(PasswordHasher):
    def __init__(self) -> None:
        self._argon2 = Argon2()

    def hash(self, password: str) -> str:
        return self._argon2.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon2.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def verify_for_nobody(self, password: str) -> None:
        self.verify(self._nobody_hash, password)

    @functools.cached_property
    def _nobody_hash(self) -> str:
        """A hash of a random password, with the same parameters as real ones."""
        return self._argon2.hash(secrets.token_urlsafe(16))
