"""The per-task dataflow YAML: rendered from the Jinja2 template, parsed back and checked."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import jinja2
import yaml

TEMPLATE = "dataflow-minimax.template.yml"
TTS_NODE_MODULE = "podforge_mofa_engine.nodes.tts"
# A UTF-16 surrogate pair as json.dumps escapes it, or an escaped backslash (matched first, so
# that the "\u" after one is never taken for an escape).
_PAIR_OR_BACKSLASH = re.compile(r"\\\\|\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})")


class DataflowError(ValueError):
    """The rendered dataflow is not the structure the template must produce."""


@dataclass(frozen=True)
class SpeakerNode:
    """One TTS node: the speaker it voices and the voice settings it renders with."""

    speaker_id: str
    voice_id: str
    speed: float
    pitch: int
    vol: float


@dataclass(frozen=True)
class DataflowSpec:
    """Everything one task's dataflow is rendered from."""

    task_id: str
    node_suffix: str  # makes the dynamic node ids unique on the daemon
    speakers: Sequence[SpeakerNode]
    python: str
    work_dir: str  # the task's dataflow folder: segment audio is handed over there
    queue_size: int
    cache_scope: str = ""

    @property
    def segmenter_id(self) -> str:
        return f"script-segmenter-{self.node_suffix}"

    @property
    def output_id(self) -> str:
        return f"voice-output-{self.node_suffix}"


def yaml_safe_json(value: Any, **kwargs: Any) -> str:
    """JSON that YAML reads back as the same value: ASCII only, and characters beyond the
    Basic Multilingual Plane as one ``\\U`` escape, since YAML parsers do not join surrogates."""

    def join(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return match.group(0)
        high, low = int(match.group(1), 16) - 0xD800, int(match.group(2), 16) - 0xDC00
        code = 0x10000 + (high << 10) + low
        return f"\\U{code:08x}"

    return _PAIR_OR_BACKSLASH.sub(join, json.dumps(value, ensure_ascii=True, **kwargs))


def _environment() -> jinja2.Environment:
    # HTML autoescaping means nothing for YAML; safety comes from tojson on every value.
    environment = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined,
                                     keep_trailing_newline=True)
    environment.policies["json.dumps_function"] = yaml_safe_json
    environment.policies["json.dumps_kwargs"] = {}
    return environment


def render_dataflow(spec: DataflowSpec, template: str | None = None) -> str:
    """The task's dataflow YAML, checked against :func:`expected_dataflow`; ``template`` is
    the template's text (the bundled one when None).

    :raises DataflowError: the rendered YAML parses to anything but the expected structure.
    """
    if template is None:
        template = resources.files(__package__).joinpath(TEMPLATE).read_text(encoding="utf-8")
    rendered = _environment().from_string(template).render(
        task_id=spec.task_id, work_dir=spec.work_dir, cache_scope=spec.cache_scope,
        speakers=spec.speakers,
        segmenter_id=spec.segmenter_id, output_id=spec.output_id, python=spec.python,
        node_args=f"-m {TTS_NODE_MODULE}", queue_size=spec.queue_size)
    try:
        parsed = yaml.safe_load(rendered)
    except yaml.YAMLError as error:
        raise DataflowError(f"the rendered dataflow is not valid YAML: {error}") from None
    expected = expected_dataflow(spec)
    if parsed != expected:
        raise DataflowError("the rendered dataflow's structure differs from the template's "
                            f"(first difference at {_first_difference(parsed, expected)})")
    return rendered


def expected_dataflow(spec: DataflowSpec) -> dict[str, Any]:
    """The structure, as data, that the template must render for ``spec``."""

    def wire(source: str) -> dict[str, Any]:
        return {"source": source, "queue_size": spec.queue_size}

    count = len(spec.speakers)
    segmenter = {
        "id": spec.segmenter_id, "path": "dynamic",
        "inputs": {"segment_complete": wire(f"{spec.output_id}/segment_complete")},
        "outputs": [f"text-{index}" for index in range(count)],
    }
    tts = [{
        "id": f"tts-{index}", "path": spec.python, "args": f"-m {TTS_NODE_MODULE}",
        "env": {
            "PODFORGE_TASK_ID": spec.task_id, "PODFORGE_WORK_DIR": spec.work_dir,
            "PODFORGE_CACHE_SCOPE": spec.cache_scope,
            "PODFORGE_SPEAKER": speaker.speaker_id, "MINIMAX_VOICE_ID": speaker.voice_id,
            "MINIMAX_SPEED": speaker.speed, "MINIMAX_PITCH": speaker.pitch,
            "MINIMAX_VOL": speaker.vol, "RUST_BACKTRACE": "0",
        },
        "inputs": {"text": wire(f"{spec.segmenter_id}/text-{index}")},
        "outputs": ["audio", "error"],
    } for index, speaker in enumerate(spec.speakers)]
    output_inputs: dict[str, Any] = {}
    for index in range(count):
        output_inputs[f"audio-{index}"] = wire(f"tts-{index}/audio")
        output_inputs[f"error-{index}"] = wire(f"tts-{index}/error")
    output = {"id": spec.output_id, "path": "dynamic", "inputs": output_inputs,
              "outputs": ["segment_complete"]}
    return {"nodes": [segmenter, *tts, output]}


def _first_difference(actual: Any, expected: Any, path: str = "$") -> str:
    """A JSON-path-like pointer to where two parsed documents first disagree."""
    if isinstance(actual, dict) and isinstance(expected, dict):
        for key in sorted(set(actual) | set(expected), key=str):
            if actual.get(key) != expected.get(key):
                return _first_difference(actual.get(key), expected.get(key), f"{path}.{key}")
    if isinstance(actual, list) and isinstance(expected, list):
        if len(actual) != len(expected):
            return f"{path} (length {len(actual)}, expected {len(expected)})"
        for index, (left, right) in enumerate(zip(actual, expected, strict=True)):
            if left != right:
                return _first_difference(left, right, f"{path}[{index}]")
    return path
