"""Prometheus metrics: business totals read from the database at scrape time, and timings
recorded where the work happens (HTTP requests in the API, renders and voice requests in the
process that runs them)."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from ipaddress import ip_address
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from adapters.db import models
from adapters.settings import MetricsSection
from core.states import TaskStatus
from ports.ledger import TransactionType
from ports.queue import Queue

RENDER_BUCKETS = (5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0)
STAGE_BUCKETS = (0.05, 0.25, 1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0)
TTS_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0)
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def may_scrape(config: MetricsSection, address: str, token: str | None) -> bool:
    """From an allowed network (the address the server sees), or with the configured token."""
    expected = config.token.get_secret_value()
    if expected and token and secrets.compare_digest(token.encode(), expected.encode()):
        return True
    try:
        client = ip_address(address)
    except ValueError:  # no address, or not an IP (a Unix socket, a test client)
        return False
    return any(client in network for network in config.allow_networks)


def oldest_waiting_seconds(session: Session, now: datetime | None = None) -> float:
    """How long the oldest pending task has waited (0 when none waits). Pending rows are few,
    and the (status, started_at) index finds them without reading the others."""
    oldest = session.execute(select(func.min(models.Task.created_at)).where(
        models.Task.status == TaskStatus.PENDING.value)).scalar_one()
    if oldest is None:
        return 0.0
    if oldest.tzinfo is None:  # SQLite keeps no zone; the app writes UTC
        oldest = oldest.replace(tzinfo=UTC)
    return max(0.0, ((now or datetime.now(UTC)) - oldest).total_seconds())


class WaitingCollector(Collector):
    """The age of the oldest waiting task: the number to scale and alert on, since a deep
    queue of short tasks is fine and a shallow one that does not move is not."""

    def __init__(self, sessions: Callable[[], Session]) -> None:
        self.sessions = sessions

    def collect(self) -> Iterator[Any]:
        with self.sessions() as session:
            age = oldest_waiting_seconds(session)
        yield GaugeMetricFamily("podforge_queue_oldest_waiting_seconds",
                                "Age of the oldest task waiting to be rendered", value=age)


class DiskCollector(Collector):
    """Free and total bytes of the file system holding ``[app] data_dir`` (work folders, local
    audio): a full disk fails every render, so it is alerted on before it fills."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def collect(self) -> Iterator[Any]:
        free = GaugeMetricFamily("podforge_disk_free_bytes", "Free bytes under [app] data_dir")
        size = GaugeMetricFamily("podforge_disk_size_bytes", "Bytes of the file system holding "
                                 "[app] data_dir")
        try:
            usage = shutil.disk_usage(self.data_dir)
        except OSError:  # not created yet: nothing to report
            return
        free.add_metric([], usage.free)
        size.add_metric([], usage.total)
        yield free
        yield size


class DatabaseCollector(Collector):
    def __init__(self, sessions: Callable[[], Session], queue: Callable[[], Queue]) -> None:
        self.sessions = sessions
        self.queue = queue

    def collect(self) -> Iterator[Any]:
        with self.sessions() as session:
            yield self._tasks(session)
            yield from self._credits(session)
            tokens = session.execute(select(func.coalesce(
                func.sum(models.Conversation.total_tokens), 0))).scalar_one()
        yield CounterMetricFamily("podforge_llm_tokens", "LLM tokens used by conversations",
                                  value=int(tokens))
        depth = GaugeMetricFamily("podforge_queue_depth", "Tasks waiting in the queue")
        try:
            depth.add_metric([], self.queue().depth())
        except Exception:  # an unreachable queue must not break the scrape; /readyz says why
            depth.add_metric([], float("nan"))
        yield depth

    @staticmethod
    def _tasks(session: Session) -> GaugeMetricFamily:
        family = GaugeMetricFamily("podforge_tasks_total", "Tasks by status", labels=["status"])
        counts = dict(session.execute(select(models.Task.status, func.count())
                                      .group_by(models.Task.status)).all())
        for status in TaskStatus:
            family.add_metric([status.value], counts.get(status.value, 0))
        return family

    @staticmethod
    def _credits(session: Session) -> Iterator[CounterMetricFamily]:
        entry = models.CreditTransaction
        debited, refunded = session.execute(select(
            func.coalesce(func.sum(case((entry.amount < 0, -entry.amount), else_=0)), 0),
            func.coalesce(func.sum(case((entry.type == TransactionType.REFUND.value,
                                         entry.amount), else_=0)), 0))).one()
        yield CounterMetricFamily("podforge_credits_debited", "Credits taken from users",
                                  value=int(debited))
        yield CounterMetricFamily("podforge_credits_refunded", "Credits given back",
                                  value=int(refunded))


class RenderMetrics:
    """Renders and voice requests, counted in the process that runs them: a worker process
    (served summed over its siblings by ``podforge worker``'s metrics port), or the API
    process with its in-process workers."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.tts_requests = Counter("podforge_tts_requests", "Voice provider requests",
                                    ["provider"], registry=registry)
        self.tts_errors = Counter("podforge_tts_errors", "Voice provider errors",
                                  ["provider", "code"], registry=registry)
        self.tts_seconds = Histogram("podforge_tts_request_seconds",
                                     "Time a voice provider took to answer", ["provider"],
                                     buckets=TTS_BUCKETS, registry=registry)
        self.stage_seconds = Histogram("podforge_render_stage_seconds",
                                       "Time spent in each stage of a render", ["stage"],
                                       buckets=STAGE_BUCKETS, registry=registry)
        self.render_seconds = Histogram("podforge_render_seconds",
                                        "Time to render a task, recorded when it completes",
                                        buckets=RENDER_BUCKETS, registry=registry)
        self.finished = Counter("podforge_tasks_finished", "Render attempts by how they ended",
                                ["outcome"], registry=registry)

    def record_tts(self, provider: str, error_code: str | None, seconds: float) -> None:
        self.tts_requests.labels(provider).inc()
        self.tts_seconds.labels(provider).observe(seconds)
        if error_code is not None:
            self.tts_errors.labels(provider, error_code).inc()

    def record_stage(self, stage: str, seconds: float) -> None:
        self.stage_seconds.labels(stage).observe(seconds)

    def record_outcome(self, outcome: str, seconds: float) -> None:
        self.finished.labels(outcome).inc()
        if outcome == TaskStatus.COMPLETED.value:
            self.render_seconds.observe(seconds)


class HttpMetrics:
    """API requests by route template (never the raw path: ids would explode the series)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.seconds = Histogram("podforge_http_request_seconds",
                                 "Time until the response headers were sent",
                                 ["route", "method"], buckets=HTTP_BUCKETS, registry=registry)
        self.responses = Counter("podforge_http_responses", "Responses by status class",
                                 ["route", "method", "status_class"], registry=registry)

    def record(self, route: str, method: str, status: int, seconds: float) -> None:
        self.seconds.labels(route, method).observe(seconds)
        self.responses.labels(route, method, f"{status // 100}xx").inc()


def build_registry(sessions: Callable[[], Session], queue: Callable[[], Queue],
                   data_dir: Path) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(DatabaseCollector(sessions, queue))
    registry.register(WaitingCollector(sessions))
    registry.register(DiskCollector(data_dir))
    return registry
