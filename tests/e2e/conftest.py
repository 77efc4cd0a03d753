"""The product as a person runs it: `podforge serve` on the embedded default, its own process."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Error,
    Page,
    expect,
    sync_playwright,
)

from adapters.resources import project_root
from tests.conftest import free_port
from tests.helpers import wait_until_serving

PODFORGE = project_root() / ".venv" / "bin" / "podforge"


@pytest.fixture
def shipped_config_env(tmp_path: Path) -> dict[str, str]:
    """The environment of someone who ran `make run`: the shipped config.toml, nothing else."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PODFORGE_")}
    return {**env, "PODFORGE_CONFIG": str(project_root() / "config.toml"),
            "PODFORGE_APP__DATA_DIR": str(tmp_path / "var")}


@pytest.fixture
def server_env() -> dict[str, str]:
    """Settings a test module adds for its server (override the fixture)."""
    return {}


@pytest.fixture
def server(shipped_config_env: dict[str, str], server_env: dict[str, str],
           tmp_path: Path) -> Iterator[str]:
    env = {**shipped_config_env, **server_env}
    subprocess.run([PODFORGE, "db", "upgrade"], env=env, cwd=tmp_path,
                   check=True, capture_output=True, timeout=120)
    port = free_port()
    log = tmp_path / "server.log"  # a file, not a pipe: a full pipe would stall the server
    process = subprocess.Popen(
        [PODFORGE, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, cwd=tmp_path, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, process, log, seconds=30)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)




CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = project_root() / "var" / "test-artifacts"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not shutil.which("chromium") and not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make system-packages` (apt-get install chromium)",
                    pytrace=False)
    if not (project_root() / "frontend" / "dist" / "index.html").is_file():
        pytest.fail("the web app is not built: run `make frontend-build`", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def errors() -> list[str]:
    """Console errors and uncaught exceptions of the page under test."""
    return []


@pytest.fixture
def page(browser: Browser, server: str, errors: list[str]) -> Iterator[Page]:
    context = browser.new_context(base_url=server, accept_downloads=True,
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"console: {message.text}")

    def on_page_error(error: Error) -> None:
        errors.append(f"page: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    yield page
    context.close()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def register(page: Page) -> str:
    name = f"e2e{uuid.uuid4().hex[:8]}"
    page.goto("/register")
    page.get_by_test_id("register-username").fill(name)
    page.get_by_test_id("register-email").fill(f"{name}@example.org")
    page.get_by_test_id("register-password").fill("a long enough password")
    page.get_by_test_id("register-submit").click()
    expect(page.get_by_test_id("header-balance")).to_contain_text("100")
    return name
