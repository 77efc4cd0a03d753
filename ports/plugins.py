"""What a plugin declares: the ports it fills, by name, with a factory and a settings model."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pluggy
from pydantic import BaseModel

PROJECT_NAME: Final = "podforge"
ENTRY_POINT_GROUP: Final = "podforge.plugins"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

# The ports an adapter can fill, each with the config section that selects and configures it.
PORTS: Final[Mapping[str, str]] = {
    "engine": "engine",
    "storage": "storage",
    "queue": "queue",
    "llm": "llm",
    "synthesizer": "tts",
    "payment": "payment",
}


class AdapterUnavailable(RuntimeError):
    """Raised by a factory whose adapter cannot work here as configured (a missing key)."""


class NoSettings(BaseModel):
    """Settings model for an adapter that takes none."""


@dataclass(frozen=True)
class AdapterContext:
    """What a factory may use besides its own settings: shared config and long-lived resources.

    ``config`` is the whole merged configuration as plain data (sections such as ``audio`` or
    ``redis`` that several adapters read); ``resources`` holds clients opened by the composition
    root (for example ``"redis"``), so adapters share one pool instead of each opening their own.
    """

    data_dir: Path
    env: str
    config: Mapping[str, Any] = field(default_factory=dict)
    resources: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AdapterSpec:
    """One adapter a plugin provides.

    :param port: which port it fills, one of :data:`PORTS`.
    :param name: the name configuration uses to pick it (``[storage] type = "local"``).
    :param factory: ``factory(settings, context) -> adapter``; ``settings`` is an instance of
        ``settings_model`` validated from the adapter's config section (``[storage.local]``).
    :param settings_model: pydantic model of the adapter's own settings.
    :param description: one line shown by ``podforge plugins``.
    """

    port: str
    name: str
    factory: Callable[[Any, AdapterContext], Any]
    settings_model: type[BaseModel] = NoSettings
    description: str = ""

    def __post_init__(self) -> None:
        if self.port not in PORTS:
            raise ValueError(f"unknown port {self.port!r}; ports are: {', '.join(sorted(PORTS))}")
        if not self.name or not self.name.replace("-", "_").isidentifier():
            raise ValueError(f"adapter name {self.name!r} must be a non-empty identifier")
