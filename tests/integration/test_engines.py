"""Both engines, direct and MoFA (a real dora dataflow), held to one contract and one sound."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import soundfile

from adapters.container import Container, create_container
from adapters.settings import load_settings
from ports.contracts import TTSEngineContract
from ports.tts_engine import AudioResult, TTSEngine
from tests.integration.test_direct_engine_espeak import SAMPLE_VOICES, SCRIPTS

SAME_DURATION_SECONDS = 0.050


@pytest.fixture(scope="module")
def mofa_container(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    """One MoFA engine (and so one dora coordinator and daemon) for the module's tests."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PODFORGE_CONFIG", str(Path(__file__).parents[1] / "fixtures" / "test.toml"))
        patch.setenv("PODFORGE_APP__DATA_DIR", str(tmp_path_factory.mktemp("mofa-data")))
        patch.setenv("PODFORGE_ENGINE__TYPE", "mofa")
        container = create_container(load_settings())
    yield container
    container.shutdown_resources()


@pytest.fixture(params=["direct", "mofa"])
def any_engine(request: pytest.FixtureRequest, container: Container) -> TTSEngine:
    chosen = container if request.param == "direct" else request.getfixturevalue("mofa_container")
    engine: TTSEngine = chosen.tts_engine()
    assert type(engine).__name__.lower().startswith(request.param)
    return engine


class TestBothEngines(TTSEngineContract):
    @pytest.fixture
    def engine(self, any_engine: TTSEngine) -> TTSEngine:
        return any_engine

    @pytest.fixture
    def script(self) -> str:
        return "**Alice:** Hello and welcome.\n**Bob:** Thanks, glad to be here.\n"

    @pytest.fixture
    def voice_config(self) -> Mapping[str, Any]:
        return {"Alice": "en-us-sarah", "Bob": "en-gb-oliver"}


def render(engine: TTSEngine, name: str, out: Path, task_id: str) -> AudioResult:
    return asyncio.run(engine.generate_audio((SCRIPTS / name).read_text(), SAMPLE_VOICES[name],
                                             out, task_id, lambda percent: None))


@pytest.mark.parametrize("name", sorted(SAMPLE_VOICES))
def test_the_samples_sound_the_same_through_a_dataflow_as_in_process(
    container: Container, mofa_container: Container, tmp_path: Path, name: str
) -> None:
    direct = render(container.tts_engine(), name, tmp_path / "direct", f"same-{name}")
    mofa = render(mofa_container.tts_engine(), name, tmp_path / "mofa", f"same-{name}")
    assert abs(mofa.duration - direct.duration) <= SAME_DURATION_SECONDS
    samples, rate = soundfile.read(mofa.wav_path, dtype="int16")
    assert abs(len(samples) / rate - mofa.duration) < 0.001
    assert len(mofa.segments) == len(direct.segments)
    for ours, theirs in zip(mofa.segments, direct.segments, strict=True):
        assert (ours.speaker, ours.turn) == (theirs.speaker, theirs.turn)
        assert abs(ours.end - theirs.end) <= SAME_DURATION_SECONDS
    assert mofa.chars_processed == direct.chars_processed
    assert mofa.mp3_path.is_file() and mofa.transcript_paths["srt"].read_text().strip()
    flow = tmp_path / "mofa" / "mofa"  # what the task ran, kept for temp_retention_hours
    assert (flow / "dataflow.yml").is_file() and (flow / "script.md").is_file()
    assert list(flow.glob("out/*/log_tts-0.jsonl"))
