"""DirectEngine: chunks synthesized concurrently per provider, written to the WAV in order."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from adapters.audio.assembler import WavAssembler
from adapters.audio.master import (
    AudioOptions,
    finish_master,
    removed_on_failure,
    write_transcripts,
)
from adapters.voices.chunk_source import ChunkSource, TtsRecorder
from adapters.voices.library import VoiceLibrary
from core.script import ScriptLimits, SegmenterRules, renderable_script
from core.script.model import Chunk
from core.voices import as_json, normalise_voice_config
from ports.segment_cache import SegmentCache
from ports.synthesizer import PcmAudio, Synthesizer
from ports.tts_engine import AudioResult, ProgressCallback, TTSEngine

SYNTHESIS_SHARE = 90  # percent of progress for synthesis; encoding takes the rest


class DirectEngine(TTSEngine):
    """Renders in-process: each provider gets ``max_concurrency()`` requests in flight, and
    only a window of finished chunks waits in memory for its turn to be written."""

    def __init__(self, *, voices: VoiceLibrary, synthesizer_for: Callable[[str], Synthesizer],
                 rules: SegmenterRules, limits: ScriptLimits, audio: AudioOptions,
                 segment_cache: SegmentCache | None = None,
                 record: TtsRecorder | None = None,
                 record_stage: Callable[[str, float], None] | None = None) -> None:
        self.voices = voices
        self.synthesizer_for = synthesizer_for
        self.rules = rules
        self.limits = limits
        self.audio = audio
        self.segment_cache = segment_cache
        self.record = record or (lambda provider, code, seconds: None)
        self.record_stage = record_stage or (lambda stage, seconds: None)

    def validate_voice_config(
        self, voice_config: Mapping[str, Any], speakers: Sequence[str]
    ) -> dict[str, Any]:
        return as_json(normalise_voice_config(voice_config, speakers, self.voices.by_id()))

    async def generate_audio(self, script: str, voice_config: Mapping[str, Any],
                             output_dir: Path, task_id: str, progress: ProgressCallback,
                             *, cache_scope: str | None = None) -> AudioResult:
        report = renderable_script(script, self.rules, self.limits)
        voices = self.voices.by_id()
        settings = normalise_voice_config(voice_config, report.speakers, voices)
        source = ChunkSource(settings=settings, voices=voices,
                             synthesizer_for=self.synthesizer_for, cache=self.segment_cache,
                             scope=cache_scope, task_id=task_id, record=self.record)
        output_dir.mkdir(parents=True, exist_ok=True)
        wav, mp3 = output_dir / "podcast.wav", output_dir / "podcast.mp3"
        progress(0)
        with removed_on_failure(wav, mp3):
            with WavAssembler(wav, sample_rate=self.audio.sample_rate, seed=task_id,
                              silence_min=self.audio.silence_min,
                              silence_max=self.audio.silence_max) as assembler:
                async with source:
                    started = time.monotonic()
                    paid, writing = await self._synthesize_in_order(
                        report.segments, source, assembler, progress)
            # Chunks are written while later ones are still being synthesized: synthesis is
            # the wall time of the loop less the time spent writing.
            self.record_stage("synthesis", time.monotonic() - started - writing)
            self.record_stage("assembly", writing)
            started = time.monotonic()
            await asyncio.to_thread(finish_master, wav, mp3, self.audio)
            self.record_stage("mastering", time.monotonic() - started)
        transcripts, chapters = write_transcripts(output_dir, report.turns, assembler.timings)
        progress(100)
        return AudioResult(
            wav_path=wav, mp3_path=mp3, duration=assembler.duration,
            sample_rate=self.audio.sample_rate,
            chars_processed=sum(len(chunk.text) for chunk in paid),
            segments=assembler.timings, transcript_paths=transcripts, chapters_path=chapters,
        )

    async def _synthesize_in_order(self, chunks: Sequence[Chunk], source: ChunkSource,
                                   assembler: WavAssembler,
                                   progress: ProgressCallback) -> tuple[list[Chunk], float]:
        """Write every chunk in script order; returns the chunks this task paid for and the
        seconds spent writing."""
        window = 2 * source.concurrency
        pending: deque[asyncio.Task[tuple[PcmAudio, bool]]] = deque()
        upcoming = iter(chunks)
        paid = []
        writing = 0.0
        try:
            for chunk in chunks:
                while len(pending) < window and (next_chunk := next(upcoming, None)):
                    pending.append(asyncio.create_task(source.fetch(next_chunk)))
                audio, paid_now = await pending.popleft()
                started = time.monotonic()
                assembler.add(audio, chunk)
                writing += time.monotonic() - started
                if paid_now:
                    paid.append(chunk)
                progress(SYNTHESIS_SHARE * len(assembler.timings) // len(chunks))
        finally:
            for task in pending:  # a failed chunk fails the render; stop the rest
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        return paid, writing
