"""Limits on what costs us, on PostgreSQL and Redis: two API instances count together, and a
refused request does no work (no account, no grant, no password hash, no task)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from adapters.container import create_container
from adapters.db.models import CreditTransaction, Task, User
from adapters.settings import Settings, load_settings
from api.app import create_app
from tests.conftest import REDIS_URL
from tests.helpers import PASSWORD, sign_up
from tests.integration.conftest import VOICES, grant
from tests.integration.test_hardening_login import CountingHasher

SCRIPT = "**Alice:** Hello there.\n**Bob:** Hello back.\n"

Apps = Callable[..., list[TestClient]]


@pytest.fixture
def apps(pg_settings: Settings, redis_client: Any,
         monkeypatch: pytest.MonkeyPatch) -> Iterator[Apps]:
    """``apps(n, configure, **env)``: n API instances (each its own container) on one
    PostgreSQL and one Redis, with extra ``PODFORGE_*`` settings."""
    with ExitStack() as stack:
        def build(count: int = 1, configure: Callable[[Any], None] = lambda c: None,
                  **env: str) -> list[TestClient]:
            for key, value in {"PODFORGE_QUEUE__TYPE": "redis", "PODFORGE_REDIS__URL": REDIS_URL,
                               **env}.items():
                monkeypatch.setenv(key, value)
            clients = []
            for _ in range(count):
                container = create_container(load_settings())
                configure(container)
                clients.append(stack.enter_context(TestClient(create_app(container))))
            return clients

        yield build


def register(client: TestClient, name: str) -> Any:
    return client.post("/api/auth/register", json={
        "username": name, "email": f"{name}@example.org", "password": PASSWORD})


def rows(client: TestClient, model: Any) -> int:
    container = client.app.state.container  # type: ignore[attr-defined]
    with container.session_factory()() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def assert_refused(answer: Any, limit: str) -> None:
    assert answer.status_code == 429, answer.text
    assert int(answer.headers["Retry-After"]) > 0
    assert f"[limits] {limit}" in answer.json()["detail"]


def test_two_instances_share_the_sign_up_limit_and_refusals_create_nothing(apps: Apps) -> None:
    first, second = apps(2, PODFORGE_LIMITS__SIGNUP="3/hour")
    assert [register(first, "one").status_code, register(second, "two").status_code,
            register(first, "three").status_code] == [201, 201, 201]
    for client, name in ((second, "four"), (first, "five")):
        refused = register(client, name)
        assert_refused(refused, "signup")
        assert int(refused.headers["Retry-After"]) <= 3600
    assert rows(first, User) == 3
    assert rows(first, CreditTransaction) == 3  # the three sign-up grants, no more


def test_refused_sign_ups_hash_no_password_and_the_voice_list_still_answers(apps: Apps) -> None:
    hasher = CountingHasher()
    [client] = apps(configure=lambda container: container.password_hasher.override(hasher),
                    PODFORGE_LIMITS__SIGNUP="2/hour")
    voices: list[int] = []
    stop = threading.Event()

    def list_voices() -> None:
        while not stop.is_set():
            voices.append(client.get("/api/voices").status_code)

    reader = threading.Thread(target=list_voices)
    reader.start()
    try:
        with ThreadPoolExecutor(max_workers=10) as pool:
            answers = list(pool.map(lambda n: register(client, f"loop{n}").status_code,
                                    range(30)))
    finally:
        stop.set()
        reader.join(timeout=60)
    assert sorted(answers) == [201] * 2 + [429] * 28
    assert hasher.runs == 2
    assert voices and set(voices) == {200}
    assert rows(client, User) == 2


def test_task_submission_is_limited_per_user(apps: Apps) -> None:
    [client] = apps(PODFORGE_LIMITS__TASK_SUBMIT="2/minute")
    container = client.app.state.container  # type: ignore[attr-defined]
    busy, other = sign_up(client, "busy"), sign_up(client, "other")
    for user in (busy, other):
        grant(container, user, 1000)
    script = client.post("/api/scripts", headers=busy["headers"], json={"content": SCRIPT})
    body = {"script_id": script.json()["id"], "voice_config": VOICES}
    accepted = [client.post("/api/tasks", headers=busy["headers"], json=body).status_code
                for _ in range(2)]
    assert accepted == [202, 202]
    assert_refused(client.post("/api/tasks", headers=busy["headers"], json=body), "task_submit")
    assert rows(client, Task) == 2
    others = client.post("/api/scripts", headers=other["headers"], json={"content": SCRIPT})
    answer = client.post("/api/tasks", headers=other["headers"],
                         json={"script_id": others.json()["id"], "voice_config": VOICES})
    assert answer.status_code == 202, answer.text


def test_a_sign_up_grant_of_zero_gives_nothing_and_the_account_works(apps: Apps) -> None:
    [client] = apps(PODFORGE_BILLING__SIGNUP_CREDITS="0")
    assert client.get("/api/credits/signup-bonus").json() == {"credits": 0}
    user = sign_up(client, "frugal")
    assert user["credit_balance"] == 0
    history = client.get("/api/credits/transactions", headers=user["headers"]).json()
    assert history["total"] == 0
    script = client.post("/api/scripts", headers=user["headers"], json={"content": SCRIPT})
    task = client.post("/api/tasks", headers=user["headers"],
                       json={"script_id": script.json()["id"], "voice_config": VOICES})
    assert task.status_code == 402 and task.json()["balance"] == 0
