"""Podcast scripts: parsing speaker-tagged Markdown, segmentation, validation and estimates."""

from core.script.model import Chunk, ParsedScript, Problem, Severity, Turn
from core.script.parser import parse_script
from core.script.report import (
    ScriptLimits,
    ValidationReport,
    renderable_script,
    rules_from_config,
    validate_script,
)
from core.script.segmenter import SegmenterRules, segment_script

__all__ = [
    "Chunk",
    "ParsedScript",
    "Problem",
    "ScriptLimits",
    "SegmenterRules",
    "Severity",
    "Turn",
    "ValidationReport",
    "parse_script",
    "renderable_script",
    "rules_from_config",
    "segment_script",
    "validate_script",
]
