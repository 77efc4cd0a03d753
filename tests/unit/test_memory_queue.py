"""The in-process queue keeps the Queue contract."""

from __future__ import annotations

import pytest

from adapters.queue.memory import MemoryQueue
from ports.contracts import QueueContract


class TestMemoryQueue(QueueContract):
    visibility_timeout = 0.5

    @pytest.fixture
    def queue(self) -> MemoryQueue:
        return MemoryQueue(visibility_timeout_seconds=self.visibility_timeout)
