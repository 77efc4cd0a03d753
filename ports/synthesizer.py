"""Synthesizer port: one voice provider turns a line of text into PCM samples."""

from __future__ import annotations

import abc
import contextlib
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass


@dataclass(frozen=True)
class VoiceSettings:
    """How one speaker sounds: a voice from the library plus MiniMax-style adjustments."""

    voice_id: str
    speed: float = 1.0
    pitch: int = 0
    vol: float = 1.0


@dataclass(frozen=True)
class PcmAudio:
    """Mono signed 16-bit little-endian samples at ``sample_rate`` Hz."""

    samples: bytes
    sample_rate: int

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.samples) / 2 / self.sample_rate


class SynthesisError(Exception):
    """A provider could not synthesize a chunk; ``retryable`` says whether trying again may help."""

    def __init__(self, message: str, *, retryable: bool = False, code: str | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.code = code


class Synthesizer(abc.ABC):
    """A voice provider (espeak-ng offline, MiniMax, ...), chosen per voice by ``provider``."""

    @abc.abstractmethod
    async def synthesize(self, text: str, voice: VoiceSettings) -> PcmAudio:
        """Speak ``text`` in ``voice``.

        :raises SynthesisError: the provider failed; never returns silence in place of speech.
        """

    @abc.abstractmethod
    def max_concurrency(self) -> int:
        """How many ``synthesize`` calls may run at once against this provider."""

    def session(self) -> AbstractAsyncContextManager[object]:
        """One render's use of this provider in the running event loop: a provider that keeps
        connections reuses them for every call inside it, and closes them when the last
        session of the loop ends. Calls outside a session still work."""
        return contextlib.nullcontext()

    def identity(self) -> str:
        """What, besides voice and text, decides the audio (provider, model, rate): part of
        the segment cache's key. Override when settings change the sound."""
        return type(self).__name__
