"""The direct engine against the MoFA engine (a dora dataflow per task), side by side."""

from __future__ import annotations

import asyncio
import statistics
from pathlib import Path
from typing import Any

from bench.harness import Stopwatch, minimax_process, studio
from bench.rendering import LATENCY_MS, LINES, VOICES, script

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / \
    "scripts" / "two-hosts-en.md"
OFFLINE_VOICES = {"Alice": "en-us-sarah", "Bob": "en-gb-oliver"}
RUNS = 3


def timed_renders(container: Any, content: str, voices: dict[str, str], out: Path,
                  runs: int) -> list[float]:
    engine = container.tts_engine()
    seconds = []
    for run in range(runs):
        with Stopwatch() as watch:
            asyncio.run(engine.generate_audio(content, voices, out / str(run), f"bench-{run}",
                                              lambda percent: None))
        seconds.append(watch.seconds)
    return seconds


def run(workdir: Path) -> dict[str, Any]:
    """Offline voices on a sample (the first MoFA render also starts the dora services), and
    60 MiniMax turns at the latency of the speed-up benchmark."""
    offline: dict[str, Any] = {}
    content = SAMPLE.read_text()
    for engine in ("direct", "mofa"):
        with studio(PODFORGE_ENGINE__TYPE=engine) as container:
            seconds = timed_renders(container, content, OFFLINE_VOICES,
                                    workdir / f"offline-{engine}", RUNS + 1)
        offline[engine] = {"first_seconds": round(seconds[0], 2),
                           "median_seconds": round(statistics.median(seconds[1:]), 2)}
    minimax: dict[str, Any] = {}
    with minimax_process(LATENCY_MS) as server:
        for engine in ("direct", "mofa"):
            with studio(PODFORGE_ENGINE__TYPE=engine,
                        PODFORGE_TTS__MINIMAX__BASE_URL=server.base_url,
                        PODFORGE_TTS__MINIMAX__API_KEY="bench-key",
                        PODFORGE_TTS__MINIMAX__REQUESTS_PER_MINUTE="100000") as container:
                seconds = timed_renders(container, script(LINES), VOICES,
                                        workdir / f"minimax-{engine}", 1)
            minimax[engine] = round(seconds[0], 2)
    return {
        "offline_sample": SAMPLE.name, "offline": offline,
        "offline_mofa_vs_direct": round(offline["mofa"]["median_seconds"]
                                        / offline["direct"]["median_seconds"], 2),
        "minimax_turns": len(LINES), "minimax_seconds": minimax,
        "minimax_mofa_vs_direct": round(minimax["mofa"] / minimax["direct"], 2),
    }
