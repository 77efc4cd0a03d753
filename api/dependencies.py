"""FastAPI dependencies as Annotated aliases, all resolved from the app's container."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from adapters.auth.rate_limit import LoginLimiter
from adapters.auth.tokens import InvalidToken, JwtTokens
from adapters.container import Container
from adapters.settings import Settings
from adapters.voices.library import VoiceLibrary
from adapters.voices.previews import VoicePreviews
from core.accounts import User
from core.billing import BillingRules
from core.errors import NotFound
from core.script import ScriptLimits, SegmenterRules
from core.services.accounts import get_user, require_active
from ports.persistence import PasswordHasher, PaymentProvider, UnitOfWork
from ports.queue import Queue
from ports.status_cache import StatusCache
from ports.storage import Storage
from ports.tts_engine import TTSEngine

bearer = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


def get_container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


def get_settings(container: ContainerDep) -> Settings:
    settings: Settings = container.settings()
    return settings


def get_session(container: ContainerDep) -> Iterator[Session]:
    with container.session_factory()() as session:
        yield session


def get_storage(container: ContainerDep) -> Storage:
    storage: Storage = container.storage()
    return storage


def get_queue(container: ContainerDep) -> Queue:
    queue: Queue = container.queue()
    return queue


def get_voice_library(container: ContainerDep) -> VoiceLibrary:
    library: VoiceLibrary = container.voice_library()
    return library


def get_unit_of_work(container: ContainerDep) -> UnitOfWork:
    uow: UnitOfWork = container.unit_of_work()
    return uow


def get_password_hasher(container: ContainerDep) -> PasswordHasher:
    hasher: PasswordHasher = container.password_hasher()
    return hasher


def get_tokens(container: ContainerDep) -> JwtTokens:
    tokens: JwtTokens = container.tokens()
    return tokens


def get_billing_rules(container: ContainerDep) -> BillingRules:
    rules: BillingRules = container.billing_rules()
    return rules


def get_login_limiter(container: ContainerDep) -> LoginLimiter:
    limiter: LoginLimiter = container.login_limiter()
    return limiter


def get_payments(container: ContainerDep) -> PaymentProvider:
    payments: PaymentProvider = container.payments()
    return payments


def get_script_rules(container: ContainerDep) -> tuple[SegmenterRules, ScriptLimits]:
    rules: tuple[SegmenterRules, ScriptLimits] = container.script_rules()
    return rules


def get_engine(container: ContainerDep) -> TTSEngine:
    engine: TTSEngine = container.tts_engine()
    return engine


def get_status_cache(container: ContainerDep) -> StatusCache:
    cache: StatusCache = container.status_cache()
    return cache


def get_voice_previews(container: ContainerDep) -> VoicePreviews:
    previews: VoicePreviews = container.voice_previews()
    return previews


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
StorageDep = Annotated[Storage, Depends(get_storage)]
QueueDep = Annotated[Queue, Depends(get_queue)]
VoiceLibraryDep = Annotated[VoiceLibrary, Depends(get_voice_library)]
VoicePreviewsDep = Annotated[VoicePreviews, Depends(get_voice_previews)]
UnitOfWorkDep = Annotated[UnitOfWork, Depends(get_unit_of_work)]
PasswordHasherDep = Annotated[PasswordHasher, Depends(get_password_hasher)]
TokensDep = Annotated[JwtTokens, Depends(get_tokens)]
BillingRulesDep = Annotated[BillingRules, Depends(get_billing_rules)]
LoginLimiterDep = Annotated[LoginLimiter, Depends(get_login_limiter)]
PaymentsDep = Annotated[PaymentProvider, Depends(get_payments)]
ScriptRulesDep = Annotated[tuple[SegmenterRules, ScriptLimits], Depends(get_script_rules)]
EngineDep = Annotated[TTSEngine, Depends(get_engine)]
StatusCacheDep = Annotated[StatusCache, Depends(get_status_cache)]


def unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


def user_for_token(uow: UnitOfWork, tokens: JwtTokens, token: str | None) -> User:
    """The active user a bearer token belongs to. 401 without a valid token; 403 if locked."""
    if not token:
        raise unauthorized("sign in first: send Authorization: Bearer <token>")
    try:
        claims = tokens.decode(token)
    except InvalidToken:
        raise unauthorized("the token is invalid or has expired: sign in again") from None
    try:
        user = get_user(uow=uow, user_id=str(claims["sub"]))
    except NotFound:
        raise unauthorized("the token's account no longer exists") from None
    return require_active(user)


def get_current_user(uow: UnitOfWorkDep, tokens: TokensDep,
                     token: Annotated[str | None, Depends(bearer)]) -> User:
    """The signed-in, active user."""
    return user_for_token(uow, tokens, token)


def get_stream_user(uow: UnitOfWorkDep, tokens: TokensDep,
                    token: Annotated[str | None, Depends(bearer)],
                    access_token: Annotated[str | None, Query()] = None) -> User:
    """Like :func:`get_current_user`, also taking ``?access_token=``: EventSource cannot send
    headers."""
    return user_for_token(uow, tokens, token or access_token)


CurrentUser = Annotated[User, Depends(get_current_user)]
StreamUser = Annotated[User, Depends(get_stream_user)]
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
