"""Render speed through the local MiniMax server, and the incremental re-render."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path
from typing import Any

from bench.harness import Stopwatch, minimax_process, studio

LATENCY_MS = 400
TURNS = 60
LINES = [f"Line {n}: queues let the web answer at once while workers take their time."
         for n in range(TURNS)]
VOICES = {"Alice": "English_CalmWoman", "Bob": "English_Trustworth_Man"}


def script(lines: list[str]) -> str:
    return "".join(f"**{('Alice', 'Bob')[n % 2]}:** {line}\n" for n, line in enumerate(lines))


def render_once(container: Any, content: str, out: Path, scope: str | None) -> Any:
    engine = container.tts_engine()
    return asyncio.run(engine.generate_audio(content, VOICES, out, "bench-task",
                                             lambda percent: None, cache_scope=scope))


def minimax_studio(base_url: str, concurrency: int) -> Any:
    return studio(PODFORGE_TTS__MINIMAX__BASE_URL=base_url,
                  PODFORGE_TTS__MINIMAX__API_KEY="bench-key",
                  PODFORGE_TTS__MINIMAX__MAX_CONCURRENCY=str(concurrency),
                  PODFORGE_TTS__MINIMAX__REQUESTS_PER_MINUTE="100000")


def speedup(workdir: Path) -> dict[str, Any]:
    """60 turns at 400 ms a request: one at a time (MoFA's serial flow) against eight. The
    critical path is the rounds of requests plus assembly (a render with no latency)."""
    times = {}
    with minimax_process(LATENCY_MS) as server:
        for concurrency in (1, 8):
            with minimax_studio(server.base_url, concurrency) as container, \
                    Stopwatch() as watch:
                render_once(container, script(LINES), workdir / f"c{concurrency}", None)
            times[concurrency] = watch.seconds
        server.set_faults(latency_ms=0)
        with minimax_studio(server.base_url, 8) as container, Stopwatch() as assembly:
            render_once(container, script(LINES), workdir / "no-latency", None)
    critical = math.ceil(TURNS / 8) * LATENCY_MS / 1000 + assembly.seconds
    ratio = times[1] / times[8]
    return {"serial_seconds": round(times[1], 2), "concurrent_seconds": round(times[8], 2),
            "speedup": round(ratio, 2), "assembly_seconds": round(assembly.seconds, 2),
            "critical_path_seconds": round(critical, 2),
            "ratio_to_critical_path": round(times[8] / critical, 2),
            "goal": "speed-up >= 6x", "meets_goal": ratio >= 6}


def incremental(workdir: Path) -> dict[str, Any]:
    """Edit one single-chunk turn of 60, render again: requests and time against the first."""
    with minimax_process(LATENCY_MS) as server, \
            minimax_studio(server.base_url, 8) as container:
        with Stopwatch() as first:
            render_once(container, script(LINES), workdir / "first", "bench-user")
        before = server.requests()
        edited = [*LINES]
        edited[30] = "Line 30: this line was rewritten, and only it is synthesized again."
        with Stopwatch() as second:
            render_once(container, script(edited), workdir / "second", "bench-user")
        requests = server.requests() - before
    share = second.seconds / first.seconds
    return {"first_seconds": round(first.seconds, 2), "first_requests": before,
            "rerender_seconds": round(second.seconds, 2), "rerender_requests": requests,
            "time_share": round(share, 3), "goal": "1 request, under 15% of the first render",
            "meets_goal": requests == 1 and share < 0.15}
