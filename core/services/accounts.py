"""Use cases for accounts: register, log in, and what operators do to users."""

from __future__ import annotations

import hashlib
import time

from core.accounts import User, check_password
from core.billing import BillingRules
from core.errors import AccountLocked, AuthenticationFailed, Conflict, InvalidInput, NotFound
from core.states import UserStatus
from ports.credentials import CredentialStore
from ports.ledger import LedgerEntry
from ports.persistence import PasswordHasher, UnitOfWork
from ports.rate_limits import RateLimits
from ports.status_cache import StatusCache

WRONG_LOGIN = "wrong username, email or password"


def register_user(*, uow: UnitOfWork, hasher: PasswordHasher, rules: BillingRules,
                  username: str, email: str, password: str) -> User:
    """Create an account with the sign-up bonus, in one transaction."""
    check_password(password, username=username, email=email)
    with uow:
        taken = uow.users.taken(username=username, email=email)
        if taken:
            raise Conflict(f"that {taken[0]} is already registered", field=taken[0])
        user = uow.users.add(username=username, email=email, password_hash=hasher.hash(password))
        if rules.signup_credits:
            uow.ledger.grant(user_id=user.id, amount=rules.signup_credits, reference_id=None,
                             idempotency_key="signup", description="sign-up bonus")
        uow.commit()
        registered = uow.users.get(user.id)
    assert registered is not None
    return registered


def change_password(*, uow: UnitOfWork, hasher: PasswordHasher, credentials: CredentialStore,
                    user: User, current_password: str, new_password: str,
                    token_seconds: int) -> None:
    """Set a new password and revoke every token issued until now (``token_seconds``: how
    long the last of them could live). Revoking comes first: should the update fail, the
    sessions are ended anyway, never kept with a password the user meant to replace."""
    if not hasher.verify(user.password_hash, current_password):
        raise InvalidInput("current_password is not the account's password",
                           field="current_password")
    check_password(new_password, username=user.username, email=user.email,
                   field="new_password")
    credentials.revoke_tokens_before(user.id, time.time(), seconds=token_seconds)
    with uow:
        uow.users.set_password_hash(user.id, hasher.hash(new_password))
        uow.commit()


def authenticate(*, uow: UnitOfWork, hasher: PasswordHasher, limits: RateLimits, login: str,
                 password: str, address: str) -> User:
    """The user whose username or email and password match.

    Each attempt is counted before the password is checked, so parallel guesses cannot pass
    the limits: per address, per account (by username or email alike), and strictly per
    account and address, which a right password resets. A guesser at one address thus cannot
    lock the owner out from another.

    :raises RateLimited: a limit is reached (the password was not checked).
    :raises AuthenticationFailed: either is wrong (without saying which).
    :raises AccountLocked: the account is suspended or banned.
    """
    limits.hit("login_address", address)
    with uow:
        user = uow.users.get_by_login(login)
    account = user.id if user is not None else unknown_account(login)
    limits.hit("login_account", account)
    limits.hit("login", account, address)
    if user is None:
        hasher.verify_for_nobody(password)
        raise AuthenticationFailed(WRONG_LOGIN)
    if not hasher.verify(user.password_hash, password):
        raise AuthenticationFailed(WRONG_LOGIN)
    limits.clear("login", account, address)
    require_active(user)
    return user


def unknown_account(login: str) -> str:
    """What attempts on a login no account has are counted under: fixed-length, and no email
    address kept in the limit store."""
    return "unknown:" + hashlib.sha256(login.lower().encode()).hexdigest()


def require_active(user: User) -> User:
    """:raises AccountLocked: unless the account is active."""
    refuse_unless_active(user.status.value)
    return user


def refuse_unless_active(status: str) -> None:
    """:raises AccountLocked: unless ``status`` is active."""
    if status != UserStatus.ACTIVE.value:
        raise AccountLocked(f"this account is {status}")


def get_user(*, uow: UnitOfWork, user_id: str) -> User:
    with uow:
        user = uow.users.get(user_id)
    if user is None:
        raise NotFound("no such user")
    return user


def find_user(*, uow: UnitOfWork, login: str) -> User:
    """An operator's lookup by username, email or id."""
    with uow:
        user = uow.users.get_by_login(login) or uow.users.get(login)
    if user is None:
        raise NotFound(f"no user {login!r}")
    return user


def set_status(*, uow: UnitOfWork, cache: StatusCache, user_id: str,
               status: UserStatus) -> None:
    """Suspend, ban or reactivate an account; every API process sees it at its next request."""
    with uow:
        uow.users.set_status(user_id, status)
        uow.commit()
    cache.put_account(user_id, status.value, changed=True)


def remembered_account_status(*, uow: UnitOfWork, cache: StatusCache, user_id: str) -> str:
    """The account's status from the database, remembered in the status cache for the
    endpoints polled often. :raises NotFound: no such user."""
    status = get_user(uow=uow, user_id=user_id).status.value
    cache.put_account(user_id, status, changed=False)
    return status


def grant_credits(*, uow: UnitOfWork, user_id: str, amount: int, reason: str,
                  idempotency_key: str) -> LedgerEntry:
    """An operator's gift of credits."""
    if amount <= 0:
        raise InvalidInput("amount must be a positive whole number", field="amount")
    with uow:
        entry = uow.ledger.grant(user_id=user_id, amount=amount, reference_id=None,
                                 idempotency_key=idempotency_key, description=reason)
        uow.commit()
    return entry
