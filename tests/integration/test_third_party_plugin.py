"""A plugin installed with pip is selected by configuration alone, with no code change."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from adapters.resources import project_root
from tests.helpers import uv_binary

ROOT = project_root()
PLUGIN = Path(__file__).resolve().parents[1] / "fixtures" / "plugins" / "example_storage"
PROBE = (
    "from adapters.container import create_container\n"
    "storage = create_container().storage()\n"
    "print(type(storage).__module__, storage.label)\n"
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def plugin_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway virtual environment with PodForge and the example plugin installed.

    Installed offline from uv's cache (filled by ``make setup``) at the versions uv.lock pins.
    """
    venv = tmp_path_factory.mktemp("plugin-venv") / "venv"
    uv = uv_binary()
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "UV_PROJECT_ENVIRONMENT": str(venv)}
    # `uv sync` installs from the lock's own URLs, which `make setup` cached; PodForge and its
    # bundled plugins come in as the project's workspace members.
    subprocess.run([uv, "sync", "--quiet", "--frozen", "--offline", "--all-packages", "--no-dev",
                    "--python", str(ROOT / ".venv" / "bin" / "python")],
                   check=True, cwd=ROOT, env=env)
    subprocess.run([uv, "pip", "install", "--quiet", "--offline", "--no-deps", "--python",
                    str(venv / "bin" / "python"), str(PLUGIN)], check=True, env=env)
    return venv


def run(
    venv: Path, args: list[str], tmp_path: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PODFORGE_")}
    return subprocess.run(
        args, cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**clean, "PODFORGE_APP__DATA_DIR": str(tmp_path / "data"),
             "PODFORGE_CONFIG": str(ROOT / "config.toml"), **env},
    )


def test_naming_the_plugin_in_config_selects_it(plugin_venv: Path, tmp_path: Path) -> None:
    listing = run(plugin_venv, [str(plugin_venv / "bin" / "podforge"), "plugins"], tmp_path,
                  PODFORGE_STORAGE__TYPE="example")
    assert listing.returncode == 0, listing.stderr
    assert "* example" in listing.stdout and "[example_storage]" in listing.stdout
    assert "  local" in listing.stdout  # installed, not selected

    probe = run(plugin_venv, [str(plugin_venv / "bin" / "python"), "-c", PROBE], tmp_path,
                PODFORGE_STORAGE__TYPE="example", PODFORGE_STORAGE__EXAMPLE__LABEL="from-env")
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.split() == ["podforge_example_storage", "from-env"]


def test_an_unknown_name_fails_at_startup_listing_installed_adapters(
    plugin_venv: Path, tmp_path: Path
) -> None:
    serve = run(plugin_venv, [str(plugin_venv / "bin" / "podforge"), "serve", "--port", "1"],
                tmp_path, PODFORGE_STORAGE__TYPE="nowhere")
    assert serve.returncode != 0
    assert "[storage] type = 'nowhere'" in serve.stderr
    assert "installed: 'example', 'local', 's3'" in serve.stderr


def test_disabling_autoload_keeps_only_the_bundled_adapters(
    plugin_venv: Path, tmp_path: Path
) -> None:
    listing = run(plugin_venv, [str(plugin_venv / "bin" / "podforge"), "plugins"], tmp_path,
                  PODFORGE_STORAGE__TYPE="example", PODFORGE_DISABLE_PLUGIN_AUTOLOAD="1")
    assert listing.returncode != 0
    assert "installed: 'local', 's3'" in listing.stderr
