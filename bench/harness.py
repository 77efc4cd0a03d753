"""What every benchmark needs: an isolated embedded-default container, local servers, timing."""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from adapters.container import Container, create_container
from adapters.db.migrate import upgrade
from adapters.settings import load_settings, project_root


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(app: Any) -> Iterator[str]:
    """An ASGI app on a free loopback port, in a thread."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def environment(**values: str) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextmanager
def studio(**settings: str) -> Iterator[Container]:
    """A container on the embedded default in a throwaway folder, with ``PODFORGE_*`` extras."""
    with tempfile.TemporaryDirectory(prefix="podforge-bench-") as folder, environment(
        PODFORGE_CONFIG=str(project_root() / "config.toml"),
        PODFORGE_APP__DATA_DIR=str(Path(folder) / "data"), PODFORGE_APP__LOG_LEVEL="WARNING",
        **settings,
    ):
        loaded = load_settings()
        upgrade(loaded.database_url)
        container = create_container(loaded)
        try:
            yield container
        finally:
            container.shutdown_resources()


class Stopwatch:
    def __enter__(self) -> Stopwatch:
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.started
