"""Registers the direct engine as ``[engine] type = "direct"``."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.audio.master import AudioOptions
from podforge_direct_engine.engine import DirectEngine
from ports import AdapterContext, AdapterSpec, NoSettings, hookimpl


def create_direct_engine(settings: NoSettings, context: AdapterContext) -> DirectEngine:
    """Build the engine from the shared ``[segmenter]``, ``[scripts]`` and ``[audio]`` sections."""
    from core.script import rules_from_config

    rules, limits = rules_from_config(context.config)
    return DirectEngine(
        voices=context.resources["voices"],
        synthesizer_for=context.resources["synthesizers"],
        rules=rules,
        limits=limits,
        audio=AudioOptions.from_config(context.config["audio"]),
        segment_cache=context.resources.get("segment_cache"),
        record=context.resources.get("record_tts"),
        record_stage=context.resources.get("record_stage"),
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
