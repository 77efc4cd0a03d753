"""One worker process: its own container, a TaskWorker, and a clean stop on SIGTERM."""

from __future__ import annotations

import logging
import os
import signal
import socket
from pathlib import Path
from types import FrameType

from adapters.container import Container, create_container
from adapters.db.health import first_line, ping
from adapters.logging_setup import configure_logging
from workers.consumer import TaskWorker
from workers.gate import DatabaseGate
from workers.liveness import LivenessFile
from workers.parent_watch import stop_with_parent


def build_worker(container: Container, name: str, poll_seconds: float = 1.0,
                 liveness: LivenessFile | None = None) -> TaskWorker:
    """A worker wired from the composition root."""
    gate = DatabaseGate(lambda: ping(container.db_engine()), name=name, describe=first_line)
    return TaskWorker(name=name, queue=container.queue(), deps=container.render_deps(),
                      maintenance=container.maintenance(), gate=gate,
                      poll_seconds=poll_seconds,
                      duty_seconds=container.settings().worker.duty_seconds,
                      beat=liveness.touch if liveness else None)


def run_worker_process(index: int, parent_pid: int) -> None:
    """Entry point of a worker process started by :mod:`workers.supervisor` in ``parent_pid``."""
    stop_with_parent(parent_pid)
    os.environ["PODFORGE_WORKER__INDEX"] = str(index)  # read by the settings below
    container = create_container(process_kind="worker")
    settings = container.settings()
    configure_logging(settings.app.log_format, settings.app.log_level)
    logging.getLogger(__name__).info("worker-%d starting", index)
    container.init_resources()
    folder = settings.worker.liveness_dir
    worker = build_worker(container, f"{socket.gethostname()}-{os.getpid()}",
                          liveness=LivenessFile(Path(folder), index) if folder else None)

    def stop(_signal: int, _frame: FrameType | None) -> None:
        worker.stopping.set()  # finish the task at hand, then leave

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        worker.run()
    finally:
        container.shutdown_resources()
