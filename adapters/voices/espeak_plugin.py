"""Registers the offline espeak-ng voices as the ``espeak`` voice provider."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.voices.espeak import EspeakSynthesizer
from adapters.voices.library import VoiceLibrary
from ports import AdapterContext, AdapterSpec, NoSettings, hookimpl


def create_espeak(settings: NoSettings, context: AdapterContext) -> EspeakSynthesizer:
    """Voice ids resolve through the library at each call, so edits to voices.yaml apply."""
    library: VoiceLibrary = context.resources["voices"]

    def espeak_name(voice_id: str) -> str:
        voice = library.by_id().get(voice_id)
        return (voice.provider_voice or voice.voice_id) if voice else voice_id

    return EspeakSynthesizer(espeak_name)


@hookimpl
def podforge_register_adapters() -> Sequence[AdapterSpec]:
    return [
        AdapterSpec(
            port="synthesizer",
            name="espeak",
            factory=create_espeak,
            description="offline espeak-ng voices (no key, no network)",
        )
    ]
