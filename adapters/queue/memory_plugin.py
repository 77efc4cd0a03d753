"""Registers the in-process queue as ``[queue] type = "memory"``."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.queue.memory import MemoryQueue
from ports import AdapterContext, AdapterSpec, NoSettings, hookimpl


def create_memory_queue(settings: NoSettings, context: AdapterContext) -> MemoryQueue:
    """Build the queue with the configured visibility timeout."""
    return MemoryQueue(float(context.config["queue"]["visibility_timeout_seconds"]))


@hookimpl
def podforge_register_adapters() -> Sequence[AdapterSpec]:
    return [
        AdapterSpec(
            port="queue",
            name="memory",
            factory=create_memory_queue,
            description="in-process queue for the single-process embedded default",
        )
    ]
