"""One worker process: its own container, a TaskWorker, and a clean stop on SIGTERM."""

from __future__ import annotations

import logging
import os
import signal
import socket
from types import FrameType

from adapters.container import Container, create_container
from workers.consumer import TaskWorker


def build_worker(container: Container, name: str, poll_seconds: float = 1.0) -> TaskWorker:
    """A worker wired from the composition root."""
    return TaskWorker(name=name, queue=container.queue(), deps=container.render_deps(),
                      maintenance=container.maintenance(), poll_seconds=poll_seconds,
                      duty_seconds=container.settings().worker.duty_seconds)


def run_worker_process(index: int) -> None:
    """Entry point of a worker process started by :mod:`workers.supervisor`."""
    logging.basicConfig(level=logging.INFO,
                        format=f"%(asctime)s worker-{index} %(levelname)s %(message)s")
    container = create_container()
    container.init_resources()
    worker = build_worker(container, f"{socket.gethostname()}-{os.getpid()}")

    def stop(_signal: int, _frame: FrameType | None) -> None:
        worker.stopping.set()  # finish the task at hand, then leave

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        worker.run()
    finally:
        container.shutdown_resources()
