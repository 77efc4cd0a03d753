"""A real deployment for the benchmarks: `podforge serve` and `podforge worker` processes on a
throwaway PostgreSQL database and Redis database, loaded over HTTP by wrk."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from adapters.resources import project_root
from bench.harness import PODFORGE, free_port, wait_until_answering

PG_URL = os.environ.get("PODFORGE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("PODFORGE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
PASSWORD = "benchmark password"


@contextmanager
def pg_database() -> Iterator[str]:
    admin = create_engine(make_url(PG_URL.replace("postgresql://", "postgresql+psycopg2://", 1)),
                          isolation_level="AUTOCOMMIT")
    name = f"podforge_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class Deployment:
    """The API at ``base_url``; ``start_workers`` adds rendering processes."""

    def __init__(self, base_url: str, env: dict[str, str], folder: Path) -> None:
        self.base_url = base_url
        self.env = env
        self.folder = folder
        self.processes: list[subprocess.Popen[bytes]] = []

    def spawn(self, *args: str) -> subprocess.Popen[bytes]:
        log = (self.folder / f"{args[0]}-{len(self.processes)}.log").open("ab")
        process = subprocess.Popen([str(PODFORGE), *args], env=self.env, stdout=log,
                                   stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def start_workers(self, processes: int) -> None:
        self.spawn("worker", "--processes", str(processes))

    def user(self, credits: int) -> dict[str, str]:
        """A new user with ``credits``, as the headers that authenticate it."""
        name = f"bench{uuid.uuid4().hex[:8]}"
        with httpx.Client(base_url=self.base_url, timeout=30) as client:
            client.post("/api/auth/register", json={"username": name, "password": PASSWORD,
                                                    "email": f"{name}@example.org"})
            token = client.post("/api/auth/login", json={"username": name,
                                                         "password": PASSWORD}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        subprocess.run([str(PODFORGE), "users", "grant", name, str(credits)], env=self.env,
                       check=True, capture_output=True)
        return headers

    def submit(self, headers: dict[str, str], content: str,
               voices: dict[str, str]) -> str:
        with httpx.Client(base_url=self.base_url, timeout=30) as client:
            script = client.post("/api/scripts", headers=headers, json={"content": content})
            task = client.post("/api/tasks", headers=headers, json={
                "script_id": script.json()["id"], "voice_config": voices})
            task.raise_for_status()
            return str(task.json()["task_id"])

    def status(self, headers: dict[str, str], task_id: str) -> str:
        answer = httpx.get(f"{self.base_url}/api/tasks/{task_id}/status", headers=headers)
        return str(answer.json()["status"])

    def wait(self, headers: dict[str, str], task_ids: list[str], seconds: float) -> None:
        deadline = time.monotonic() + seconds
        for task_id in task_ids:
            while self.status(headers, task_id) not in ("completed", "failed"):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"task {task_id} did not finish in {seconds} s")
                time.sleep(0.05)


@contextmanager
def deployment(**settings: str) -> Iterator[Deployment]:
    """API (one uvicorn process) on PostgreSQL + Redis, with ``PODFORGE_*`` extras for every
    process; stopped and dropped afterwards."""
    import redis

    with tempfile.TemporaryDirectory(prefix="podforge-bench-") as folder, \
            pg_database() as database_url:
        env = {key: value for key, value in os.environ.items()
               if not key.startswith("PODFORGE_")}
        env.update(PODFORGE_CONFIG=str(project_root() / "config.toml"),
                   PODFORGE_APP__DATA_DIR=str(Path(folder) / "data"),
                   PODFORGE_APP__LOG_LEVEL="WARNING", PODFORGE_DATABASE__URL=database_url,
                   PODFORGE_QUEUE__TYPE="redis", PODFORGE_REDIS__URL=REDIS_URL, **settings)
        redis.Redis.from_url(REDIS_URL).flushdb()
        subprocess.run([str(PODFORGE), "db", "upgrade"], env=env, check=True,
                       capture_output=True)
        port = free_port()
        running = Deployment(f"http://127.0.0.1:{port}", env, Path(folder))
        serve = running.spawn("serve", "--port", str(port))
        try:
            wait_until_answering(f"{running.base_url}/healthz", serve, "podforge serve")
            yield running
        finally:
            for process in running.processes:
                process.terminate()
            for process in running.processes:
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
            redis.Redis.from_url(REDIS_URL).flushdb()


def wrk_command(url: str, *, connections: int, seconds: float,
                headers: dict[str, str] | None = None) -> list[str]:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    return [*args, url]


def wrk(url: str, *, connections: int, seconds: float,
        headers: dict[str, str] | None = None) -> dict[str, Any]:
    """Load ``url`` for ``seconds``; what wrk measured."""
    command = wrk_command(url, connections=connections, seconds=seconds, headers=headers)
    return wrk_figures(subprocess.run(command, capture_output=True, text=True,
                                      check=True).stdout)


@contextmanager
def wrk_meanwhile(url: str, *, connections: int, headers: dict[str, str],
                  figures: dict[str, Any]) -> Iterator[None]:
    """Load ``url`` for as long as the block runs; ``figures`` gets what wrk measured."""
    command = wrk_command(url, connections=connections, seconds=3600, headers=headers)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        yield
    finally:
        process.send_signal(signal.SIGINT)  # wrk prints its figures when interrupted
        output, _ = process.communicate(timeout=30)
        figures.update(wrk_figures(output))


def wrk_figures(output: str) -> dict[str, Any]:
    """Requests per second, p50 and p99 latency and errors from wrk's report."""

    def latency(percent: str) -> float:
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if not match:
            raise ValueError(f"wrk printed no {percent}% latency:\n{output}")
        scale = {"us": 1e-6, "ms": 1e-3, "s": 1.0}[match.group(2)]
        return round(float(match.group(1)) * scale * 1000, 2)

    requests = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                              r"timeout (\d+)", output)
    return {
        "requests_per_second": round(float(requests.group(1)) if requests else 0.0, 1),
        "p50_ms": latency("50"), "p99_ms": latency("99"),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(int(n) for n in socket_errors.groups()) if socket_errors else 0),
    }
