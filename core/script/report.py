"""The validation report: speakers, chunks, estimates and every problem with its line."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.script.model import Chunk, ParsedScript, Problem, Severity, Turn
from core.script.parser import parse_script
from core.script.segmenter import SegmenterRules, chars_per_second, is_mostly_cjk, segment_script
from ports.tts_engine import ScriptRejected

MAX_SPEAKERS = 8


@dataclass(frozen=True)
class ScriptLimits:
    max_bytes: int = 1_000_000
    max_speakers: int = MAX_SPEAKERS
    chars_per_credit: int = 100
    silence_min: float = 0.3
    silence_max: float = 1.2


@dataclass
class ValidationReport:
    speakers: list[str]
    speaker_names: dict[str, str]
    turns: list[Turn]
    segments: list[Chunk]
    estimated_chars: int
    estimated_duration: float
    estimated_credits: int
    problems: list[Problem] = field(default_factory=list)
    too_large: bool = False
    language: str = "en"  # "zh" when CJK ideographs make up half the spoken text

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors


def expected_silence(turns: list[Turn], limits: ScriptLimits) -> float:
    """Silence the assembler will add: a mean random gap between speakers, the minimum else."""
    between_speakers = (limits.silence_min + limits.silence_max) / 2
    return sum(
        between_speakers if current.speaker != previous.speaker else limits.silence_min
        for previous, current in itertools.pairwise(turns)
    )


def structural_problems(parsed: ParsedScript, limits: ScriptLimits) -> list[Problem]:
    """Problems of the script as a whole: no tag at all, too many speakers."""
    problems = []
    if not parsed.turns and not parsed.errors:
        problems.append(Problem(1, Severity.ERROR, "no speaker tag found: start each turn with "
                                "【Name】 or **Name:**"))
    if len(parsed.speakers) > limits.max_speakers:
        extra = parsed.speakers[limits.max_speakers]
        line = next(t.line for t in parsed.turns if t.speaker == extra)
        problems.append(Problem(line, Severity.ERROR, f"{len(parsed.speakers)} speakers; at most "
                                f"{limits.max_speakers} are allowed ({extra} is one too many)"))
    return problems


def validate_script(
    content: str, rules: SegmenterRules, limits: ScriptLimits
) -> ValidationReport:
    """Parse, segment and estimate ``content``; problems are collected, never raised."""
    size = len(content.encode("utf-8", errors="surrogatepass"))
    if size > limits.max_bytes:
        problem = Problem(1, Severity.ERROR,
                          f"the script is {size} bytes; at most {limits.max_bytes} are allowed")
        return ValidationReport([], {}, [], [], 0, 0.0, 0, [problem], too_large=True)
    parsed = parse_script(content)
    problems = sorted(parsed.problems + structural_problems(parsed, limits),
                      key=lambda p: (p.line, p.severity))
    chunks = segment_script(parsed.turns, rules)
    chars = sum(len(chunk.text) for chunk in chunks)
    duration = 0.0
    if chunks:
        duration = chars / chars_per_second(parsed.turns, rules)
        duration += expected_silence(parsed.turns, limits)
    return ValidationReport(
        speakers=parsed.speakers,
        speaker_names=parsed.speaker_names,
        turns=parsed.turns,
        segments=chunks,
        estimated_chars=chars,
        estimated_duration=round(duration, 2),
        estimated_credits=math.ceil(chars / limits.chars_per_credit),
        problems=problems,
        language="zh" if is_mostly_cjk(parsed.turns) else "en",
    )


def rules_from_config(config: Mapping[str, Any]) -> tuple[SegmenterRules, ScriptLimits]:
    """Segmentation rules and script limits from the configuration as plain data."""
    segmenter, audio = config["segmenter"], config["audio"]
    rules = SegmenterRules(
        max_segment_seconds=segmenter["max_segment_seconds"],
        cjk_chars_per_second=segmenter["cjk_chars_per_second"],
        latin_chars_per_second=segmenter["latin_chars_per_second"],
    )
    limits = ScriptLimits(
        max_bytes=config["scripts"]["max_bytes"],
        chars_per_credit=config["billing"]["audio_chars_per_credit"],
        silence_min=audio["silence_min"],
        silence_max=audio["silence_max"],
    )
    return rules, limits


def renderable_script(content: str, rules: SegmenterRules,
                      limits: ScriptLimits) -> ValidationReport:
    """The report of a script an engine is about to render.

    :raises ScriptRejected: the script has errors; the message names the first one's line.
    """
    report = validate_script(content, rules, limits)
    if report.errors:
        first = report.errors[0]
        raise ScriptRejected(f"line {first.line}: {first.message}")
    return report
