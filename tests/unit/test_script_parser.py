"""Parsing speaker-tagged Markdown, as ../spec/script-format.md describes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.script import (
    ScriptLimits,
    SegmenterRules,
    Severity,
    ValidationReport,
    parse_script,
    validate_script,
)

SCRIPTS = Path(__file__).resolve().parents[1] / "fixtures" / "scripts"


def report_for(content: str, **limits: int) -> ValidationReport:
    return validate_script(content, SegmenterRules(), ScriptLimits(**limits))


def test_both_tag_forms_and_the_mofa_aliases() -> None:
    parsed = parse_script(
        "【大牛】大家好。\n**【一帆】** 你好。\n【博宇】我来了。\n**Alice:** Hi.\n**Bob**: Hey.\n"
        "**Carol：** 嗨。\n> - 【Boyu】又是我。\n"
    )
    assert [(t.speaker, t.speaker_name, t.text) for t in parsed.turns] == [
        ("daniu", "大牛", "大家好。"), ("yifan", "一帆", "你好。"), ("boyu", "博宇", "我来了。"),
        ("Alice", "Alice", "Hi."), ("Bob", "Bob", "Hey."), ("Carol", "Carol", "嗨。"),
        ("boyu", "Boyu", "又是我。"),
    ]
    assert parsed.speakers == ["daniu", "yifan", "boyu", "Alice", "Bob", "Carol"]
    assert parsed.problems == []


def test_continuation_lines_join_the_turn_and_markdown_is_removed() -> None:
    parsed = parse_script(
        "**Alice:** We *really* need `queues`,\n- see [the docs](https://x.org),\n"
        "- and __never__ _block_.\n\n---\n**Bob:** snake_case stays.\n"
    )
    assert [t.text for t in parsed.turns] == [
        "We really need queues, see the docs, and never block.", "snake_case stays.",
    ]
    assert [t.line for t in parsed.turns] == [1, 6]


def test_headings_are_not_spoken_and_become_chapters_of_the_next_turn() -> None:
    parsed = parse_script("# Show\n**A:** one\n## Part two\n**B:** two\n**A:** three\n")
    assert [(t.text, t.chapter) for t in parsed.turns] == [
        ("one", "Show"), ("two", "Part two"), ("three", None),
    ]


def test_text_before_the_first_tag_is_a_warning_with_its_line() -> None:
    parsed = parse_script("Intro words.\n\n**A:** hello\n")
    assert [(p.line, p.severity) for p in parsed.problems] == [(1, Severity.WARNING)]
    assert [t.text for t in parsed.turns] == ["hello"]


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ("**A:** hi\n**B:**\n**A:** there\n", 2, "nothing to say"),
        ("**A:** hi\n**B:** bro\ufffdken\n", 2, "U+FFFD"),
        ("**A:** hi\n\n**B:** nul\x00 here\n", 3, "U+0000"),
        ("**A:** hi\n【】 who?\n", 2, "without a name"),
    ],
)
def test_errors_name_their_line(content: str, line: int, words: str) -> None:
    errors = parse_script(content).errors
    assert [e.line for e in errors] == [line]
    assert words in errors[0].message


def test_tabs_and_windows_line_endings_are_fine() -> None:
    parsed = parse_script("**A:**\tone\r\n**B:** two\r\n")
    assert [t.text for t in parsed.turns] == ["one", "two"] and parsed.problems == []


def test_the_bad_samples_are_rejected_naming_their_line() -> None:
    empty = report_for((SCRIPTS / "bad" / "empty-turn.md").read_text())
    assert [(p.line, p.severity) for p in empty.errors] == [(2, Severity.ERROR)]
    untagged = report_for((SCRIPTS / "bad" / "no-speaker-tags.md").read_text())
    assert untagged.errors[0].message.startswith("no speaker tag")
    assert {p.line for p in untagged.problems if p.severity is Severity.WARNING} == {3, 4}


def test_more_than_eight_speakers_is_an_error_at_the_ninth() -> None:
    content = "".join(f"**S{i}:** line {i}\n" for i in range(1, 10))
    report = report_for(content)
    assert [(p.line, p.severity) for p in report.errors] == [(9, Severity.ERROR)]
    assert "S9" in report.errors[0].message


def test_a_script_over_max_bytes_is_too_large() -> None:
    report = report_for("**A:** " + "x" * 200, max_bytes=100)
    assert report.too_large and "at most 100" in report.errors[0].message


def test_emoji_curly_quotes_and_mixed_languages_are_fine() -> None:
    report = report_for("**Alice:** “Hello” 👋 你好!\n**Bob:** Ça va?\n")
    assert report.ok


def test_the_samples_parse_cleanly() -> None:
    for name, speakers in [("mofa-style-zh.md", ["daniu", "yifan"]),
                           ("trio-zh.md", ["daniu", "yifan", "boyu"]),
                           ("two-hosts-en.md", ["Alice", "Bob"])]:
        report = report_for((SCRIPTS / name).read_text())
        assert report.ok and report.speakers == speakers, name
