"""Offline voices: the espeak-ng library shipped inside the espeakng-loader wheel, via ctypes."""

from __future__ import annotations

import asyncio
import ctypes
import threading
from collections.abc import Callable

from ports.synthesizer import PcmAudio, SynthesisError, Synthesizer, VoiceSettings

AUDIO_OUTPUT_SYNCHRONOUS = 2
ESPEAK_CHARS_UTF8 = 1
ESPEAK_RATE, ESPEAK_VOLUME, ESPEAK_PITCH = 1, 2, 3
DEFAULT_RATE_WPM = 175
DEFAULT_PITCH = 50
SYNTH_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)

# The library keeps global state (current voice, parameters, callback): one caller at a time.
_LIBRARY_LOCK = threading.Lock()


class _Espeak:
    """The loaded library, initialised once per process."""

    def __init__(self) -> None:
        import espeakng_loader

        self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        data = espeakng_loader.get_data_path().encode()
        self.sample_rate = self.lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, data, 0)
        if self.sample_rate <= 0:
            raise SynthesisError("espeak-ng failed to initialise")
        self.samples: list[bytes] = []
        self._callback = SYNTH_CALLBACK(self._collect)  # kept referenced while in use
        self.lib.espeak_SetSynthCallback(self._callback)
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.lib.espeak_Synth.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]

    def _collect(self, wav: ctypes._Pointer, count: int, _events: int) -> int:
        if wav and count > 0:
            self.samples.append(ctypes.string_at(wav, count * 2))
        return 0

    def speak(self, text: str, voice_name: str, voice: VoiceSettings) -> bytes:
        if self.lib.espeak_SetVoiceByName(voice_name.encode()) != 0:
            raise SynthesisError(f"espeak-ng has no voice {voice_name!r}")
        self.lib.espeak_SetParameter(ESPEAK_RATE, round(DEFAULT_RATE_WPM * voice.speed), 0)
        pitch = max(0, min(100, DEFAULT_PITCH + 4 * voice.pitch))  # a semitone is about 4 steps
        self.lib.espeak_SetParameter(ESPEAK_PITCH, pitch, 0)
        self.lib.espeak_SetParameter(ESPEAK_VOLUME, max(1, min(200, round(100 * voice.vol))), 0)
        self.samples = []
        data = text.encode("utf-8") + b"\0"
        if self.lib.espeak_Synth(data, len(data), 0, 0, 0, ESPEAK_CHARS_UTF8, None, None) != 0:
            raise SynthesisError(f"espeak-ng could not synthesize {text[:40]!r}")
        self.lib.espeak_Synchronize()
        return b"".join(self.samples)


class EspeakSynthesizer(Synthesizer):
    """Offline voices; ``voice_name`` maps a library voice_id to an espeak voice (``en-us+f3``)."""

    _engine: _Espeak | None = None  # one per process: the C library is process-global

    def __init__(self, voice_name: Callable[[str], str]) -> None:
        self.voice_name = voice_name

    @classmethod
    def _library(cls) -> _Espeak:
        if cls._engine is None:
            cls._engine = _Espeak()
        return cls._engine

    def _speak_blocking(self, text: str, voice: VoiceSettings) -> PcmAudio:
        name = self.voice_name(voice.voice_id)
        with _LIBRARY_LOCK:
            engine = self._library()
            samples = engine.speak(text, name, voice)
            rate = engine.sample_rate
        if not samples:
            raise SynthesisError(f"espeak-ng produced no audio for {text[:40]!r}")
        return PcmAudio(samples, rate)

    async def synthesize(self, text: str, voice: VoiceSettings) -> PcmAudio:
        return await asyncio.to_thread(self._speak_blocking, text, voice)

    def max_concurrency(self) -> int:
        return 1
