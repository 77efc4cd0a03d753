"""The product as a person runs it: `podforge serve` on the embedded default, its own process."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from adapters.settings import project_root
from tests.conftest import free_port

PODFORGE = project_root() / ".venv" / "bin" / "podforge"


@pytest.fixture
def shipped_config_env(tmp_path: Path) -> dict[str, str]:
    """The environment of someone who ran `make run`: the shipped config.toml, nothing else."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PODFORGE_")}
    return {**env, "PODFORGE_CONFIG": str(project_root() / "config.toml"),
            "PODFORGE_APP__DATA_DIR": str(tmp_path / "var")}


@pytest.fixture
def server(shipped_config_env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    subprocess.run([PODFORGE, "db", "upgrade"], env=shipped_config_env, cwd=tmp_path,
                   check=True, capture_output=True, timeout=120)
    port = free_port()
    process = subprocess.Popen(
        [PODFORGE, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=shipped_config_env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.stdout else ""
                    pytest.fail(f"podforge serve did not come up:\n{output}")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)


