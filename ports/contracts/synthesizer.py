"""Contract for Synthesizer adapters. Fixtures to provide: ``synthesizer`` and ``voice``."""

from __future__ import annotations

import asyncio

from ports.synthesizer import Synthesizer, VoiceSettings


class SynthesizerContract:
    """Subclass and define ``synthesizer`` and ``voice`` (VoiceSettings it can speak)."""

    short_text = "Hello there."
    long_text = "Hello there. This sentence is a good deal longer than the first one was."

    def test_speech_is_16_bit_pcm_at_a_stated_rate(
        self, synthesizer: Synthesizer, voice: VoiceSettings
    ) -> None:
        audio = asyncio.run(synthesizer.synthesize(self.short_text, voice))
        assert audio.sample_rate > 0
        assert len(audio.samples) % 2 == 0
        assert audio.duration > 0.1
        assert any(audio.samples), "all-zero samples are silence, not speech"

    def test_longer_text_gives_longer_audio(
        self, synthesizer: Synthesizer, voice: VoiceSettings
    ) -> None:
        short = asyncio.run(synthesizer.synthesize(self.short_text, voice))
        long = asyncio.run(synthesizer.synthesize(self.long_text, voice))
        assert long.duration > short.duration

    def test_declares_a_positive_concurrency_limit(self, synthesizer: Synthesizer) -> None:
        assert synthesizer.max_concurrency() >= 1

    def test_calls_inside_nested_sessions_and_after_them_work(
        self, synthesizer: Synthesizer, voice: VoiceSettings
    ) -> None:
        async def render() -> list[float]:
            async with synthesizer.session(), synthesizer.session():  # two renders at once
                inside = await synthesizer.synthesize(self.short_text, voice)
            after = await synthesizer.synthesize(self.short_text, voice)
            return [inside.duration, after.duration]

        assert all(duration > 0.1 for duration in asyncio.run(render()))
