"""Assembly, loudness and encoding speed and memory for long episodes, and the pydub reference.

Each size runs in its own process (``python -m bench.assembly MINUTES``), so that its peak
memory is its own.
"""

from __future__ import annotations

import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import soundfile
from dependency_injector import providers

from ports.synthesizer import PcmAudio, Synthesizer, VoiceSettings

LINE = "A sentence about queues, workers and the podcasts they make, said at an even pace. "
RATE = 24000


class ToneVoice(Synthesizer):
    """A fast stand-in voice: a tone, 50 ms a character, so the audio pipeline is what is timed."""

    async def synthesize(self, text: str, voice: VoiceSettings) -> PcmAudio:
        t = np.arange(int(len(text) * 0.05 * RATE)) / RATE
        return PcmAudio((6000 * np.sin(2 * np.pi * 220 * t)).astype("<i2").tobytes(), RATE)

    def max_concurrency(self) -> int:
        return 8


def script_of_minutes(minutes: int) -> str:
    turns = minutes * 60 * 20 // 140
    return "".join(f"**{'AB'[i % 2]}:** {(LINE * 2)[:140]}\n" for i in range(turns))


def measure(minutes: int) -> dict[str, Any]:
    from bench.harness import studio

    with studio() as container, tempfile.TemporaryDirectory() as folder:
        container.synthesizers.override(providers.Object(lambda provider: ToneVoice()))
        engine = container.tts_engine()
        started = time.perf_counter()
        result = asyncio.run(engine.generate_audio(
            script_of_minutes(minutes), {"A": "en-us-sarah", "B": "en-gb-oliver"},
            Path(folder), f"bench-{minutes}", lambda percent: None))
        seconds = time.perf_counter() - started
    # The process's own peak resident memory; ffmpeg runs in child processes and streams.
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"minutes": minutes, "audio_seconds": round(result.duration, 1),
            "wall_seconds": round(seconds, 2),
            "real_time_factor": round(result.duration / seconds, 1), "peak_rss_bytes": own}


def in_child(minutes: int) -> dict[str, Any]:
    output = subprocess.run([sys.executable, "-m", "bench.assembly", str(minutes)],
                            check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def pydub_reference(minutes: int) -> dict[str, Any]:
    """The merge popular generators do: one clip per turn, ``combined += clip``, one export."""
    import imageio_ffmpeg
    from pydub import AudioSegment

    AudioSegment.converter = imageio_ffmpeg.get_ffmpeg_exe()
    voice = ToneVoice()
    turns = script_of_minutes(minutes).splitlines()
    with tempfile.TemporaryDirectory() as folder:
        clips = []
        for n, turn in enumerate(turns):
            audio = asyncio.run(voice.synthesize(turn, VoiceSettings("x")))
            path = Path(folder) / f"{n}.wav"
            soundfile.write(path, np.frombuffer(audio.samples, "<i2"), RATE, subtype="PCM_16")
            clips.append(path)
        started = time.perf_counter()
        combined = AudioSegment.empty()
        for path in clips:
            combined += AudioSegment.from_wav(path)
            combined += AudioSegment.silent(duration=500)
        combined.export(Path(folder) / "out.mp3", format="mp3", bitrate="128k")
        seconds = time.perf_counter() - started
    return {"clips": len(clips), "wall_seconds": round(seconds, 2)}


def run() -> dict[str, Any]:
    sizes = {minutes: in_child(minutes) for minutes in (10, 30, 60, 120)}
    reference = pydub_reference(30)
    ours_30 = sizes[30]["wall_seconds"]
    memory_ratio = sizes[120]["peak_rss_bytes"] / sizes[10]["peak_rss_bytes"]
    slowest = min(size["real_time_factor"] for size in sizes.values())
    return {"sizes": list(sizes.values()), "pydub_reference_30_min": reference,
            "speed_vs_pydub": round(reference["wall_seconds"] / ours_30, 2),
            "peak_memory_120_vs_10": round(memory_ratio, 3),
            "goal": "at least 150x real time; 120 min peak memory at most 1.2x of 10 min",
            "meets_goal": slowest >= 150 and memory_ratio <= 1.2,
            "note": "our time includes loudness normalisation and WAV + MP3; pydub's only the "
                    "merge and one MP3 export (it cannot read MP3 clips without ffprobe, so its "
                    "clips are WAV)"}


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]))))
