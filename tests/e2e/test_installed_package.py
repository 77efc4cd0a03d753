"""PodForge installed the way the container image installs it (not editable, into a fresh
virtual environment) and run from another folder: its migrations, voices, prompts, default
configuration and web app come with the package."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.resources import project_root
from tests.conftest import REDIS_URL, free_port
from tests.helpers import PASSWORD, uv_binary, wait_until_serving

ROOT = project_root()
pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]
SCRIPT = "# Hello\n\n**Alice:** Installed and running.\n\n**Bob:** From any folder.\n"


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment holding a non-editable install, as `uv sync --no-editable` in the
    image makes it; offline, from the cache `make setup` filled."""
    target = tmp_path_factory.mktemp("image") / "venv"
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "UV_PROJECT_ENVIRONMENT": str(target)}
    python = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run([uv_binary(), "sync", "--quiet", "--frozen", "--offline", "--all-packages",
                    "--no-dev", "--no-editable", "--python", python],
                   check=True, cwd=ROOT, env=env, timeout=600)
    return target


@pytest.fixture
def environment(pg_database_url: str, redis_client: Any, tmp_path: Path) -> dict[str, str]:
    """A deployment's settings and nothing from the checkout: no config file is named."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PODFORGE_")}
    return {**clean, "PODFORGE_DATABASE__URL": pg_database_url, "PODFORGE_QUEUE__TYPE": "redis",
            "PODFORGE_REDIS__URL": REDIS_URL, "PODFORGE_APP__DATA_DIR": str(tmp_path / "data")}


def podforge(venv: Path, *args: str, env: dict[str, str], cwd: Path
             ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(venv / "bin" / "podforge"), *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def running(venv: Path, environment: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """`podforge serve` and `podforge worker` from the install, after `podforge db upgrade`."""
    upgrade = podforge(venv, "db", "upgrade", env=environment, cwd=tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    port = free_port()
    logs = [(tmp_path / name).open("w") for name in ("serve.log", "worker.log")]
    processes = [subprocess.Popen([str(venv / "bin" / "podforge"), *args], env=environment,
                                  cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
                 for args, log in ((["serve", "--port", str(port)], logs[0]),
                                   (["worker", "--processes", "1"], logs[1]))]
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, processes[0], tmp_path / "serve.log")
        yield base
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)


def test_the_package_is_the_installed_one_not_the_checkout(venv: Path, tmp_path: Path) -> None:
    where = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import adapters, api; print(adapters.__file__, api.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True)
    assert all(path.startswith(str(venv)) for path in where.stdout.split())


def test_the_install_migrates_serves_the_web_app_and_renders_with_a_worker(
        running: str) -> None:
    home = httpx.get(f"{running}/")
    assert home.status_code == 200 and '<div id="app">' in home.text
    voices = httpx.get(f"{running}/api/voices")
    assert voices.status_code == 200 and len(voices.json()) >= 9
    with httpx.Client(base_url=running, timeout=30) as client:
        assert client.post("/api/auth/register", json={
            "username": "imaged", "email": "imaged@example.org",
            "password": PASSWORD}).status_code == 201
        token = client.post("/api/auth/login", json={"username": "imaged",
                                                      "password": PASSWORD}).json()
        client.headers["Authorization"] = f"Bearer {token['access_token']}"
        script = client.post("/api/scripts", json={"content": SCRIPT}).json()
        task = client.post("/api/tasks", json={"script_id": script["id"], "voice_config": {
            "Alice": "en-us-sarah", "Bob": "en-gb-oliver"}})
        assert task.status_code == 202, task.text
        deadline = time.monotonic() + 120
        while (status := client.get(f"/api/tasks/{task.json()['task_id']}/status").json()
               )["status"] not in ("completed", "failed"):
            assert time.monotonic() < deadline, status
            time.sleep(0.5)
    assert status["status"] == "completed", status
    assert {audio["format"] for audio in status["audio"]} == {"wav", "mp3"}


def test_the_install_renders_a_script_file_from_another_folder(
        venv: Path, environment: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "episode.md").write_text(SCRIPT, encoding="utf-8")
    rendered = podforge(venv, "render", "episode.md", "--out", "out", env=environment,
                        cwd=tmp_path)
    assert rendered.returncode == 0, rendered.stderr
    assert (tmp_path / "out" / "episode.wav").stat().st_size > 10_000
