"""Every hook a PodForge plugin can implement; the plugin manager loads this module as its spec."""

from __future__ import annotations

from collections.abc import Sequence

from ports.plugins import AdapterSpec, hookspec


@hookspec
def podforge_register_adapters() -> Sequence[AdapterSpec]:
    """Announce the adapters this plugin provides.

    Called once when the plugin manager starts. Every plugin's specs are collected; two specs
    with the same ``(port, name)`` are a startup error, whichever plugins they come from.
    Configuration, never registration order, decides which adapter fills a port.

    :returns: the :class:`~ports.plugins.AdapterSpec` of each adapter the plugin provides.
    """
    raise NotImplementedError
