"""`podforge users`: operators create, credit, suspend and list accounts."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from adapters.resources import project_root

PODFORGE = project_root() / ".venv" / "bin" / "podforge"
pytestmark = pytest.mark.slow


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PODFORGE_")}
    env |= {"PODFORGE_CONFIG": str(project_root() / "config.toml"),
            "PODFORGE_APP__DATA_DIR": str(tmp_path / "var")}

    def podforge(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(PODFORGE), *args], env=env, cwd=tmp_path, text=True,
                              capture_output=True, timeout=120)

    assert podforge("db", "upgrade").returncode == 0
    return podforge


def test_create_grant_suspend_and_list(run) -> None:  # type: ignore[no-untyped-def]
    created = run("users", "create", "olga", "olga@example.org", "--password", "long enough pw")
    assert created.returncode == 0 and "with 100 credits" in created.stdout
    granted = run("users", "grant", "olga@example.org", "25", "--reason", "beta tester")
    assert granted.returncode == 0 and "balance 125" in granted.stdout
    assert run("users", "suspend", "olga").stdout.strip() == "olga: suspended"
    listing = run("users", "list")
    assert "olga" in listing.stdout and "suspended" in listing.stdout
    assert "1 of 1" in listing.stdout
    assert run("users", "suspend", "olga", "--lift").stdout.strip() == "olga: active"


def test_mistakes_are_reported_without_a_traceback(run) -> None:  # type: ignore[no-untyped-def]
    short = run("users", "create", "pat", "pat@example.org", "--password", "short")
    assert short.returncode == 1 and "password" in short.stderr
    assert "Traceback" not in short.stderr
    run("users", "create", "pat", "pat@example.org", "--password", "long enough pw")
    again = run("users", "create", "pat", "p2@example.org", "--password", "long enough pw")
    assert again.returncode == 1 and "username is already registered" in again.stderr
    missing = run("users", "grant", "nobody", "5")
    assert missing.returncode == 1 and "no user 'nobody'" in missing.stderr
    negative = run("users", "grant", "pat", "--", "-5")
    assert negative.returncode == 1 and "positive" in negative.stderr
