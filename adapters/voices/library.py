"""The voice library: voices.yaml, reloaded whenever the file changes."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import yaml

from core.voices import Voice

REQUIRED_FIELDS = ("voice_id", "display_name", "language", "category", "gender", "provider")


class VoiceLibraryError(ValueError):
    """voices.yaml cannot be used; the message names the entry and field."""


def parse_voices(data: Any, source: str) -> list[Voice]:
    """Voices from the parsed YAML document ``{voices: [...]}``."""
    if not isinstance(data, dict) or not isinstance(data.get("voices"), list):
        raise VoiceLibraryError(f"{source}: expected a top-level 'voices:' list")
    voices: list[Voice] = []
    seen: set[str] = set()
    for number, entry in enumerate(data["voices"], start=1):
        if not isinstance(entry, dict):
            raise VoiceLibraryError(f"{source}: voice #{number} is not a mapping")
        missing = [f for f in REQUIRED_FIELDS if not entry.get(f)]
        if missing:
            raise VoiceLibraryError(f"{source}: voice #{number} lacks {', '.join(missing)}")
        if entry["voice_id"] in seen:
            raise VoiceLibraryError(f"{source}: voice_id {entry['voice_id']!r} appears twice")
        seen.add(entry["voice_id"])
        known = {*REQUIRED_FIELDS, "provider_voice", "preview_url"}
        voices.append(Voice(**{k: v for k, v in entry.items() if k in known}))
    return voices


class VoiceLibrary:
    """Reads the file on first use and again whenever its modification time changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._voices: list[Voice] = []

    def all(self) -> list[Voice]:
        stat = self.path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if stamp != self._stamp:
                self._voices = parse_voices(yaml.safe_load(self.path.read_text("utf-8")),
                                            str(self.path))
                self._stamp = stamp
            return list(self._voices)

    def by_id(self) -> dict[str, Voice]:
        return {voice.voice_id: voice for voice in self.all()}
