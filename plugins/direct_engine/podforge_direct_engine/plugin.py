"""Registers the direct engine as ``[engine] type = "direct"``."""

from __future__ import annotations

from collections.abc import Sequence

from podforge_direct_engine.engine import AudioOptions, DirectEngine
from ports import AdapterContext, AdapterSpec, NoSettings, hookimpl


def create_direct_engine(settings: NoSettings, context: AdapterContext) -> DirectEngine:
    """Build the engine from the shared ``[segmenter]``, ``[scripts]`` and ``[audio]`` sections."""
    from core.script import ScriptLimits, SegmenterRules

    config = context.config
    audio = config["audio"]
    return DirectEngine(
        voices=context.resources["voices"],
        synthesizer_for=context.resources["synthesizers"],
        rules=SegmenterRules(**{k: config["segmenter"][k] for k in (
            "max_segment_seconds", "cjk_chars_per_second", "latin_chars_per_second")}),
        limits=ScriptLimits(max_bytes=config["scripts"]["max_bytes"],
                            chars_per_credit=config["billing"]["audio_chars_per_credit"],
                            silence_min=audio["silence_min"], silence_max=audio["silence_max"]),
        audio=AudioOptions(sample_rate=audio["sample_rate"], mp3_bitrate=audio["mp3_bitrate"],
                           silence_min=audio["silence_min"], silence_max=audio["silence_max"]),
    )


@hookimpl
def podforge_register_adapters() -> Sequence[AdapterSpec]:
    return [
        AdapterSpec(
            port="engine",
            name="direct",
            factory=create_direct_engine,
            description="in-process pipeline with concurrent synthesis",
        )
    ]
