"""The worker liveness probe: fresh files pass, a silent process or none at all fails."""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.container import Container, create_container
from adapters.queue.memory import MemoryQueue
from adapters.settings import Settings
from workers.consumer import TaskWorker
from workers.gate import DatabaseGate
from workers.liveness import LivenessFile, main, reset, stale_workers


def make_silent_for_an_hour(path: Path) -> None:
    an_hour_ago = time.time() - 3600
    os.utime(path, (an_hour_ago, an_hour_ago))


def test_the_probe_passes_while_every_worker_process_touches_its_file(tmp_path: Path) -> None:
    for index in range(2):
        LivenessFile(tmp_path, index).touch()
    assert stale_workers(tmp_path, 60) == []
    assert main([str(tmp_path), "--max-age", "60"]) == 0


def test_the_probe_names_the_worker_process_that_stopped_looping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    LivenessFile(tmp_path, 0).touch()
    silent = LivenessFile(tmp_path, 1)
    silent.touch()
    make_silent_for_an_hour(silent.path)
    assert main([str(tmp_path), "--max-age", "120"]) == 1
    assert re.fullmatch(r"worker-1 has not looped for 360\d s", capsys.readouterr().err.strip())


def test_the_probe_fails_before_any_worker_process_has_looped(tmp_path: Path) -> None:
    assert stale_workers(tmp_path / "missing", 60) == [
        f"no worker process has touched a liveness file in {tmp_path / 'missing'} yet"]
    assert main([str(tmp_path), "--max-age", "60"]) == 1


def test_a_new_pool_forgets_the_files_of_the_previous_one(tmp_path: Path) -> None:
    folder = tmp_path / "liveness"
    for index in range(4):  # a previous run with more processes, then a restart with 2
        LivenessFile(folder, index).touch()
    (folder / "notes.txt").write_text("not ours")
    reset(folder)
    assert [path.name for path in folder.iterdir()] == ["notes.txt"]


def test_a_file_that_cannot_be_touched_never_stops_the_worker(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    liveness = LivenessFile(blocked, 0)
    liveness.touch()  # logs once instead of raising into the worker loop
    assert liveness.failing
    assert stale_workers(blocked, 60) != []


@pytest.fixture
def container(migrated_settings: Settings) -> Iterator[Container]:
    """The composition root on a migrated database, so the worker's duties run for real."""
    built = create_container(migrated_settings)
    yield built
    built.shutdown_resources()


def worker_with_liveness(container: Container, liveness: LivenessFile,
                         queue: MemoryQueue) -> TaskWorker:
    return TaskWorker(name="w1", queue=queue, deps=container.render_deps(),
                      maintenance=container.maintenance(), poll_seconds=0.05,
                      gate=DatabaseGate(lambda: None, name="w1"), beat=liveness.touch)


def test_an_idle_worker_loop_keeps_its_file_fresh(container: Container, tmp_path: Path) -> None:
    liveness = LivenessFile(tmp_path, 0)
    worker = worker_with_liveness(container, liveness, MemoryQueue(visibility_timeout_seconds=3600))
    loop = threading.Thread(target=worker.run)
    loop.start()
    try:
        deadline = time.monotonic() + 30
        while not liveness.path.exists() or stale_workers(tmp_path, 5):
            assert time.monotonic() < deadline, "the loop never touched its liveness file"
            time.sleep(0.05)
        make_silent_for_an_hour(liveness.path)
        while stale_workers(tmp_path, 5):  # the next turn of the loop touches it again
            assert time.monotonic() < deadline, "the loop stopped touching its liveness file"
            time.sleep(0.05)
    finally:
        worker.stopping.set()
        loop.join(timeout=30)


def test_a_task_heartbeat_during_a_render_touches_the_file(container: Container,
                                                           tmp_path: Path) -> None:
    liveness = LivenessFile(tmp_path, 0)
    queue = MemoryQueue(visibility_timeout_seconds=3600)
    queue.enqueue("a-task")
    message = queue.receive("w1", 1)
    assert message is not None
    worker = worker_with_liveness(container, liveness, queue)
    worker.heartbeat(message)  # what the render's keep-alive calls every heartbeat
    assert stale_workers(tmp_path, 5) == []
