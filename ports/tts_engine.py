"""TTSEngine port: render a whole tagged script into WAV and MP3 files."""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ProgressCallback = Callable[[int], None]
"""Called with a percentage 0-100 that never decreases."""


@dataclass(frozen=True)
class SegmentTiming:
    """Where one chunk of one turn sits in the finished audio."""

    start: float
    end: float
    speaker: str
    turn: int


@dataclass(frozen=True)
class AudioResult:
    """The files an engine produced and what they contain."""

    wav_path: Path
    mp3_path: Path
    duration: float
    sample_rate: int
    chars_processed: int
    segments: Sequence[SegmentTiming] = ()
    transcript_paths: Mapping[str, Path] = field(default_factory=dict)
    chapters_path: Path | None = None


class VoiceConfigError(ValueError):
    """A voice_config problem, naming the speaker and field at fault."""

    def __init__(self, message: str, *, speaker: str | None = None, field: str | None = None):
        super().__init__(message)
        self.speaker = speaker
        self.field = field


class ScriptRejected(ValueError):
    """The script has errors; the message names the line of the first."""


class TTSEngine(abc.ABC):
    """Renders scripts; the direct engine and the MoFA engine both fill this port."""

    @abc.abstractmethod
    async def generate_audio(
        self,
        script: str,
        voice_config: Mapping[str, Any],
        output_dir: Path,
        task_id: str,
        progress: ProgressCallback,
        *,
        cache_scope: str | None = None,
    ) -> AudioResult:
        """Render ``script`` (Markdown with speaker tags) into ``output_dir``.

        Reports progress 0-100 through ``progress``; for the same input every engine produces
        audio of the same duration. With ``cache_scope`` (the user the render is for), chunks
        synthesized for that scope within the cache's lifetime are reused, and
        ``chars_processed`` counts only what was sent to a provider for this task.
        """

    @abc.abstractmethod
    def validate_voice_config(
        self, voice_config: Mapping[str, Any], speakers: Sequence[str]
    ) -> dict[str, Any]:
        """Check that every speaker has a usable voice and return the normalised config.

        :raises VoiceConfigError: naming the speaker and field of the first problem.
        """
