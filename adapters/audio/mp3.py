"""MP3 encoding with the ffmpeg binary that the imageio-ffmpeg wheel ships (no system ffmpeg)."""

from __future__ import annotations

import subprocess
from pathlib import Path


class EncodingError(RuntimeError):
    """ffmpeg failed; the message carries what it printed."""


def ffmpeg_binary() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def mp3_output(mp3: Path, *, bitrate_kbps: int, quality: int) -> list[str]:
    """ffmpeg output options for an MP3: LAME at ``bitrate_kbps`` with its algorithm quality
    (0 best and slowest, 9 fastest), the Xing/LAME gapless header so the decoded MP3 is as long
    as the WAV, and ``bitexact`` so the same input gives the same file every time."""
    return ["-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact",
            "-codec:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k",
            "-compression_level", str(quality), str(mp3)]


def encode_mp3(wav: Path, mp3: Path, *, bitrate_kbps: int, quality: int = 7) -> None:
    """Encode ``wav`` as it is."""
    command = [ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
               "-i", str(wav), *mp3_output(mp3, bitrate_kbps=bitrate_kbps, quality=quality)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise EncodingError(f"MP3 encoding failed: {result.stderr.strip()[-500:]}")
