"""Each costly endpoint has its own limit from ``[limits]``, counted in memory on the embedded
default; limits and trusted proxies are checked when the settings are read."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from redis import Redis

from adapters.auth.rate_limit import LimitsRateLimits, redis_storage
from adapters.container import create_container
from adapters.db.migrate import upgrade
from adapters.resources import project_root
from adapters.settings import load_settings
from api.app import create_app
from core.errors import ServiceUnavailable
from tests.helpers import sign_up

SCRIPT = "**Alice:** Hello there.\n**Bob:** Hello back.\n"

Limited = Callable[..., TestClient]


@pytest.fixture
def limited(monkeypatch: pytest.MonkeyPatch) -> Iterator[Limited]:
    """``limited(validate="2/minute")``: the app on the embedded default with those limits."""
    with ExitStack() as stack:
        def build(**limits: str) -> TestClient:
            for name, value in limits.items():
                monkeypatch.setenv(f"PODFORGE_LIMITS__{name.upper()}", value)
            settings = load_settings()
            upgrade(settings.database_url)
            return stack.enter_context(TestClient(create_app(create_container(settings))))

        yield build


def costly_requests(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    """One request per limited endpoint, by the name of its limit."""
    return {
        "validate": lambda: client.post("/api/scripts/validate", headers=headers,
                                        json={"content": SCRIPT}),
        "upload": lambda: client.post("/api/scripts/upload", headers=headers,
                                      files={"file": ("a.md", SCRIPT.encode(), "text/markdown")}),
        "ai_round": lambda: client.post("/api/conversations/no-such-id/messages",
                                        headers=headers, json={"content": "Go on."}),
        "preview": lambda: client.get("/api/voices/en-us-sarah/preview"),
    }


@pytest.mark.parametrize("limit", ["validate", "upload", "ai_round", "preview"])
def test_each_costly_endpoint_answers_429_beyond_its_limit(limit: str,
                                                          limited: Limited) -> None:
    client = limited(**{limit: "2/minute"})
    user = sign_up(client)
    send = costly_requests(client, user["headers"])[limit]
    first, second = send(), send()
    assert first.status_code != 429 and second.status_code != 429
    refused = send()
    assert refused.status_code == 429, refused.headers["content-type"]
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.json()["detail"].startswith(f"rate limit [limits] {limit} reached (2 per 1 ")


def test_creating_a_script_and_uploading_one_share_the_upload_limit(limited: Limited) -> None:
    client = limited(upload="1/minute")
    user = sign_up(client)
    assert client.post("/api/scripts", headers=user["headers"],
                       json={"content": SCRIPT}).status_code == 201
    upload = costly_requests(client, user["headers"])["upload"]()
    assert upload.status_code == 429


def test_per_user_limits_count_each_user_apart(limited: Limited) -> None:
    client = limited(validate="1/minute")
    first, second = sign_up(client), sign_up(client)
    for user in (first, second):
        validate = costly_requests(client, user["headers"])["validate"]
        assert validate().status_code == 200
    assert costly_requests(client, first["headers"])["validate"]().status_code == 429


def test_a_request_without_a_token_is_401_whatever_the_limit(limited: Limited) -> None:
    client = limited(validate="1/minute")
    for _ in range(3):
        assert costly_requests(client, {})["validate"]().status_code == 401


@pytest.mark.parametrize(("key", "value"), [
    ("PODFORGE_LIMITS__SIGNUP", "lots"), ("PODFORGE_LIMITS__LOGIN", "0/minute"),
    ("PODFORGE_HTTP__TRUSTED_PROXIES", '["nginx"]'),
])
def test_a_malformed_limit_or_proxy_stops_the_settings(key: str, value: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(key, value)
    with pytest.raises(ValidationError, match=key.removeprefix("PODFORGE_").split("__")[0]
                       .lower()):
        load_settings()


def test_the_shipped_limits_trust_no_proxy_and_parse() -> None:
    shipped = load_settings(project_root() / "config.toml")
    assert shipped.http.trusted_proxies == []
    assert shipped.limits.model_dump(by_alias=True)["signup"] == "5/hour"


def test_a_limit_that_cannot_be_checked_refuses_with_503_not_500() -> None:
    unreachable = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    limits = LimitsRateLimits(redis_storage(unreachable), {"signup": "5/hour"})
    with pytest.raises(ServiceUnavailable, match="Redis"):
        limits.hit("signup", "203.0.113.7")
