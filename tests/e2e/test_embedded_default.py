"""The product's own commands on the embedded default: no service running and no key set."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import httpx

from tests.conftest import free_port
from tests.e2e.conftest import PODFORGE


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
