"""The inputs of the sizing model, measured side by side on this machine, and the table they give.

``python -m bench.run capacity`` measures them; ``python -m bench.capacity`` prints the table
from bench/results.json.
"""

from __future__ import annotations

import asyncio
import io
import resource
import subprocess
import tempfile
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import redis
import soundfile
import soxr

from adapters.resources import project_root
from adapters.segment_cache import to_flac
from adapters.voices.espeak import EspeakSynthesizer
from bench import connections
from bench.capacity_model import (
    Assumptions,
    Measured,
    human_bytes,
    markdown_table,
    requests_per_render,
    seconds_per_request,
    table,
)
from bench.deployment import REDIS_URL, Deployment, deployment, wrk, wrk_command, wrk_figures
from bench.harness import Stopwatch, minimax_process, studio
from bench.rendering import VOICES, render_once, script
from ports.synthesizer import PcmAudio, VoiceSettings

__all__ = ["Assumptions", "Measured", "markdown", "measured_inputs", "run", "table"]

LATENCIES_MS = (100, 400, 1000)
DEPLOYMENT_LATENCY_MS = 400
EPISODE_TURNS = 120  # about ten minutes of audio from the local MiniMax server
TASKS = 40  # rendered in the deployment, for Redis memory and storage
TASK_TURNS = 8
CONNECTIONS = 64
SECONDS = 4
ENDPOINTS = {"status": "/api/tasks/{task}/status", "tasks": "/api/tasks",
             "voices": "/api/voices"}
STORED = {".wav": "wav", ".mp3": "mp3", ".srt": "transcripts", ".vtt": "transcripts",
          ".json": "transcripts"}


def config() -> dict[str, Any]:
    return tomllib.loads((project_root() / "config.toml").read_text())


def minimax_settings(base_url: str) -> dict[str, str]:
    """The local MiniMax server, with the per-key request limit out of the way: it is an
    account's limit, sized separately (the table gives the requests a minute needed)."""
    return {"PODFORGE_TTS__MINIMAX__BASE_URL": base_url,
            "PODFORGE_TTS__MINIMAX__API_KEY": "bench-key",
            "PODFORGE_TTS__MINIMAX__REQUESTS_PER_MINUTE": "100000"}


def episode(turns: int, words: str) -> str:
    return script([f"Line {n}: {words} while workers take their time." for n in range(turns)])


def cpu_seconds() -> float:
    """This process's CPU time and that of its finished children (ffmpeg)."""
    own, children = (resource.getrusage(who)
                     for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def worker_throughput(workdir: Path) -> dict[str, Any]:
    """One worker's render of a ten-minute episode at each provider latency, with the
    configured concurrency: wall and CPU seconds per audio minute, requests per audio minute."""
    content = episode(EPISODE_TURNS, "queues let the web answer at once")
    figures: dict[str, Any] = {}
    with minimax_process(LATENCIES_MS[0]) as server:
        for latency in LATENCIES_MS:
            server.set_faults(latency_ms=latency)
            with studio(**minimax_settings(server.base_url)) as container:
                requests, cpu = server.requests(), cpu_seconds()
                with Stopwatch() as watch:
                    result = render_once(container, content, workdir / f"w{latency}", None)
                minutes = result.duration / 60
            figures[str(latency)] = {
                "audio_minutes": round(minutes, 2), "wall_seconds": round(watch.seconds, 2),
                "seconds_per_audio_minute": round(watch.seconds / minutes, 3),
                "cpu_seconds_per_audio_minute": round((cpu_seconds() - cpu) / minutes, 3),
                "requests_per_audio_minute": round((server.requests() - requests) / minutes, 2),
                "audio_minutes_per_hour": round(3600 / (watch.seconds / minutes), 1)}
    return {"turns": EPISODE_TURNS,
            "max_concurrency": config()["tts"]["minimax"]["max_concurrency"],
            "by_latency_ms": figures}


def redis_bytes(client: redis.Redis, pattern: str) -> tuple[int, int]:
    """How many keys match and the bytes Redis holds for them (MEMORY USAGE, exact)."""
    count = total = 0
    for key in client.scan_iter(match=pattern, count=1000):
        count += 1
        total += int(client.memory_usage(key, samples=0) or 0)
    return count, total


def cached_segments(client: redis.Redis, pattern: str) -> dict[str, Any]:
    """The cached segments' count, Redis memory, FLAC payload, and the raw audio it holds."""
    figures = {"segments": 0, "redis_bytes": 0, "flac_bytes": 0, "raw_bytes": 0,
               "audio_seconds": 0.0}
    for key in client.scan_iter(match=pattern, count=1000):
        value = client.get(key)
        if not isinstance(value, bytes):
            continue  # expired meanwhile
        flac = value.split(b"\n", 1)[1]  # after the JSON header line
        info = soundfile.info(io.BytesIO(flac))
        figures["segments"] += 1
        figures["redis_bytes"] += int(client.memory_usage(key, samples=0) or 0)
        figures["flac_bytes"] += len(flac)
        figures["raw_bytes"] += info.frames * 2  # 16-bit mono
        figures["audio_seconds"] += info.frames / info.samplerate
    return figures


def speech_flac_ratio(rate: int) -> float:
    """FLAC size against raw for speech (espeak-ng, resampled to ``rate``): the local MiniMax
    server's tone compresses far better than a voice does."""
    voice = EspeakSynthesizer(lambda voice_id: "en-us")
    try:
        audio = [asyncio.run(voice.synthesize(line, VoiceSettings("en-us")))
                 for line in [f"Line {n}: a voice says what the script says, at an even pace, "
                              "and the cache keeps it for the next render." for n in range(8)]]
    finally:
        voice.close()
    raw = flac = 0
    for clip in audio:
        samples = soxr.resample(np.frombuffer(clip.samples, "<i2"), clip.sample_rate, rate)
        resampled = PcmAudio(samples.astype("<i2").tobytes(), rate)
        raw, flac = raw + len(resampled.samples), flac + len(to_flac(resampled))
    return flac / raw


def stored_bytes(folder: Path) -> dict[str, int]:
    sizes: Counter[str] = Counter()
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in STORED:
            sizes[STORED[path.suffix]] += path.stat().st_size
    return dict(sizes)


def audio_seconds(running: Deployment, headers: dict[str, str]) -> float:
    page = httpx.get(f"{running.base_url}/api/tasks", headers=headers,
                     params={"limit": 100}).json()
    return sum(audio["duration"] for task in page["items"] for audio in task["audio"]
               if audio["format"] == "wav")


def endpoint(running: Deployment, name: str, task_id: str,
             headers: dict[str, str]) -> dict[str, Any]:
    url = running.base_url + ENDPOINTS[name].format(task=task_id)
    return wrk(url, connections=CONNECTIONS, seconds=SECONDS, headers=headers)


def stop_workers(running: Deployment) -> None:
    for process in running.processes[1:]:  # the first is the API
        process.terminate()
        process.wait(timeout=60)


def mixed(running: Deployment, task_id: str, headers: dict[str, str],
          per_render: dict[str, float]) -> dict[str, Any]:
    """wrk cycling through the endpoints in the proportions of one render's requests: a
    check on the model, which mixes the endpoints' separate figures."""
    paths = [ENDPOINTS[name].format(task=task_id)
             for name, count in per_render.items() for _ in range(round(count * 10))]
    script = "local paths = {" + ", ".join(f'"{path}"' for path in paths) + "}\n" + \
        "local n = 0\nrequest = function()\n  n = n % #paths + 1\n" + \
        "  return wrk.format(nil, paths[n])\nend\n"
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(script)
        lua.flush()
        command = wrk_command(f"{running.base_url}/", connections=CONNECTIONS,
                              seconds=SECONDS, headers=headers)
        command[-1:-1] = ["-s", lua.name]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return {"requests": {name: round(count * 10) for name, count in per_render.items()},
            **wrk_figures(output)}


def deployed(workers: dict[str, Any]) -> dict[str, Any]:
    """In a PostgreSQL + Redis deployment with the MiniMax server: Redis memory of TASKS waiting
    tasks, of the same finished, and of their cached segments; their storage; and the API's
    throughput per endpoint of a user's traffic (status polls while the tasks wait, the task
    list and voices once they are done, so the list has full pages with audio links), then of
    their mix in the proportions of one render's requests."""
    prefix = config()["redis"]["key_prefix"]
    client = redis.Redis.from_url(REDIS_URL)
    with minimax_process(DEPLOYMENT_LATENCY_MS) as server, \
            deployment(**minimax_settings(server.base_url)) as running:
        headers = running.user(credits=1_000_000)
        _, empty = redis_bytes(client, f"{prefix}:*")
        task_ids = [running.submit(headers, episode(TASK_TURNS, f"task {n} of the memory test"),
                                   VOICES) for n in range(TASKS)]
        _, waiting = redis_bytes(client, f"{prefix}:*")
        api = {"status": endpoint(running, "status", task_ids[0], headers)}
        running.start_workers(2)
        running.wait(headers, task_ids, seconds=600)
        _, finished = redis_bytes(client, f"{prefix}:*")
        cached = cached_segments(client, f"{prefix}:segment:*")
        seconds = audio_seconds(running, headers)
        stored = stored_bytes(running.folder / "data" / "storage")
        stop_workers(running)  # idle, but the API is measured alone, as for the status poll
        for name in ("tasks", "voices"):
            api[name] = endpoint(running, name, task_ids[0], headers)
        api["healthz"] = wrk(f"{running.base_url}/healthz", connections=CONNECTIONS,
                             seconds=SECONDS)
        assumptions = Assumptions()
        per_render = requests_per_render(assumptions, workers["by_latency_ms"][
            assumptions.reference_latency_ms]["seconds_per_audio_minute"])
        waiting_task = running.submit(headers, "**Alice:** Polled in the mix.\n", VOICES)
        api["mix"] = mixed(running, waiting_task, headers, per_render)
    if not cached["segments"]:
        raise RuntimeError("no segment was cached: the bytes per cached segment are unknown")
    ratio = speech_flac_ratio(config()["audio"]["sample_rate"])
    # Speech in the cache: the key's own overhead as measured, the audio at speech's FLAC ratio.
    speech_bytes = cached["redis_bytes"] - cached["flac_bytes"] + cached["raw_bytes"] * ratio
    segment_bytes = cached["redis_bytes"]
    return {
        "api": {"connections": CONNECTIONS, **api},
        "redis": {"tasks": TASKS, "bytes_empty": empty, "bytes_waiting": waiting,
                  "bytes_finished_without_segments": finished - segment_bytes,
                  "per_waiting_task": round((waiting - empty) / TASKS),
                  "per_finished_task": round((finished - segment_bytes - empty) / TASKS),
                  "segments": cached["segments"],
                  "segment_audio_seconds": round(cached["audio_seconds"], 1),
                  "per_segment_tone": round(segment_bytes / cached["segments"]),
                  "tone_flac_ratio": round(cached["flac_bytes"] / cached["raw_bytes"], 3),
                  "speech_flac_ratio": round(ratio, 3),
                  "per_segment": round(speech_bytes / cached["segments"]),
                  "per_audio_second": round(speech_bytes / cached["audio_seconds"])},
        "storage": {"audio_seconds": round(seconds, 1), "bytes": stored,
                    "per_audio_hour": round(sum(stored.values()) / seconds * 3600)},
    }


def measured_inputs(figures: dict[str, Any]) -> Measured:
    """The model's inputs from what :func:`run` measured."""
    workers = figures["workers"]["by_latency_ms"]
    database = config()["database"]
    worker_pool = database["worker_pool_size"] + database["worker_max_overflow"]
    return Measured(
        api_requests_per_second={name: figures["deployed"]["api"][name]["requests_per_second"]
                                 for name in ENDPOINTS},
        worker_seconds_per_audio_minute={
            latency: w["seconds_per_audio_minute"] for latency, w in workers.items()},
        worker_cpu_seconds_per_audio_minute={
            latency: w["cpu_seconds_per_audio_minute"] for latency, w in workers.items()},
        provider_requests_per_audio_minute=max(
            w["requests_per_audio_minute"] for w in workers.values()),
        redis_bytes_per_waiting_task=figures["deployed"]["redis"]["per_waiting_task"],
        redis_bytes_per_finished_task=figures["deployed"]["redis"]["per_finished_task"],
        cache_bytes_per_audio_second=figures["deployed"]["redis"]["per_audio_second"],
        storage_bytes_per_audio_hour=figures["deployed"]["storage"]["per_audio_hour"],
        api_process_connections=figures["connections"]["api_process_under_load"],
        # A worker held one at a time while measured; its pool allows a few for its duties.
        worker_process_connections=max(figures["connections"]["worker_process_rendering"],
                                       worker_pool))


def run(workdir: Path) -> dict[str, Any]:
    workers = worker_throughput(workdir)
    figures = {"date": datetime.now(UTC).date().isoformat(), "workers": workers,
               "deployed": deployed(workers), "connections": connections.measure()}
    measured, assumptions = measured_inputs(figures), Assumptions()
    return {**figures, "inputs": asdict(measured), "assumptions": asdict(assumptions),
            "table": table(measured, assumptions)}


def rows(capacity: dict[str, Any]) -> Iterator[str]:
    workers = capacity["workers"]["by_latency_ms"]
    for latency, w in workers.items():
        yield (f"| one worker process, provider at {latency} ms | {w['seconds_per_audio_minute']}"
               f" s a minute of audio ({w['audio_minutes_per_hour']} audio minutes an hour), "
               f"{w['cpu_seconds_per_audio_minute']} CPU s a minute, "
               f"{w['requests_per_audio_minute']} requests a minute |")
    api = capacity["deployed"]["api"]
    for name, path in ENDPOINTS.items():
        yield f"| one API process, `{path}` | {api[name]['requests_per_second']} requests/s |"
    yield f"| one API process, `/healthz` (reference) | {api['healthz']['requests_per_second']} " \
          "requests/s |"
    if "mix" in api:
        measured = Measured(**capacity["inputs"])
        counts = api["mix"]["requests"]
        estimate = 1 / seconds_per_request(measured, {
            name: count / sum(counts.values()) for name, count in counts.items()})
        mix = ", ".join(f"{count} {name}" for name, count in counts.items())
        yield f"| one API process, the mix of a render's requests ({mix}) | " \
              f"{api['mix']['requests_per_second']} requests/s (the model's estimate from " \
              f"the endpoints: {estimate:.1f}) |"
    redis_figures, storage = capacity["deployed"]["redis"], capacity["deployed"]["storage"]
    yield f"| queue Redis per waiting task | {human_bytes(redis_figures['per_waiting_task'])} |"
    yield f"| queue Redis per finished task (status kept a day) | " \
          f"{human_bytes(redis_figures['per_finished_task'])} |"
    yield f"| cache Redis per cached segment (FLAC) | {human_bytes(redis_figures['per_segment'])}" \
          f", {human_bytes(redis_figures['per_audio_second'])} per second of audio, for speech " \
          f"(FLAC at {redis_figures['speech_flac_ratio']} of raw; the server's tone: " \
          f"{human_bytes(redis_figures['per_segment_tone'])} a segment, " \
          f"{redis_figures['tone_flac_ratio']} of raw) |"
    parts = ", ".join(f"{kind} {human_bytes(count / storage['audio_seconds'] * 3600)}"
                      for kind, count in sorted(storage["bytes"].items()))
    yield f"| storage per audio hour | {human_bytes(storage['per_audio_hour'])} ({parts}) |"
    links = capacity["connections"]
    yield f"| PostgreSQL connections, API process under load | " \
          f"{links['api_process_under_load']} |"
    yield f"| PostgreSQL connections, worker process rendering | " \
          f"{links['worker_process_rendering']} (pool allows " \
          f"{capacity['inputs']['worker_process_connections']}) |"


def inputs_and_table(capacity: dict[str, Any]) -> str:
    """The measured inputs, then the sizing table computed from them."""
    measured = Measured(**capacity["inputs"])
    sizing = table(measured, Assumptions(**capacity["assumptions"]))
    return "\n".join(["| input | measured |", "|---|---|", *rows(capacity), "",
                      markdown_table(sizing, measured)])


def markdown(capacity: dict[str, Any]) -> str:
    """The capacity section of docs/benchmarks.md."""
    assumptions = ", ".join(f"{key} = {value}" for key, value in capacity["assumptions"].items())
    return f"""## Capacity inputs and sizing (measured {capacity['date']})

{capacity['workers']['turns']} turns rendered by one worker at the configured concurrency
({capacity['workers']['max_concurrency']}); {capacity['deployed']['redis']['tasks']} tasks of
{TASK_TURNS} turns in a PostgreSQL + Redis deployment for memory and storage; the API with
{capacity['deployed']['api']['connections']} wrk connections per endpoint. The model and its
assumptions ({assumptions}) are in docs/operations.md.

{inputs_and_table(capacity)}
"""


def main() -> None:
    import json

    results = json.loads((project_root() / "bench" / "results.json").read_text())
    print(inputs_and_table(results["capacity"]))


if __name__ == "__main__":
    main()
