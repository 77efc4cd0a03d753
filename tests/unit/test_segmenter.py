"""Segmentation follows MoFA's algorithm, with the length limit chosen once per script."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from core.script import ScriptLimits, SegmenterRules, parse_script, segment_script, validate_script
from core.script.segmenter import max_chunk_chars, split_text

SCRIPTS = Path(__file__).resolve().parents[1] / "fixtures" / "scripts"
MARKS = "。！？.!?，,、；;：:"


def reference_split(text: str, limit: int) -> list[str]:
    """MoFA's split written out step by step from the spec, as an oracle."""
    out, rest = [], text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        positions = [i for i, c in enumerate(window) if c in MARKS]
        if positions:
            cut = positions[-1] + 1
        else:
            spaces = [i for i, c in enumerate(window) if c.isspace()]
            cut = spaces[-1] + 1 if spaces else limit
        left, rest = rest[:cut].strip(), rest[cut:].strip()
        if left:
            out.append(left)
    return [*out, rest] if rest else out


def test_the_worked_example_with_a_comma_at_29() -> None:
    text = "甲" * 28 + "，" + "乙" * 22
    assert len(text) == 51
    assert [len(p) for p in split_text(text, 45)] == [29, 22]


def test_the_worked_example_without_marks() -> None:
    assert [len(p) for p in split_text("字" * 100, 45)] == [45, 45, 10]


def test_without_marks_it_cuts_after_the_last_space() -> None:
    assert split_text("aaaa bbbb cccc", 11) == ["aaaa bbbb", "cccc"]


def test_the_mark_stays_with_the_left_piece_and_pieces_are_stripped() -> None:
    assert split_text("one, two three", 6) == ["one,", "two", "three"]


def test_the_limit_is_45_for_chinese_and_150_otherwise() -> None:
    rules = SegmenterRules()
    assert max_chunk_chars(parse_script("【大牛】大家好，欢迎收听 OK").turns, rules) == 45
    assert max_chunk_chars(parse_script("**A:** Hello 你好").turns, rules) == 150
    custom = SegmenterRules(max_segment_seconds=6, latin_chars_per_second=20)
    assert max_chunk_chars(parse_script("**A:** Hello").turns, custom) == 120


@pytest.mark.parametrize("name", ["mofa-style-zh.md", "trio-zh.md", "two-hosts-en.md"])
def test_sample_chunks_equal_the_reference_algorithm(name: str) -> None:
    turns = parse_script((SCRIPTS / name).read_text()).turns
    limit = max_chunk_chars(turns, SegmenterRules())
    chunks = segment_script(turns, SegmenterRules())
    expected = [(t.index, piece) for t in turns for piece in reference_split(t.text, limit)]
    assert [(c.turn, c.text) for c in chunks] == expected
    assert all(len(c.text) <= limit for c in chunks)
    assert [c.speaker for c in chunks] == [turns[c.turn].speaker for c in chunks]


def test_a_long_english_turn_is_split_at_sentence_ends() -> None:
    sentence = "This sentence has exactly sixty characters in it, I promise."
    turns = parse_script(f"**A:** {sentence} {sentence} {sentence}").turns
    chunks = segment_script(turns, SegmenterRules())
    assert [c.text for c in chunks] == [f"{sentence} {sentence}", sentence]


def test_estimates_count_chunk_code_points_and_expected_silences() -> None:
    content = "**A:** " + "a" * 150 + "\n**B:** " + "b" * 51 + "\n**B:** bb\n"
    report = validate_script(content, SegmenterRules(), ScriptLimits())
    assert report.estimated_chars == 203
    assert report.estimated_credits == math.ceil(203 / 100) == 3
    # 203 chars at 15/s, one speaker change (mean 0.75 s) and one same-speaker gap (0.3 s).
    assert report.estimated_duration == pytest.approx(203 / 15 + 0.75 + 0.3, abs=0.01)
