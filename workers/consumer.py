"""The worker loop: take a task id, render it, acknowledge; keep up the shared duties."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections.abc import Callable

from core import log_context
from core.services.rendering import NotStarted, Outcome, RenderDeps, process_task
from ports.queue import Queue, QueueMessage
from workers.gate import DatabaseGate
from workers.maintenance import Maintenance, Schedule

log = logging.getLogger(__name__)

HOUR = 3600.0


class TaskWorker:
    """Renders one task at a time; :attr:`stopping` ends the loop after the current task."""

    def __init__(self, *, name: str, queue: Queue, deps: RenderDeps, maintenance: Maintenance,
                 gate: DatabaseGate, poll_seconds: float = 1.0,
                 duty_seconds: float = 10.0, beat: Callable[[], None] | None = None) -> None:
        self.name = name
        self.beat = beat or (lambda: None)  # says "still looping" to a liveness probe
        self.queue = queue
        self.deps = deps
        self.gate = gate
        self.poll_seconds = poll_seconds
        self.stopping = threading.Event()
        # No duty reclaims stale tasks: receive() hands this worker one only when it is idle.
        self.schedule = Schedule([
            (duty_seconds, maintenance.fail_overdue),
            (duty_seconds, maintenance.reconcile),
            (HOUR, maintenance.clean_work_dirs),
            (HOUR, maintenance.delete_expired_audio),
        ])

    def run(self) -> None:
        log.info("worker %s started", self.name)
        while not self.stopping.is_set():
            self.beat()
            if not self.gate.allows():
                # No duty either: each needs the database, and recovering stale messages
                # would take them from the workers that can render them.
                self.stopping.wait(self.gate.pause)
                continue
            self.schedule.tick()
            try:
                message = self.queue.receive(self.name, self.poll_seconds)
            except Exception:
                log.exception("worker %s could not read the queue", self.name)
                time.sleep(self.poll_seconds)
                continue
            if message is not None:
                self.handle(message)
        log.info("worker %s stopped", self.name)

    def handle(self, message: QueueMessage) -> Outcome | None:
        """Process one message; it is acknowledged only once its task needs nothing more."""
        context = log_context.task_id.set(message.task_id)
        try:
            return self._handle(message)
        finally:
            log_context.task_id.reset(context)

    def _handle(self, message: QueueMessage) -> Outcome | None:
        # Still ours, and renewed for a whole visibility timeout from here: a message taken
        # over by another worker while this one was slow must not be started twice.
        if not self.queue.renew(message, self.name):
            log.warning("worker %s left task %s to the worker that took it over", self.name,
                        message.task_id)
            return None
        try:
            outcome = asyncio.run(process_task(
                self.deps, task_id=message.task_id, lease=uuid.uuid4().hex,
                take_over=message.deliveries > 1,
                on_heartbeat=lambda: self.heartbeat(message)))
        except NotStarted:
            self.gate.suspect()
            if self.gate.allows():  # the database answers: leave it to the visibility timeout
                log.exception("worker %s could not start task %s", self.name, message.task_id)
                return None
            self.queue.enqueue(message.task_id)  # at once back in the queue, for another worker
            self.queue.ack(message)
            log.warning("worker %s handed task %s back", self.name, message.task_id)
            return None
        except Exception:
            self.gate.suspect()
            # Unacknowledged, the message comes back after the visibility timeout.
            log.exception("worker %s failed on task %s", self.name, message.task_id)
            return None
        if outcome is Outcome.RETRY:
            self.queue.enqueue(message.task_id)
        self.queue.ack(message)
        log.info("task %s: %s (worker %s)", message.task_id, outcome.value, self.name)
        return outcome

    def heartbeat(self, message: QueueMessage) -> None:
        """A render in progress still holds its task, and this process is not stuck."""
        # Losing the message is only told here: the database lease, taken over by the other
        # worker's start, is what stops this attempt.
        if not self.queue.renew(message, self.name):
            log.warning("worker %s: task %s was taken over by another worker", self.name,
                        message.task_id)
        self.beat()
