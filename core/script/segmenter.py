"""MoFA's segmentation, generalised: turns cut into chunks of at most L code points."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from core.script.model import Chunk, Turn

SPLIT_MARKS = frozenset("。！？.!?，,、；;：:")


@dataclass(frozen=True)
class SegmenterRules:
    """``[segmenter]`` settings; MoFA's defaults give L = 45 for Chinese, 150 otherwise."""

    max_segment_seconds: float = 10
    cjk_chars_per_second: float = 4.5
    latin_chars_per_second: float = 15


def is_cjk_ideograph(char: str) -> bool:
    return unicodedata.name(char, "").startswith(("CJK UNIFIED", "CJK COMPATIBILITY IDEOGRAPH"))


def is_mostly_cjk(turns: list[Turn]) -> bool:
    """Whether CJK ideographs make up at least half of the non-space spoken characters."""
    chars = [c for turn in turns for c in turn.text if not c.isspace()]
    return bool(chars) and 2 * sum(map(is_cjk_ideograph, chars)) >= len(chars)


def chars_per_second(turns: list[Turn], rules: SegmenterRules) -> float:
    """The speaking rate the script is estimated and segmented with."""
    if is_mostly_cjk(turns):
        return rules.cjk_chars_per_second
    return rules.latin_chars_per_second


def max_chunk_chars(turns: list[Turn], rules: SegmenterRules) -> int:
    """L, chosen once per script."""
    return max(1, int(rules.max_segment_seconds * chars_per_second(turns, rules)))


def split_text(text: str, limit: int) -> list[str]:
    """Cut after the last split mark in each window of ``limit``, else the last space, else hard."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = next((i + 1 for i in range(limit - 1, -1, -1) if window[i] in SPLIT_MARKS), 0)
        if not cut:
            cut = next((i + 1 for i in range(limit - 1, -1, -1) if window[i].isspace()), limit)
        if piece := rest[:cut].strip():
            pieces.append(piece)
        rest = rest[cut:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def segment_script(turns: list[Turn], rules: SegmenterRules) -> list[Chunk]:
    """Every turn's chunks, in script order."""
    limit = max_chunk_chars(turns, rules)
    return [
        Chunk(turn.index, turn.speaker, piece, turn.line)
        for turn in turns
        for piece in split_text(turn.text, limit)
    ]
