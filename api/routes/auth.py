"""Registration, sign-in (JSON and the OAuth2 form for the docs page), and the current user."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from api.dependencies import (
    AccessClaims,
    BillingRulesDep,
    CredentialsDep,
    CurrentUser,
    LoginLimiterDep,
    PasswordHasherDep,
    SettingsDep,
    TokensDep,
    UnitOfWorkDep,
)
from api.schemas import LoginIn, PasswordChangeIn, RegisterIn, TokenOut, UserOut
from core.errors import AuthenticationFailed, RateLimited
from core.services.accounts import authenticate, change_password, register_user

router = APIRouter(tags=["auth"])


@router.post("/api/auth/register", status_code=201, responses={409: {}, 422: {}})
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
def token(form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request,
          uow: UnitOfWorkDep, hasher: PasswordHasherDep, tokens: TokensDep,
          limiter: LoginLimiterDep) -> TokenOut:
    """The OAuth2 password flow, for the interactive API docs."""
    return sign_in(login=form.username, password=form.password, request=request, uow=uow,
                   hasher=hasher, tokens=tokens, limiter=limiter)


@router.get("/api/users/me", responses={401: {}, 403: {}})
def me(user: CurrentUser) -> UserOut:
    """The signed-in user, with the current balance."""
    return UserOut.of(user)


@router.post("/api/auth/logout", status_code=204, responses={401: {}})
def logout(claims: AccessClaims, tokens: TokensDep, credentials: CredentialsDep) -> Response:
    """Revoke the token this request carries, in every API process; other sessions go on."""
    if "jti" in claims:  # tokens from before ids were given can only expire
        credentials.revoke_token(str(claims["jti"]), seconds=tokens.seconds_left(claims))
    return Response(status_code=204)


@router.post("/api/users/me/password", responses={401: {}, 403: {}, 422: {}})
def new_password(body: PasswordChangeIn, user: CurrentUser, uow: UnitOfWorkDep,
                 hasher: PasswordHasherDep, tokens: TokensDep, credentials: CredentialsDep,
                 settings: SettingsDep) -> TokenOut:
    """Change the password: every token issued before, on any device, stops working (signed
    download links too); the answer carries a fresh one for this session."""
    longest = max(tokens.lifetime, settings.auth.download_token_minutes * 60)
    change_password(uow=uow, hasher=hasher, credentials=credentials, user=user,
                    current_password=body.current_password, new_password=body.new_password,
                    token_seconds=longest)
    return TokenOut(access_token=tokens.issue(user.id), expires_in=tokens.lifetime)
