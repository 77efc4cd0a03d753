"""Voices and voice_config: which voice each speaker uses, checked and normalised."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ports.synthesizer import VoiceSettings
from ports.tts_engine import VoiceConfigError

# MiniMax's ranges, which every provider accepts.
SPEED_RANGE = (0.5, 2.0)
VOL_RANGE = (0.0, 10.0)  # exclusive of 0
PITCH_RANGE = (-12, 12)
SETTING_FIELDS = ("speed", "pitch", "vol")


@dataclass(frozen=True)
class Voice:
    """One entry of voices.yaml."""

    voice_id: str
    display_name: str
    language: str  # BCP 47, e.g. en-US, zh-CN
    category: str
    gender: str
    provider: str
    provider_voice: str = ""  # the provider's own name for it, when it differs from voice_id
    preview_url: str | None = None

    @property
    def language_family(self) -> str:
        """``en`` for ``en-US``."""
        return self.language.split("-")[0].lower()


def _number(speaker: str, field: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise VoiceConfigError(f"{speaker}: {field} must be a number, not {value!r}",
                               speaker=speaker, field=field)
    return float(value)


def voice_settings(speaker: str, entry: Mapping[str, Any], known: Mapping[str, Voice]
                   ) -> VoiceSettings:
    """Check one speaker's ``{voice_id, speed, pitch, vol}``."""
    voice_id = entry.get("voice_id")
    if not isinstance(voice_id, str) or not voice_id:
        raise VoiceConfigError(f"{speaker}: voice_id is missing", speaker=speaker,
                               field="voice_id")
    if voice_id not in known:
        raise VoiceConfigError(f"{speaker}: voice_id {voice_id!r} is not in the voice library",
                               speaker=speaker, field="voice_id")
    speed = _number(speaker, "speed", entry.get("speed", 1.0))
    vol = _number(speaker, "vol", entry.get("vol", 1.0))
    pitch = entry.get("pitch", 0)
    if not SPEED_RANGE[0] <= speed <= SPEED_RANGE[1]:
        raise VoiceConfigError(f"{speaker}: speed must be between 0.5 and 2.0, not {speed}",
                               speaker=speaker, field="speed")
    if not VOL_RANGE[0] < vol <= VOL_RANGE[1]:
        raise VoiceConfigError(f"{speaker}: vol must be above 0 and at most 10, not {vol}",
                               speaker=speaker, field="vol")
    if isinstance(pitch, bool) or not isinstance(pitch, int) or not (
        PITCH_RANGE[0] <= pitch <= PITCH_RANGE[1]
    ):
        raise VoiceConfigError(f"{speaker}: pitch must be an integer from -12 to 12, "
                               f"not {pitch!r}", speaker=speaker, field="pitch")
    return VoiceSettings(voice_id, speed=speed, pitch=pitch, vol=vol)


def normalise_voice_config(
    voice_config: Mapping[str, Any], speakers: Sequence[str], known: Mapping[str, Voice]
) -> dict[str, VoiceSettings]:
    """Accept both spec shapes (``{"a": "v", "a_speed": 1.1}`` and ``{"a": {"voice_id": ...}}``);
    keys for speakers not in the script are ignored.

    :raises VoiceConfigError: naming the speaker and field of the first problem.
    """
    if not isinstance(voice_config, Mapping):
        raise VoiceConfigError("voice_config must be an object mapping speakers to voices")
    settings: dict[str, VoiceSettings] = {}
    for speaker in speakers:
        value = voice_config.get(speaker)
        if value is None:
            raise VoiceConfigError(f"{speaker}: no voice chosen for this speaker",
                                   speaker=speaker, field="voice_id")
        if isinstance(value, str):
            entry: dict[str, Any] = {"voice_id": value}
            for field in SETTING_FIELDS:
                if f"{speaker}_{field}" in voice_config:
                    entry[field] = voice_config[f"{speaker}_{field}"]
        elif isinstance(value, Mapping):
            entry = dict(value)
        else:
            raise VoiceConfigError(f"{speaker}: expected a voice id or an object, not {value!r}",
                                   speaker=speaker, field="voice_id")
        settings[speaker] = voice_settings(speaker, entry, known)
    return settings


def as_json(settings: Mapping[str, VoiceSettings]) -> dict[str, dict[str, Any]]:
    """The normalised shape stored with a task."""
    return {speaker: {"voice_id": s.voice_id, "speed": s.speed, "pitch": s.pitch, "vol": s.vol}
            for speaker, s in settings.items()}


def default_voice_config(
    speakers: Sequence[str], voices: Sequence[Voice], language_family: str
) -> dict[str, str]:
    """Distinct voices in the script's language, reused only when speakers outnumber them."""
    matching = [v for v in voices if v.language_family == language_family] or list(voices)
    if not matching:
        raise VoiceConfigError("the voice library is empty")
    # Alternate genders so that consecutive speakers are easy to tell apart.
    by_gender: dict[str, list[Voice]] = {}
    for voice in matching:
        by_gender.setdefault(voice.gender, []).append(voice)
    interleaved: list[Voice] = []
    while any(by_gender.values()):
        for group in by_gender.values():
            if group:
                interleaved.append(group.pop(0))
    return {speaker: interleaved[i % len(interleaved)].voice_id
            for i, speaker in enumerate(speakers)}
