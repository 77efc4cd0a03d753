"""Joins synthesized chunks into one WAV on disk, with seeded pauses between turns."""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import numpy as np
import soundfile
import soxr

from core.script.model import Chunk
from ports.synthesizer import PcmAudio
from ports.tts_engine import SegmentTiming


def to_rate(audio: PcmAudio, sample_rate: int) -> np.ndarray:
    """The samples as int16 at ``sample_rate``, resampled when the provider used another rate."""
    samples = np.frombuffer(audio.samples, dtype="<i2")
    if audio.sample_rate == sample_rate:
        return samples
    resampled = soxr.resample(samples.astype(np.float32), audio.sample_rate, sample_rate)
    return np.clip(np.round(resampled), -32768, 32767).astype("<i2")


@contextlib.contextmanager
def system_errors_named(path: Path) -> Iterator[None]:
    """libsndfile reports any failed system call as "System error."; the C library's errno,
    which soundfile's cffi keeps, says which (a full disk, a refused folder)."""
    try:
        yield
    except soundfile.LibsndfileError as error:
        code = getattr(getattr(soundfile, "_ffi", None), "errno", 0)
        if not code:
            raise
        raise OSError(code, os.strerror(code), str(path)) from error


class WavAssembler:
    """Streams 16-bit mono PCM to ``path``; memory holds one chunk at a time.

    Between turns of different speakers it inserts a pause drawn from [silence_min,
    silence_max] by a generator seeded with the task id, so one task always renders the same
    file; between turns of one speaker, ``silence_min``; inside a turn, nothing.
    """

    def __init__(self, path: Path, *, sample_rate: int, silence_min: float, silence_max: float,
                 seed: str) -> None:
        self.path = path
        self.sample_rate = sample_rate
        self.silence_min = silence_min
        self.silence_max = silence_max
        self._random = random.Random(hashlib.sha256(seed.encode()).digest())
        with system_errors_named(self.path):
            self._file = soundfile.SoundFile(path, "w", samplerate=sample_rate, channels=1,
                                             subtype="PCM_16", format="WAV")
        self._frames = 0
        self._previous: Chunk | None = None
        self.timings: list[SegmentTiming] = []

    def pause_before(self, chunk: Chunk) -> float:
        """Seconds of silence to put before ``chunk``."""
        previous = self._previous
        if previous is None or previous.turn == chunk.turn:
            return 0.0
        if previous.speaker != chunk.speaker:
            return self._random.uniform(self.silence_min, self.silence_max)
        return self.silence_min

    def add(self, audio: PcmAudio, chunk: Chunk) -> None:
        """Append ``chunk``'s audio after the pause it is due."""
        silence = round(self.pause_before(chunk) * self.sample_rate)
        samples = to_rate(audio, self.sample_rate)
        with system_errors_named(self.path):
            if silence:
                self._file.write(np.zeros(silence, dtype="<i2"))
                self._frames += silence
            start = self._frames
            self._file.write(samples)
        self._frames += len(samples)
        self.timings.append(SegmentTiming(start / self.sample_rate, self._frames / self.sample_rate,
                                          chunk.speaker, chunk.turn))
        self._previous = chunk

    @property
    def duration(self) -> float:
        return self._frames / self.sample_rate

    def close(self) -> None:
        with system_errors_named(self.path):
            self._file.close()

    def __enter__(self) -> WavAssembler:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
