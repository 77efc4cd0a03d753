"""The MoFA engine on a real dora daemon: MiniMax voices, failing and killed nodes, time-outs."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import soundfile

from adapters.container import Container, create_container
from adapters.settings import load_settings
from ports.tts_engine import AudioResult, TTSEngine
from tests.conftest import dora_processes, free_port
from tests.helpers import sign_up
from tests.integration.conftest import check_invariants, grant, submit, wait_all
from tests.integration.test_direct_engine_espeak import SAMPLE_VOICES, SCRIPTS

pytestmark = pytest.mark.slow  # a dora daemon per test
MINIMAX_VOICES = {
    "mofa-style-zh.md": {"daniu": "male-qn-qingse", "yifan": "female-shaonv"},
    "trio-zh.md": {"daniu": "male-qn-qingse", "yifan": "female-shaonv",
                   "boyu": "presenter_male"},
    "two-hosts-en.md": {"Alice": "English_CalmWoman", "Bob": "English_Trustworth_Man"},
}
LONG_SCRIPT = "".join(f"**{('Alice', 'Bob')[n % 2]}:** Line {n} of a long conversation.\n"
                      for n in range(30))


@pytest.fixture
def minimax_env(minimax_server: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("PODFORGE_TTS__MINIMAX__BASE_URL", minimax_server.base_url)
    monkeypatch.setenv("PODFORGE_TTS__MINIMAX__API_KEY", "test-key")
    monkeypatch.setenv("PODFORGE_TTS__MINIMAX__REQUESTS_PER_MINUTE", "100000")
    return minimax_server


@pytest.fixture
def engines(minimax_env: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The direct and the MoFA engine, both with MiniMax at the local server."""
    direct = create_container(load_settings())
    monkeypatch.setenv("PODFORGE_ENGINE__TYPE", "mofa")
    monkeypatch.setenv("PODFORGE_ENGINE__MOFA__STALL_SECONDS", "20")
    mofa = create_container(load_settings())
    yield {"direct": direct, "mofa": mofa, "server": minimax_env}
    mofa.shutdown_resources()
    direct.shutdown_resources()


def render(container: Container, script: str, voices: dict[str, str], out: Path,
           task_id: str) -> AudioResult:
    engine: TTSEngine = container.tts_engine()
    return asyncio.run(engine.generate_audio(script, voices, out, task_id, lambda p: None))


def task_processes(task_id: str) -> list[int]:
    """Nodes of the task's dataflow (the TTS nodes carry the task id in their environment)."""
    found = []
    for pid in dora_processes():
        try:
            environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"PODFORGE_TASK_ID={task_id}".encode() in environment:
            found.append(pid)
    return found


@pytest.mark.parametrize("name", sorted(MINIMAX_VOICES))
def test_the_samples_render_with_minimax_voices_through_a_dataflow(
    engines: dict[str, Any], tmp_path: Path, name: str
) -> None:
    script, voices = (SCRIPTS / name).read_text(), MINIMAX_VOICES[name]
    before = engines["server"].stats.requests
    mofa = render(engines["mofa"], script, voices, tmp_path / "mofa", "minimax-task")
    requests = engines["server"].stats.requests - before
    direct = render(engines["direct"], script, voices, tmp_path / "direct", "minimax-task")
    assert abs(mofa.duration - direct.duration) <= 0.050
    assert requests == len(mofa.segments) == len(direct.segments)  # one request per segment
    samples, rate = soundfile.read(mofa.wav_path, dtype="int16")
    assert rate == 32000 and abs(len(samples) / rate - mofa.duration) < 0.001
    assert not task_processes("minimax-task")
    services = engines["mofa"].tts_engine().services
    listed = asyncio.run(services.run("list", "-f", "json"))
    assert not listed.strip(), listed  # the coordinator forgot the finished flow


def test_each_engine_reuses_its_minimax_connections_through_a_render(
    engines: dict[str, Any], tmp_path: Path
) -> None:
    server = engines["server"]
    voices = {"Alice": "English_CalmWoman", "Bob": "English_Trustworth_Man"}
    for name in ("direct", "mofa"):
        requests, peers = server.stats.requests, len(server.stats.peers)
        render(engines[name], LONG_SCRIPT, voices, tmp_path / name, f"{name}-connections")
        assert server.stats.requests - requests == 30
        # At most max_concurrency (8) connections per process speaking: one engine, or the
        # two TTS nodes of the dataflow.
        assert len(server.stats.peers) - peers <= (8 if name == "direct" else 16), name


def test_a_segment_sent_again_while_it_is_spoken_is_paid_once(
    engines: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engines["server"].faults.latency_ms = 1500  # each request outlasts the resend delay
    monkeypatch.setenv("PODFORGE_ENGINE__MOFA__RESEND_SECONDS", "0.2")
    monkeypatch.setenv("PODFORGE_WORKER__INDEX", "1")  # its own daemon, beside the fixture's
    eager = create_container(load_settings())
    try:
        name = "two-hosts-en.md"
        before = engines["server"].stats.requests
        result = render(eager, (SCRIPTS / name).read_text(), MINIMAX_VOICES[name], tmp_path,
                        "resent-task")
        assert engines["server"].stats.requests - before == len(result.segments)
        assert [segment.turn for segment in result.segments] == sorted(
            segment.turn for segment in result.segments)
    finally:
        eager.shutdown_resources()


def test_a_failed_segment_fails_the_task_with_the_nodes_error(engines: dict[str, Any],
                                                               tmp_path: Path) -> None:
    server = engines["server"]
    server.faults.fail_code, server.faults.fail_count, server.faults.fail_after = 1004, 1, 5
    with pytest.raises(Exception, match=r"tts-\d \(speaker '(Alice|Bob)'\): line \d+: "
                                        r"MiniMax refused the API key") as failed:
        render(engines["mofa"], LONG_SCRIPT, MINIMAX_VOICES["two-hosts-en.md"] | {
            "Alice": "English_CalmWoman", "Bob": "English_Trustworth_Man"},
            tmp_path, "failing-task")
    assert "test-key" not in str(failed.value)
    assert not (tmp_path / "podcast.wav").exists() and not (tmp_path / "podcast.mp3").exists()
    assert not task_processes("failing-task")


def test_killing_a_tts_node_mid_task_fails_the_task_clearly(engines: dict[str, Any],
                                                            tmp_path: Path) -> None:
    engines["server"].faults.latency_ms = 150  # slow enough to be caught mid-task
    voices = {"Alice": "English_CalmWoman", "Bob": "English_Trustworth_Man"}
    engine: TTSEngine = engines["mofa"].tts_engine()
    seen: list[int] = []

    async def kill_when_under_way() -> None:
        deadline = time.monotonic() + 60
        while not (seen and 0 < seen[-1] < 50):
            assert time.monotonic() < deadline, f"no progress: {seen}"
            await asyncio.sleep(0.05)
        victims = [pid for pid in task_processes("killed-task")
                   if "nodes.tts" in dora_processes().get(pid, "")]
        assert victims, "no TTS node found"
        for pid in victims[:1]:
            os.kill(pid, signal.SIGKILL)

    async def scenario() -> None:
        killer = asyncio.create_task(kill_when_under_way())
        with pytest.raises(Exception, match=r"tts-\d \(speaker '(Alice|Bob)'\) stopped "
                                            r"unexpectedly"):
            await engine.generate_audio(LONG_SCRIPT, voices, tmp_path, "killed-task",
                                        seen.append)
        await killer

    asyncio.run(scenario())
    assert seen[-1] < 90  # it never pretended to finish
    assert not (tmp_path / "podcast.wav").exists()
    assert not task_processes("killed-task")


def test_a_render_that_stops_progressing_times_out(engines: dict[str, Any],
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    engines["server"].faults.latency_ms = 4000
    monkeypatch.setenv("PODFORGE_ENGINE__MOFA__STALL_SECONDS", "2")
    monkeypatch.setenv("PODFORGE_WORKER__INDEX", "1")  # its own daemon, beside the fixture's
    impatient = create_container(load_settings())
    try:
        started = time.monotonic()
        with pytest.raises(Exception, match=r"no segment finished within 2 s"):
            render(impatient, LONG_SCRIPT, {"Alice": "English_CalmWoman",
                                            "Bob": "English_Trustworth_Man"},
                   tmp_path, "stalled-task")
        assert time.monotonic() - started < 30
        assert not task_processes("stalled-task")
    finally:
        impatient.shutdown_resources()


@pytest.mark.postgres
@pytest.mark.redis
def test_two_worker_processes_render_two_tasks_at_once_without_interference(
    deployment: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    client, direct = deployment["client"], deployment["container"]
    user = sign_up(client)
    grant(direct, user, 5000)
    monkeypatch.setenv("PODFORGE_ENGINE__TYPE", "mofa")  # the worker processes' engine
    scripts = {"two-hosts-en.md": SAMPLE_VOICES["two-hosts-en.md"],
               "mofa-style-zh.md": SAMPLE_VOICES["mofa-style-zh.md"]}
    tasks = {submit(client, user, (SCRIPTS / name).read_text(), voices): name
             for name, voices in scripts.items()}
    deployment["start_workers"](2)
    final = wait_all(client, user, list(tasks), seconds=180)
    assert {status["status"] for status in final.values()} == {"completed"}, final
    for task_id, name in tasks.items():
        task = client.get(f"/api/tasks/{task_id}", headers=user["headers"]).json()
        expected = render(direct, (SCRIPTS / name).read_text(), scripts[name],
                          tmp_path / task_id, task_id)  # same task id: same pauses
        for audio in task["audio"]:
            assert abs(audio["duration"] - expected.duration) <= 0.050, (name, audio)
    homes = direct.settings().data_dir / "mofa"
    assert {home.name for home in homes.iterdir()} == {"worker-0", "worker-1"}  # two daemons
    check_invariants(direct)


WORKER_SECRETS = {"PODFORGE_DATABASE__URL": "postgresql://podforge:db-secret-1@127.0.0.1:1/x",
                  "PODFORGE_LLM__API_KEY": "llm-secret-2",
                  "PODFORGE_STORAGE__S3__SECRET_ACCESS_KEY": "s3-secret-3",
                  "AWS_SECRET_ACCESS_KEY": "aws-secret-4"}


def test_dora_and_its_nodes_get_none_of_the_workers_other_secrets(
        minimax_env: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The daemon and the nodes it spawns see only what rendering needs: the MiniMax key, not
    the database password, the signing secret, or the LLM and storage keys."""
    # Ports of its own: the services of the test before may still be letting go of theirs.
    ports = {"PODFORGE_ENGINE__MOFA__COORDINATOR_PORT": str(free_port()),
             "PODFORGE_ENGINE__MOFA__DAEMON_PORT": str(free_port())}
    for name, value in {**WORKER_SECRETS, **ports, "PODFORGE_ENGINE__TYPE": "mofa"}.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    forbidden = [*WORKER_SECRETS.values(), settings.auth.jwt_secret.get_secret_value()]
    minimax_env.faults.latency_ms = 300  # the nodes live long enough to be looked at
    mofa = create_container(settings)
    seen: dict[int, bytes] = {}
    rendering = asyncio.new_event_loop()
    try:
        job = rendering.run_in_executor(None, render, mofa, LONG_SCRIPT,
                                        MINIMAX_VOICES["two-hosts-en.md"], tmp_path / "out",
                                        "secret-task")
        while not job.done():
            for pid in dora_processes():
                try:
                    seen[pid] = Path(f"/proc/{pid}/environ").read_bytes()
                except OSError:
                    continue
            rendering.run_until_complete(asyncio.sleep(0.1))
        rendering.run_until_complete(job)
    finally:
        rendering.close()
        mofa.shutdown_resources()
    assert len(seen) >= 3  # coordinator, daemon and the dataflow's nodes
    leaks = {pid: secret for pid, environ in seen.items() for secret in forbidden
             if secret.encode() in environ}
    assert leaks == {}
    assert any(b"test-key" in environ for environ in seen.values())  # the TTS nodes' key
