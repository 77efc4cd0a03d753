"""Where a chunk's audio comes from: the segment cache, or its provider under its limits."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Mapping
from types import TracebackType

from core.script.model import Chunk
from core.voices import Voice
from ports.segment_cache import CachedSegment, SegmentCache, segment_key
from ports.synthesizer import PcmAudio, SynthesisError, Synthesizer, VoiceSettings

TtsRecorder = Callable[[str, str | None, float], None]
"""Called after each provider request with the provider, the error code (None when it
answered) and the seconds it took."""


class ChunkSource:
    """One render's access to its speakers' voices (``settings``, by speaker): a semaphore
    per provider, and the cache when scoped. Both engines fetch every chunk through it,
    inside ``async with`` (each provider's session: connections reused for the render).

    ``fetch`` answers whether this task paid for the chunk: true when it was synthesized now,
    or by an earlier attempt of the same task (a retry does not pay twice, but pays once).
    """

    def __init__(self, *, settings: Mapping[str, VoiceSettings],
                 voices: Mapping[str, Voice], synthesizer_for: Callable[[str], Synthesizer],
                 cache: SegmentCache | None, scope: str | None, task_id: str,
                 record: TtsRecorder = lambda provider, code, seconds: None) -> None:
        self.settings = settings
        self.voices = voices
        self.cache = cache if scope else None
        self.scope = scope or ""
        self.task_id = task_id
        self.record = record
        self.gates: dict[str, tuple[Synthesizer, asyncio.Semaphore]] = {}
        for voice_id in {voice.voice_id for voice in settings.values()}:
            provider = voices[voice_id].provider
            if provider not in self.gates:
                synthesizer = synthesizer_for(provider)
                self.gates[provider] = (synthesizer,
                                        asyncio.Semaphore(synthesizer.max_concurrency()))

        self._sessions = contextlib.AsyncExitStack()

    async def __aenter__(self) -> ChunkSource:
        for synthesizer, _ in self.gates.values():
            await self._sessions.enter_async_context(synthesizer.session())
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        await self._sessions.aclose()

    @property
    def concurrency(self) -> int:
        return sum(synthesizer.max_concurrency() for synthesizer, _ in self.gates.values())

    async def fetch(self, chunk: Chunk) -> tuple[PcmAudio, bool]:
        voice = self.settings[chunk.speaker]
        synthesizer, gate = self.gates[self.voices[voice.voice_id].provider]
        key = segment_key(scope=self.scope, provider=synthesizer.identity(), voice=voice,
                          text=chunk.text)
        if self.cache is not None:
            cached = await asyncio.to_thread(self.cache.get, key)
            if cached is not None:
                return cached.audio, cached.task_id == self.task_id
        provider = self.voices[voice.voice_id].provider
        async with gate:
            asked = time.monotonic()
            try:
                audio = await synthesizer.synthesize(chunk.text, voice)
            except SynthesisError as failed:
                self.record(provider, failed.code or "error", time.monotonic() - asked)
                raise
        self.record(provider, None, time.monotonic() - asked)
        if not audio.samples:
            raise SynthesisError(f"line {chunk.line}: the voice returned no audio")
        if self.cache is not None:
            await asyncio.to_thread(self.cache.put, key, CachedSegment(audio, self.task_id))
        return audio, True
