"""Liveness files: each worker process touches its own while it loops; a probe checks their age.

``python -m workers.liveness DIR --max-age SECONDS`` exits 0 when every worker process of the
``podforge worker`` using DIR touched its file within SECONDS, else 1 naming the stale ones. It
imports nothing but the standard library, so a Kubernetes exec probe stays cheap.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

SUFFIX = ".alive"
log = logging.getLogger(__name__)


class LivenessFile:
    """The file one worker process touches each turn of its loop and at each task heartbeat;
    its supervisor touches it too when it starts the process."""

    def __init__(self, folder: Path, index: int) -> None:
        self.path = folder / f"worker-{index}{SUFFIX}"
        self.failing = False

    def touch(self) -> None:
        """Never fails the worker: a file it cannot write shows as stale to the probe."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.touch()
        except OSError as error:
            if not self.failing:
                log.warning("cannot touch the liveness file %s: %s", self.path, error)
            self.failing = True
        else:
            self.failing = False


def reset(folder: Path) -> None:
    """No liveness files in ``folder``: those of a previous run (more processes, a restarted
    container) would otherwise look stale for ever. Nothing else in it is touched."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in folder.glob(f"*{SUFFIX}"):
        path.unlink(missing_ok=True)


def stale_workers(folder: Path, max_age_seconds: float,
                  clock: Callable[[], float] = time.time) -> list[str]:
    """One sentence per worker process silent for longer than ``max_age_seconds``."""
    files = sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []
    if not files:
        return [f"no worker process has touched a liveness file in {folder} yet"]
    now = clock()
    problems = []
    for path in files:
        try:
            age = now - path.stat().st_mtime
        except FileNotFoundError:  # reset by a restarting `podforge worker`
            continue
        if age > max_age_seconds:
            problems.append(f"{path.name[:-len(SUFFIX)]} has not looped for {age:.0f} s")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workers.liveness", description=__doc__)
    parser.add_argument("folder", type=Path, help="[worker] liveness_dir")
    parser.add_argument("--max-age", type=float, default=120.0,
                        help="seconds a worker process may stay silent (default 120)")
    arguments = parser.parse_args(argv)
    problems = stale_workers(arguments.folder, arguments.max_age)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
