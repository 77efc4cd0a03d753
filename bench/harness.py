"""What every benchmark needs: an isolated embedded-default container, local servers, timing."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from adapters.container import Container, create_container
from adapters.db.migrate import upgrade
from adapters.resources import project_root
from adapters.settings import load_settings

PODFORGE = project_root() / ".venv" / "bin" / "podforge"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_answering(url: str, process: subprocess.Popen[bytes], name: str,
                         seconds: float = 30) -> None:
    """Until ``url`` answers 200. :raises RuntimeError: ``process`` exited or time ran out."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(url).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not answer {url} within {seconds:g} s")
        time.sleep(0.1)


class RemoteMiniMax:
    """The local MiniMax server of :func:`minimax_process`, read and steered over HTTP."""

    def __init__(self, base_url: str, api_key: str) -> None:
        self.base_url, self.api_key = base_url, api_key

    def requests(self) -> int:
        return int(httpx.get(f"{self.base_url}/_stats").json()["requests"])

    def set_faults(self, **faults: float) -> None:
        httpx.post(f"{self.base_url}/_faults", json=faults).raise_for_status()


@contextmanager
def minimax_process(latency_ms: float) -> Iterator[RemoteMiniMax]:
    """`podforge dev minimax-server` in its own process, as MiniMax is: making and encoding
    its audio never competes with the renderer being measured for the interpreter."""
    port = free_port()
    remote = RemoteMiniMax(f"http://127.0.0.1:{port}", "bench-key")
    process = subprocess.Popen(
        [str(PODFORGE), "dev", "minimax-server", "--port", str(port), "--api-key",
         remote.api_key, "--latency-ms", str(latency_ms)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_answering(f"{remote.base_url}/_stats", process, "the local MiniMax server")
        yield remote
    finally:
        process.terminate()
        process.wait(timeout=10)


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
