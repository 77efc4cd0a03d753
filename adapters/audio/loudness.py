"""Loudness: measure with ffmpeg's EBU R128 scanner, then gain plus a peak limiter, streamed.

ffmpeg reads and writes the WAV block by block, so memory stays flat however long the episode.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from adapters.audio.mp3 import EncodingError, ffmpeg_binary

LIMIT_DBFS = -1.5  # sample-peak ceiling of the limiter: keeps true peak at or under -1 dBTP
TOLERANCE_LU = 0.3  # close enough to the target to stop correcting
SILENCE_LUFS = -70.0
_INTEGRATED = re.compile(r"^\s*I:\s+(-?[\d.]+|-inf) LUFS", re.MULTILINE)
_PEAK = re.compile(r"^\s*Peak:\s+(-?[\d.]+|-inf) dBFS", re.MULTILINE)


@dataclass(frozen=True)
class Loudness:
    integrated: float  # LUFS
    true_peak: float  # dBTP


def _run(arguments: list[str]) -> str:
    result = subprocess.run([ffmpeg_binary(), "-hide_banner", "-nostdin", *arguments],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise EncodingError(f"ffmpeg failed: {result.stderr.strip()[-500:]}")
    return result.stderr


def _number(pattern: re.Pattern[str], text: str) -> float:
    found = pattern.findall(text)
    if not found:
        raise EncodingError("ffmpeg's loudness scan printed no summary")
    value = found[-1]
    return float("-inf") if value == "-inf" else float(value)


def _scan(path: Path, options: str) -> str:
    return _run(["-nostats", "-i", str(path), "-af", f"ebur128={options}framelog=quiet",
                 "-f", "null", "-"])


def integrated(path: Path) -> float:
    """Integrated loudness (LUFS) of an audio file: the quick scan, without true peak."""
    return _number(_INTEGRATED, _scan(path, ""))


def measure(path: Path) -> Loudness:
    """Integrated loudness and true peak of an audio file."""
    report = _scan(path, "peak=true:")
    return Loudness(_number(_INTEGRATED, report), _number(_PEAK, report))


def _apply_gain(source: Path, destination: Path, gain_db: float,
                mp3_options: list[str]) -> Loudness:
    """One ffmpeg pass: gain and limiter, written as 16-bit WAV and as MP3, and measured."""
    limit = 10 ** (LIMIT_DBFS / 20)
    graph = (f"[0:a]volume={gain_db:.2f}dB,alimiter=limit={limit:.4f}:attack=5:release=50:"
             "level=disabled:latency=1,asplit=3[wav][mp3][scan];"
             "[scan]ebur128=peak=true:framelog=quiet[scanned]")
    report = _run(["-nostats", "-y", "-i", str(source), "-filter_complex", graph,
                   "-map", "[wav]", "-c:a", "pcm_s16le", str(destination),
                   "-map", "[mp3]", *mp3_options, "-map", "[scanned]", "-f", "null", "-"])
    return Loudness(_number(_INTEGRATED, report), _number(_PEAK, report))


def normalize(wav: Path, mp3_options: list[str], *, target_lufs: float) -> Loudness | None:
    """Bring ``wav`` (in place) to ``target_lufs`` integrated with peaks limited, writing the
    MP3 (``mp3_options``, from :func:`adapters.audio.mp3.mp3_output`) in the same pass; returns
    the loudness it ends with, or None for silence, which is left alone and not encoded.

    A second, smaller pass corrects what the limiter took away on peaky speech.
    """
    loudness = integrated(wav)
    if loudness <= SILENCE_LUFS:
        return None
    scratch = wav.with_suffix(".normalizing.wav")
    result = Loudness(loudness, float("inf"))
    for _ in range(2):
        result = _apply_gain(wav, scratch, target_lufs - result.integrated, mp3_options)
        scratch.replace(wav)
        if abs(target_lufs - result.integrated) <= TOLERANCE_LU and result.true_peak <= -1.0:
            break
    return result
