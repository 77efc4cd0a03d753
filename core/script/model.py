"""What a parsed script is made of: turns, chunks to synthesize, and problems by line."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"  # the script cannot be rendered
    WARNING = "warning"  # rendered, but something is probably not what the author meant


@dataclass(frozen=True)
class Problem:
    line: int
    severity: Severity
    message: str


@dataclass(frozen=True)
class Turn:
    """One speaker's turn: spoken text with Markdown removed, continuation lines joined."""

    index: int
    speaker: str  # the id used in voice_config (大牛 -> daniu)
    speaker_name: str  # as written in the script, for transcripts
    text: str
    line: int
    chapter: str | None = None  # the heading this turn opens, if any


@dataclass(frozen=True)
class Chunk:
    """A piece of a turn short enough for one TTS request."""

    turn: int
    speaker: str
    text: str
    line: int


@dataclass
class ParsedScript:
    turns: list[Turn] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def speakers(self) -> list[str]:
        """Speaker ids in order of first appearance."""
        return list(dict.fromkeys(turn.speaker for turn in self.turns))

    @property
    def speaker_names(self) -> dict[str, str]:
        """Each speaker id with the name first written for it."""
        names: dict[str, str] = {}
        for turn in self.turns:
            names.setdefault(turn.speaker, turn.speaker_name)
        return names

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]
