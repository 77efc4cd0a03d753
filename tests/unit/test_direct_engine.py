"""The direct engine, through the real container with a fast tone provider in place of espeak."""

from __future__ import annotations

import asyncio
import itertools
import tracemalloc
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile
from dependency_injector import providers

from adapters.container import Container
from podforge_direct_engine.engine import DirectEngine
from ports.synthesizer import SynthesisError
from ports.tts_engine import AudioResult, ScriptRejected
from tests.fakes import ToneSynthesizer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "scripts"
SCRIPT = (
    "# Show\n**Alice:** First line from Alice. It is long enough to matter.\n"
    "**Bob:** Bob answers.\n**Bob:** Bob again, a second turn.\n**Alice:** Alice closes.\n"
)
VOICES: dict[str, Any] = {"Alice": "en-us-sarah", "Bob": {"voice_id": "en-gb-oliver", "speed": 1.2}}


def engine_with(container: Container, tone: ToneSynthesizer) -> DirectEngine:
    container.synthesizers.override(providers.Object(lambda provider: tone))
    engine: DirectEngine = container.tts_engine()
    return engine


def render(engine: DirectEngine, script: str, voices: Mapping[str, Any], out: Path,
           task_id: str = "task-1") -> tuple[AudioResult, list[int]]:
    seen: list[int] = []
    result = asyncio.run(engine.generate_audio(script, voices, out, task_id, seen.append))
    return result, seen


def test_every_speaker_gets_the_voice_asked_for(container: Container, tmp_path: Path) -> None:
    tone = ToneSynthesizer()
    render(engine_with(container, tone), SCRIPT, VOICES, tmp_path)
    by_text = {text: voice for text, voice in tone.calls}
    assert by_text["Bob answers."].voice_id == "en-gb-oliver"
    assert by_text["Bob answers."].speed == 1.2
    assert by_text["Alice closes."].voice_id == "en-us-sarah"


def test_chunks_finishing_out_of_order_are_written_in_script_order(
    container: Container, tmp_path: Path
) -> None:
    tone = ToneSynthesizer(concurrency=3, delay=lambda text: 0.2 if "number 0 " in text else 0)
    script = "**A:** " + " ".join(f"Sentence number {i} is here." for i in range(30))
    result, _ = render(engine_with(container, tone), script, {"A": "en-us-sarah"}, tmp_path)
    assert tone.peak_in_flight == 3  # bounded, and actually concurrent
    assert [s.turn for s in result.segments] == [0] * len(result.segments)
    starts = [s.start for s in result.segments]
    assert starts == sorted(starts)
    # Each chunk's length follows its own text, so order shows in the durations.
    texts = [text for text, _ in sorted(tone.calls, key=lambda c: script.index(c[0]))]
    lengths = [s.end - s.start for s in result.segments]
    assert lengths == pytest.approx([len(t) * 0.05 for t in texts], abs=0.001)


def test_pauses_come_between_turns_only_and_in_range(container: Container,
                                                     tmp_path: Path) -> None:
    tone = ToneSynthesizer()
    script = SCRIPT + "**Bob:** " + "Word and more words, " * 12 + "end.\n"
    result, _ = render(engine_with(container, tone), script, VOICES, tmp_path)
    samples, rate = soundfile.read(result.wav_path, dtype="int16")
    segments = result.segments
    for before, after in itertools.pairwise(segments):
        gap = after.start - before.end
        if before.turn == after.turn:
            assert gap == 0
        elif before.speaker == after.speaker:
            assert gap == pytest.approx(0.3, abs=1 / rate)
        else:
            assert 0.3 <= gap <= 1.2
        silence = samples[round(before.end * rate):round(after.start * rate)]
        assert not silence.any()
    for segment in segments:  # speech is never replaced by silence
        assert np.count_nonzero(samples[round(segment.start * rate):round(segment.end * rate)])
    assert segments[-1].end == pytest.approx(result.duration)


def test_a_failed_chunk_fails_the_render_and_leaves_no_audio(container: Container,
                                                             tmp_path: Path) -> None:
    tone = ToneSynthesizer(fail_on="Bob answers.")
    out = tmp_path / "out"
    with pytest.raises(SynthesisError, match="Bob answers"):
        render(engine_with(container, tone), SCRIPT, VOICES, out)
    assert list(out.iterdir()) == []


def test_a_bad_script_is_rejected_naming_its_line(container: Container, tmp_path: Path) -> None:
    with pytest.raises(ScriptRejected, match="line 2"):
        render(engine_with(container, ToneSynthesizer()),
               (FIXTURES / "bad" / "empty-turn.md").read_text(), {"Alice": "en-us-sarah"},
               tmp_path)


def test_segments_at_another_rate_are_resampled_to_the_output_rate(
    container: Container, tmp_path: Path
) -> None:
    result, _ = render(engine_with(container, ToneSynthesizer(sample_rate=22050)), SCRIPT,
                       VOICES, tmp_path)
    info = soundfile.info(result.wav_path)
    assert info.samplerate == result.sample_rate == 32000
    assert info.frames / info.samplerate == pytest.approx(result.duration)
    first = result.segments[0]
    spoken = "First line from Alice. It is long enough to matter."
    assert first.end - first.start == pytest.approx(len(spoken) * 0.05, abs=0.002)


def peak_memory(container: Container, tmp_path: Path, turns: int) -> int:
    engine = engine_with(container, ToneSynthesizer(concurrency=4))
    script = "".join(f"**{'AB'[i % 2]}:** Turn {i} says a few words about queues.\n"
                     for i in range(turns))
    tracemalloc.start()
    try:
        render(engine, script, {"A": "en-us-sarah", "B": "en-gb-oliver"}, tmp_path / str(turns))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_length_of_the_podcast(container: Container,
                                                              tmp_path: Path) -> None:
    # tracemalloc counts every thread's allocations: the lower of two runs leaves out what a
    # background thread (a server, a pool) happened to allocate meanwhile.
    short = min(peak_memory(container, tmp_path / f"a{n}", 40) for n in range(2))
    long = min(peak_memory(container, tmp_path / f"b{n}", 400) for n in range(2))
    assert long < 1.5 * short, (short, long)
