"""MP3 encoding with the ffmpeg binary that the imageio-ffmpeg wheel ships (no system ffmpeg)."""

from __future__ import annotations

import subprocess
from pathlib import Path


class EncodingError(RuntimeError):
    """ffmpeg failed; the message carries what it printed."""


def ffmpeg_binary() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def encode_mp3(wav: Path, mp3: Path, *, bitrate_kbps: int) -> None:
    """Encode ``wav`` with LAME, writing the Xing/LAME gapless header so the decoded MP3 is as
    long as the WAV; ``bitexact`` keeps the output identical from run to run."""
    command = [
        ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
        "-i", str(wav), "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact",
        "-codec:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k", str(mp3),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise EncodingError(f"MP3 encoding failed: {result.stderr.strip()[-500:]}")
