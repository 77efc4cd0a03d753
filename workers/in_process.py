"""Worker threads inside the API process, for the single-process embedded default."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

from adapters.container import Container
from workers.consumer import TaskWorker
from workers.process import build_worker


@dataclass
class InProcessWorkers:
    """Threads consuming the in-process queue; :meth:`stop` lets each finish its task."""

    workers: list[TaskWorker]
    threads: list[threading.Thread]

    @classmethod
    def start(cls, container: Container, count: int) -> InProcessWorkers:
        # A short poll: the in-process queue wakes receivers at once, and a short wait lets
        # the server shut down without delay.
        workers = [build_worker(container, f"in-process-{os.getpid()}-{index}", 0.2)
                   for index in range(count)]
        threads = [threading.Thread(target=worker.run, name=worker.name, daemon=True)
                   for worker in workers]
        for thread in threads:
            thread.start()
        return cls(workers, threads)

    def stop(self, timeout: float = 30.0) -> None:
        for worker in self.workers:
            worker.stopping.set()
        for thread in self.threads:
            thread.join(timeout)
