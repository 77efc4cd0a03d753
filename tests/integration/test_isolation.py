"""No user sees another's objects: each is a 404, as if it did not exist (PostgreSQL)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import sign_up

SCRIPT = "**Alice:** A private thought.\n**Bob:** Indeed.\n"


def test_a_second_user_gets_404_on_every_object_of_the_first(pg_client: TestClient) -> None:
    owner, other = sign_up(pg_client, "owner"), sign_up(pg_client, "intruder")
    script = pg_client.post("/api/scripts", headers=owner["headers"],
                            json={"title": "mine", "content": SCRIPT}).json()
    attempts = {
        "read script": pg_client.get(f"/api/scripts/{script['id']}", headers=other["headers"]),
        "edit script": pg_client.put(f"/api/scripts/{script['id']}", headers=other["headers"],
                                     json={"title": "stolen"}),
    }
    for name, response in attempts.items():
        assert response.status_code == 404, name
        assert response.json() == {"detail": "no such script"}, name
    assert pg_client.get("/api/scripts", headers=other["headers"]).json()["total"] == 0
    others_history = pg_client.get("/api/credits/transactions", headers=other["headers"]).json()
    assert {item["balance_after"] for item in others_history["items"]} == {100}
    assert others_history["total"] == 1
    untouched = pg_client.get(f"/api/scripts/{script['id']}", headers=owner["headers"]).json()
    assert untouched["title"] == "mine"


def test_accounts_and_ledger_work_on_postgresql(pg_client: TestClient) -> None:
    user = sign_up(pg_client, "pguser")
    me = pg_client.get("/api/users/me", headers=user["headers"]).json()
    assert me["credit_balance"] == 100 and me["created_at"].endswith("Z")
