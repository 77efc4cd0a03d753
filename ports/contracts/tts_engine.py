"""Contract for TTSEngine adapters. Fixtures to provide: ``engine``, ``script`` and
``voice_config`` (a script with at least two speakers and a valid config for it)."""

from __future__ import annotations

import asyncio
import wave
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from ports.tts_engine import TTSEngine, VoiceConfigError


class TTSEngineContract:
    """Subclass and define ``engine``, ``script`` (str) and ``voice_config`` (mapping)."""

    def test_renders_wav_and_mp3_reporting_progress_up_to_100(
        self, engine: TTSEngine, script: str, voice_config: Mapping[str, Any], tmp_path: Path
    ) -> None:
        seen: list[int] = []
        result = asyncio.run(
            engine.generate_audio(script, voice_config, tmp_path, "contract-task", seen.append)
        )
        assert result.wav_path.is_file() and result.mp3_path.is_file()
        with wave.open(str(result.wav_path)) as wav:
            assert wav.getsampwidth() == 2 and wav.getnchannels() == 1
            assert wav.getframerate() == result.sample_rate
            assert abs(wav.getnframes() / wav.getframerate() - result.duration) < 0.05
        assert seen and seen[-1] == 100
        assert seen == sorted(seen) and all(0 <= p <= 100 for p in seen)
        assert result.chars_processed > 0

    def test_a_speaker_without_a_voice_is_named(
        self, engine: TTSEngine, voice_config: Mapping[str, Any]
    ) -> None:
        speakers = [*voice_config.keys(), "nobody_configured"]
        with pytest.raises(VoiceConfigError) as problem:
            engine.validate_voice_config(voice_config, speakers)
        assert problem.value.speaker == "nobody_configured"
        assert "nobody_configured" in str(problem.value)
