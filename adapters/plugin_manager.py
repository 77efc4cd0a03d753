"""Finds plugins (built-in and installed), collects their adapters and builds the chosen ones."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import pluggy
from pydantic import ValidationError

from adapters.settings import describe
from ports import hookspecs
from ports.plugins import (
    ENTRY_POINT_GROUP,
    PORTS,
    PROJECT_NAME,
    AdapterContext,
    AdapterSpec,
    AdapterUnavailable,
)

DISABLE_AUTOLOAD_ENV_VAR = "PODFORGE_DISABLE_PLUGIN_AUTOLOAD"

# Bundled plugins, registered under their entry-point names, so that entry-point loading skips
# them and PODFORGE_DISABLE_PLUGIN_AUTOLOAD=1 still has them. Those shipped as separate
# distributions are skipped when not installed.
BUILTIN_PLUGINS: Mapping[str, str] = {
    "memory_queue": "adapters.queue.memory_plugin",
    "redis_queue": "adapters.queue.redis_plugin",
    "espeak_voices": "adapters.voices.espeak_plugin",
    "minimax_voices": "adapters.voices.minimax_plugin",
    "dev_payments": "adapters.payments.dev_plugin",
    "litellm": "adapters.llm.plugin",
    "local_storage": "podforge_local_storage.plugin",
    "s3_storage": "podforge_s3_storage.plugin",
    "direct_engine": "podforge_direct_engine.plugin",
    "mofa_engine": "podforge_mofa_engine.plugin",
}


class PluginError(RuntimeError):
    """A startup error in the plugin set or in the configuration that selects from it."""


def autoload_enabled() -> bool:
    """False when ``PODFORGE_DISABLE_PLUGIN_AUTOLOAD`` is set to a true value."""
    return os.environ.get(DISABLE_AUTOLOAD_ENV_VAR, "").lower() not in ("1", "true", "yes")


def get_plugin_manager(*, autoload: bool | None = None) -> pluggy.PluginManager:
    """A fresh plugin manager with the built-ins and, unless disabled, installed plugins."""
    manager = pluggy.PluginManager(PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    for name, module_name in BUILTIN_PLUGINS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as missing:
            if missing.name and module_name.startswith(missing.name):
                continue  # a bundled plugin distribution that is not installed
            raise
        manager.register(module, name=name)
    if autoload_enabled() if autoload is None else autoload:
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    return manager


@dataclass(frozen=True)
class RegisteredAdapter:
    """An adapter spec and the plugin that announced it."""

    spec: AdapterSpec
    plugin: str


class AdapterRegistry:
    """Every adapter the installed plugins provide, by (port, name)."""

    def __init__(self, adapters: Iterable[RegisteredAdapter]) -> None:
        self._adapters: dict[tuple[str, str], RegisteredAdapter] = {}
        for adapter in adapters:
            key = (adapter.spec.port, adapter.spec.name)
            if key in self._adapters:
                raise PluginError(
                    f"two plugins provide the {adapter.spec.port} adapter "
                    f"{adapter.spec.name!r}: {self._adapters[key].plugin!r} and "
                    f"{adapter.plugin!r}; uninstall one of them"
                )
            self._adapters[key] = adapter

    @classmethod
    def from_plugin_manager(cls, manager: pluggy.PluginManager) -> AdapterRegistry:
        """Ask every registered plugin for its adapters."""
        found: list[RegisteredAdapter] = []
        for impl in manager.hook.podforge_register_adapters.get_hookimpls():
            specs = cast(Iterable[object], impl.function() or ())
            for spec in specs:
                if not isinstance(spec, AdapterSpec):
                    raise PluginError(f"plugin {impl.plugin_name!r} returned {spec!r}, "
                                      "not an AdapterSpec")
                found.append(RegisteredAdapter(spec, impl.plugin_name))
        return cls(found)

    def all(self) -> list[RegisteredAdapter]:
        """Every adapter, sorted by port and name."""
        return [self._adapters[key] for key in sorted(self._adapters)]

    def names(self, port: str) -> list[str]:
        """Names of the adapters installed for ``port``."""
        return sorted(name for (p, name) in self._adapters if p == port)

    def select(self, port: str, name: str) -> AdapterSpec:
        """The adapter configuration names. :raises PluginError: listing what is installed."""
        adapter = self._adapters.get((port, name))
        if adapter is None:
            installed = ", ".join(repr(n) for n in self.names(port)) or "none"
            raise PluginError(
                f"[{PORTS[port]}] type = {name!r}, but no installed plugin provides a {port} "
                f"adapter of that name; installed: {installed}"
            )
        return adapter.spec

    def create(
        self, port: str, name: str, settings: Mapping[str, Any], context: AdapterContext
    ) -> Any:
        """Validate the adapter's settings section and call its factory."""
        spec = self.select(port, name)
        try:
            adapter_settings = spec.settings_model.model_validate(dict(settings))
        except ValidationError as invalid:
            raise PluginError(f"[{PORTS[port]}.{name}] is invalid: {describe(invalid)}") from None
        try:
            return spec.factory(adapter_settings, context)
        except AdapterUnavailable as unavailable:
            raise PluginError(f"the {port} adapter {name!r} is not available: {unavailable}"
                              ) from None

