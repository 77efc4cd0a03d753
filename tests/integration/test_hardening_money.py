"""Money under races on PostgreSQL: parallel renders, purchases and AI rounds are each charged
exactly once, never deadlock, and never answer 5xx."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from adapters.container import create_container
from adapters.db.models import CreditTransaction, Task
from adapters.settings import Settings, load_settings
from api.app import create_app
from ports.ledger import TransactionType
from ports.persistence import PaymentProvider
from tests.helpers import sign_up
from tests.integration.conftest import check_invariants

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
SHORT = "**Alice:** Hello there.\n\n**Bob:** Hi.\n"  # one credit per render
VOICES = {"Alice": "en-us-sarah", "Bob": "en-gb-oliver"}


def new_script(client: TestClient, user: dict[str, Any]) -> str:
    created = client.post("/api/scripts", headers=user["headers"], json={"content": SHORT})
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def submit_status(client: TestClient, headers: dict[str, str], script_id: str) -> int:
    answer = client.post("/api/tasks", headers=headers,
                         json={"script_id": script_id, "voice_config": VOICES})
    return answer.status_code


def test_ten_parallel_submits_by_one_user_are_all_accepted(
        deployment: dict[str, Any]) -> None:
    client = deployment["client"]
    user = sign_up(client)
    script_id = new_script(client, user)
    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(lambda _: submit_status(client, user["headers"], script_id),
                                 range(10)))
    assert statuses == [202] * 10


def submit_from_process(headers: dict[str, str], script_id: str, count: int,
                        results: multiprocessing.Queue[int]) -> None:
    """Runs in a separate process with its own app on the same PostgreSQL and Redis."""
    container = create_container(load_settings())
    with TestClient(create_app(container), raise_server_exceptions=False) as client, \
            ThreadPoolExecutor(4) as pool:
        for status in pool.map(lambda _: submit_status(client, headers, script_id),
                               range(count)):
            results.put(status)


@pytest.mark.slow
def test_a_balance_for_n_renders_accepts_exactly_n_of_5n_from_five_processes(
        deployment: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    client, container = deployment["client"], deployment["container"]
    user = sign_up(client)
    script_id = new_script(client, user)
    renders = 6
    balance = client.get("/api/users/me", headers=user["headers"]).json()["credit_balance"]
    container.ledger().debit(user_id=user["id"], amount=balance - renders,
                             type=TransactionType.AUDIO_GENERATION, reference_id=None,
                             idempotency_key="leave-n", description="test")
    context = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue[int] = context.Queue()
    processes = [context.Process(target=submit_from_process,
                                 args=(user["headers"], script_id, renders, results))
                 for _ in range(5)]
    for process in processes:
        process.start()
    statuses = Counter(results.get(timeout=180) for _ in range(5 * renders))
    for process in processes:
        process.join(timeout=60)
    assert statuses == {202: renders, 402: 4 * renders}
    with container.session_factory()() as session:
        assert session.execute(select(func.count()).select_from(Task)).scalar_one() == renders
    assert client.get("/api/users/me", headers=user["headers"]).json()["credit_balance"] == 0


class CountingPayments(PaymentProvider):
    """A payment provider that, like a real one, charges once per idempotency key."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, str]] = []
        self.charged: dict[str, str] = {}

    def charge(self, *, user_id: str, amount: int, order_id: str,
               idempotency_key: str) -> str:
        self.calls.append((user_id, amount, idempotency_key))
        return self.charged.setdefault(idempotency_key, f"pay-{len(self.charged)}")


@pytest.fixture
def shop(pg_settings: Settings) -> Any:
    payments = CountingPayments()
    container = create_container(pg_settings)
    container.payments.override(payments)
    with TestClient(create_app(container), raise_server_exceptions=False) as client:
        yield client, container, payments


def test_ten_parallel_purchases_of_one_order_charge_once(shop: Any) -> None:
    client, container, payments = shop
    user = sign_up(client)

    def buy(_: int) -> Any:
        return client.post("/api/credits/purchase", headers=user["headers"],
                           json={"amount": 500, "order_id": "order-42"})

    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(buy, range(10)))
    assert sorted(a.status_code for a in answers) == [200] * 9 + [201]
    assert len({a.json()["id"] for a in answers}) == 1  # every replay gets the first result
    assert len(payments.calls) == 1
    assert payments.calls[0][2] != "order-42"  # the key is scoped to the user
    with container.session_factory()() as session:
        purchases = session.execute(select(func.count()).select_from(CreditTransaction).where(
            CreditTransaction.type == "purchase")).scalar_one()
    assert purchases == 1
    assert client.get("/api/users/me", headers=user["headers"]).json()["credit_balance"] == 600


def test_the_same_order_with_another_amount_is_a_conflict(shop: Any) -> None:
    client, _, payments = shop
    user = sign_up(client)
    first = client.post("/api/credits/purchase", headers=user["headers"],
                        json={"amount": 500, "order_id": "order-7"})
    other = client.post("/api/credits/purchase", headers=user["headers"],
                        json={"amount": 900, "order_id": "order-7"})
    replay = client.post("/api/credits/purchase", headers=user["headers"],
                         json={"amount": 500, "order_id": "order-7"})
    assert (first.status_code, other.status_code, replay.status_code) == (201, 409, 200)
    assert "order_id" in other.text and replay.json() == first.json()
    assert len(payments.calls) == 1


def test_two_users_may_use_the_same_order_id(shop: Any) -> None:
    client, _, payments = shop
    alice, bob = sign_up(client), sign_up(client)
    for user in (alice, bob):
        answer = client.post("/api/credits/purchase", headers=user["headers"],
                             json={"amount": 10, "order_id": "order-1"})
        assert answer.status_code == 201, answer.text
    assert len({call[2] for call in payments.calls}) == 2


@pytest.fixture
def studio(pg_settings: Settings, llm_server: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("PODFORGE_LLM__MODEL", "openai/podforge-local")
    monkeypatch.setenv("PODFORGE_LLM__API_BASE", f"{llm_server.base_url}/v1")
    monkeypatch.setenv("PODFORGE_LLM__API_KEY", "test-key")
    container = create_container(load_settings())
    with TestClient(create_app(container), raise_server_exceptions=False) as client:
        yield client, container


TOPIC = {"topic": "why queues keep web apps fast", "style": "casual", "target_duration": 60,
         "speakers": ["Alice", "Bob"]}


def test_parallel_rounds_on_one_conversation_are_numbered_and_charged(
        studio: Any, llm_server: Any) -> None:
    client, container = studio
    llm_server.faults.latency_ms = 300  # rounds overlap while the model thinks
    user = sign_up(client)
    conversation = client.post("/api/conversations/create", headers=user["headers"],
                               json=TOPIC).json()

    def say(n: int) -> Any:
        return client.post(f"/api/conversations/{conversation['id']}/messages",
                           headers=user["headers"], json={"content": f"round {n}"})

    with ThreadPoolExecutor(30) as pool:
        answers = list(pool.map(say, range(30)))
    statuses = Counter(a.status_code for a in answers)
    assert set(statuses) <= {200, 409} and statuses[200] >= 1, statuses
    rounds = [a.json()["message"]["metadata"]["round"] for a in answers if a.status_code == 200]
    assert sorted(rounds) == list(range(1, len(rounds) + 1))
    assert all("already" in a.json()["detail"] for a in answers if a.status_code == 409)
    detail = client.get(f"/api/conversations/{conversation['id']}",
                        headers=user["headers"]).json()
    replies = [m for m in detail["messages"] if m["role"] == "assistant"]
    assert len(replies) == statuses[200]
    charged = sum(a.json()["credits_charged"] for a in answers if a.status_code == 200)
    assert client.get("/api/users/me", headers=user["headers"]).json()["credit_balance"] == \
        100 - charged
    check_invariants(container)


def test_a_round_without_enough_credits_never_calls_the_model(
        studio: Any, llm_server: Any) -> None:
    client, container = studio
    user = sign_up(client)
    container.ledger().debit(user_id=user["id"], amount=95, type=TransactionType.AUDIO_GENERATION,
                             reference_id=None, idempotency_key="spend", description="test")
    conversation = client.post("/api/conversations/create", headers=user["headers"],
                               json=TOPIC).json()
    asked = len(llm_server.seen.requests)
    answer = client.post(f"/api/conversations/{conversation['id']}/messages",
                         headers=user["headers"], json={"content": "go"})
    assert answer.status_code == 402 and answer.json()["shortfall"] == 5
    assert len(llm_server.seen.requests) == asked


def test_a_round_costing_more_than_the_balance_keeps_its_reply(studio: Any) -> None:
    client, container = studio
    user = sign_up(client)
    conversation = client.post("/api/conversations/create", headers=user["headers"],
                               json=TOPIC).json()
    url = f"/api/conversations/{conversation['id']}/messages"
    for n in range(3):  # round 1 costs 10; rounds 2 and 3 are included
        assert client.post(url, headers=user["headers"],
                           json={"content": f"round {n}"}).status_code == 200
    container.ledger().debit(user_id=user["id"], amount=89, type=TransactionType.AUDIO_GENERATION,
                             reference_id=None, idempotency_key="spend", description="test")
    long_note = "Please make it longer and add an example about queues. " * 280  # ~4k tokens
    answer = client.post(url, headers=user["headers"], json={"content": long_note})
    assert answer.status_code == 200, answer.text
    assert answer.json()["credits_charged"] == 1  # all that was left, never a negative balance
    assert client.get("/api/users/me", headers=user["headers"]).json()["credit_balance"] == 0
    check_invariants(container)


def test_a_database_that_cannot_be_reached_answers_503_without_details(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PODFORGE_DATABASE__URL",
                       "postgresql://postgres:db-password@127.0.0.1:1/nowhere")
    container = create_container(load_settings())
    with TestClient(create_app(container), raise_server_exceptions=False) as client:
        answers = [client.post("/api/auth/login", json={"username": "a", "password": "b"}),
                   client.post("/api/auth/register", json={
                       "username": "someone", "email": "someone@example.org",
                       "password": "a long enough password"})]
    for answer in answers:
        assert answer.status_code == 503 and answer.headers["Retry-After"]
        assert "db-password" not in answer.text and "SELECT" not in answer.text
