"""Transcripts and chapters from real segment timings: SRT, WebVTT and Podcasting 2.0 JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from core.script.model import Turn
from ports.tts_engine import SegmentTiming


@dataclass(frozen=True)
class Cue:
    """One turn: from its first sample to its last, with the speaker as written."""

    turn: int
    start: float
    end: float
    speaker: str
    text: str


def turn_cues(turns: Sequence[Turn], timings: Sequence[SegmentTiming]) -> list[Cue]:
    """A cue per turn that has audio, in order."""
    spans: dict[int, tuple[float, float]] = {}
    for timing in timings:
        start, end = spans.get(timing.turn, (timing.start, timing.end))
        spans[timing.turn] = (min(start, timing.start), max(end, timing.end))
    return [Cue(turn.index, *spans[turn.index], turn.speaker_name, turn.text)
            for turn in turns if turn.index in spans]


def _clock(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def to_srt(cues: Sequence[Cue]) -> str:
    return "".join(
        f"{n}\n{_clock(c.start, ',')} --> {_clock(c.end, ',')}\n{c.speaker}: {c.text}\n\n"
        for n, c in enumerate(cues, start=1))


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(cues: Sequence[Cue]) -> str:
    body = "".join(
        f"{_clock(c.start, '.')} --> {_clock(c.end, '.')}\n"
        f"<v {_vtt_escape(c.speaker)}>{_vtt_escape(c.text)}\n\n" for c in cues)
    return f"WEBVTT\n\n{body}"


def to_chapters(turns: Sequence[Turn], cues: Sequence[Cue]) -> str:
    """Podcasting 2.0 chapters: one per heading, starting at its first following turn."""
    starts = {cue.turn: cue.start for cue in cues}
    chapters = [{"startTime": round(starts[turn.index], 3), "title": turn.chapter}
                for turn in turns if turn.chapter and turn.index in starts]
    return json.dumps({"version": "1.2.0", "chapters": chapters}, ensure_ascii=False, indent=2)
