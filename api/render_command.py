"""`podforge render`: a script file to WAV and MP3 by the configured engine; no task, no charge."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import typer

from adapters.container import Container
from core.script import validate_script
from core.services.rendering import companion_files
from core.voices import default_voice_config
from ports.tts_engine import AudioResult


class RenderError(Exception):
    """Something the person running the command can fix; printed without a traceback."""


def read_script(path: Path) -> str:
    """The file's text. :raises RenderError: unreadable or not UTF-8 (naming the line)."""
    try:
        data = path.read_bytes()
    except OSError as problem:
        raise RenderError(f"cannot read {path}: {problem.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as bad:
        line = data[: bad.start].count(b"\n") + 1
        raise RenderError(f"{path}:{line}: not valid UTF-8 text") from None


def parse_voice_options(options: Sequence[str]) -> dict[str, str]:
    """``SPEAKER=VOICE`` pairs. :raises RenderError: for a malformed one."""
    chosen: dict[str, str] = {}
    for option in options:
        speaker, sep, voice = option.partition("=")
        if not sep or not speaker.strip() or not voice.strip():
            raise RenderError(f"--voice {option!r}: expected SPEAKER_ID=VOICE_ID")
        chosen[speaker.strip()] = voice.strip()
    return chosen


def render_file(container: Container, script_path: Path, voices: Sequence[str],
                out_dir: Path) -> tuple[Path, Path, AudioResult]:
    """Render ``script_path`` into ``out_dir/<stem>.wav``, ``.mp3``, ``.srt``, ``.vtt`` and
    ``.chapters.json``; nothing else lands there."""
    content = read_script(script_path)
    report = validate_script(content, *container.script_rules())
    if report.errors:
        raise RenderError("\n".join(f"{script_path}:{p.line}: {p.message}" for p in report.errors))
    previews = container.voice_previews()
    usable = [voice for voice in container.voice_library().all() if previews.available(voice)]
    voice_config: dict[str, str] = default_voice_config(report.speakers, usable, report.language)
    voice_config.update(parse_voice_options(voices))
    engine = container.tts_engine()
    engine.validate_voice_config(voice_config, report.speakers)
    for speaker in report.speakers:
        typer.echo(f"{report.speaker_names[speaker]}: {voice_config[speaker]}")
    out_dir.mkdir(parents=True, exist_ok=True)
    seed = hashlib.sha256(content.encode()).hexdigest()  # same script, same pauses
    with typer.progressbar(length=100, label="Rendering") as bar, \
            tempfile.TemporaryDirectory(prefix="podforge-render-") as work:
        done = 0

        def advance(percent: int) -> None:
            nonlocal done
            bar.update(max(0, percent - done))
            done = max(done, percent)

        result = asyncio.run(engine.generate_audio(content, voice_config, Path(work), seed,
                                                   advance))
        wav = out_dir / f"{script_path.stem}.wav"
        mp3 = out_dir / f"{script_path.stem}.mp3"
        shutil.move(result.wav_path, wav)
        shutil.move(result.mp3_path, mp3)
        for kind, path in companion_files(result).items():
            shutil.move(path, out_dir / f"{script_path.stem}.{kind}")
    return wav, mp3, result
