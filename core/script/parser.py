"""Parses speaker-tagged Markdown (MoFA's 【name】 and **Name:**) into turns, with problems."""

from __future__ import annotations

import re
import unicodedata

from core.script.model import ParsedScript, Problem, Severity, Turn

# MoFA's podcast flow names its hosts in Chinese; their voice_config keys are these ids.
SPEAKER_ALIASES = {"大牛": "daniu", "一帆": "yifan", "博宇": "boyu", "Boyu": "boyu", "boyu": "boyu"}

_BRACKET_TAG = re.compile(r"^[\s>*\-]*【([^】]*)】\**[ \t]*(.*)$")
_BOLD_TAG = re.compile(r"^[\s>\-]*\*\*([^*\n]{1,60}?)\s*(?:[:：]\s*\*\*|\*\*\s*[:：])\s*(.*)$")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s*(.*?)\s*#*\s*$")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_BULLET = re.compile(r"^\s*(?:>\s*)*(?:[-*+]\s+|\d+[.)]\s+)?")
_IMAGE_OR_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_STRONG = re.compile(r"(\*\*|__)(.+?)\1")
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])")


def speaker_id(name: str) -> str:
    """The voice_config key for a tag's name: MoFA's aliases, else the trimmed name."""
    name = name.strip()
    return SPEAKER_ALIASES.get(name, name)


def spoken_text(markdown: str) -> str:
    """The words of a Markdown line: bullets, emphasis, code marks and link syntax removed."""
    text = _BULLET.sub("", markdown, count=1)
    text = _IMAGE_OR_LINK.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = text.replace("`", "").replace("**", "")
    return " ".join(text.split())


def encoding_problem(line: str) -> str | None:
    """Why a line looks like broken encoding, or None."""
    if "\ufffd" in line:
        return "contains U+FFFD (a replacement character): the file's encoding is broken"
    for char in line:
        if char != "\t" and unicodedata.category(char) == "Cc":
            return f"contains the control character U+{ord(char):04X}: is this a text file?"
    return None


def parse_script(content: str) -> ParsedScript:
    """Split ``content`` into turns; problems are reported, never raised."""
    parsed = ParsedScript()
    speaker: tuple[str, str, int] | None = None  # (id, name, line) of the open turn
    parts: list[str] = []
    chapter: str | None = None
    pending_chapter: str | None = None

    def close_turn() -> None:
        if speaker is None:
            return
        text = " ".join(p for p in parts if p)
        if not text:
            parsed.problems.append(Problem(speaker[2], Severity.ERROR,
                                           f"the turn of {speaker[1]} has nothing to say"))
            return
        parsed.turns.append(Turn(len(parsed.turns), speaker[0], speaker[1], text, speaker[2],
                                 chapter))

    for number, line in enumerate(content.replace("\r\n", "\n").split("\n"), start=1):
        if (problem := encoding_problem(line.rstrip("\r"))) is not None:
            parsed.problems.append(Problem(number, Severity.ERROR, problem))
            continue
        if not line.strip() or _RULE.match(line):
            continue
        if heading := _HEADING.match(line):
            pending_chapter = spoken_text(heading.group(2)) or pending_chapter
            continue
        tag = _BRACKET_TAG.match(line) or _BOLD_TAG.match(line)
        if tag and not tag.group(1).strip():
            parsed.problems.append(Problem(number, Severity.ERROR, "speaker tag without a name"))
        elif tag:
            close_turn()
            name = tag.group(1).strip()
            speaker, parts = (speaker_id(name), name, number), [spoken_text(tag.group(2))]
            chapter, pending_chapter = pending_chapter, None
        elif speaker is None:
            parsed.problems.append(Problem(number, Severity.WARNING,
                                           "text before the first speaker tag is not spoken"))
        else:
            parts.append(spoken_text(line))
    close_turn()
    return parsed
