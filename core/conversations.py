"""AI script writing: conversations, the context sent to the model, and the draft's quality."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.script import ScriptLimits, SegmenterRules, validate_script
from core.script.parser import speaker_id
from core.script.segmenter import is_cjk_ideograph
from core.states import ConversationStatus, ConversationStyle, MessageRole
from ports.llm import ChatMessage

MAX_CONTEXT_MESSAGES = 20
MAX_CONTEXT_TOKENS = 8000
LENGTH_TOLERANCE = 0.25
MAX_SPEAKER_SHARE = 0.70
_FENCE = re.compile(r"```(?:markdown|md)?\s*\n(.*?)```", re.DOTALL)


@dataclass(frozen=True)
class ConversationRecord:
    id: str
    user_id: str
    script_id: str | None
    title: str
    topic: str
    style: ConversationStyle
    target_duration: int
    speakers: list[str]
    language: str
    status: ConversationStatus
    message_count: int
    total_tokens: int
    total_cost: float
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class MessageRecord:
    id: str
    role: MessageRole
    content: str
    created_at: datetime
    metadata: dict[str, Any] = field(default_factory=dict)


def guess_language(text: str) -> str:
    """``zh`` when Chinese characters make up a fifth of the letters, else ``en``."""
    letters = [c for c in text if c.isalpha()]
    cjk = sum(map(is_cjk_ideograph, letters))
    return "zh" if letters and cjk * 5 >= len(letters) else "en"


def character_budget(target_seconds: int, language: str, rules: SegmenterRules) -> int:
    """How many spoken characters fill the target duration."""
    rate = rules.cjk_chars_per_second if language == "zh" else rules.latin_chars_per_second
    return round(target_seconds * rate)


def context_window(system: ChatMessage, history: Sequence[ChatMessage],
                   count_tokens: Callable[[Sequence[ChatMessage]], int]) -> list[ChatMessage]:
    """The system prompt plus the newest messages: at most 20, and at most 8,000 tokens in all
    (the oldest dropped first; the newest message is always kept)."""
    recent = list(history[-MAX_CONTEXT_MESSAGES:])
    while len(recent) > 1 and count_tokens([system, *recent]) > MAX_CONTEXT_TOKENS:
        recent.pop(0)
    return [system, *recent]


def extract_draft(reply: str) -> str:
    """The script in a reply: the fenced Markdown block if there is one, else the reply."""
    fenced = _FENCE.search(reply)
    return (fenced.group(1) if fenced else reply).strip() + "\n"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    message: str


@dataclass(frozen=True)
class Quality:
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failures(self) -> list[str]:
        return [check.message for check in self.checks if not check.ok]


def spoken_length(text: str, language: str) -> int:
    """Characters for Chinese, words otherwise: how much a speaker says."""
    if language == "zh":
        return sum(1 for c in text if not c.isspace())
    return len(text.split())


def check_draft(draft: str, *, speakers: Sequence[str], target_chars: int, language: str,
                rules: SegmenterRules, limits: ScriptLimits) -> Quality:
    """Parses; at least two speakers; every listed speaker talks; nobody over 70%; length
    within 25% of the target."""
    report = validate_script(draft, rules, limits)
    wanted = [speaker_id(name) for name in speakers]
    talking = report.speakers
    share: dict[str, int] = {}
    for turn in report.turns:
        share[turn.speaker] = share.get(turn.speaker, 0) + spoken_length(turn.text, language)
    total = sum(share.values())
    top_speaker, top = max(share.items(), key=lambda item: item[1], default=("", 0))
    silent = [name for name, key in zip(speakers, wanted, strict=True) if key not in talking]
    low, high = target_chars * (1 - LENGTH_TOLERANCE), target_chars * (1 + LENGTH_TOLERANCE)
    errors = "; ".join(f"line {p.line}: {p.message}" for p in report.errors)
    return Quality([
        Check("parses", report.ok, "the script parses" if report.ok else errors),
        Check("speakers", len(talking) >= 2,
              f"{len(talking)} speaker(s) talk; a conversation needs at least 2"),
        Check("everyone_speaks", not silent,
              "every speaker talks" if not silent else f"{', '.join(silent)} never speak(s)"),
        Check("balance", total > 0 and top <= MAX_SPEAKER_SHARE * total,
              f"{top_speaker or 'nobody'} has {round(100 * top / total) if total else 0}% of "
              "the words; at most 70% for one speaker"),
        Check("length", low <= report.estimated_chars <= high,
              f"{report.estimated_chars} characters for a target of about {target_chars} "
              "(within 25%)"),
    ])
