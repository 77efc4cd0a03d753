"""The sizing model: measured inputs and named assumptions in, a capacity row per user count out."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

DAY_SECONDS = 86_400


@dataclass(frozen=True)
class Measured:
    """What ``bench/capacity.py`` measured on this machine (its ``inputs`` in results.json)."""

    # Requests per second one API process serves, per endpoint of a user's traffic.
    api_requests_per_second: dict[str, float]
    # Wall and CPU seconds a worker process spends per minute of audio, by provider latency (ms).
    worker_seconds_per_audio_minute: dict[str, float]
    worker_cpu_seconds_per_audio_minute: dict[str, float]
    provider_requests_per_audio_minute: float
    redis_bytes_per_waiting_task: float
    redis_bytes_per_finished_task: float
    cache_bytes_per_audio_second: float
    storage_bytes_per_audio_hour: float
    api_process_connections: int
    worker_process_connections: int


@dataclass(frozen=True)
class Assumptions:
    """How users behave and how much headroom to keep; named, so a reader can change them."""

    daily_active_share: float = 0.10  # of registered users, on a given day
    renders_per_active_user_per_day: float = 2.0
    episode_minutes: float = 10.0
    peak_to_average: float = 3.0  # the busiest hour's rate against the day's average
    poll_interval_seconds: float = 3.0  # an open task page polls its status this often
    task_list_requests_per_render: float = 10.0  # page views around one render
    voices_requests_per_render: float = 2.0
    reference_latency_ms: str = "400"  # provider latency for how long a task page polls
    target_utilisation: float = 0.7  # run processes at most this busy at peak
    min_api_processes: int = 2  # for availability, whatever the load
    backlog_minutes: float = 15.0  # waiting tasks at peak: this long's submissions
    status_retention_hours: float = 24.0  # task statuses stay in Redis a day
    cache_ttl_seconds: float = 3600.0  # [cache] ttl_seconds
    audio_retention_days: float = 30.0
    extra_connections: int = 2  # migrations, CLI


def requests_per_render(assumptions: Assumptions,
                        worker_seconds_per_audio_minute: float) -> dict[str, float]:
    """The requests one render brings, by endpoint: its page polls while it renders."""
    render_seconds = assumptions.episode_minutes * worker_seconds_per_audio_minute
    return {"status": render_seconds / assumptions.poll_interval_seconds,
            "tasks": assumptions.task_list_requests_per_render,
            "voices": assumptions.voices_requests_per_render}


def seconds_per_request(measured: Measured, shares: dict[str, float]) -> float:
    """One API process's time for an average request of the mix (shares sum to 1)."""
    return sum(share / measured.api_requests_per_second[name] for name, share in shares.items())


def size(measured: Measured, assumptions: Assumptions, users: int) -> dict[str, Any]:
    """Processes, connections, memory and storage for ``users`` registered users at peak."""
    a = assumptions
    renders_per_day = users * a.daily_active_share * a.renders_per_active_user_per_day
    audio_minutes_per_day = renders_per_day * a.episode_minutes
    peak_renders_per_second = renders_per_day / DAY_SECONDS * a.peak_to_average
    peak_audio_minutes_per_hour = audio_minutes_per_day / 24 * a.peak_to_average

    per_render = requests_per_render(a, measured.worker_seconds_per_audio_minute[
        a.reference_latency_ms])
    requests = sum(per_render.values())
    shares = {name: count / requests for name, count in per_render.items()}
    process_requests_per_second = 1 / seconds_per_request(measured, shares)
    peak_requests_per_second = peak_renders_per_second * requests
    api_processes = max(a.min_api_processes, math.ceil(
        peak_requests_per_second / (process_requests_per_second * a.target_utilisation)))

    busy = peak_audio_minutes_per_hour / 3600 / a.target_utilisation
    workers = {latency: math.ceil(busy * seconds)
               for latency, seconds in measured.worker_seconds_per_audio_minute.items()}
    worker_cores = {latency: round(busy * seconds, 1)
                    for latency, seconds in measured.worker_cpu_seconds_per_audio_minute.items()}
    most_workers = max(workers.values())

    waiting = peak_renders_per_second * a.backlog_minutes * 60
    finished = renders_per_day * a.status_retention_hours / 24
    cached_audio_seconds = peak_audio_minutes_per_hour * 60 * a.cache_ttl_seconds / 3600
    audio_hours_kept = audio_minutes_per_day / 60 * a.audio_retention_days
    return {
        "users": users,
        "renders_per_day": round(renders_per_day),
        "peak_audio_minutes_per_hour": round(peak_audio_minutes_per_hour),
        "peak_requests_per_second": round(peak_requests_per_second, 1),
        "api_process_requests_per_second": round(process_requests_per_second),
        "api_processes": api_processes,
        "worker_processes": workers,
        "worker_cpu_cores": worker_cores,
        "peak_provider_requests_per_minute": round(
            peak_audio_minutes_per_hour / 60 * measured.provider_requests_per_audio_minute),
        "postgres_connections": api_processes * measured.api_process_connections
        + most_workers * measured.worker_process_connections + a.extra_connections,
        "queue_redis_bytes": round(waiting * measured.redis_bytes_per_waiting_task
                                   + finished * measured.redis_bytes_per_finished_task),
        "cache_redis_bytes": round(cached_audio_seconds * measured.cache_bytes_per_audio_second),
        "storage_bytes": round(audio_hours_kept * measured.storage_bytes_per_audio_hour),
    }


def table(measured: Measured, assumptions: Assumptions,
          users: tuple[int, ...] = (10_000, 100_000)) -> list[dict[str, Any]]:
    return [size(measured, assumptions, count) for count in users]


def human_bytes(count: float) -> str:
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count:.0f} B"


def markdown_table(rows: list[dict[str, Any]], measured: Measured) -> str:
    """The sizing table as Markdown, one column per user count."""
    latencies = sorted(measured.worker_seconds_per_audio_minute, key=float)
    lines = [
        ("renders a day", lambda r: f"{r['renders_per_day']:,}"),
        ("audio minutes in the peak hour", lambda r: f"{r['peak_audio_minutes_per_hour']:,}"),
        ("API requests/s at peak", lambda r: f"{r['peak_requests_per_second']:,}"),
        ("**API processes** (`podforge serve`)", lambda r: f"**{r['api_processes']}**"),
        *[(f"**worker processes**, provider at {latency} ms a request",
           lambda r, latency=latency: f"**{r['worker_processes'][latency]}** "
                                      f"({r['worker_cpu_cores'][latency]} CPU cores)")
          for latency in latencies],
        ("provider requests/minute at peak",
         lambda r: f"{r['peak_provider_requests_per_minute']:,}"),
        ("**PostgreSQL connections** (client side, most workers)",
         lambda r: f"**{r['postgres_connections']:,}**"),
        ("**queue Redis** (waiting tasks and statuses)",
         lambda r: f"**{human_bytes(r['queue_redis_bytes'])}**"),
        ("**cache Redis** (segments within the TTL)",
         lambda r: f"**{human_bytes(r['cache_redis_bytes'])}**"),
        ("**storage** (audio kept)", lambda r: f"**{human_bytes(r['storage_bytes'])}**"),
    ]
    header = "| | " + " | ".join(f"{row['users']:,} users" for row in rows) + " |"
    rule = "|---|" + "---|" * len(rows)
    body = [f"| {label} | " + " | ".join(cell(row) for row in rows) + " |"
            for label, cell in lines]
    return "\n".join([header, rule, *body])
