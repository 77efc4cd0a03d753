"""FastAPI dependencies as Annotated aliases, all resolved from the app's container."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from adapters.auth.stream_tickets import StreamTickets
from adapters.auth.tokens import InvalidToken, JwtTokens
from adapters.container import Container
from adapters.settings import Settings
from adapters.voices.library import VoiceLibrary
from adapters.voices.previews import VoicePreviews
from api.schemas import Text
from core.accounts import User
from core.billing import BillingRules
from core.errors import NotFound
from core.script import ScriptLimits, SegmenterRules
from core.services.accounts import (
    get_user,
    refuse_unless_active,
    remembered_account_status,
    require_active,
)
from core.text import unstorable
from ports.credentials import CredentialStore
from ports.persistence import PasswordHasher, PaymentProvider, UnitOfWork
from ports.queue import Queue
from ports.rate_limits import RateLimits
from ports.status_cache import StatusCache
from ports.storage import Storage
from ports.tts_engine import TTSEngine

bearer = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


async def get_container(request: Request) -> Container:  # async: no thread for an attribute
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


def get_session(container: ContainerDep) -> Iterator[Session]:
    with container.session_factory()() as session:
        yield session


def provided(name: str) -> Callable[[Container], Any]:
    """A dependency returning the container's provider ``name``: one line per alias below."""

    def dependency(container: ContainerDep) -> Any:
        return getattr(container, name)()

    dependency.__name__ = f"get_{name}"
    return dependency


SettingsDep = Annotated[Settings, Depends(provided("settings"))]
SessionDep = Annotated[Session, Depends(get_session)]
StorageDep = Annotated[Storage, Depends(provided("storage"))]
QueueDep = Annotated[Queue, Depends(provided("queue"))]
VoiceLibraryDep = Annotated[VoiceLibrary, Depends(provided("voice_library"))]
VoicePreviewsDep = Annotated[VoicePreviews, Depends(provided("voice_previews"))]
UnitOfWorkDep = Annotated[UnitOfWork, Depends(provided("unit_of_work"))]
PasswordHasherDep = Annotated[PasswordHasher, Depends(provided("password_hasher"))]
TokensDep = Annotated[JwtTokens, Depends(provided("tokens"))]
BillingRulesDep = Annotated[BillingRules, Depends(provided("billing_rules"))]
RateLimitsDep = Annotated[RateLimits, Depends(provided("rate_limits"))]
PaymentsDep = Annotated[PaymentProvider, Depends(provided("payments"))]
ScriptRulesDep = Annotated[tuple[SegmenterRules, ScriptLimits], Depends(provided("script_rules"))]
EngineDep = Annotated[TTSEngine, Depends(provided("tts_engine"))]
StatusCacheDep = Annotated[StatusCache, Depends(provided("status_cache"))]
CredentialsDep = Annotated[CredentialStore, Depends(provided("credentials"))]
StreamTicketsDep = Annotated[StreamTickets, Depends(provided("stream_tickets"))]


def unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


REVOKED = "the token was revoked (signed out, or the password changed): sign in again"
NO_ACCOUNT = "the token's account no longer exists"


def decoded_claims(tokens: JwtTokens, token: str | None) -> dict[str, Any]:
    """The claims of a bearer token we issued, unchecked for revocation. 401 without one."""
    if not token:
        raise unauthorized("sign in first: send Authorization: Bearer <token>")
    try:
        return tokens.decode(token)
    except InvalidToken:
        raise unauthorized("the token is invalid or has expired: sign in again") from None


def access_claims(tokens: JwtTokens, credentials: CredentialStore,
                  token: str | None) -> dict[str, Any]:
    """The claims of a valid bearer token that nobody revoked. 401 otherwise."""
    claims = decoded_claims(tokens, token)
    if credentials.revoked(claims.get("jti"), str(claims["sub"]), float(claims["iat"])):
        raise unauthorized(REVOKED)
    return claims


async def access_claims_async(tokens: JwtTokens, credentials: CredentialStore,
                              token: str | None) -> dict[str, Any]:
    """:func:`access_claims` for the endpoints polled often: no thread, one round trip."""
    claims = decoded_claims(tokens, token)
    if await credentials.revoked_async(claims.get("jti"), str(claims["sub"]),
                                       float(claims["iat"])):
        raise unauthorized(REVOKED)
    return claims


def user_for_token(uow: UnitOfWork, tokens: JwtTokens, credentials: CredentialStore,
                   token: str | None) -> User:
    """The active user a bearer token belongs to. 401 without a valid token; 403 if locked."""
    try:
        user = get_user(uow=uow, user_id=str(access_claims(tokens, credentials, token)["sub"]))
    except NotFound:
        raise unauthorized(NO_ACCOUNT) from None
    return require_active(user)


def active_user_id(uow: UnitOfWork, cache: StatusCache, user_id: str) -> str:
    """``user_id`` if its account is active, from the status cache when it knows, else from
    the database (remembered there). 401 if the account is gone, 403 if it is locked."""
    status = cache.account(user_id)
    if status is None:
        try:
            status = remembered_account_status(uow=uow, cache=cache, user_id=user_id)
        except NotFound:
            raise unauthorized(NO_ACCOUNT) from None
    refuse_unless_active(status)
    return user_id


async def polling_user_id(uow: UnitOfWork, cache: StatusCache, user_id: str,
                          known: str | None) -> str:
    """``user_id`` if its account is active: from ``known`` (the status cache's answer) when
    there is one, else from the database in a worker thread. 401 if the account is gone."""
    status = known
    if status is None:
        try:
            status = await run_in_threadpool(functools.partial(
                remembered_account_status, uow=uow, cache=cache, user_id=user_id))
        except NotFound:
            raise unauthorized(NO_ACCOUNT) from None
    refuse_unless_active(status)
    return user_id


def get_access_claims(tokens: TokensDep, credentials: CredentialsDep,
                      token: Annotated[str | None, Depends(bearer)]) -> dict[str, Any]:
    """The claims of the request's valid, unrevoked bearer token."""
    return access_claims(tokens, credentials, token)


def get_current_user(uow: UnitOfWorkDep, tokens: TokensDep, credentials: CredentialsDep,
                     token: Annotated[str | None, Depends(bearer)]) -> User:
    """The signed-in, active user."""
    return user_for_token(uow, tokens, credentials, token)


async def get_stream_user_id(task_id: str, uow: UnitOfWorkDep, tokens: TokensDep,
                             cache: StatusCacheDep, credentials: CredentialsDep,
                             tickets: StreamTicketsDep,
                             token: Annotated[str | None, Depends(bearer)],
                             ticket: Annotated[Text | None, Query(
                                 description="a stream ticket from POST "
                                             "/api/tasks/{task_id}/events/ticket")] = None,
                             ) -> str:
    """The signed-in, active user's id, from the Authorization header or, since EventSource
    cannot send headers, from a single-use ``?ticket=`` (never the access token itself: URLs
    end up in logs)."""
    if ticket:
        user_id = await tickets.redeem(ticket, task_id=task_id)
        if user_id is None:
            raise unauthorized("the stream ticket is invalid, used or expired: ask for a new one")
    else:
        user_id = str((await access_claims_async(tokens, credentials, token))["sub"])
    return await polling_user_id(uow, cache, user_id, known=None)


async def storable_path_parameters(request: Request) -> None:
    """Path parameters are request strings too: a 422 like a body field's, never a database
    error. (Async: no thread for a check this small.)"""
    errors = [{"type": "unstorable_text", "loc": ("path", name), "msg": reason}
              for name, value in request.path_params.items()
              if (reason := unstorable(str(value)))]
    if errors:
        raise RequestValidationError(errors)


CurrentUser = Annotated[User, Depends(get_current_user)]
# Declared in OpenAPI on every route that reads the bearer token.
SIGNED_IN_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "no token, or an invalid or expired one"},
    403: {"description": "the account is suspended or banned"}}


def client_address(request: Request) -> str:
    """The client's address: the connection's peer, or the address a proxy of ``[http]
    trusted_proxies`` forwarded (see :func:`api.app.create_app`)."""
    return request.client.host if request.client else "unknown"


ClientAddress = Annotated[str, Depends(client_address)]


def limited_per_address(name: str) -> Any:
    """A route dependency counting each request against limit ``name`` for its address."""

    def count(limits: RateLimitsDep, address: ClientAddress) -> None:
        limits.hit(name, address)

    return Depends(count)


def limited_per_user(name: str) -> Any:
    """A route dependency counting each request against limit ``name`` for its user."""

    def count(limits: RateLimitsDep, user: CurrentUser) -> None:
        limits.hit(name, user.id)

    return Depends(count)
AccessClaims = Annotated[dict[str, Any], Depends(get_access_claims)]
BearerToken = Annotated[str | None, Depends(bearer)]
StreamUserId = Annotated[str, Depends(get_stream_user_id)]
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
