"""SegmentCache port: synthesized chunks kept for a while, so unchanged lines are not paid twice."""

from __future__ import annotations

import abc
import hashlib
import json
from dataclasses import dataclass

from ports.synthesizer import PcmAudio, VoiceSettings


@dataclass(frozen=True)
class CachedSegment:
    audio: PcmAudio
    task_id: str  # the task that paid for the synthesis


def segment_key(*, scope: str, provider: str, voice: VoiceSettings, text: str) -> str:
    """Who it is for, which provider and model, which voice settings, which words."""
    material = json.dumps([scope, provider, voice.voice_id, voice.speed, voice.pitch, voice.vol,
                           text], ensure_ascii=False)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


class SegmentCache(abc.ABC):
    @abc.abstractmethod
    def get(self, key: str) -> CachedSegment | None:
        """The cached segment, or None (never cached, or expired)."""

    @abc.abstractmethod
    def put(self, key: str, segment: CachedSegment) -> None:
        """Keep a segment for the configured time."""
