"""Prometheus metrics, read at scrape time from the database and the queue, so that work done
by any process (API or worker, on any machine) is counted."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from adapters.db import models
from core.states import TaskStatus
from ports.ledger import TransactionType
from ports.queue import Queue

RENDER_BUCKETS = (5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0)


class DatabaseCollector(Collector):
    def __init__(self, sessions: Callable[[], Session], queue: Callable[[], Queue]) -> None:
        self.sessions = sessions
        self.queue = queue

    def collect(self) -> Iterator[Any]:
        with self.sessions() as session:
            yield self._tasks(session)
            yield self._render_seconds(session)
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
    def _render_seconds(session: Session) -> HistogramMetricFamily:
        task = models.Task
        done = task.status == TaskStatus.COMPLETED.value
        rows = session.execute(select(task.started_at, task.completed_at).where(
            done, task.started_at.is_not(None), task.completed_at.is_not(None))).all()
        durations = [(end - start).total_seconds() for start, end in rows if start and end]
        buckets = [(str(limit), sum(1 for d in durations if d <= limit))
                   for limit in RENDER_BUCKETS] + [("+Inf", len(durations))]
        return HistogramMetricFamily("podforge_render_seconds", "Time to render a task",
                                     buckets=buckets, sum_value=sum(durations))

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


class TtsMetrics:
    """Requests to voice providers and their errors by code, counted in the process that
    makes them (with separate workers, scrape each worker or read their logs)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter("podforge_tts_requests", "Voice provider requests",
                                ["provider"], registry=registry)
        self.errors = Counter("podforge_tts_errors", "Voice provider errors",
                              ["provider", "code"], registry=registry)

    def record(self, provider: str, error_code: str | None = None) -> None:
        self.requests.labels(provider).inc()
        if error_code is not None:
            self.errors.labels(provider, error_code).inc()


def build_registry(sessions: Callable[[], Session], queue: Callable[[], Queue]
                   ) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(DatabaseCollector(sessions, queue))
    return registry
