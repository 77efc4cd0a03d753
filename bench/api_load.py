"""The API under load on PostgreSQL + Redis: status throughput against /healthz, the queue's
submit-to-completed latency, and 200 clients polling while 20 tasks render."""

from __future__ import annotations

import statistics
import time
from typing import Any

from bench.deployment import Deployment, deployment, wrk, wrk_meanwhile
from bench.queue_overhead import TASKS, percentile

CONNECTIONS = 64
LOAD_CLIENTS = 200
LOAD_TASKS = 20
SECONDS = 5
VOICE = {"A": "en-us-sarah"}
EPISODE = "".join(f"**{('A', 'B')[n % 2]}:** Turn {n}: workers render while clients poll.\n"
                  for n in range(12))


def throughput(running: Deployment, headers: dict[str, str]) -> dict[str, Any]:
    """/healthz, then the status of a task waiting in the queue (what clients poll: served
    from the status cache), then of the same task completed (its audio links come from the
    database), each for SECONDS at CONNECTIONS. Call before any worker starts."""
    waiting = running.submit(headers, "**A:** Polled while it waits.\n", VOICE)
    url = f"{running.base_url}/api/tasks/{waiting}/status"
    health = wrk(f"{running.base_url}/healthz", connections=CONNECTIONS, seconds=SECONDS)
    polled = wrk(url, connections=CONNECTIONS, seconds=SECONDS, headers=headers)
    running.start_workers(2)
    running.wait(headers, [waiting], seconds=120)  # the workers are up and warm
    completed = wrk(url, connections=CONNECTIONS, seconds=SECONDS, headers=headers)
    ratio = polled["requests_per_second"] / health["requests_per_second"]
    return {"connections": CONNECTIONS, "healthz": health, "status": polled,
            "status_completed": completed, "status_vs_healthz": round(ratio, 2),
            "completed_vs_healthz": round(
                completed["requests_per_second"] / health["requests_per_second"], 2),
            "goal": "status throughput (task in progress) >= 60% of /healthz",
            "meets_goal": ratio >= 0.6}


def queue_latency(running: Deployment, headers: dict[str, str]) -> dict[str, Any]:
    """Submit to completed, one task at a time, for a one-line script with an offline voice."""
    latencies = []
    for n in range(TASKS):
        started = time.perf_counter()
        task_id = running.submit(headers, f"**A:** Line number {n}.\n", VOICE)
        running.wait(headers, [task_id], seconds=60)
        latencies.append(time.perf_counter() - started)
    return {"tasks": TASKS, "p50_seconds": round(statistics.median(latencies), 3),
            "p95_seconds": round(percentile(latencies, 0.95), 3),
            "backend": "PostgreSQL + Redis, `podforge worker --processes 2`"}


def load(running: Deployment, headers: dict[str, str]) -> dict[str, Any]:
    """LOAD_CLIENTS connections poll a task's status while LOAD_TASKS tasks render."""
    voices = {"A": "en-us-sarah", "B": "en-gb-oliver"}
    task_ids = [running.submit(headers, EPISODE, voices) for _ in range(LOAD_TASKS)]
    figures: dict[str, Any] = {}
    started = time.perf_counter()
    with wrk_meanwhile(f"{running.base_url}/api/tasks/{task_ids[-1]}/status",
                       connections=LOAD_CLIENTS, headers=headers, figures=figures):
        running.wait(headers, task_ids, seconds=600)
    rendered = time.perf_counter() - started
    completed = sum(running.status(headers, task) == "completed" for task in task_ids)
    return {"clients": LOAD_CLIENTS, "tasks": LOAD_TASKS, "completed": completed,
            "render_seconds": round(rendered, 2), **figures,
            "goal": "no errors, every task completed",
            "meets_goal": figures.get("errors") == 0 and completed == LOAD_TASKS}


def run() -> dict[str, Any]:
    with deployment() as running:
        headers = running.user(credits=100_000)
        results = {"api_throughput": throughput(running, headers),  # starts the workers
                   "queue_overhead_redis": queue_latency(running, headers),
                   "load": load(running, headers)}
    return results

