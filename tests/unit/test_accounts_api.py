"""Accounts over HTTP: registration, sign-in, tokens, lock-out, rate limiting, purchases."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from jose import jwt

from tests.helpers import PASSWORD, sign_up

SECRET = "test-only-secret-not-for-production"


def test_registration_grants_the_signup_bonus_as_a_recorded_transaction(
    client: TestClient,
) -> None:
    user = sign_up(client, "alice")
    assert (user["username"], user["credit_balance"], user["status"]) == ("alice", 100, "active")
    assert "password" not in str(user) and "argon2" not in str(user)
    history = client.get("/api/credits/transactions", headers=user["headers"]).json()
    assert history["total"] == 1
    assert history["items"][0] | {"id": None, "created_at": None} == {
        "id": None, "amount": 100, "balance_after": 100, "type": "grant", "reference_id": None,
        "description": "sign-up bonus", "created_at": None}


@pytest.mark.parametrize(
    ("body", "field"),
    [({"username": "bob", "email": "not-an-email", "password": PASSWORD}, "email"),
     ({"username": "bob", "email": "bob@example.org", "password": "short"}, "password"),
     ({"username": "b o b", "email": "bob@example.org", "password": PASSWORD}, "username"),
     ({"email": "bob@example.org", "password": PASSWORD}, "username")],
)
def test_invalid_registrations_name_the_field(client: TestClient, body: dict[str, str],
                                              field: str) -> None:
    response = client.post("/api/auth/register", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field


def test_a_taken_username_or_email_is_a_409(client: TestClient) -> None:
    sign_up(client, "carol")
    same_name = client.post("/api/auth/register", json={
        "username": "carol", "email": "other@example.org", "password": PASSWORD})
    same_mail = client.post("/api/auth/register", json={
        "username": "carol2", "email": "CAROL@example.org", "password": PASSWORD})
    assert (same_name.status_code, same_mail.status_code) == (409, 409)
    assert "username" in same_name.json()["detail"] and "email" in same_mail.json()["detail"]


def test_sign_in_by_username_or_email_and_the_oauth2_form(client: TestClient) -> None:
    sign_up(client, "dave")
    by_email = client.post("/api/auth/login", json={"username": "Dave@Example.org",
                                                    "password": PASSWORD})
    form = client.post("/api/auth/token", data={"username": "dave", "password": PASSWORD})
    for response in (by_email, form):
        assert response.status_code == 200
        assert response.json()["token_type"] == "bearer" and response.json()["expires_in"] > 0
        me = client.get("/api/users/me",
                        headers={"Authorization": f"Bearer {response.json()['access_token']}"})
        assert me.json()["username"] == "dave"
    wrong = client.post("/api/auth/login", json={"username": "dave", "password": "nope-nope"})
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"] == "Bearer"


def forged(claims: dict[str, object], key: str = SECRET, algorithm: str = "HS256") -> str:
    return str(jwt.encode(claims, key, algorithm=algorithm))


def test_tampered_expired_wrong_key_and_unsigned_tokens_are_rejected(client: TestClient) -> None:
    user = sign_up(client, "erin")
    good = user["headers"]["Authorization"].split()[1]
    now = int(time.time())
    claims = {"sub": user["id"], "iss": "podforge", "iat": now, "exp": now + 600, "pur": "access"}
    header, _, signature = good.split(".")
    other_payload = forged({**claims, "sub": "someone-else"}).split(".")[1]
    unsigned = forged(claims).split(".")
    none_header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0"  # {"alg":"none","typ":"JWT"}
    bad_tokens = {
        "tampered": f"{header}.{other_payload}.{signature}",
        "expired": forged({**claims, "iat": now - 7200, "exp": now - 3600}),
        "wrong key": forged(claims, key="another-secret"),
        "alg none": f"{none_header}.{unsigned[1]}.",
        "wrong issuer": forged({**claims, "iss": "elsewhere"}),
        "download token": forged({**claims, "pur": "download"}),
        "garbage": "not.a.token",
    }
    for name, token in bad_tokens.items():
        response = client.get("/api/users/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, name
    assert client.get("/api/users/me").status_code == 401
    assert client.get("/api/users/me", headers=user["headers"]).status_code == 200


def test_a_suspended_user_is_locked_out(client: TestClient) -> None:
    from core.services.accounts import set_status
    from core.states import UserStatus

    user = sign_up(client, "frank")
    container = client.app.state.container  # type: ignore[attr-defined]
    set_status(uow=container.unit_of_work(), cache=container.status_cache(), user_id=user["id"],
               status=UserStatus.SUSPENDED)
    assert client.get("/api/users/me", headers=user["headers"]).status_code == 403
    login = client.post("/api/auth/login", json={"username": "frank", "password": PASSWORD})
    assert login.status_code == 403 and "suspended" in login.json()["detail"]


def test_the_eleventh_failed_sign_in_for_an_account_gets_429(client: TestClient) -> None:
    sign_up(client, "grace")
    for _ in range(10):
        failed = client.post("/api/auth/login", json={"username": "grace", "password": "x" * 9})
        assert failed.status_code == 401
    blocked = client.post("/api/auth/login", json={"username": "grace", "password": PASSWORD})
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["Retry-After"]) <= 15 * 60


def test_successful_sign_ins_do_not_count(client: TestClient) -> None:
    sign_up(client, "heidi")
    for _ in range(15):
        ok = client.post("/api/auth/login", json={"username": "heidi", "password": PASSWORD})
        assert ok.status_code == 200


def test_thirty_failures_from_one_address_block_it_for_every_account(client: TestClient) -> None:
    sign_up(client, "ivan")
    for attempt in range(30):
        client.post("/api/auth/login", json={"username": f"ghost{attempt}", "password": "x" * 9})
    blocked = client.post("/api/auth/login", json={"username": "ivan", "password": PASSWORD})
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) <= 60


@pytest.fixture
def dev_client(monkeypatch: pytest.MonkeyPatch, client: TestClient) -> TestClient:
    """The client with the development payment provider allowed (env = dev)."""
    container = client.app.state.container  # type: ignore[attr-defined]
    monkeypatch.setattr(container.payments(), "env", "dev")
    return client


def test_a_purchase_is_recorded_once_per_order(dev_client: TestClient) -> None:
    user = sign_up(dev_client, "judy")
    first = dev_client.post("/api/credits/purchase", headers=user["headers"],
                            json={"amount": 250, "order_id": "order-1"})
    again = dev_client.post("/api/credits/purchase", headers=user["headers"],
                            json={"amount": 250, "order_id": "order-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert (first.json()["type"], first.json()["amount"], first.json()["balance_after"]) == (
        "purchase", 250, 350)
    me = dev_client.get("/api/users/me", headers=user["headers"]).json()
    assert (me["credit_balance"], me["total_credit_purchased"]) == (350, 250)
    clash = dev_client.post("/api/credits/purchase", headers=user["headers"],
                            json={"amount": 5, "order_id": "order-1"})
    assert clash.status_code == 409 and "already placed for 250" in clash.json()["detail"]


@pytest.mark.parametrize("amount", [0, -5, 100_001, "12", 1.5])
def test_purchase_amounts_must_be_positive_whole_numbers_within_the_maximum(
    dev_client: TestClient, amount: object
) -> None:
    user = sign_up(dev_client)
    response = dev_client.post("/api/credits/purchase", headers=user["headers"],
                               json={"amount": amount, "order_id": "o-2"})
    assert response.status_code == 422
    assert dev_client.get("/api/users/me", headers=user["headers"]).json()["credit_balance"] == 100


def test_the_development_payment_provider_refuses_outside_dev(client: TestClient) -> None:
    user = sign_up(client)  # the test configuration runs with env = "test"
    response = client.post("/api/credits/purchase", headers=user["headers"],
                           json={"amount": 10, "order_id": "o-3"})
    assert response.status_code == 402 and 'env = "dev"' in response.json()["detail"]
    assert client.get("/api/credits/transactions", headers=user["headers"]).json()["total"] == 1


def test_history_is_paginated_newest_first_and_adds_up_to_the_balance(
    dev_client: TestClient,
) -> None:
    user = sign_up(dev_client)
    for n in range(1, 6):
        dev_client.post("/api/credits/purchase", headers=user["headers"],
                        json={"amount": n, "order_id": f"o-{n}"})
    page = dev_client.get("/api/credits/transactions", headers=user["headers"],
                          params={"limit": 4, "offset": 0}).json()
    rest = dev_client.get("/api/credits/transactions", headers=user["headers"],
                          params={"limit": 4, "offset": 4}).json()
    items = page["items"] + rest["items"]
    assert page["total"] == 6 and len(page["items"]) == 4 and len(rest["items"]) == 2
    assert [i["balance_after"] for i in items] == [115, 110, 106, 103, 101, 100]
    balance = dev_client.get("/api/users/me", headers=user["headers"]).json()["credit_balance"]
    assert sum(i["amount"] for i in items) == balance == 115
