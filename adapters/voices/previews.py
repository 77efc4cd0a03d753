"""Voice previews: a short clip in each voice's language, made on first request and stored."""

from __future__ import annotations

import asyncio
import hashlib
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile

from adapters.audio.mp3 import encode_mp3
from adapters.plugin_manager import PluginError
from adapters.voices.library import VoiceLibrary
from core.errors import NotFound, ServiceUnavailable
from core.voices import Voice
from ports.storage import Storage
from ports.synthesizer import Synthesizer, VoiceSettings

SAMPLE_TEXT = {
    "zh": "大家好，欢迎收听本期播客。今天我们聊一聊技术背后的故事。",
    "en": "Hello, and welcome to the show. Today we talk about the stories behind technology.",
}


class VoicePreviews:
    def __init__(self, library: VoiceLibrary, synthesizer_for: Callable[[str], Synthesizer],
                 storage: Storage) -> None:
        self.library = library
        self.synthesizer_for = synthesizer_for
        self.storage = storage
        self._lock = threading.Lock()

    def available(self, voice: Voice) -> bool:
        """Whether the voice's provider is installed and configured here."""
        try:
            self.synthesizer_for(voice.provider)
        except PluginError:
            return False
        return True

    @staticmethod
    def text_for(voice: Voice) -> str:
        return SAMPLE_TEXT.get(voice.language_family, SAMPLE_TEXT["en"])

    def key_for(self, voice: Voice) -> str:
        """Changes whenever what the clip would sound like changes."""
        recipe = f"{voice.provider}|{voice.provider_voice}|{self.text_for(voice)}"
        return f"previews/{voice.voice_id}-{hashlib.sha256(recipe.encode()).hexdigest()[:12]}.mp3"

    def clip(self, voice_id: str) -> str:
        """The storage key of the voice's preview MP3, made now if it does not exist yet.

        :raises NotFound: no such voice. :raises ServiceUnavailable: its provider is not set up.
        """
        voice = self.library.by_id().get(voice_id)
        if voice is None:
            raise NotFound(f"no voice {voice_id!r}")
        if not self.available(voice):
            raise ServiceUnavailable(f"the {voice.provider} voice provider is not configured")
        key = self.key_for(voice)
        with self._lock:
            if not self.storage.exists(key):
                self._make(voice, key)
        return key

    def _make(self, voice: Voice, key: str) -> None:
        synthesizer = self.synthesizer_for(voice.provider)
        audio = asyncio.run(synthesizer.synthesize(self.text_for(voice),
                                                   VoiceSettings(voice.voice_id)))
        with tempfile.TemporaryDirectory(prefix="podforge-preview-") as folder:
            wav, mp3 = Path(folder) / "preview.wav", Path(folder) / "preview.mp3"
            soundfile.write(wav, np.frombuffer(audio.samples, dtype="<i2"), audio.sample_rate,
                            subtype="PCM_16")
            encode_mp3(wav, mp3, bitrate_kbps=96)
            self.storage.put_file(key, mp3)
