"""MofaEngine: each task rendered by a dora dataflow, finished like the direct engine's."""

from __future__ import annotations

import asyncio
import hashlib
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from adapters.audio.master import (
    AudioOptions,
    finish_master,
    removed_on_failure,
    write_transcripts,
)
from adapters.voices.library import VoiceLibrary
from core.script import ScriptLimits, SegmenterRules, renderable_script
from core.voices import as_json, normalise_voice_config
from podforge_mofa_engine.dataflow import DataflowSpec, SpeakerNode, render_dataflow
from podforge_mofa_engine.protocol import DATAFLOW_FILE, SCRIPT_FILE, SEGMENTS_DIR
from podforge_mofa_engine.run import DataflowRun
from podforge_mofa_engine.services import DoraServices
from podforge_mofa_engine.settings import MofaSettings
from ports.tts_engine import AudioResult, ProgressCallback, TTSEngine

SYNTHESIS_SHARE = 90  # percent of progress for the dataflow; encoding takes the rest
FLOW_DIR = "mofa"  # inside the task's work dir: script, YAML, event log, node logs
_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,48}")


def node_suffix(task_id: str) -> str:
    """The task id when it is safe in a node id, else a digest of it."""
    if _SAFE_ID.fullmatch(task_id):
        return task_id
    return hashlib.sha256(task_id.encode()).hexdigest()[:16]


class MofaEngine(TTSEngine):
    """Renders a task as MoFA's podcast flow on this worker's own dora daemon."""

    def __init__(self, *, voices: VoiceLibrary, rules: SegmenterRules, limits: ScriptLimits,
                 audio: AudioOptions, settings: MofaSettings, services: DoraServices,
                 python: str = sys.executable) -> None:
        self.voices = voices
        self.rules = rules
        self.limits = limits
        self.audio = audio
        self.settings = settings
        self.services = services
        self.python = python

    def validate_voice_config(
        self, voice_config: Mapping[str, Any], speakers: Sequence[str]
    ) -> dict[str, Any]:
        return as_json(normalise_voice_config(voice_config, speakers, self.voices.by_id()))

    async def generate_audio(self, script: str, voice_config: Mapping[str, Any],
                             output_dir: Path, task_id: str, progress: ProgressCallback,
                             *, cache_scope: str | None = None) -> AudioResult:
        report = renderable_script(script, self.rules, self.limits)
        # Voice ids are checked against the library before anything is rendered from them.
        voices = normalise_voice_config(voice_config, report.speakers, self.voices.by_id())
        flow_dir = output_dir / FLOW_DIR
        spec = DataflowSpec(
            task_id=task_id, node_suffix=node_suffix(task_id), python=self.python,
            work_dir=str(flow_dir.resolve()),
            speakers=[SpeakerNode(speaker, voices[speaker].voice_id, voices[speaker].speed,
                                  voices[speaker].pitch, voices[speaker].vol)
                      for speaker in report.speakers],
            queue_size=self.settings.queue_size, cache_scope=cache_scope or "")
        (flow_dir / SEGMENTS_DIR).mkdir(parents=True, exist_ok=True)
        (flow_dir / SCRIPT_FILE).write_text(script, encoding="utf-8")
        (flow_dir / DATAFLOW_FILE).write_text(render_dataflow(spec), encoding="utf-8")
        wav, mp3 = output_dir / "podcast.wav", output_dir / "podcast.mp3"
        progress(0)
        await asyncio.to_thread(self.services.ensure_running)
        run = DataflowRun(spec=spec, flow_dir=flow_dir, wav=wav, services=self.services,
                          settings=self.settings, python=self.python)
        with removed_on_failure(wav, mp3):
            try:
                segments = await run.follow(
                    lambda done, total: progress(SYNTHESIS_SHARE * done // total))
            finally:
                await run.clean_up()
            await asyncio.to_thread(finish_master, wav, mp3, self.audio)
        timings = [segment.timing for segment in segments]
        transcripts, chapters = write_transcripts(output_dir, report.turns, timings)
        progress(100)
        return AudioResult(
            wav_path=wav, mp3_path=mp3, duration=timings[-1].end if timings else 0.0,
            sample_rate=self.audio.sample_rate,
            chars_processed=sum(segment.chars for segment in segments if segment.paid),
            segments=timings, transcript_paths=transcripts, chapters_path=chapters,
        )

    def close(self) -> None:
        """Stop this worker's dora services (the container calls it at shutdown)."""
        self.services.close()
