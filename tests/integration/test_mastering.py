"""The master: loudness-normalised audio, transcripts and chapters from the real timings."""

from __future__ import annotations

import asyncio
import itertools
import json
import math
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
import soundfile
import soxr

from adapters.container import Container
from core.script import parse_script
from ports.tts_engine import AudioResult, TTSEngine
from tests.integration.test_direct_engine_espeak import SAMPLE_VOICES, SCRIPTS


def render(container: Container, name: str, out: Path) -> AudioResult:
    engine: TTSEngine = container.tts_engine()
    return asyncio.run(engine.generate_audio((SCRIPTS / name).read_text(), SAMPLE_VOICES[name],
                                             out, "master-task", lambda p: None))


def true_peak_dbtp(samples: np.ndarray, rate: int) -> float:
    """The peak of the signal oversampled four times (ITU-R BS.1770's true-peak method)."""
    oversampled = soxr.resample(samples, rate, rate * 4)
    return 20 * math.log10(float(np.max(np.abs(oversampled))))


@pytest.mark.parametrize("name", sorted(SAMPLE_VOICES))
def test_rendered_samples_are_at_minus_16_lufs_with_true_peak_under_minus_1(
    container: Container, tmp_path: Path, name: str
) -> None:
    result = render(container, name, tmp_path)
    samples, rate = soundfile.read(result.wav_path, dtype="float64")
    integrated = pyloudnorm.Meter(rate).integrated_loudness(samples)
    assert abs(integrated - (-16.0)) <= 1.0, integrated
    assert true_peak_dbtp(samples, rate) <= -1.0


def test_one_cue_per_turn_starting_at_its_first_sample(container: Container,
                                                       tmp_path: Path) -> None:
    name = "two-hosts-en.md"
    result = render(container, name, tmp_path)
    turns = parse_script((SCRIPTS / name).read_text()).turns
    vtt = result.transcript_paths["vtt"].read_text()
    srt = result.transcript_paths["srt"].read_text()
    srt_cues = [block.splitlines() for block in srt.strip().split("\n\n")]
    vtt_cues = [block.splitlines() for block in vtt.strip().split("\n\n")[1:]]
    assert len(srt_cues) == len(vtt_cues) == len(turns)
    assert srt_cues[0][2] == f"Alice: {turns[0].text}"
    assert vtt_cues[1][1] == f"<v Bob>{turns[1].text}"

    def seconds(clock: str) -> float:
        hours, minutes, rest = clock.replace(",", ".").split(":")
        return int(hours) * 3600 + int(minutes) * 60 + float(rest)

    spans = [tuple(seconds(part) for part in cue[1].split(" --> ")) for cue in srt_cues]
    assert spans == [tuple(seconds(p) for p in cue[0].split(" --> ")) for cue in vtt_cues]
    for (start, end), (next_start, _) in itertools.pairwise(spans):
        assert start < end <= next_start
    samples, rate = soundfile.read(result.wav_path, dtype="int16")
    sound = np.flatnonzero(np.abs(samples) > 30)
    for start, _ in spans:
        first = sound[np.searchsorted(sound, round((start - 0.05) * rate))] / rate
        assert abs(first - start) <= 0.050


def test_chapters_start_at_their_turns(container: Container, tmp_path: Path) -> None:
    result = render(container, "two-hosts-en.md", tmp_path)
    assert result.chapters_path is not None
    chapters = json.loads(result.chapters_path.read_text())
    assert chapters["version"] == "1.2.0"
    assert [c["title"] for c in chapters["chapters"]] == [
        "Episode 7: Why your web request should never wait for audio", "The queue"]
    turn_starts: dict[int, float] = {}
    for segment in result.segments:
        turn_starts.setdefault(segment.turn, segment.start)
    turns = parse_script((SCRIPTS / "two-hosts-en.md").read_text()).turns
    expected = [round(turn_starts[t.index], 3) for t in turns if t.chapter]
    assert [c["startTime"] for c in chapters["chapters"]] == expected
    assert expected[0] == 0.0 and expected[1] > 20


@pytest.mark.parametrize("normalize", [True, False])
def test_silence_and_unnormalised_audio_are_encoded_as_they_are(tmp_path: Path,
                                                                normalize: bool) -> None:
    from adapters.audio.master import AudioOptions, finish_master

    rate = 32000
    tone = (0.05 * np.sin(np.arange(rate * 3) * 2 * math.pi * 220 / rate) * 32767).astype("<i2")
    for name, samples in {"silence": np.zeros(rate * 3, dtype="<i2"), "tone": tone}.items():
        wav, mp3 = tmp_path / f"{name}.wav", tmp_path / f"{name}.mp3"
        soundfile.write(wav, samples, rate, subtype="PCM_16")
        finish_master(wav, mp3, AudioOptions(loudness_normalize=normalize))
        kept, _ = soundfile.read(wav, dtype="int16")
        assert soundfile.info(mp3).duration == pytest.approx(3.0, abs=0.001)
        if name == "silence" or not normalize:
            assert np.array_equal(kept, samples)  # left alone
        else:
            meter = pyloudnorm.Meter(rate)
            assert meter.integrated_loudness(kept / 32768) == pytest.approx(-16, abs=0.5)
