"""The finishing steps every engine shares: loudness, MP3, transcripts and chapters."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.audio.loudness import normalize
from adapters.audio.mp3 import encode_mp3, mp3_output
from core.script.model import Turn
from core.transcripts import to_chapters, to_srt, to_vtt, turn_cues
from ports.tts_engine import SegmentTiming


@dataclass(frozen=True)
class AudioOptions:
    """The ``[audio]`` settings an engine renders with."""

    sample_rate: int = 32000
    mp3_bitrate: int = 128
    mp3_quality: int = 7
    silence_min: float = 0.3
    silence_max: float = 1.2
    loudness_normalize: bool = True
    loudness_target: float = -16.0

    @classmethod
    def from_config(cls, audio: Mapping[str, Any]) -> AudioOptions:
        return cls(**{name: audio[name] for name in cls.__dataclass_fields__})


@contextmanager
def removed_on_failure(*paths: Path) -> Iterator[None]:
    """A failed render leaves no partial file that could pass for a finished one."""
    try:
        yield
    except BaseException:
        for path in paths:
            path.unlink(missing_ok=True)
        raise


def finish_master(wav: Path, mp3: Path, options: AudioOptions) -> None:
    """Normalise the assembled WAV in place (when configured) and encode the MP3 from it, in
    one ffmpeg pass after a quick loudness scan."""
    mp3_options = mp3_output(mp3, bitrate_kbps=options.mp3_bitrate, quality=options.mp3_quality)
    if options.loudness_normalize and normalize(
            wav, mp3_options, target_lufs=options.loudness_target) is not None:
        return
    encode_mp3(wav, mp3, bitrate_kbps=options.mp3_bitrate, quality=options.mp3_quality)


def write_transcripts(output_dir: Path, turns: Sequence[Turn],
                      timings: Sequence[SegmentTiming]) -> tuple[dict[str, Path], Path]:
    """``podcast.srt``, ``podcast.vtt`` and ``podcast.chapters.json`` beside the audio."""
    cues = turn_cues(turns, timings)
    files = {"srt": output_dir / "podcast.srt", "vtt": output_dir / "podcast.vtt"}
    files["srt"].write_text(to_srt(cues), encoding="utf-8")
    files["vtt"].write_text(to_vtt(cues), encoding="utf-8")
    chapters = output_dir / "podcast.chapters.json"
    chapters.write_text(to_chapters(turns, cues), encoding="utf-8")
    return files, chapters
