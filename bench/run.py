"""Runs every benchmark in one go and writes bench/results.json and docs/benchmarks.md.

``python -m bench.run capacity`` (or any names of :data:`PARTS`) runs only those and keeps the
other figures of bench/results.json as they are.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adapters.resources import project_root
from bench import api_load, assembly, capacity, engines, queue_overhead, rendering


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(),
            "system": platform.platform(), "processor": platform.machine()}


def markdown(results: dict[str, Any]) -> str:
    speed, incremental = results["render_speedup"], results["incremental_rerender"]
    assembled, queue = results["assembly"], results["queue_overhead"]
    engine, api, redis_queue, load = (results["engines"], results["api_throughput"],
                                      results["queue_overhead_redis"], results["load"])
    mark = {True: "met", False: "not met"}
    rows = "\n".join(
        f"| {s['minutes']} min | {s['wall_seconds']} s | {s['real_time_factor']}x | "
        f"{s['peak_rss_bytes'] / 2**20:.0f} MiB |" for s in assembled["sizes"])
    return f"""# Benchmarks

Measured by `make bench` on {results['date']} ({results['machine']['cpus']} CPUs,
{results['machine']['system']}, Python {results['machine']['python']}). Figures are ratios measured
side by side in one run; `bench/results.json` has every number.

## Render speed-up (60 turns, local MiniMax server with {rendering.LATENCY_MS} ms a request)

| concurrency 1 (serial, as MoFA's flow) | concurrency 8 | speed-up | critical path | ratio to it | goal (>= 6x) |
|---|---|---|---|---|---|
| {speed['serial_seconds']} s | {speed['concurrent_seconds']} s | {speed['speedup']}x | {speed['critical_path_seconds']} s | {speed['ratio_to_critical_path']} | {mark[speed['meets_goal']]} |

The MiniMax server runs in its own process, as the real one does. The critical path is the
rounds of requests plus the same render with no latency ({speed['assembly_seconds']} s, mostly
loudness and MP3 for the whole episode, which both runs pay once); the concurrent render sits on
it, so the speed-up is bounded by (60 x latency + that tail) / (8 rounds + that tail).

## Assembly, loudness and encoding (fast synthetic voice)

| audio | wall time | real-time factor | peak memory |
|---|---|---|---|
{rows}

Peak memory of 120 minutes against 10: {assembled['peak_memory_120_vs_10']}x. The same 30 minutes
merged as popular generators do it (pydub, `combined += clip`, one export) took
{assembled['pydub_reference_30_min']['wall_seconds']} s: PodForge is
{assembled['speed_vs_pydub']}x its speed while also normalising loudness and writing WAV and MP3.
Goal (>= 150x real time, memory <= 1.2x): {mark[assembled['meets_goal']]}.

## Incremental re-render (one single-chunk turn of 60 edited)

| first render | requests | re-render | requests | share of the first | goal (1 request, < 15%) |
|---|---|---|---|---|---|
| {incremental['first_seconds']} s | {incremental['first_requests']} | {incremental['rerender_seconds']} s | {incremental['rerender_requests']} | {incremental['time_share']:.1%} | {mark[incremental['meets_goal']]} |

Only the edited line is synthesized again; the rest of the re-render is the finishing tail of
the speed-up section (loudness and MP3 for the whole episode), which a changed line makes
necessary again because the episode's gain depends on every line.

## Queue overhead (one-line script, offline voice, {queue['tasks']} tasks)

| backend | p50 | p95 |
|---|---|---|
| {queue['backend']} | {queue['p50_seconds']} s | {queue['p95_seconds']} s |
| {redis_queue['backend']} | {redis_queue['p50_seconds']} s | {redis_queue['p95_seconds']} s |

## API on PostgreSQL + Redis ({api['connections']} connections, wrk, `podforge serve` in one process)

| endpoint | requests/s | p50 | p99 | errors |
|---|---|---|---|---|
| `/healthz` | {api['healthz']['requests_per_second']} | {api['healthz']['p50_ms']} ms | {api['healthz']['p99_ms']} ms | {api['healthz']['errors']} |
| `/api/tasks/{{id}}/status`, task in progress | {api['status']['requests_per_second']} | {api['status']['p50_ms']} ms | {api['status']['p99_ms']} ms | {api['status']['errors']} |
| `/api/tasks/{{id}}/status`, task completed | {api['status_completed']['requests_per_second']} | {api['status_completed']['p50_ms']} ms | {api['status_completed']['p99_ms']} ms | {api['status_completed']['errors']} |

Polling a task in progress reaches {api['status_vs_healthz']:.0%} of `/healthz`: the endpoint
is asynchronous and reads the task and the account in one round trip to Redis, with no database
query. Goal (>= 60%): {mark[api['meets_goal']]}. Once the task is completed, its audio links come
from PostgreSQL ({api['completed_vs_healthz']:.0%} of `/healthz`); a client reads that once.

## Load: {load['clients']} clients polling status while {load['tasks']} tasks render

| tasks completed | render time | requests/s | p50 | p99 | errors | goal (no errors, all completed) |
|---|---|---|---|---|---|---|
| {load['completed']} of {load['tasks']} | {load['render_seconds']} s | {load['requests_per_second']} | {load['p50_ms']} ms | {load['p99_ms']} ms | {load['errors']} | {mark[load['meets_goal']]} |

## Direct engine against the MoFA engine (dora dataflow per task)

| render | direct | MoFA | MoFA / direct |
|---|---|---|---|
| {engine['offline_sample']}, offline voices, median of {engines.RUNS} | {engine['offline']['direct']['median_seconds']} s | {engine['offline']['mofa']['median_seconds']} s | {engine['offline_mofa_vs_direct']}x |
| the same, first render of a worker | {engine['offline']['direct']['first_seconds']} s | {engine['offline']['mofa']['first_seconds']} s (starts dora) | |
| {engine['minimax_turns']} MiniMax turns at {rendering.LATENCY_MS} ms | {engine['minimax_seconds']['direct']} s | {engine['minimax_seconds']['mofa']} s | {engine['minimax_mofa_vs_direct']}x |

The MoFA engine pays for a process per node at every task (Python start-up and imports) and
for passing each segment through three nodes; its segmenter keeps at most `in_flight` segments
ahead of voice-output, while the direct engine keeps `max_concurrency` requests in flight per
provider.

{capacity.markdown(results['capacity'])}"""


PARTS: dict[str, Callable[[Path], dict[str, Any]]] = {
    "render_speedup": lambda work: {"render_speedup": rendering.speedup(work)},
    "incremental_rerender": lambda work: {"incremental_rerender": rendering.incremental(work)},
    "assembly": lambda work: {"assembly": assembly.run()},
    "queue_overhead": lambda work: {"queue_overhead": queue_overhead.run()},
    "engines": lambda work: {"engines": engines.run(work)},
    "api": lambda work: api_load.run(),
    "capacity": lambda work: {"capacity": capacity.run(work)},
}


def main(names: list[str]) -> None:
    unknown = set(names) - set(PARTS)
    if unknown:
        raise SystemExit(f"no such benchmark: {', '.join(sorted(unknown))}; "
                         f"choose from {', '.join(PARTS)}")
    path = project_root() / "bench" / "results.json"
    results: dict[str, Any] = json.loads(path.read_text()) if names else {}
    if not names:  # a partial run keeps the date and machine of the figures it does not measure
        results.update(date=datetime.now(UTC).date().isoformat(), machine=machine())
    with tempfile.TemporaryDirectory(prefix="podforge-bench-") as folder:
        for name in names or PARTS:
            results.update(PARTS[name](Path(folder)))
    path.write_text(json.dumps(results, indent=2) + "\n")
    (project_root() / "docs" / "benchmarks.md").write_text(markdown(results))
    for name, figures in results.items():
        if isinstance(figures, dict) and "meets_goal" in figures:
            print(f"{name}: {'meets' if figures['meets_goal'] else 'misses'} its goal "
                  f"({figures['goal']})")
        print(f"{name}: {json.dumps(figures)}")


if __name__ == "__main__":
    main(sys.argv[1:])
