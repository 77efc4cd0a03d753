"""Registration, sign-in (JSON and the OAuth2 form for the docs page), and the current user."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Response

from api.dependencies import (
    AccessClaims,
    BillingRulesDep,
    ClientAddress,
    CredentialsDep,
    CurrentUser,
    PasswordHasherDep,
    RateLimitsDep,
    SettingsDep,
    TokensDep,
    UnitOfWorkDep,
    limited_per_address,
    limited_per_user,
)
from api.schemas import LoginIn, PasswordChangeIn, RegisterIn, Text, TokenOut, UserOut
from core.services.accounts import authenticate, change_password, register_user

router = APIRouter(tags=["auth"])


class PasswordForm:
    """The OAuth2 password grant's form (RFC 6749, 4.3.2), its strings checked like JSON
    bodies' are."""

    def __init__(self, username: Annotated[Text, Form()], password: Annotated[Text, Form()],
                 grant_type: Annotated[Text | None, Form(pattern="^password$")] = None) -> None:
        self.username, self.password = username, password


@router.post("/api/auth/register", status_code=201, responses={409: {}, 422: {}, 429: {}},
             dependencies=[limited_per_address("signup")])
def register(body: RegisterIn, uow: UnitOfWorkDep, hasher: PasswordHasherDep,
             rules: BillingRulesDep) -> UserOut:
    """Create an account; it starts with the sign-up bonus."""
    user = register_user(uow=uow, hasher=hasher, rules=rules, username=body.username,
                         email=str(body.email), password=body.password)
    return UserOut.of(user)


def sign_in(*, login: str, password: str, address: str, uow: UnitOfWorkDep,
            hasher: PasswordHasherDep, tokens: TokensDep, limits: RateLimitsDep) -> TokenOut:
    """A token for a right password, within the sign-in limits."""
    user = authenticate(uow=uow, hasher=hasher, limits=limits, login=login, password=password,
                        address=address)
    return TokenOut(access_token=tokens.issue(user.id), expires_in=tokens.lifetime)


@router.post("/api/auth/login", responses={401: {}, 403: {}, 429: {}})
def login(body: LoginIn, address: ClientAddress, uow: UnitOfWorkDep, hasher: PasswordHasherDep,
          tokens: TokensDep, limits: RateLimitsDep) -> TokenOut:
    """Sign in with a username or email and a password."""
    return sign_in(login=body.username, password=body.password, address=address, uow=uow,
                   hasher=hasher, tokens=tokens, limits=limits)


@router.post("/api/auth/token", responses={401: {}, 403: {}, 429: {}})
def token(form: Annotated[PasswordForm, Depends()], address: ClientAddress,
          uow: UnitOfWorkDep, hasher: PasswordHasherDep, tokens: TokensDep,
          limits: RateLimitsDep) -> TokenOut:
    """The OAuth2 password flow, for the interactive API docs."""
    return sign_in(login=form.username, password=form.password, address=address, uow=uow,
                   hasher=hasher, tokens=tokens, limits=limits)


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


# Guessing the current password here counts against the account's sign-in budget.
@router.post("/api/users/me/password", responses={401: {}, 403: {}, 422: {}, 429: {}},
             dependencies=[limited_per_user("login_account")])
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
