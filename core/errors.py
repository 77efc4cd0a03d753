"""Errors the use cases raise; the API maps each to its HTTP status."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: the message is meant for the person who made the request."""


class NotFound(DomainError):
    """No such object, or not the caller's: the two look the same from outside."""


class Conflict(DomainError):
    """The request clashes with existing state (a username taken, a task already final)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidInput(DomainError):
    """Bad input, naming the field (and the line of a script, when there is one)."""

    def __init__(self, message: str, *, field: str | None = None, line: int | None = None):
        super().__init__(message)
        self.field = field
        self.line = line


class PayloadTooLarge(InvalidInput):
    """The input is over its size limit."""


class AuthenticationFailed(DomainError):
    """Wrong login or password; deliberately silent about which."""


class AccountLocked(DomainError):
    """The account is suspended or banned."""


class ServiceUnavailable(DomainError):
    """A dependency is not configured or not reachable."""


class RateLimited(DomainError):
    """Too many attempts; ``retry_after`` seconds until the next one may succeed."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
