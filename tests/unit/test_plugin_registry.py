"""Plugins announce adapters; configuration, never registration order, picks one per port."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace

import pytest
from pydantic import BaseModel

from adapters.container import create_container
from adapters.plugin_manager import (
    BUILTIN_PLUGINS,
    AdapterRegistry,
    PluginError,
    get_plugin_manager,
)
from adapters.settings import load_settings
from ports import AdapterContext, AdapterSpec, hookimpl
from ports.queue import Queue


def _context(tmp_path: Path) -> AdapterContext:
    return AdapterContext(data_dir=tmp_path, env="test")


class _Plugin:
    """A plugin object offering the given specs through the registry hook."""

    def __init__(self, *specs: AdapterSpec) -> None:
        self.specs = specs

    @hookimpl
    def podforge_register_adapters(self) -> Sequence[AdapterSpec]:
        return self.specs


class _Settings(BaseModel):
    greeting: str = "hello"
    size: int = 1


def _spec(port: str, name: str) -> AdapterSpec:
    return AdapterSpec(port, name, lambda s, c: SimpleNamespace(settings=s), _Settings)


def test_the_built_in_adapters_register_through_the_registry_hook() -> None:
    registry = AdapterRegistry.from_plugin_manager(get_plugin_manager(autoload=False))
    assert registry.names("queue") == ["memory", "redis"]
    assert registry.names("storage") == ["local", "s3"]
    assert {a.plugin for a in registry.all()} == set(BUILTIN_PLUGINS)


def test_each_call_builds_a_fresh_plugin_manager() -> None:
    first, second = get_plugin_manager(autoload=False), get_plugin_manager(autoload=False)
    assert first is not second
    first.register(_Plugin(_spec("storage", "extra")), name="extra")
    assert second.get_plugin("extra") is None


def test_two_plugins_providing_the_same_port_and_name_fail_at_startup() -> None:
    manager = get_plugin_manager(autoload=False)
    manager.register(_Plugin(_spec("storage", "local")), name="impostor")
    with pytest.raises(PluginError, match=r"'local'.*'local_storage' and 'impostor'"):
        AdapterRegistry.from_plugin_manager(manager)


def test_an_unknown_name_fails_listing_what_is_installed() -> None:
    registry = AdapterRegistry.from_plugin_manager(get_plugin_manager(autoload=False))
    with pytest.raises(PluginError, match=r"\[storage\] type = 'ftp'.*installed: 'local', 's3'"):
        registry.select("storage", "ftp")


def test_the_configured_section_is_validated_into_the_settings_model(tmp_path: Path) -> None:
    manager = get_plugin_manager(autoload=False)
    manager.register(_Plugin(_spec("storage", "custom")), name="custom")
    registry = AdapterRegistry.from_plugin_manager(manager)
    adapter = registry.create("storage", "custom", {"size": "3"}, _context(tmp_path))
    assert adapter.settings == _Settings(greeting="hello", size=3)
    with pytest.raises(PluginError, match=r"\[storage.custom\] is invalid: size"):
        registry.create("storage", "custom", {"size": "big"}, _context(tmp_path))


def test_invalid_plugin_settings_never_echo_their_values(tmp_path: Path) -> None:
    manager = get_plugin_manager(autoload=False)
    manager.register(_Plugin(_spec("storage", "custom")), name="custom")
    registry = AdapterRegistry.from_plugin_manager(manager)
    with pytest.raises(PluginError) as problem:
        registry.create("storage", "custom", {"size": "sk-secret-key"}, _context(tmp_path))
    assert "sk-secret-key" not in str(problem.value)


def test_a_spec_for_an_unknown_port_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown port 'teleporter'"):
        _spec("teleporter", "x")


def test_the_container_builds_the_configured_adapters(settings) -> None:  # type: ignore[no-untyped-def]
    container = create_container(settings)
    assert isinstance(container.queue(), Queue)
    assert container.queue() is container.queue()  # one per process


def test_the_container_refuses_an_unknown_configured_adapter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PODFORGE_QUEUE__TYPE", "carrier-pigeon")
    with pytest.raises(PluginError, match="installed: 'memory', 'redis'"):
        create_container(load_settings())
