"""voice_config in both shapes, the voice library, and default voices per language."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from adapters.resources import project_root
from adapters.voices.library import VoiceLibrary, VoiceLibraryError
from core.voices import Voice, default_voice_config, normalise_voice_config
from ports.synthesizer import VoiceSettings
from ports.tts_engine import VoiceConfigError

KNOWN = {v: Voice(v, v, "en-US", "offline", "male", "espeak") for v in ("v1", "v2")}


def test_both_shapes_normalise_to_the_same_settings() -> None:
    flat = {"daniu": "v1", "yifan": "v2", "daniu_speed": 1.1, "daniu_pitch": -1}
    nested = {"daniu": {"voice_id": "v1", "speed": 1.1, "pitch": -1},
              "yifan": {"voice_id": "v2"}, "not_in_script": "v9"}
    expected = {"daniu": VoiceSettings("v1", 1.1, -1, 1.0), "yifan": VoiceSettings("v2")}
    assert normalise_voice_config(flat, ["daniu", "yifan"], KNOWN) == expected
    assert normalise_voice_config(nested, ["daniu", "yifan"], KNOWN) == expected


def test_two_speakers_may_share_a_voice() -> None:
    settings = normalise_voice_config({"a": "v1", "b": "v1"}, ["a", "b"], KNOWN)
    assert settings["a"].voice_id == settings["b"].voice_id == "v1"


@pytest.mark.parametrize(
    ("config", "speaker", "field"),
    [
        ({"a": "v1"}, "b", "voice_id"),
        ({"a": "v1", "b": "nope"}, "b", "voice_id"),
        ({"a": "v1", "b": {"voice_id": "v2", "speed": 2.5}}, "b", "speed"),
        ({"a": "v1", "b": "v2", "b_vol": 0}, "b", "vol"),
        ({"a": {"voice_id": "v1", "pitch": 1.5}, "b": "v1"}, "a", "pitch"),
        ({"a": {"voice_id": "v1", "pitch": 13}, "b": "v1"}, "a", "pitch"),
        ({"a": {"voice_id": "v1", "speed": "fast"}, "b": "v1"}, "a", "speed"),
        ({"a": 42, "b": "v1"}, "a", "voice_id"),
    ],
)
def test_problems_name_the_speaker_and_field(config: dict[str, object], speaker: str,
                                             field: str) -> None:
    with pytest.raises(VoiceConfigError) as problem:
        normalise_voice_config(config, ["a", "b"], KNOWN)
    assert (problem.value.speaker, problem.value.field) == (speaker, field)
    assert speaker in str(problem.value)


def test_the_shipped_library_has_four_distinct_voices_per_language() -> None:
    voices = VoiceLibrary(project_root() / "voices.yaml").all()
    for family in ("en", "zh"):
        ids = {v.provider_voice for v in voices if v.language_family == family}
        assert len(ids) >= 4, family


def test_default_voices_are_distinct_in_the_script_language() -> None:
    voices = [v for v in VoiceLibrary(project_root() / "voices.yaml").all()
              if v.provider == "espeak"]
    chosen = default_voice_config(["A", "B", "C", "D"], voices, "en")
    assert len(set(chosen.values())) == 4
    assert all(v.startswith("en-") for v in chosen.values())
    genders = {v.voice_id: v.gender for v in voices}
    assert genders[chosen["A"]] != genders[chosen["B"]]  # neighbours easy to tell apart
    many = default_voice_config([f"S{i}" for i in range(8)], voices, "zh")
    assert len(set(many.values())) == 4  # reused only once every Mandarin voice is taken


def test_the_library_reloads_when_the_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "voices.yaml"
    entry = ("  - voice_id: {id}\n    display_name: X\n    preview_url: null\n"
             "    language: en-US\n    category: c\n    gender: male\n    provider: espeak\n")
    path.write_text("voices:\n" + entry.format(id="one"))
    library = VoiceLibrary(path)
    assert [v.voice_id for v in library.all()] == ["one"]
    path.write_text("voices:\n" + entry.format(id="one") + entry.format(id="two"))
    os.utime(path, ns=(1, 10**18))  # a new modification time even on coarse clocks
    assert [v.voice_id for v in library.all()] == ["one", "two"]


@pytest.mark.parametrize(
    ("text", "words"),
    [("voices: nope\n", "top-level 'voices:' list"),
     ("voices:\n  - voice_id: a\n", "lacks display_name"),
     ("voices:\n" + "  - {voice_id: a, display_name: A, language: en, category: c, gender: m,"
      " provider: espeak}\n" * 2, "appears twice")],
)
def test_a_broken_library_is_reported_naming_the_entry(tmp_path: Path, text: str,
                                                       words: str) -> None:
    path = tmp_path / "voices.yaml"
    path.write_text(text)
    with pytest.raises(VoiceLibraryError, match=words):
        VoiceLibrary(path).all()
