"""The worker liveness probe: fresh files pass, a silent process or none at all fails."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from workers.liveness import LivenessFile, main, reset, stale_workers


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
    an_hour_ago = time.time() - 3600
    os.utime(silent.path, (an_hour_ago, an_hour_ago))
    assert main([str(tmp_path), "--max-age", "120"]) == 1
    assert capsys.readouterr().err.strip() == "worker-1 has not looped for 3600 s"


def test_the_probe_fails_before_any_worker_process_has_looped(tmp_path: Path) -> None:
    assert stale_workers(tmp_path / "missing", 60) == [
        f"no worker process has touched a liveness file in {tmp_path / 'missing'} yet"]
    assert main([str(tmp_path), "--max-age", "60"]) == 1


def test_a_new_pool_forgets_the_files_of_the_previous_one(tmp_path: Path) -> None:
    folder = tmp_path / "liveness"
    for index in range(4):  # a previous run with more processes, then a restart with 2
        LivenessFile(folder, index).path.parent.mkdir(exist_ok=True)
        LivenessFile(folder, index).touch()
    reset(folder)
    assert list(folder.iterdir()) == []
