"""The direct engine with the real offline espeak-ng voices, on the sample scripts."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import soundfile

from adapters.container import Container
from core.script import ScriptLimits, SegmenterRules, validate_script
from ports.contracts import SynthesizerContract
from ports.synthesizer import Synthesizer, VoiceSettings
from ports.tts_engine import AudioResult, TTSEngine

SCRIPTS = Path(__file__).resolve().parents[1] / "fixtures" / "scripts"
SAMPLE_VOICES = {
    "mofa-style-zh.md": {"daniu": "zh-cn-daniu", "yifan": "zh-cn-yifan"},
    "trio-zh.md": {"daniu": "zh-cn-daniu", "yifan": "zh-cn-yifan", "boyu": "zh-cn-boyu"},
    "two-hosts-en.md": {"Alice": "en-us-sarah", "Bob": "en-gb-oliver"},
}


def render(container: Container, name: str, out: Path, task_id: str = "task") -> AudioResult:
    engine: TTSEngine = container.tts_engine()
    return asyncio.run(engine.generate_audio((SCRIPTS / name).read_text(), SAMPLE_VOICES[name],
                                             out, task_id, lambda p: None))


@pytest.mark.parametrize("name", sorted(SAMPLE_VOICES))
def test_wav_and_mp3_last_as_long_measured_from_decoded_samples(
    container: Container, tmp_path: Path, name: str
) -> None:
    result = render(container, name, tmp_path)
    wav, wav_rate = soundfile.read(result.wav_path, dtype="int16")
    mp3, mp3_rate = soundfile.read(result.mp3_path, dtype="int16")
    assert wav_rate == mp3_rate == 32000
    assert abs(len(wav) / wav_rate - len(mp3) / mp3_rate) <= 0.050
    assert abs(len(wav) / wav_rate - result.duration) < 0.001
    turns = {segment.turn for segment in result.segments}
    assert len(turns) == max(turns) + 1  # every turn is in the audio
    report = validate_script((SCRIPTS / name).read_text(), SegmenterRules(), ScriptLimits())
    assert result.chars_processed == sum(len(chunk.text) for chunk in report.segments)
    assert len(result.segments) == len(report.segments)


def test_the_same_task_renders_byte_identical_wav_files(container: Container,
                                                         tmp_path: Path) -> None:
    first = render(container, "two-hosts-en.md", tmp_path / "one", task_id="same-task")
    second = render(container, "two-hosts-en.md", tmp_path / "two", task_id="same-task")
    other = render(container, "two-hosts-en.md", tmp_path / "three", task_id="other-task")
    assert first.wav_path.read_bytes() == second.wav_path.read_bytes()
    assert first.mp3_path.read_bytes() == second.mp3_path.read_bytes()
    assert other.wav_path.read_bytes() != first.wav_path.read_bytes()  # other pauses


def test_distinct_voices_sound_different(container: Container, tmp_path: Path) -> None:
    script = "**A:** The same words.\n**B:** The same words.\n"
    engine: TTSEngine = container.tts_engine()
    result = asyncio.run(engine.generate_audio(
        script, {"A": "en-us-michael", "B": "en-us-sarah"}, tmp_path, "t", lambda p: None))
    samples, rate = soundfile.read(result.wav_path, dtype="int16")
    a, b = result.segments
    first = samples[round(a.start * rate):round(a.end * rate)]
    second = samples[round(b.start * rate):round(b.end * rate)]
    assert first.tobytes() != second.tobytes()


def test_every_offline_voice_in_the_library_speaks(container: Container) -> None:
    synthesizer = container.synthesizers()("espeak")
    for voice in container.voice_library().all():
        if voice.provider != "espeak":
            continue
        text = "大家好" if voice.language_family == "zh" else "Hello"
        audio = asyncio.run(synthesizer.synthesize(text, VoiceSettings(voice.voice_id)))
        assert audio.duration > 0.2, voice.voice_id


class TestEspeakSynthesizer(SynthesizerContract):
    @pytest.fixture
    def synthesizer(self, container: Container) -> Synthesizer:
        synthesizer: Synthesizer = container.synthesizers()("espeak")
        return synthesizer

    @pytest.fixture
    def voice(self) -> VoiceSettings:
        return VoiceSettings("zh-cn-yifan")

    short_text = "你好。"
    long_text = "大家好，欢迎收听今天的节目，我们聊一聊语音合成。"
