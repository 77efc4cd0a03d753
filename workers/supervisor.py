"""``podforge worker``: starts N worker processes, restarts any that die, stops them cleanly."""

from __future__ import annotations

import logging
import multiprocessing
import signal
import time
from multiprocessing.process import BaseProcess
from types import FrameType

from workers.process import run_worker_process

log = logging.getLogger(__name__)
RESTART_DELAY_SECONDS = 2.0


def run_workers(processes: int) -> None:
    """Run until SIGTERM or SIGINT, then let each process finish its current task."""
    context = multiprocessing.get_context("spawn")
    stopping = False

    def start(index: int) -> BaseProcess:
        process = context.Process(target=run_worker_process, args=(index,),
                                  name=f"podforge-worker-{index}")
        process.start()
        log.info("worker %d started as pid %s", index, process.pid)
        return process

    def stop(_signal: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    children = {index: start(index) for index in range(processes)}
    while not stopping:
        time.sleep(0.5)
        for index, child in list(children.items()):
            if not child.is_alive() and not stopping:
                log.warning("worker %d exited with %s; restarting", index, child.exitcode)
                time.sleep(RESTART_DELAY_SECONDS)
                children[index] = start(index)
    for child in children.values():
        if child.is_alive() and child.pid:
            child.terminate()  # SIGTERM: each finishes its task, then exits
    for child in children.values():
        child.join()
