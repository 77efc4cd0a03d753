"""Registration, sign-in (JSON and the OAuth2 form for the docs page), and the current user."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request

from api.dependencies import (
    BillingRulesDep,
    CurrentUser,
    LoginLimiterDep,
    PasswordHasherDep,
    TokensDep,
    UnitOfWorkDep,
)
from api.schemas import LoginIn, RegisterIn, Text, TokenOut, UserOut
from core.errors import AuthenticationFailed, RateLimited
from core.services.accounts import authenticate, register_user

router = APIRouter(tags=["auth"])


class PasswordForm:
    """The OAuth2 password grant's form (RFC 6749, 4.3.2), its strings checked like JSON
    bodies' are."""

    def __init__(self, username: Annotated[Text, Form()], password: Annotated[Text, Form()],
                 grant_type: Annotated[Text | None, Form(pattern="^password$")] = None) -> None:
        self.username, self.password = username, password


@router.post("/api/auth/register", status_code=201, responses={409: {}, 422: {}, 429: {}})
def register(body: RegisterIn, uow: UnitOfWorkDep, hasher: PasswordHasherDep,
             rules: BillingRulesDep) -> UserOut:
    """Create an account; it starts with the sign-up bonus."""
    user = register_user(uow=uow, hasher=hasher, rules=rules, username=body.username,
                         email=str(body.email), password=body.password)
    return UserOut.of(user)


def sign_in(*, login: str, password: str, request: Request, uow: UnitOfWorkDep,
            hasher: PasswordHasherDep, tokens: TokensDep, limiter: LoginLimiterDep) -> TokenOut:
    """Check the password unless this account or address failed too often; only failures count."""
    address = request.client.host if request.client else "unknown"
    wait = limiter.retry_after(login=login, address=address)
    if wait:
        raise RateLimited(f"too many failed sign-ins: try again in {wait} s", retry_after=wait)
    try:
        user = authenticate(uow=uow, hasher=hasher, login=login, password=password)
    except AuthenticationFailed:
        limiter.failed(login=login, address=address)
        raise
    return TokenOut(access_token=tokens.issue(user.id), expires_in=tokens.lifetime)


@router.post("/api/auth/login", responses={401: {}, 403: {}, 429: {}})
def login(body: LoginIn, request: Request, uow: UnitOfWorkDep, hasher: PasswordHasherDep,
          tokens: TokensDep, limiter: LoginLimiterDep) -> TokenOut:
    """Sign in with a username or email and a password."""
    return sign_in(login=body.username, password=body.password, request=request, uow=uow,
                   hasher=hasher, tokens=tokens, limiter=limiter)


@router.post("/api/auth/token", responses={401: {}, 403: {}, 429: {}})
def token(form: Annotated[PasswordForm, Depends()], request: Request,
          uow: UnitOfWorkDep, hasher: PasswordHasherDep, tokens: TokensDep,
          limiter: LoginLimiterDep) -> TokenOut:
    """The OAuth2 password flow, for the interactive API docs."""
    return sign_in(login=form.username, password=form.password, request=request, uow=uow,
                   hasher=hasher, tokens=tokens, limiter=limiter)


@router.get("/api/users/me", responses={401: {}, 403: {}})
def me(user: CurrentUser) -> UserOut:
    """The signed-in user, with the current balance."""
    return UserOut.of(user)
