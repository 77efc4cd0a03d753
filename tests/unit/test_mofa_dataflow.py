"""The MoFA engine's per-task dataflow YAML: user content can never change its structure."""

from __future__ import annotations

import asyncio
from importlib import resources
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.audio.master import AudioOptions
from adapters.resources import project_root
from adapters.voices.library import VoiceLibrary
from core.script import ScriptLimits, SegmenterRules
from podforge_mofa_engine.dataflow import (
    TEMPLATE,
    DataflowError,
    DataflowSpec,
    SpeakerNode,
    render_dataflow,
    yaml_safe_json,
)
from podforge_mofa_engine.engine import MofaEngine, node_suffix
from podforge_mofa_engine.services import DoraServices
from podforge_mofa_engine.settings import MofaSettings
from ports.tts_engine import VoiceConfigError

HOSTILE = [
    'Bob" \n  - id: injected\n    path: /bin/sh',
    "host: {{ 7 * 7 }} {% raw %}",
    "a: b\nnodes: []",
    "'single' \"double\" `back` \\ backslash \\u0041",
    "emoji 😀, line separator \u2028, tab \t, nul \x00",
    "- list item",
    "&anchor *alias !!python/object:os.system",
]


def spec_for(names: list[str], voice_id: str = "en-us-sarah", task_id: str = "task-1",
             scope: str = "") -> DataflowSpec:
    speakers = [SpeakerNode(name, voice_id, 1.25, -3, 0.5) for name in names]
    return DataflowSpec(task_id=task_id, node_suffix=node_suffix(task_id), speakers=speakers,
                        python="/usr/bin/python3", work_dir=f"/var/work/{task_id}/mofa",
                        queue_size=4096, cache_scope=scope)


def nodes(rendered: str) -> dict[str, dict[str, object]]:
    return {node["id"]: node for node in yaml.safe_load(rendered)["nodes"]}


def test_the_flow_has_a_segmenter_one_tts_node_per_speaker_and_a_voice_output() -> None:
    flow = nodes(render_dataflow(spec_for(["Alice", "Bob", "Carol"])))
    assert list(flow) == ["script-segmenter-task-1", "tts-0", "tts-1", "tts-2",
                          "voice-output-task-1"]
    assert flow["tts-1"]["env"]["PODFORGE_SPEAKER"] == "Bob"  # type: ignore[index]
    assert flow["tts-1"]["env"]["MINIMAX_PITCH"] == -3  # type: ignore[index]
    for node in flow.values():  # dora's default queue of 10 drops messages silently
        for wire in node.get("inputs", {}).values():  # type: ignore[attr-defined]
            assert wire["queue_size"] == 4096


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_hostile_speaker_name_stays_one_value(hostile: str) -> None:
    rendered = render_dataflow(spec_for(["Alice", hostile], scope=hostile))
    flow = nodes(rendered)
    assert list(flow) == ["script-segmenter-task-1", "tts-0", "tts-1", "voice-output-task-1"]
    assert flow["tts-1"]["env"]["PODFORGE_SPEAKER"] == hostile  # type: ignore[index]
    assert flow["tts-0"]["env"]["PODFORGE_CACHE_SCOPE"] == hostile  # type: ignore[index]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_hostile_voice_value_or_task_id_stays_one_value(hostile: str) -> None:
    flow = nodes(render_dataflow(spec_for(["Alice"], voice_id=hostile, task_id=hostile)))
    assert flow["tts-0"]["env"]["MINIMAX_VOICE_ID"] == hostile  # type: ignore[index]
    assert flow["tts-0"]["env"]["PODFORGE_TASK_ID"] == hostile  # type: ignore[index]
    assert flow["tts-0"]["env"]["PODFORGE_WORK_DIR"] == f"/var/work/{hostile}/mofa"  # type: ignore[index]
    suffix = node_suffix(hostile)
    assert suffix.isalnum() and f"voice-output-{suffix}" in flow


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_renders_as_yaml_that_reads_back_the_same(text: str) -> None:
    assert yaml.safe_load(yaml_safe_json(text)) == text
    flow = nodes(render_dataflow(spec_for([text, "other"])))
    assert flow["tts-0"]["env"]["PODFORGE_SPEAKER"] == text  # type: ignore[index]


def test_a_template_that_forgets_tojson_is_caught_before_dora_sees_it() -> None:
    bundled = resources.files("podforge_mofa_engine").joinpath(TEMPLATE).read_text()
    careless = bundled.replace("{{ speaker.speaker_id | tojson }}", '"{{ speaker.speaker_id }}"')
    assert careless != bundled
    render_dataflow(spec_for(["Alice", "Bob"]), template=careless)  # harmless names pass
    with pytest.raises(DataflowError, match="structure"):
        render_dataflow(spec_for(["Alice", 'Bob"\n      EVIL: "1']), template=careless)


def test_unknown_voices_are_refused_before_any_file_or_process(tmp_path: Path) -> None:
    services = DoraServices(dora=tmp_path / "no-dora", home=tmp_path / "home",
                            coordinator_port=1, daemon_port=2, env={}, start_seconds=1)
    engine = MofaEngine(voices=VoiceLibrary(project_root() / "voices.yaml"),
                        rules=SegmenterRules(), limits=ScriptLimits(), audio=AudioOptions(),
                        settings=MofaSettings(), services=services)
    script = "**Alice:** Hello.\n**Bob:** Hi.\n"
    with pytest.raises(VoiceConfigError) as refused:
        asyncio.run(engine.generate_audio(
            script, {"Alice": "en-us-sarah", "Bob": 'x"\n- id: evil'}, tmp_path / "out",
            "task", lambda percent: None))
    assert refused.value.speaker == "Bob"
    assert not (tmp_path / "out").exists() and not (tmp_path / "home").exists()


class RecordingNode:
    """Stands in for dora's Node: records what the segmenter sends."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, int]] = []

    def send_output(self, output: str, value: object, metadata: dict[str, object]) -> None:
        self.sent.append((output, int(metadata["segment"])))  # type: ignore[call-overload]


def test_the_segmenter_keeps_a_window_and_sends_a_lost_segment_again() -> None:
    from core.script import Chunk
    from podforge_mofa_engine.nodes.script_segmenter import MAX_SENDS, Feeder

    chunks = [Chunk(turn=n, speaker="AB"[n % 2], text=f"line {n}", line=n + 1) for n in range(4)]
    node = RecordingNode()
    feeder = Feeder(node, chunks, {"A": "text-0", "B": "text-1"}, in_flight=2)
    feeder.top_up()
    assert node.sent == [("text-0", 0), ("text-1", 1)]  # the window, each to its speaker
    feeder.acknowledge(0)
    feeder.acknowledge(0)  # a repeated acknowledgement changes nothing
    assert node.sent[-1] == ("text-0", 2) and len(node.sent) == 3
    feeder.resend_overdue(after_seconds=3600)
    assert len(node.sent) == 3  # not overdue yet
    for _ in range(MAX_SENDS + 2):
        feeder.resend_overdue(after_seconds=0)
    assert node.sent.count(("text-1", 1)) == MAX_SENDS  # the oldest, a bounded number of times
    for segment in (1, 2, 3):
        feeder.acknowledge(segment)
    assert feeder.done and ("text-1", 3) in node.sent
