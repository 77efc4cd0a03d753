"""Small helpers shared by API tests."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"


def sign_up(client: TestClient, name: str | None = None) -> dict[str, Any]:
    """Register and sign in a new user; returns the user with ``headers`` for requests."""
    name = name or f"user{uuid.uuid4().hex[:8]}"
    created = client.post("/api/auth/register",
                          json={"username": name, "email": f"{name}@example.org",
                                "password": PASSWORD})
    assert created.status_code == 201, created.text
    token = client.post("/api/auth/login", json={"username": name, "password": PASSWORD})
    assert token.status_code == 200, token.text
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    return {**created.json(), "headers": bearer}
