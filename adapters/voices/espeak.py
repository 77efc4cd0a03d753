"""Offline voices: espeak-ng from the espeakng-loader wheel, spoken by a helper process."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import IO

from ports.synthesizer import PcmAudio, SynthesisError, Synthesizer, VoiceSettings

DEFAULT_RATE_WPM = 175
DEFAULT_PITCH = 50


def espeak_parameters(voice: VoiceSettings) -> dict[str, int]:
    """MiniMax-style settings in espeak's units (words per minute, 0-100 pitch, 0-200 volume)."""
    return {
        "rate": round(DEFAULT_RATE_WPM * voice.speed),
        "pitch": max(0, min(100, DEFAULT_PITCH + 4 * voice.pitch)),  # ~4 steps a semitone
        "volume": max(1, min(200, round(100 * voice.vol))),
    }


class EspeakSynthesizer(Synthesizer):
    """Speaks through :mod:`adapters.voices.espeak_zygote`, so that the same text in the same
    voice gives the same samples every time; ``voice_name`` maps a library voice_id to an
    espeak voice such as ``en-us+f3``."""

    def __init__(self, voice_name: Callable[[str], str]) -> None:
        self.voice_name = voice_name
        self._helper: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()  # one request at a time on the helper's pipe

    def _started(self) -> subprocess.Popen[bytes]:
        if self._helper is None or self._helper.poll() is not None:
            self._helper = subprocess.Popen(
                [sys.executable, "-m", "adapters.voices.espeak_zygote"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            )
        return self._helper

    def _speak_blocking(self, text: str, voice: VoiceSettings) -> PcmAudio:
        request = {"text": text, "voice": self.voice_name(voice.voice_id),
                   **espeak_parameters(voice)}
        with self._lock:
            helper = self._started()
            stdin, stdout = helper.stdin, helper.stdout
            assert stdin is not None and stdout is not None
            try:
                stdin.write(json.dumps(request).encode() + b"\n")
                stdin.flush()
                header = json.loads(stdout.readline() or b'{"ok": false, "error": "exited"}')
                samples = read_exactly(stdout, header.get("bytes", 0))
            except (OSError, ValueError) as broken:
                helper.kill()
                raise SynthesisError(f"the espeak-ng helper failed: {broken}") from None
        if not header["ok"]:
            raise SynthesisError(f"espeak-ng: {header['error']}")
        if not samples:
            raise SynthesisError(f"espeak-ng produced no audio for {text[:40]!r}")
        return PcmAudio(samples, int(header["rate"]))

    async def synthesize(self, text: str, voice: VoiceSettings) -> PcmAudio:
        return await asyncio.to_thread(self._speak_blocking, text, voice)

    def max_concurrency(self) -> int:
        return 1

    def close(self) -> None:
        """Stop the helper (it also exits by itself when this process goes away)."""
        if self._helper is not None and self._helper.poll() is None:
            self._helper.kill()
            self._helper.wait()


def read_exactly(stream: IO[bytes], size: int) -> bytes:
    data = stream.read(size) if size else b""
    if len(data) != size:
        raise ValueError(f"expected {size} bytes of audio, got {len(data)}")
    return data
