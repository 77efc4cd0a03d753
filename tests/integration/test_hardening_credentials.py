"""No credential reaches a log: event streams take a single-use ticket, access logs drop query
strings, database errors name no parameter, and racing sign-ups answer 409, not 500."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from adapters.credentials import MemoryCredentialStore, RedisCredentialStore
from adapters.db.models import CreditTransaction, User
from adapters.logging_setup import redact
from adapters.resources import project_root
from adapters.settings import Settings
from ports.contracts import CredentialStoreContract
from ports.credentials import CredentialStore
from tests.conftest import REDIS_URL, free_port
from tests.helpers import PASSWORD, read_events, sign_up
from tests.integration.conftest import PODFORGE, grant, submit

WAITING = "**Alice:** Nobody renders this while the test runs.\n"


class TestMemoryCredentialStore(CredentialStoreContract):
    @pytest.fixture
    def store(self) -> CredentialStore:
        return MemoryCredentialStore()


@pytest.mark.redis
class TestRedisCredentialStore(CredentialStoreContract):
    @pytest.fixture
    def store(self, redis_client: Any) -> CredentialStore:
        return RedisCredentialStore(redis_client, REDIS_URL)


def waiting_task(client: TestClient, container: Any) -> tuple[dict[str, Any], str]:
    """A user and a task of theirs that stays pending (no worker runs it)."""
    user = sign_up(client)
    grant(container, user, 1000)
    return user, submit(client, user, WAITING)


def ticket_for(client: TestClient, user: dict[str, Any], task_id: str) -> str:
    answer = client.post(f"/api/tasks/{task_id}/events/ticket", headers=user["headers"])
    assert answer.status_code == 200, answer.text
    assert 0 < answer.json()["expires_in"] <= 60
    return str(answer.json()["ticket"])


def first_event(client: TestClient, task_id: str, **params: str) -> tuple[int, Any]:
    """The status code of the event stream and its first event (None when refused)."""
    with client.stream("GET", f"/api/tasks/{task_id}/events", params=params) as stream:
        if stream.status_code != 200:
            stream.read()
            return stream.status_code, None
        return 200, read_events(stream, until="progress")[0]


@pytest.mark.postgres
@pytest.mark.redis
def test_an_event_stream_ticket_is_single_use_bound_to_its_task_and_short_lived(
    deployment: dict[str, Any],
) -> None:
    client, container, redis = deployment["client"], deployment["container"], deployment["redis"]
    user, task_id = waiting_task(client, container)
    ticket = ticket_for(client, user, task_id)
    keys = redis.keys("podforge:stream-ticket:*")
    assert len(keys) == 1 and 0 < redis.ttl(keys[0]) <= 60
    assert ticket not in keys[0].decode()  # stored by digest: a Redis dump shows no ticket

    assert first_event(client, task_id, ticket=ticket) == (
        200, ("progress", {"status": "pending", "progress": 0}))
    assert first_event(client, task_id, ticket=ticket)[0] == 401  # used up
    assert redis.keys("podforge:stream-ticket:*") == []

    _, other_task = waiting_task(client, container)
    assert first_event(client, other_task, ticket=ticket_for(client, user, task_id))[0] == 401
    stranger = sign_up(client)
    refused = client.post(f"/api/tasks/{task_id}/events/ticket", headers=stranger["headers"])
    assert refused.status_code == 404


@pytest.mark.postgres
@pytest.mark.redis
def test_the_event_stream_no_longer_takes_an_access_token_in_its_query(
    deployment: dict[str, Any],
) -> None:
    client = deployment["client"]
    user, task_id = waiting_task(client, deployment["container"])
    token = user["headers"]["Authorization"].removeprefix("Bearer ")
    assert first_event(client, task_id, access_token=token)[0] == 401
    assert first_event(client, task_id)[0] == 401


def test_tickets_work_on_the_embedded_default(client: TestClient) -> None:
    from adapters.container import Container

    container: Container = client.app.state.container  # type: ignore[attr-defined]
    user, task_id = waiting_task(client, container)
    status, event = first_event(client, task_id, ticket=ticket_for(client, user, task_id))
    assert status == 200 and event[0] in ("progress", "end")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Callable[[str], tuple[str, Path]]]:
    """Starts `podforge serve` on the shipped configuration with a log format, as its own
    process; gives its URL and its log file."""
    started: list[subprocess.Popen[bytes]] = []

    def serve(log_format: str) -> tuple[str, Path]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PODFORGE_")}
        env.update(PODFORGE_CONFIG=str(project_root() / "config.toml"),
                   PODFORGE_APP__DATA_DIR=str(tmp_path / "var"),
                   PODFORGE_APP__LOG_FORMAT=log_format)
        subprocess.run([PODFORGE, "db", "upgrade"], env=env, cwd=tmp_path, check=True,
                       capture_output=True, timeout=120)
        log = tmp_path / "server.log"
        port = free_port()
        started.append(subprocess.Popen([PODFORGE, "serve", "--port", str(port)], env=env,
                                        cwd=tmp_path, stdout=log.open("w"),
                                        stderr=subprocess.STDOUT))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                return base, log
            except httpx.TransportError:
                assert started[-1].poll() is None and time.monotonic() < deadline, (
                    log.read_text())
                time.sleep(0.2)

    yield serve
    for process in started:
        process.terminate()
        process.wait(timeout=30)


def logged(log: Path, text: str) -> str:
    """The log once ``text`` is in it: uvicorn writes an access line after the answer."""
    deadline = time.monotonic() + 30
    while text not in log.read_text():
        assert time.monotonic() < deadline, f"{text} never reached the log"
        time.sleep(0.1)
    return log.read_text()


@pytest.mark.slow
@pytest.mark.parametrize("log_format", ["json", "text"])
def test_the_access_log_of_podforge_serve_shows_no_query_string(
    served: Callable[[str], tuple[str, Path]], log_format: str,
) -> None:
    base, log = served(log_format)
    name = f"log{os.getpid()}"
    httpx.post(f"{base}/api/auth/register", json={
        "username": name, "email": f"{name}@example.org", "password": PASSWORD})
    token = httpx.post(f"{base}/api/auth/login",
                       json={"username": name, "password": PASSWORD}).json()["access_token"]
    secrets = [token, "download-token-d0wnl0ad", "stream-ticket-t1cket"]
    httpx.get(f"{base}/api/users/me", params={"access_token": token})
    httpx.get(f"{base}/api/audio/some-id/download", params={"token": secrets[1]})
    httpx.get(f"{base}/api/tasks/some-id/events",
              params={"ticket": secrets[2], "access_token": token})
    httpx.get(f"{base}/api/voices?{secrets[1]}")
    text = logged(log, "/api/voices")
    assert "/api/audio/some-id/download" in text and "/api/users/me" in text, text
    for secret in secrets:
        assert secret not in text
    assert token.split(".")[1] not in text  # not even the token's claims


@pytest.mark.postgres
def test_a_database_error_shows_no_parameter_value(pg_settings: Settings) -> None:
    from adapters.db.engine import create_db_engine

    engine = create_db_engine(pg_settings.database_url)
    insert = text("INSERT INTO users (id, username, email, password_hash, credit_balance, "
                  "total_credit_purchased, status, created_at, updated_at) VALUES "
                  "(gen_random_uuid(), :name, :email, :hash, 0, 0, 'active', now(), now())")
    values = {"name": "racer", "hash": "$argon2id$leaked-hash"}
    try:
        with engine.begin() as connection:
            connection.execute(insert, {**values, "email": "first@example.org"})
        with pytest.raises(IntegrityError) as raised, engine.begin() as connection:
            connection.execute(insert, {**values, "email": "leaked-address@example.org"})
    finally:
        engine.dispose()
    problem = str(raised.value)
    assert "uq_users_username" in problem
    assert "leaked" not in problem  # neither the hash nor the other email
    assert "hidden due to hide_parameters" in problem
    assert "racer" not in redact(problem)  # the database's own detail quotes the key's value


def register_at_once(client: TestClient, bodies: list[dict[str, str]]) -> list[int]:
    """POST every body to the registration endpoint at the same moment; their status codes."""
    start = threading.Barrier(len(bodies))

    def register(body: dict[str, str]) -> int:
        start.wait()
        return client.post("/api/auth/register", json=body).status_code

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(register, bodies))


def accounts_and_grants(client: TestClient) -> tuple[int, int]:
    container = client.app.state.container  # type: ignore[attr-defined]
    with container.session_factory()() as session:
        users = session.execute(select(func.count()).select_from(User)).scalar_one()
        grants = session.execute(select(func.count()).select_from(CreditTransaction).where(
            CreditTransaction.idempotency_key == "signup")).scalar_one()
    return int(users), int(grants)


@pytest.mark.postgres
def test_ten_parallel_registrations_of_one_username_create_one_account(
    pg_client: TestClient,
) -> None:
    codes = register_at_once(pg_client, [
        {"username": "samename", "email": f"n{n}@example.org", "password": PASSWORD}
        for n in range(10)])
    assert sorted(codes) == [201] + [409] * 9
    assert accounts_and_grants(pg_client) == (1, 1)
    again = pg_client.post("/api/auth/register", json={
        "username": "samename", "email": "late@example.org", "password": PASSWORD})
    assert again.status_code == 409 and "username" in again.json()["detail"]


@pytest.mark.postgres
def test_parallel_registrations_of_one_email_answer_409_naming_the_email(
    pg_client: TestClient,
) -> None:
    codes = register_at_once(pg_client, [
        {"username": f"mail{n}", "email": "same@example.org", "password": PASSWORD}
        for n in range(10)])
    assert sorted(codes) == [201] + [409] * 9
    assert accounts_and_grants(pg_client) == (1, 1)


@pytest.mark.postgres
def test_a_racing_registration_names_the_field_it_lost_on(pg_client: TestClient) -> None:
    """The unique violation itself, not the pre-check, decides: the detail names the field."""
    from adapters.db.repositories import SqlUserRepository
    from core.errors import Conflict

    container = pg_client.app.state.container  # type: ignore[attr-defined]
    sign_up(pg_client, "firstcomer")
    for username, email, field in (("firstcomer", "other@example.org", "username"),
                                   ("newcomer", "firstcomer@example.org", "email")):
        with container.session_factory()() as session:
            with pytest.raises(Conflict, match=field) as raised:
                SqlUserRepository(session).add(username=username, email=email,
                                               password_hash="x")
            assert raised.value.field == field
