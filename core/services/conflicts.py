"""Runs a unit of work again when the database aborted it to settle a conflict."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from ports.persistence import TransactionConflict

T = TypeVar("T")
ATTEMPTS = 4


def retrying(operation: Callable[[], T], *, attempts: int = ATTEMPTS) -> T:
    """``operation()``, run again after a short random pause while the database aborts it
    with :class:`TransactionConflict`, at most ``attempts`` times in all.

    The operation must be one whole unit of work: nothing of an aborted run was written."""
    for attempt in range(1, attempts):
        try:
            return operation()
        except TransactionConflict:
            time.sleep(random.uniform(0.01, 0.05) * attempt)  # let the winner commit first
    return operation()
