"""A 60-minute render needs no more memory than a 10-minute one (fast synthetic voice)."""

from __future__ import annotations

import asyncio
import tracemalloc
from pathlib import Path

import pytest
import soundfile
from dependency_injector import providers

from adapters.container import Container
from tests.fakes import ToneSynthesizer

pytestmark = pytest.mark.slow
LINE = "A sentence about queues, workers and the podcasts they make, said at an even pace. "


def script_of_minutes(minutes: int) -> str:
    """Turns of 140 characters; the tone voice speaks 20 characters a second."""
    turns = minutes * 60 * 20 // 140
    return "".join(f"**{'AB'[i % 2]}:** {(LINE * 2)[:140]}\n" for i in range(turns))


def peak_python_memory(container: Container, tmp_path: Path, minutes: int) -> tuple[int, float]:
    container.synthesizers.override(providers.Object(lambda provider: ToneSynthesizer()))
    engine = container.tts_engine()
    tracemalloc.start()
    try:
        result = asyncio.run(engine.generate_audio(
            script_of_minutes(minutes), {"A": "en-us-sarah", "B": "en-gb-oliver"},
            tmp_path / str(minutes), f"long-{minutes}", lambda p: None))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, soundfile.info(result.wav_path).duration


def test_sixty_minutes_peak_within_1_2x_of_ten_minutes(container: Container,
                                                       tmp_path: Path) -> None:
    short_peak, short_length = peak_python_memory(container, tmp_path, 10)
    long_peak, long_length = peak_python_memory(container, tmp_path, 60)
    assert short_length > 9 * 60 and long_length > 59 * 60
    print(f"peak Python memory: 10 min {short_peak:,} B, 60 min {long_peak:,} B")
    assert long_peak <= 1.2 * short_peak, (short_peak, long_peak)
