"""The product's own commands on the embedded default: no service running and no key set."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from adapters.settings import project_root

PODFORGE = project_root() / ".venv" / "bin" / "podforge"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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


def test_serve_answers_health_docs_and_readiness(server: str, tmp_path: Path) -> None:
    assert httpx.get(f"{server}/healthz").json() == {"status": "ok"}
    docs = httpx.get(f"{server}/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    ready = httpx.get(f"{server}/readyz")
    assert ready.status_code == 200, ready.text
    database = tmp_path / "var" / "podforge.sqlite3"
    tables = {row[0] for row in sqlite3.connect(database).execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"users", "tasks", "audio", "credit_transactions"} <= tables


def test_production_mode_with_the_default_secret_refuses_to_start(
    shipped_config_env: dict[str, str], tmp_path: Path
) -> None:
    result = subprocess.run(
        [PODFORGE, "serve", "--port", str(free_port())], cwd=tmp_path, capture_output=True,
        text=True, timeout=60, env={**shipped_config_env, "PODFORGE_APP__ENV": "production"},
    )
    assert result.returncode == 1
    assert "PODFORGE_AUTH__JWT_SECRET" in result.stderr
    assert "change-me-dev-only-secret" not in result.stderr
