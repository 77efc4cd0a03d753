"""The composition root: one container wires adapters for the API, the worker and the CLI."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from dependency_injector import containers, providers
from limits.storage import MemoryStorage
from redis import Redis
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from adapters.auth.passwords import Argon2PasswordHasher
from adapters.auth.rate_limit import LimitsRateLimits, redis_storage
from adapters.auth.stream_tickets import StreamTickets
from adapters.auth.tokens import JwtTokens
from adapters.credentials import MemoryCredentialStore, RedisCredentialStore
from adapters.db.engine import create_db_engine
from adapters.db.ledger import SqlAlchemyLedger
from adapters.db.unit_of_work import SqlAlchemyUnitOfWork
from adapters.llm.prompts import PromptLibrary
from adapters.metrics import HttpMetrics, RenderMetrics, build_registry
from adapters.plugin_manager import AdapterRegistry, get_plugin_manager
from adapters.resources import resource
from adapters.segment_cache import segment_cache_for
from adapters.settings import Settings, load_settings
from adapters.status_cache import MemoryStatusCache, RedisStatusCache
from adapters.voices.library import VoiceLibrary
from adapters.voices.previews import VoicePreviews
from adapters.voices.providers import open_synthesizers
from core.billing import BillingRules
from core.script import rules_from_config
from core.services.rendering import RenderDeps
from ports.credentials import CredentialStore
from ports.persistence import UnitOfWork
from ports.plugins import PORTS, AdapterContext
from ports.queue import Queue
from ports.rate_limits import RateLimits
from ports.segment_cache import SegmentCache
from ports.status_cache import StatusCache
from ports.storage import Storage
from ports.tts_engine import TTSEngine
from workers.maintenance import Maintenance

# The ports configuration picks one adapter for, each by its section's ``type``.
SELECTED_PORTS = ("engine", "storage", "queue", "payment")


def open_db_engine(settings: Settings, process_kind: str) -> Iterator[Engine]:
    """The database engine as a resource, its pool sized for the kind of process ("api", or
    "worker" for `podforge worker`'s processes): disposed of when the container shuts down."""
    pool_size, max_overflow = settings.database.pool(process_kind)
    engine = create_db_engine(settings.database_url, pool_size=pool_size,
                              max_overflow=max_overflow)
    try:
        yield engine
    finally:
        engine.dispose()


def make_adapter_context(settings: Settings, **resources: Any) -> AdapterContext:
    """What every adapter factory gets besides its own settings."""
    return AdapterContext(
        data_dir=settings.data_dir,
        env=settings.app.env,
        config=settings.model_dump(mode="python"),
        resources=resources,
    )


def open_redis(settings: Settings) -> Iterator[Redis]:
    """A Redis client (it connects on first use), closed when the container shuts down."""
    client = Redis.from_url(settings.redis.url)
    try:
        yield client
    finally:
        client.close()


def open_cache_redis(settings: Settings, redis: Callable[[], Redis]) -> Iterator[Redis]:
    """The segment cache's Redis: its own client to ``[cache] redis_url`` (a Redis that may
    evict), else the main client."""
    if not settings.cache.redis_url:
        yield redis()
        return
    client = Redis.from_url(settings.cache.redis_url)
    try:
        yield client
    finally:
        client.close()


def make_billing_rules(settings: Settings) -> BillingRules:
    fields = set(BillingRules.__dataclass_fields__)
    return BillingRules(**settings.billing.model_dump(include=fields))


def make_rate_limits(settings: Settings, redis: Callable[[], Redis]) -> RateLimits:
    """``[limits]``, counted in Redis when the deployment has it (a Redis queue), so every API
    process shares them."""
    table = settings.limits.model_dump(by_alias=True)
    if settings.queue.type == "redis":
        return LimitsRateLimits(redis_storage(redis(), settings.redis.key_prefix), table)
    return LimitsRateLimits(MemoryStorage(), table)


def make_status_cache(settings: Settings, redis: Callable[[], Redis]) -> StatusCache:
    """Shared through Redis when the deployment has it, so any API process can answer."""
    if settings.queue.type == "redis":
        return RedisStatusCache(redis(), settings.redis.url, settings.redis.key_prefix)
    return MemoryStatusCache()


def make_credential_store(settings: Settings, redis: Callable[[], Redis]) -> CredentialStore:
    """Shared through Redis when the deployment has it: a token revoked through one API
    process is refused by all."""
    if settings.queue.type == "redis":
        return RedisCredentialStore(redis(), settings.redis.url, settings.redis.key_prefix)
    return MemoryCredentialStore()


def make_segment_cache(settings: Settings, redis: Callable[[], Redis]) -> SegmentCache:
    """Chunks kept ``[cache] ttl_seconds``, in Redis when the deployment has it (``redis``:
    the cache's own, see :func:`open_cache_redis`)."""
    return segment_cache_for(shared=settings.queue.type == "redis", redis=redis,
                             ttl_seconds=settings.cache.ttl_seconds,
                             prefix=settings.redis.key_prefix)


def heartbeat_seconds(settings: Settings) -> float:
    """Renew claims well within the visibility timeout (every 20 s with the default 60)."""
    return min(20.0, settings.queue.visibility_timeout_seconds / 3)


def make_render_deps(settings: Settings, unit_of_work: Callable[[], UnitOfWork],
                     engine: TTSEngine, storage: Storage, cache: StatusCache,
                     billing: BillingRules, metrics: RenderMetrics) -> RenderDeps:
    return RenderDeps(unit_of_work=unit_of_work, engine=engine, storage=storage, cache=cache,
                      billing=billing, work_root=settings.data_dir / "work",
                      timeout_seconds=settings.worker.task_timeout_minutes * 60,
                      heartbeat_seconds=heartbeat_seconds(settings),
                      reuse_seconds=settings.cache.ttl_seconds,
                      record_stage=metrics.record_stage,
                      record_outcome=metrics.record_outcome)


def make_maintenance(settings: Settings, unit_of_work: Callable[[], UnitOfWork], queue: Queue,
                     storage: Storage, cache: StatusCache) -> Maintenance:
    return Maintenance(unit_of_work=unit_of_work, queue=queue, storage=storage, cache=cache,
                       work_root=settings.data_dir / "work",
                       timeout_seconds=settings.worker.task_timeout_minutes * 60,
                       stale_after_seconds=2 * settings.queue.visibility_timeout_seconds,
                       retention_seconds=settings.worker.temp_retention_hours * 3600)


def make_jwt_tokens(settings: Settings) -> JwtTokens:
    auth = settings.auth
    return JwtTokens(secret=auth.jwt_secret.get_secret_value(), issuer=auth.jwt_issuer,
                     expire_minutes=auth.jwt_expire_minutes, algorithm=auth.jwt_algorithm)


def selected_name(settings: Settings, port: str) -> str:
    """The adapter name configuration picks for ``port`` (``[storage] type``)."""
    return str(getattr(settings, PORTS[port]).type)


def build_adapter(
    registry: AdapterRegistry, port: str, settings: Settings, context: AdapterContext
) -> Any:
    """Create the configured adapter for ``port`` from its ``[<port>.<name>]`` section."""
    name = selected_name(settings, port)
    section = getattr(settings, PORTS[port]).plugin_section(name)
    return registry.create(port, name, section, context)


def open_adapter(
    registry: AdapterRegistry, port: str, settings: Settings, context: AdapterContext
) -> Iterator[Any]:
    """An adapter as a resource: one that owns processes (the MoFA engine's dora services)
    has a ``close`` the container calls at shutdown."""
    adapter = build_adapter(registry, port, settings, context)
    try:
        yield adapter
    finally:
        close = getattr(adapter, "close", None)
        if callable(close):
            close()


class Container(containers.DeclarativeContainer):
    """Providers for everything long-lived; tests override single providers with fakes."""

    settings = providers.Dependency(instance_of=Settings)
    process_kind = providers.Dependency(instance_of=str, default="api")
    plugin_manager = providers.Singleton(get_plugin_manager)
    adapter_registry = providers.Singleton(AdapterRegistry.from_plugin_manager, plugin_manager)
    voice_library = providers.Singleton(
        VoiceLibrary, providers.Callable(lambda s: s.voices_path, settings)
    )
    redis = providers.Resource(open_redis, settings)
    adapter_context = providers.Singleton(
        make_adapter_context, settings, voices=voice_library, redis=redis.provider
    )
    synthesizers = providers.Resource(
        open_synthesizers, adapter_registry, settings, adapter_context
    )
    cache_redis = providers.Resource(open_cache_redis, settings, redis.provider)
    segment_cache = providers.Singleton(make_segment_cache, settings, cache_redis.provider)

    db_engine = providers.Resource(open_db_engine, settings, process_kind)
    session_factory = providers.Singleton(sessionmaker, bind=db_engine, expire_on_commit=False)

    unit_of_work = providers.Factory(SqlAlchemyUnitOfWork, session_factory)
    ledger = providers.Singleton(SqlAlchemyLedger, session_factory=session_factory)
    billing_rules = providers.Singleton(make_billing_rules, settings)
    script_rules = providers.Singleton(
        rules_from_config, providers.Callable(lambda s: s.model_dump(), settings)
    )
    password_hasher = providers.Singleton(Argon2PasswordHasher)
    tokens = providers.Singleton(make_jwt_tokens, settings)
    rate_limits = providers.Singleton(make_rate_limits, settings, redis.provider)
    payments = providers.Singleton(
        build_adapter, adapter_registry, "payment", settings, adapter_context
    )

    storage = providers.Singleton(
        build_adapter, adapter_registry, "storage", settings, adapter_context
    )
    queue = providers.Singleton(build_adapter, adapter_registry, "queue", settings, adapter_context)
    metrics = providers.Singleton(build_registry, session_factory, queue.provider,
                                  providers.Callable(lambda s: s.data_dir, settings))
    render_metrics = providers.Singleton(RenderMetrics, metrics)
    http_metrics = providers.Singleton(HttpMetrics, metrics)
    engine_context = providers.Singleton(
        make_adapter_context, settings, voices=voice_library, synthesizers=synthesizers,
        redis=redis.provider, segment_cache=segment_cache,
        record_tts=providers.Callable(lambda m: m.record_tts, render_metrics),
        record_stage=providers.Callable(lambda m: m.record_stage, render_metrics),
    )
    tts_engine = providers.Resource(
        open_adapter, adapter_registry, "engine", settings, engine_context
    )
    voice_previews = providers.Singleton(VoicePreviews, voice_library, synthesizers, storage)
    llm = providers.Singleton(build_adapter, adapter_registry, "llm", settings, adapter_context)
    prompts = providers.Singleton(PromptLibrary, providers.Object(resource("prompts")))
    status_cache = providers.Singleton(make_status_cache, settings, redis.provider)
    credentials = providers.Singleton(make_credential_store, settings, redis.provider)
    stream_tickets = providers.Singleton(
        StreamTickets, credentials, providers.Callable(lambda s: s.auth.stream_ticket_seconds,
                                                       settings)
    )
    render_deps = providers.Singleton(
        make_render_deps, settings, unit_of_work.provider, tts_engine, storage, status_cache,
        billing_rules, render_metrics,
    )
    maintenance = providers.Singleton(
        make_maintenance, settings, unit_of_work.provider, queue, storage, status_cache
    )


def create_container(settings: Settings | None = None, *,
                     process_kind: str = "api") -> Container:
    """Build the container and check that every configured adapter is installed.

    :param process_kind: "worker" in `podforge worker`'s processes (a smaller database pool).
    :raises adapters.plugin_manager.PluginError: a configured name no plugin provides.
    """
    container = Container(settings=settings or load_settings(), process_kind=process_kind)
    registry = container.adapter_registry()
    for port in SELECTED_PORTS:
        registry.select(port, selected_name(container.settings(), port))
    return container
