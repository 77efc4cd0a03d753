"""The composition root: one container wires adapters for the API, the worker and the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dependency_injector import containers, providers
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from adapters.db.engine import create_db_engine
from adapters.plugin_manager import AdapterRegistry, get_plugin_manager
from adapters.settings import Settings, load_settings
from adapters.voices.library import VoiceLibrary
from adapters.voices.providers import open_synthesizers
from ports.plugins import PORTS, AdapterContext

# The ports configuration picks one adapter for, each by its section's ``type``.
SELECTED_PORTS = ("engine", "storage", "queue")


def open_db_engine(settings: Settings) -> Iterator[Engine]:
    """The database engine as a resource: disposed of when the container shuts down."""
    engine = create_db_engine(settings.database_url)
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


class Container(containers.DeclarativeContainer):
    """Providers for everything long-lived; tests override single providers with fakes."""

    settings = providers.Dependency(instance_of=Settings)
    plugin_manager = providers.Singleton(get_plugin_manager)
    adapter_registry = providers.Singleton(AdapterRegistry.from_plugin_manager, plugin_manager)
    voice_library = providers.Singleton(
        VoiceLibrary, providers.Callable(lambda s: s.voices_path, settings)
    )
    adapter_context = providers.Singleton(make_adapter_context, settings, voices=voice_library)
    synthesizers = providers.Resource(
        open_synthesizers, adapter_registry, settings, adapter_context
    )
    engine_context = providers.Singleton(
        make_adapter_context, settings, voices=voice_library, synthesizers=synthesizers
    )

    db_engine = providers.Resource(open_db_engine, settings)
    session_factory = providers.Singleton(sessionmaker, bind=db_engine, expire_on_commit=False)

    storage = providers.Singleton(
        build_adapter, adapter_registry, "storage", settings, adapter_context
    )
    queue = providers.Singleton(build_adapter, adapter_registry, "queue", settings, adapter_context)
    tts_engine = providers.Singleton(
        build_adapter, adapter_registry, "engine", settings, engine_context
    )


def create_container(settings: Settings | None = None) -> Container:
    """Build the container and check that every configured adapter is installed.

    :raises adapters.plugin_manager.PluginError: a configured name no plugin provides.
    """
    container = Container(settings=settings or load_settings())
    registry = container.adapter_registry()
    for port in SELECTED_PORTS:
        registry.select(port, selected_name(container.settings(), port))
    return container
