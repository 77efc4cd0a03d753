"""A worker checks what it depends on: it refuses to start without a reachable, migrated
database, queue and writable storage, and stops taking tasks while the database is gone."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL, free_port
from tests.helpers import sign_up
from tests.integration.conftest import PODFORGE, check_invariants, grant, submit, wait_all

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]
PASSWORD = "s3cret-Pa55word"
SCRIPT = "**Alice:** Line {n} for the healthy worker.\n**Bob:** And its answer.\n"


def run_worker(env: dict[str, str], seconds: float = 60) -> subprocess.CompletedProcess[str]:
    """``podforge worker`` run to its end, which must come within ``seconds``; a worker still
    running then is stopped with the processes it started."""
    worker = subprocess.Popen([str(PODFORGE), "worker", "--processes", "1"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        out, err = worker.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        out, err = worker.communicate()
        raise AssertionError(f"the worker did not exit within {seconds} s: {err[-2000:]}"
                             ) from None
    return subprocess.CompletedProcess(worker.args, worker.returncode, out, err)


def worker_env(**overrides: str) -> dict[str, str]:
    env = {**os.environ, "PODFORGE_QUEUE__TYPE": "redis",
           "PODFORGE_REDIS__URL": os.environ.get("PODFORGE_TEST_REDIS_URL",
                                                 "redis://127.0.0.1:6379/15")}
    env.update({f"PODFORGE_{key.upper()}": value for key, value in overrides.items()})
    return env


def test_a_worker_whose_database_is_unreachable_exits_with_the_reason_and_no_password(
    redis_client: Any
) -> None:
    url = f"postgresql://podforge:{PASSWORD}@127.0.0.1:{free_port()}/podforge"
    finished = run_worker(worker_env(database__url=url))
    assert finished.returncode != 0
    assert "database" in finished.stderr and "unreachable" in finished.stderr
    assert f"127.0.0.1:{url.rsplit(':', 1)[1].split('/')[0]}" in finished.stderr
    assert PASSWORD not in finished.stderr + finished.stdout


def test_a_worker_on_a_database_without_the_current_schema_exits_naming_the_upgrade(
    pg_database_url: str, redis_client: Any
) -> None:
    finished = run_worker(worker_env(database__url=pg_database_url))  # created, not migrated
    assert finished.returncode != 0
    assert "podforge db upgrade" in finished.stderr


def test_a_worker_whose_queue_is_unreachable_exits_with_the_reason_and_no_password(
    pg_settings: Any
) -> None:
    redis = f"redis://:{PASSWORD}@127.0.0.1:{free_port()}/0"
    finished = run_worker(worker_env(database__url=pg_settings.database_url, redis__url=redis))
    assert finished.returncode != 0
    assert "queue" in finished.stderr and "unreachable" in finished.stderr
    assert PASSWORD not in finished.stderr + finished.stdout


def test_a_worker_whose_storage_is_not_writable_exits_with_the_reason(
    pg_settings: Any, redis_client: Any, tmp_path: Path
) -> None:
    in_the_way = tmp_path / "storage"
    in_the_way.write_text("a file where the storage folder should be")
    finished = run_worker(worker_env(database__url=pg_settings.database_url,
                                     storage__local__root=str(in_the_way)))
    assert finished.returncode != 0
    assert "storage" in finished.stderr and "not writable" in finished.stderr


class TcpProxy:
    """Forwards a local port to PostgreSQL; :meth:`cut` closes the port and every connection
    through it, as a network failure would, and :meth:`start` opens it again."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None
        self.lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
                server = socket.create_connection(self.target)
            except OSError:
                return  # the listener was closed
            with self.lock:
                self.sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass  # the other side, or the cut, closed the connection
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        if self.listener is not None:
            with contextlib.suppress(OSError):  # wakes the accepting thread, closes the port
                self.listener.shutdown(socket.SHUT_RDWR)
            self.listener.close()
        with self.lock:
            for end in self.sockets:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()
            self.sockets.clear()


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    url = make_url(PG_URL)
    forward = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    forward.start()
    yield forward
    forward.cut()


class LoggedWorker:
    """``podforge worker --processes 1`` whose JSON log lines are read from a file."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("w") as stderr:
            self.process = subprocess.Popen([str(PODFORGE), "worker", "--processes", "1"],
                                            env=env, stdout=subprocess.DEVNULL, stderr=stderr,
                                            start_new_session=True)

    def entries(self) -> list[dict[str, Any]]:
        found = []
        for line in self.log.read_text().splitlines():
            if line.startswith("{"):
                found.append(json.loads(line))
        return found

    def wait_for(self, words: str, seconds: float = 60, *, after: int = 0) -> dict[str, Any]:
        """The first log entry from index ``after`` on whose message contains ``words``."""
        deadline = time.monotonic() + seconds
        while True:
            for entry in self.entries()[after:]:
                if words in entry["message"]:
                    return entry
            assert self.process.poll() is None, f"the worker exited: {self.log.read_text()}"
            assert time.monotonic() < deadline, \
                f"no log line with {words!r} in {seconds} s: {self.log.read_text()[-3000:]}"
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # with the processes it started
                self.process.wait()


def consumer_pending(redis: Any, consumer: str) -> int:
    for entry in redis.xinfo_consumers("podforge:tasks", "workers"):
        name = entry["name"].decode() if isinstance(entry["name"], bytes) else entry["name"]
        if name == consumer:
            return int(entry["pending"])
    return 0


def final_statuses(client: Any, user: dict[str, Any], task_ids: list[str]
                   ) -> dict[str, dict[str, Any]]:
    statuses = {task_id: client.get(f"/api/tasks/{task_id}/status",
                                    headers=user["headers"]).json() for task_id in task_ids}
    return {task_id: status for task_id, status in statuses.items()
            if status["status"] in ("completed", "failed")}


def test_a_worker_that_loses_its_database_takes_no_task_while_a_healthy_one_renders_all(
    deployment: dict[str, Any], proxy: TcpProxy, pg_settings: Any, tmp_path: Path
) -> None:
    client, container, redis = deployment["client"], deployment["container"], deployment["redis"]
    through_proxy = make_url(pg_settings.database_url).set(host="127.0.0.1", port=proxy.port)
    cut_off = LoggedWorker(worker_env(database__url=through_proxy.render_as_string(
        hide_password=False)), tmp_path / "cut-off.log")
    try:
        started = cut_off.wait_for("started")  # "worker <host>-<pid> started"
        consumer = started["message"].split()[1]
        proxy.cut()
        lost = cut_off.wait_for("database is unreachable", after=len(cut_off.entries()))
        assert lost["level"] == "warning"
        user = sign_up(client)
        grant(container, user, 100)
        task_ids = [submit(client, user, SCRIPT.format(n=n)) for n in range(10)]
        healthy = deployment["start_workers"](1)
        deadline = time.monotonic() + 180
        while len(final := final_statuses(client, user, task_ids)) < len(task_ids):
            assert consumer_pending(redis, consumer) == 0, \
                f"the cut-off worker took a task: {cut_off.log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"unfinished: {set(task_ids) - set(final)}"
            time.sleep(0.1)
        assert {status["status"] for status in final.values()} == {"completed"}
        assert cut_off.process.poll() is None  # it waits for its database; it does not exit
        assert not [entry for entry in cut_off.entries() if "task_id" in entry]
        check_invariants(container)

        healthy.send_signal(signal.SIGTERM)  # now only the cut-off worker is left
        assert healthy.wait(timeout=60) == 0
        proxy.start()
        cut_off.wait_for("database is reachable again", after=len(cut_off.entries()))
        late = submit(client, user, SCRIPT.format(n=10))
        assert wait_all(client, user, [late], seconds=120)[late]["status"] == "completed"
    finally:
        cut_off.stop()
