"""Whether a worker may take tasks now: only while its database answers."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

CHECK_SECONDS = 5.0  # while the database answers, ask again after this long
MAX_PAUSE_SECONDS = 30.0  # while it does not, the pause between questions doubles up to this


class DatabaseGate:
    """A worker that took a task its database cannot record would hold it for a visibility
    timeout; asked before each receive, this gate keeps the task in the queue for others."""

    def __init__(self, probe: Callable[[], None], *, name: str,
                 describe: Callable[[BaseException], str] = str,
                 check_seconds: float = CHECK_SECONDS,
                 max_pause_seconds: float = MAX_PAUSE_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.probe = probe
        self.clock = clock
        self.name = name
        self.describe = describe
        self.check_seconds = check_seconds
        self.max_pause_seconds = max_pause_seconds
        self.open = True
        self.pause = 0.0
        self.next_check = 0.0

    def allows(self) -> bool:
        """Whether to take a task: the last answer, or a new one when that one is old."""
        if self.clock() >= self.next_check:
            try:
                self.probe()
            except Exception as error:
                self._close(error)
            else:
                self._open()
        return self.open

    def suspect(self) -> None:
        """Something failed on the database: ask it again before the next task."""
        self.next_check = 0.0

    def _close(self, error: Exception) -> None:
        if self.open:
            log.warning("worker %s stops taking tasks: the database is unreachable (%s)",
                        self.name, self.describe(error))
        self.open = False
        self.pause = min(self.max_pause_seconds, max(1.0, self.pause * 2))
        self.next_check = self.clock() + self.pause

    def _open(self) -> None:
        if not self.open:
            log.info("worker %s: the database is reachable again; taking tasks", self.name)
        self.open = True
        self.pause = 0.0
        self.next_check = self.clock() + self.check_seconds
