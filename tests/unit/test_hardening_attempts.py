"""Every failing attempt counts, and its reason reaches the user in plain words."""

from __future__ import annotations

import errno
import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers
from fastapi.testclient import TestClient

from adapters.audio.assembler import WavAssembler
from adapters.container import Container
from adapters.queue.memory import MemoryQueue
from core.failures import DISK_FULL, FILE_FAILED, STORAGE_REFUSED, describe_failure
from ports.storage import Storage
from tests.helpers import rendered_task, sign_up
from workers.consumer import TaskWorker
from workers.gate import DatabaseGate

VOICES = {"Alice": "en-us-sarah", "Bob": "en-gb-oliver"}
SCRIPT = "**Alice:** A short line to render.\n**Bob:** And a short answer.\n"
SERVER_PATH = "/srv/podforge/storage/audio/2026/11/29/task.wav"


@pytest.mark.parametrize(("code", "expected"), [
    (errno.ENOSPC, DISK_FULL), (errno.EFBIG, DISK_FULL), (errno.EDQUOT, DISK_FULL),
    (errno.EACCES, STORAGE_REFUSED), (errno.EPERM, STORAGE_REFUSED),
    (errno.EROFS, STORAGE_REFUSED), (errno.EIO, FILE_FAILED), (errno.ENOTDIR, FILE_FAILED),
])
def test_storage_errors_are_told_in_plain_words_without_the_server_path(code: int,
                                                                        expected: str) -> None:
    error = OSError(code, "whatever the system says", SERVER_PATH)
    assert describe_failure(error) == expected
    assert describe_failure(PermissionError(code, "denied", SERVER_PATH)) == expected


def test_the_plain_words_say_what_the_issue_asks_for() -> None:
    assert DISK_FULL == "the server ran out of disk space"
    assert STORAGE_REFUSED == "storage refused the file"


def test_a_storage_error_behind_another_error_is_found() -> None:
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device", SERVER_PATH)
        except OSError as full:
            raise RuntimeError("mp3 encoding failed") from full
    except RuntimeError as wrapped:
        assert describe_failure(wrapped) == DISK_FULL


def test_an_unknown_file_error_keeps_the_path_to_itself() -> None:
    message = describe_failure(OSError(errno.ELOOP, "Too many levels", SERVER_PATH))
    assert message == FILE_FAILED and "/srv" not in message


def test_libsndfiles_system_error_never_reaches_the_user() -> None:
    error = RuntimeError(f"Error opening '{SERVER_PATH}': System error.")
    message = describe_failure(error)
    assert "System error" not in message and "/srv" not in message
    assert message == "the server could not write the audio file"


def test_other_errors_keep_their_own_words() -> None:
    assert describe_failure(ValueError("the voice provider refused the request")) == \
        "the voice provider refused the request"
    assert describe_failure(ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")) \
        == "[Errno 111] Connection refused"
    assert describe_failure(RuntimeError()) == "RuntimeError"


class RefusingStorage(Storage):
    """A real storage whose writes (or reads) can be refused the way an immutable folder
    refuses them."""

    def __init__(self, real: Storage) -> None:
        self.real = real
        self.refuse_writes = False
        self.refuse_reads = False

    def _refuse(self, refused: bool, key: str) -> None:
        if refused:
            raise PermissionError(errno.EPERM, "Operation not permitted", f"/srv/{key}")

    def put_file(self, key: str, source: Path) -> int:
        self._refuse(self.refuse_writes, key)
        return self.real.put_file(key, source)

    def get_file(self, key: str, destination: Path) -> None:
        self._refuse(self.refuse_reads, key)
        self.real.get_file(key, destination)

    def size(self, key: str) -> int:
        return self.real.size(key)

    def exists(self, key: str) -> bool:
        return self.real.exists(key)

    def delete(self, key: str) -> None:
        self.real.delete(key)

    def open_range(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        return self.real.open_range(key, start, end)

    def presigned_url(self, key: str, *, filename: str, expires_seconds: int) -> str | None:
        return self.real.presigned_url(key, filename=filename, expires_seconds=expires_seconds)

    def check_ready(self) -> None:
        self.real.check_ready()


def storage_client(make_client: Any) -> tuple[TestClient, RefusingStorage]:
    holder: dict[str, RefusingStorage] = {}

    def configure(container: Container) -> None:
        holder["storage"] = RefusingStorage(container.storage())
        container.storage.override(providers.Object(holder["storage"]))

    client = make_client(configure)
    return client, holder["storage"]


def render(client: TestClient, user: dict[str, Any], content: str = SCRIPT) -> dict[str, Any]:
    """Submit ``content`` and wait for the task to end; its full record."""
    script = client.post("/api/scripts", headers=user["headers"], json={"content": content})
    return rendered_task(client, user, script.json()["id"], VOICES)


def balance(client: TestClient, user: dict[str, Any]) -> int:
    return int(client.get("/api/users/me", headers=user["headers"]).json()["credit_balance"])


def test_a_refused_store_counts_as_an_attempt_and_ends_failed_and_refunded(
    make_client: Any
) -> None:
    client, storage = storage_client(make_client)
    storage.refuse_writes = True
    user = sign_up(client)
    task = render(client, user)
    assert task["status"] == "failed"
    assert task["error_message"] == f"rendering failed: {STORAGE_REFUSED}"
    assert (task["retry_count"], task["credit_cost"]) == (1, 0)
    assert balance(client, user) == 100


def test_a_refused_reuse_of_an_identical_render_counts_as_an_attempt(make_client: Any) -> None:
    client, storage = storage_client(make_client)
    user = sign_up(client)
    assert render(client, user)["status"] == "completed"
    before = balance(client, user)
    storage.refuse_reads = True  # the identical request copies the first one's files
    task = render(client, user)
    assert (task["status"], task["retry_count"]) == ("failed", 1)
    assert task["error_message"] == f"rendering failed: {STORAGE_REFUSED}"
    assert balance(client, user) == before


def test_a_work_folder_that_cannot_be_made_fails_the_task_in_plain_words(
    make_client: Any, migrated_settings: Any
) -> None:
    client = make_client()
    work_root = migrated_settings.data_dir / "work"
    work_root.parent.mkdir(parents=True, exist_ok=True)
    work_root.write_text("a file where the work folders should be")
    user = sign_up(client)
    task = render(client, user)
    assert (task["status"], task["retry_count"]) == ("failed", 1)
    assert task["error_message"] == f"rendering failed: {FILE_FAILED}"
    assert balance(client, user) == 100


class Database:
    """A probe target that answers or not, counting the questions, on a clock tests move."""

    def __init__(self) -> None:
        self.up = True
        self.asked = 0
        self.now = 0.0

    def probe(self) -> None:
        self.asked += 1
        if not self.up:
            raise ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")


def gate_on(database: Database) -> DatabaseGate:
    return DatabaseGate(database.probe, name="w1", check_seconds=5, max_pause_seconds=8,
                        clock=lambda: database.now)


def test_the_gate_asks_a_healthy_database_at_most_every_few_seconds() -> None:
    database = Database()
    gate = gate_on(database)
    assert all(gate.allows() for _ in range(100))
    assert database.asked == 1
    database.now = 5.0
    assert gate.allows() and database.asked == 2


def test_the_gate_closes_while_the_database_is_gone_and_waits_longer_each_time(
    caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="workers.gate")
    database = Database()
    gate = gate_on(database)
    assert gate.allows()
    database.up = False
    gate.suspect()  # a task failed on the database: do not wait for the next check
    assert not gate.allows() and database.asked == 2
    pauses = []
    for _ in range(5):
        pauses.append(gate.pause)
        assert not gate.allows()  # within the pause: no new question, still closed
        database.now += gate.pause
        assert not gate.allows()
    assert pauses == [1, 2, 4, 8, 8]
    database.up = True
    database.now += gate.pause
    assert gate.allows() and gate.pause == 0
    messages = [record.getMessage() for record in caplog.records]
    assert messages == ["worker w1 stops taking tasks: the database is unreachable "
                        "([Errno 111] Connection refused)",
                        "worker w1: the database is reachable again; taking tasks"]


def claiming_worker(container: Container, database: Database) -> tuple[TaskWorker, MemoryQueue]:
    """A worker whose claims fail on the database, on a queue of its own."""

    def unreachable() -> Any:
        raise ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")

    queue = MemoryQueue(visibility_timeout_seconds=3600)
    deps = replace(container.render_deps(), unit_of_work=unreachable)
    worker = TaskWorker(name="w1", queue=queue, deps=deps, maintenance=container.maintenance(),
                        gate=gate_on(database))
    queue.enqueue("a-task")
    return worker, queue


def test_a_task_claimed_just_as_the_database_went_away_is_handed_back_at_once(
    container: Container
) -> None:
    database = Database()
    worker, queue = claiming_worker(container, database)
    message = queue.receive("w1", 1)
    assert message is not None
    database.up = False  # gone between the gate's last check and the claim
    assert worker.handle(message) is None
    again = queue.receive("w2", 0.1)  # no visibility timeout to wait for
    assert again is not None and again.task_id == "a-task"
    assert not worker.gate.allows()


def test_a_claim_failing_while_the_database_answers_waits_for_the_visibility_timeout(
    container: Container
) -> None:
    worker, queue = claiming_worker(container, Database())
    message = queue.receive("w1", 1)
    assert message is not None
    assert worker.handle(message) is None
    assert queue.receive("w2", 0.1) is None  # not handed around in a loop
    assert queue.task_ids() == {"a-task"}


def test_the_wav_writer_names_the_system_error_behind_libsndfiles(tmp_path: Path) -> None:
    with pytest.raises(OSError) as refused:
        WavAssembler(tmp_path / "no such folder" / "podcast.wav", sample_rate=32000,
                     silence_min=0.3, silence_max=1.2, seed="task")
    assert refused.value.errno == errno.ENOENT
    assert describe_failure(refused.value) == FILE_FAILED
