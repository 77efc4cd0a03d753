"""Voice providers by name (``espeak``, ``minimax``), each built once, on first use."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from adapters.plugin_manager import AdapterRegistry
from adapters.settings import Settings
from ports.plugins import AdapterContext
from ports.synthesizer import Synthesizer


class SynthesizerLookup:
    """Callable ``lookup(provider) -> Synthesizer``; a provider's ``[tts.<name>]`` configures it."""

    def __init__(self, registry: AdapterRegistry, settings: Settings,
                 context: AdapterContext) -> None:
        self.registry = registry
        self.settings = settings
        self.context = context
        self._built: dict[str, Synthesizer] = {}
        self._lock = threading.Lock()

    def __call__(self, provider: str) -> Synthesizer:
        with self._lock:
            if provider not in self._built:
                section = self.settings.tts.plugin_section(provider)
                self._built[provider] = self.registry.create(
                    "synthesizer", provider, section, self.context)
            return self._built[provider]

    def close(self) -> None:
        """Close every provider that holds a client or a helper process."""
        with self._lock:
            for synthesizer in self._built.values():
                close = getattr(synthesizer, "close", None)
                if callable(close):
                    close()
            self._built.clear()


def open_synthesizers(registry: AdapterRegistry, settings: Settings,
                      context: AdapterContext) -> Iterator[SynthesizerLookup]:
    """The lookup as a container resource: its providers are closed at shutdown."""
    lookup = SynthesizerLookup(registry, settings, context)
    try:
        yield lookup
    finally:
        lookup.close()
