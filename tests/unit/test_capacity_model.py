"""The sizing model's arithmetic on a small example worked out by hand."""

from __future__ import annotations

from bench.capacity import Assumptions, Measured, table
from bench.capacity_model import markdown_table

MEASURED = Measured(
    api_requests_per_second={"status": 10.0, "tasks": 1.0, "voices": 5.0},
    worker_seconds_per_audio_minute={"100": 6.0, "1000": 36.0},
    worker_cpu_seconds_per_audio_minute={"100": 3.0, "1000": 3.0},
    provider_requests_per_audio_minute=12.0,
    redis_bytes_per_waiting_task=1000.0,
    redis_bytes_per_finished_task=500.0,
    cache_bytes_per_audio_second=40_000.0,
    storage_bytes_per_audio_hour=100_000_000.0,
    api_process_connections=40,
    worker_process_connections=3,
)
ASSUMPTIONS = Assumptions(
    daily_active_share=0.1, renders_per_active_user_per_day=2, episode_minutes=10,
    peak_to_average=3, poll_interval_seconds=3, task_list_requests_per_render=10,
    voices_requests_per_render=2, reference_latency_ms="100", target_utilisation=0.5,
    min_api_processes=2, backlog_minutes=15, status_retention_hours=24, cache_ttl_seconds=3600,
    audio_retention_days=30, extra_connections=2)


def test_sizes_every_resource_from_the_measured_inputs_and_the_assumptions() -> None:
    # 14,400 users: 2,880 renders a day, 28,800 audio minutes, 0.1 render/s and 3,600 audio
    # minutes in the peak hour. A render takes 10 x 6 s = 60 s: 20 polls, 10 lists, 2 voices,
    # so (20/10 + 10/1 + 2/5) / 32 = 0.3875 s a request, 2.58 requests/s a process; 3.2/s at
    # peak at half load needs 3 processes. Workers: 3,600 minutes x 6 s / 3,600 s / 0.5 = 12,
    # x 36 s = 72. Connections: 3 x 40 + 72 x 3 + 2. Queue Redis: 90 waiting x 1,000 B plus
    # 2,880 finished x 500 B. Cache: 216,000 s x 40 KB. Storage: 14,400 audio hours x 100 MB.
    [row] = table(MEASURED, ASSUMPTIONS, users=(14_400,))

    assert row == {
        "users": 14_400, "renders_per_day": 2880, "peak_audio_minutes_per_hour": 3600,
        "peak_requests_per_second": 3.2, "api_process_requests_per_second": 3,
        "api_processes": 3, "worker_processes": {"100": 12, "1000": 72},
        "worker_cpu_cores": {"100": 6.0, "1000": 6.0},
        "peak_provider_requests_per_minute": 720, "postgres_connections": 338,
        "queue_redis_bytes": 1_530_000, "cache_redis_bytes": 8_640_000_000,
        "storage_bytes": 1_440_000_000_000,
    }


def test_keeps_the_minimum_of_api_processes_for_a_small_deployment() -> None:
    [row] = table(MEASURED, ASSUMPTIONS, users=(100,))

    assert row["api_processes"] == 2
    assert row["worker_processes"] == {"100": 1, "1000": 1}


def test_the_markdown_table_has_a_column_per_user_count_and_a_row_per_latency() -> None:
    text = markdown_table(table(MEASURED, ASSUMPTIONS, users=(14_400, 144_000)), MEASURED)

    assert "| | 14,400 users | 144,000 users |" in text
    assert "| **worker processes**, provider at 1000 ms a request | **72** (6.0 CPU cores) | " \
           "**720** (60.0 CPU cores) |" in text
    assert "1.4 TB" in text and "14.4 TB" in text
