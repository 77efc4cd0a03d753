"""Suspension and revocation on PostgreSQL + Redis: a suspended account's links stop working,
a signed-out token is refused everywhere, and a password change ends every older session."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.container import create_container
from api.app import create_app
from tests.helpers import PASSWORD, sign_up
from tests.integration.conftest import PODFORGE, grant, submit, wait_all

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
WAITING = "**Alice:** Nobody renders this while the test runs.\n"
NEW_PASSWORD = "a brand new passphrase"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    answer = client.post("/api/auth/login", json={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return bearer(answer.json()["access_token"])


def refusals(client: TestClient, headers: dict[str, str], task_id: str) -> list[int]:
    """The answers to a token on the account, the status poll and the event stream ticket."""
    return [client.get("/api/users/me", headers=headers).status_code,
            client.get(f"/api/tasks/{task_id}/status", headers=headers).status_code,
            client.post(f"/api/tasks/{task_id}/events/ticket", headers=headers).status_code]


@pytest.fixture
def waiting(deployment: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A user with a task that stays pending: no worker is started."""
    user = sign_up(deployment["client"])
    grant(deployment["container"], user, 1000)
    return user, submit(deployment["client"], user, WAITING)


def test_a_signed_out_token_is_refused_everywhere_and_other_sessions_go_on(
    deployment: dict[str, Any], waiting: tuple[dict[str, Any], str],
) -> None:
    client = deployment["client"]
    user, task_id = waiting
    other_session = sign_in(client, user["username"])
    assert refusals(client, user["headers"], task_id) == [200, 200, 200]
    assert client.post("/api/auth/logout", headers=user["headers"]).status_code == 204
    assert refusals(client, user["headers"], task_id) == [401, 401, 401]
    assert client.post("/api/auth/logout", headers=user["headers"]).status_code == 401
    assert refusals(client, other_session, task_id) == [200, 200, 200]
    revoked = deployment["redis"].keys("podforge:revoked-token:*")
    assert len(revoked) == 1 and 0 < deployment["redis"].ttl(revoked[0]) <= 24 * 3600


@pytest.fixture
def second_instance(deployment: dict[str, Any]) -> Iterator[TestClient]:
    """Another API process's view: its own container on the same PostgreSQL and Redis."""
    container = create_container(deployment["container"].settings())
    with TestClient(create_app(container)) as client:
        yield client


def test_a_revocation_is_seen_by_another_api_instance(
    deployment: dict[str, Any], waiting: tuple[dict[str, Any], str], second_instance: TestClient,
) -> None:
    user, task_id = waiting
    assert refusals(second_instance, user["headers"], task_id) == [200, 200, 200]
    assert deployment["client"].post("/api/auth/logout",
                                     headers=user["headers"]).status_code == 204
    assert refusals(second_instance, user["headers"], task_id) == [401, 401, 401]


def change_password(client: TestClient, headers: dict[str, str], current: str,
                    new: str) -> Any:
    return client.post("/api/users/me/password", headers=headers,
                       json={"current_password": current, "new_password": new})


def test_a_password_change_revokes_every_older_token_and_returns_a_fresh_one(
    deployment: dict[str, Any], waiting: tuple[dict[str, Any], str], second_instance: TestClient,
) -> None:
    client = deployment["client"]
    user, task_id = waiting
    elsewhere = sign_in(client, user["username"])
    link_token = deployment["container"].tokens().issue(
        user["id"], purpose="download", lifetime=600, aid="no-such-audio")
    link = f"/api/audio/no-such-audio/download?token={link_token}"
    assert client.get(link).status_code == 404  # a valid link, to a file that is not there
    changed = change_password(client, user["headers"], PASSWORD, NEW_PASSWORD)
    assert changed.status_code == 200, changed.text
    fresh = bearer(changed.json()["access_token"])
    for old in (user["headers"], elsewhere):
        assert refusals(client, old, task_id) == [401, 401, 401]
        assert refusals(second_instance, old, task_id) == [401, 401, 401]
    assert refusals(client, fresh, task_id) == [200, 200, 200]
    assert refusals(second_instance, fresh, task_id) == [200, 200, 200]
    assert client.get(link).status_code == 401  # links signed before the change end too
    wrong_old = client.post("/api/auth/login",
                            json={"username": user["username"], "password": PASSWORD})
    assert wrong_old.status_code == 401
    assert refusals(client, sign_in(client, user["username"], NEW_PASSWORD), task_id) == [
        200, 200, 200]


def test_a_password_change_needs_the_current_password_and_a_long_enough_new_one(
    deployment: dict[str, Any], waiting: tuple[dict[str, Any], str],
) -> None:
    client = deployment["client"]
    user, task_id = waiting
    wrong = change_password(client, user["headers"], "not the password", NEW_PASSWORD)
    assert wrong.status_code == 422 and "current_password" in wrong.json()["detail"]
    short = change_password(client, user["headers"], PASSWORD, "short")
    assert short.status_code == 422 and "password" in short.text
    assert refusals(client, user["headers"], task_id) == [200, 200, 200]
    sign_in(client, user["username"])  # the password is unchanged


def suspend(username: str, *flags: str) -> None:
    subprocess.run([str(PODFORGE), "users", "suspend", username, *flags], env=dict(os.environ),
                   check=True, capture_output=True, timeout=60)


@pytest.mark.slow
def test_a_suspended_accounts_signed_audio_links_stop_downloading(
    deployment: dict[str, Any],
) -> None:
    client = deployment["client"]
    user = sign_up(client)
    grant(deployment["container"], user, 1000)
    task_id = submit(client, user, "**Alice:** A short line to download.\n")
    deployment["start_workers"](1)
    final = wait_all(client, user, [task_id], seconds=180)[task_id]
    assert final["status"] == "completed", final
    links = [audio["url"] for audio in final["audio"]]
    assert links and all("token=" in link for link in links)
    assert [client.get(link).status_code for link in links] == [200] * len(links)

    suspend(user["username"])
    refused = [client.get(link) for link in links]
    assert {answer.status_code for answer in refused} == {403}
    assert "suspended" in refused[0].json()["detail"]
    suspend(user["username"], "--lift")
    assert [client.get(link).status_code for link in links] == [200] * len(links)
