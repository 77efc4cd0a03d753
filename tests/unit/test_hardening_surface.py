"""The app's surface: password policy, security headers, who may read /metrics, 405s with
``Allow``, the errors OpenAPI declares, and the styles a conversation may have."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.container import create_container
from adapters.db.migrate import upgrade
from adapters.llm.prompts import PromptLibrary
from adapters.resources import project_root
from adapters.settings import load_settings
from api.app import create_app
from core.accounts import MIN_PASSWORD_LENGTH, check_password
from core.errors import InvalidInput
from core.services.conversations import create_conversation
from tests.helpers import PASSWORD, sign_up

# --- password policy -------------------------------------------------------------------------


@pytest.mark.parametrize(("password", "why"), [
    ("nine char", f"at least {MIN_PASSWORD_LENGTH} characters"),
    ("qwertyuiop", "too common"),
    ("Basketball", "too common"),
    ("1q2w3e4r5t", "too common"),
    ("ada-lovelace", "username"),
    ("my ADA-LOVELACE password", "username"),
    ("countess-of-maths", "email"),
    ("the countess-of-maths!", "email"),
])
def test_weak_passwords_are_refused_saying_why(password: str, why: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_password(password, username="ada-lovelace", email="countess-of-maths@example.org")
    assert refused.value.field == "password" and why in str(refused.value)


@pytest.mark.parametrize("password", [PASSWORD, "a long enough password", "密码要足够长才安全可靠"])
def test_long_uncommon_passwords_unrelated_to_the_account_are_accepted(password: str) -> None:
    check_password(password, username="ada-lovelace", email="countess-of-maths@example.org")


@pytest.mark.parametrize(("password", "why"), [
    ("short pw", "at least"), ("1234567890", "too common"), ("grace-hopper-1906", "username")])
def test_registration_applies_the_password_policy(client: TestClient, password: str,
                                                  why: str) -> None:
    response = client.post("/api/auth/register", json={
        "username": "grace-hopper", "email": "grace@example.org", "password": password})
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    text = detail if isinstance(detail, str) else str(detail)
    assert "password" in text and why in text, text
    assert client.post("/api/auth/login", json={"username": "grace-hopper",
                                                "password": password}).status_code == 401


def test_a_password_change_applies_the_same_policy(client: TestClient) -> None:
    user = sign_up(client, "grace-hopper")
    for new, why in (("qwertyuiop", "too common"), ("grace-hopper-1906", "username")):
        response = client.post("/api/users/me/password", headers=user["headers"],
                               json={"current_password": PASSWORD, "new_password": new})
        assert response.status_code == 422, response.text
        assert response.json()["detail"].startswith("new_password") and why in response.text
    assert client.get("/api/users/me", headers=user["headers"]).status_code == 200


# --- conversation styles ---------------------------------------------------------------------


def test_a_bad_style_lists_only_the_styles_there_are() -> None:
    styles = PromptLibrary(project_root() / "prompts").styles()
    assert styles == ["casual", "educational", "interview"]
    with pytest.raises(InvalidInput) as refused:
        create_conversation(uow=None, styles=[*styles, "_rules"],  # type: ignore[arg-type]
                            user_id="u", topic="t", style="_rules", target_duration=60,
                            speakers=["A", "B"], language=None, title=None)
    assert refused.value.field == "style"
    assert str(refused.value) == "style must be one of casual, educational, interview"


# --- security headers ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/healthz", "/api/voices", "/", "/scripts/new",
                                  "/api/nothing-here"])
def test_every_answer_carries_the_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"
    policy = headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split(
        "script-src")[1].split(";")[0]
    assert "strict-transport-security" not in headers


def test_the_docs_page_may_load_swagger_ui_from_its_cdn_and_nothing_else_may(
    client: TestClient,
) -> None:
    page = client.get("/docs")
    docs = page.headers["content-security-policy"]
    api = client.get("/openapi.json").headers["content-security-policy"]
    assert "https://cdn.jsdelivr.net" in docs and "https://cdn.jsdelivr.net" not in api
    assert "frame-ancestors 'none'" in docs
    # Its inline script (Swagger UI's set-up) is allowed by its hash, and only that one.
    inline = page.text.split("<script>")[1].split("</script>")[0]
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    script_sources = docs.split("script-src")[1].split(";")[0]
    assert f"'sha256-{digest}'" in script_sources and "unsafe-inline" not in script_sources


def test_hsts_only_over_https_or_behind_a_proxy_that_says_so(client: TestClient) -> None:
    forwarded = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert forwarded.headers["strict-transport-security"].startswith("max-age=")
    assert "strict-transport-security" not in client.get(
        "/healthz", headers={"X-Forwarded-Proto": "http"}).headers
    with TestClient(client.app, base_url="https://podforge.test") as secure:
        assert "strict-transport-security" in secure.get("/healthz").headers


def test_the_built_web_app_needs_no_inline_script() -> None:
    """The policy forbids inline script: the built page must not rely on any."""
    index = project_root() / "frontend" / "dist" / "index.html"
    if not index.is_file():
        pytest.fail("the web app is not built: run `make frontend-build` (`make test` does)",
                    pytrace=False)
    page = index.read_text()
    scripts = page.split("<script")[1:]
    assert scripts and all("src=" in script.split(">")[0] for script in scripts), page


# --- /metrics --------------------------------------------------------------------------------


@pytest.fixture
def metrics_app(migrated_settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """An app whose /metrics is open to 198.51.100.0/24 and to a bearer token. The addresses
    are documentation ranges given to the in-process test client: no packet leaves."""
    monkeypatch.setenv("PODFORGE_METRICS__ALLOW_NETWORKS", '["198.51.100.0/24", "::1/128"]')
    monkeypatch.setenv("PODFORGE_METRICS__TOKEN", "scrape-token-for-tests")
    app = create_app(create_container(load_settings()))
    with TestClient(app):
        yield app


@pytest.mark.parametrize(("address", "allowed"), [
    ("198.51.100.7", True), ("::1", True), ("192.0.2.1", False), ("203.0.113.9", False),
    ("testclient", False)])
def test_metrics_answer_only_to_the_configured_networks(metrics_app: Any, address: str,
                                                        allowed: bool) -> None:
    with TestClient(metrics_app, client=(address, 40000)) as scraper:
        response = scraper.get("/metrics")
        spoofed = scraper.get("/metrics", headers={"X-Forwarded-For": "198.51.100.7"})
    assert response.status_code == (200 if allowed else 403), response.text
    assert spoofed.status_code == response.status_code
    if allowed:
        assert "podforge_tasks_total" in response.text


@pytest.mark.parametrize(("token", "status"), [
    ("scrape-token-for-tests", 200), ("wrong-token", 403), ("", 403)])
def test_metrics_answer_to_the_configured_token_from_anywhere(metrics_app: Any, token: str,
                                                              status: int) -> None:
    with TestClient(metrics_app, client=("203.0.113.9", 40000)) as scraper:
        response = scraper.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == status, response.text


def test_metrics_by_default_answer_only_on_this_machine(migrated_settings: Any) -> None:
    app = create_app(create_container(migrated_settings))
    with TestClient(app, client=("127.0.0.1", 40000)) as local, \
            TestClient(app, client=("192.0.2.1", 40000)) as remote:
        assert local.get("/metrics").status_code == 200
        assert remote.get("/metrics").status_code == 403


# --- methods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "allow"), [
    ("DELETE", "/api/auth/login", {"POST"}),
    ("GET", "/api/auth/register", {"POST"}),
    ("PUT", "/api/tasks", {"GET", "POST"}),
    ("PATCH", "/api/scripts", {"GET", "POST"}),
    ("DELETE", "/healthz", {"GET"}),
])
def test_a_wrong_method_is_a_405_saying_which_are_allowed(client: TestClient, method: str,
                                                          path: str, allow: set[str]) -> None:
    response = client.request(method, path)
    assert response.status_code == 405, response.text
    assert {m.strip() for m in response.headers["allow"].split(",")} == allow
    assert response.headers["content-type"] == "application/json"


def test_the_web_app_still_answers_its_own_paths_and_unknown_api_paths_are_404(
    client: TestClient,
) -> None:
    assert client.get("/scripts/new").status_code in (200, 404)  # 404 when not built
    assert client.get("/api/nothing-here").status_code == 404
    assert client.delete("/api/nothing-here").status_code == 404
    assert client.post("/scripts/new").status_code == 405


# --- OpenAPI ---------------------------------------------------------------------------------


@pytest.fixture
def openapi(migrated_settings: Any) -> tuple[Any, dict[str, Any]]:
    upgrade(migrated_settings.database_url)
    app = create_app(create_container(migrated_settings))
    return app, app.openapi()


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


# Operations that read the token but not the account, so a suspended one gets no 403.
ANY_ACCOUNT = {"POST /api/auth/logout"}


def signed_in(operation: dict[str, Any]) -> bool:
    """Whether the operation reads the user's bearer token (the OAuth2 scheme)."""
    return any("OAuth2PasswordBearer" in scheme for scheme in operation.get("security", []))


def test_every_operation_declares_the_client_errors_it_can_answer(
    openapi: tuple[Any, dict[str, Any]],
) -> None:
    """Input can be invalid (422), an id can name nothing (404), a token can be missing or
    expired (401) and its account suspended (403)."""
    missing, authenticated = [], 0
    for method, path, operation in operations(openapi[1]):
        needed = {"422"} if operation.get("parameters") or operation.get("requestBody") else set()
        if "{" in path:
            needed.add("404")
        if signed_in(operation):
            authenticated += 1
            needed |= {"401"} if f"{method} {path}" in ANY_ACCOUNT else {"401", "403"}
        if not needed <= set(operation["responses"]):
            missing.append(f"{method} {path}: {sorted(needed - set(operation['responses']))}")
    assert authenticated >= 20
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize(("method", "path"), [
    ("post", "/api/auth/login"), ("post", "/api/auth/register"), ("post", "/api/auth/token"),
    ("post", "/api/scripts/validate"), ("post", "/api/scripts/upload"),
    ("post", "/api/conversations/{conversation_id}/messages"),
    ("get", "/api/voices/{voice_id}/preview"), ("post", "/api/tasks")])
def test_rate_limited_operations_declare_429(openapi: tuple[Any, dict[str, Any]], method: str,
                                             path: str) -> None:
    assert "429" in openapi[1]["paths"][path][method]["responses"]


def test_uploads_declare_413(openapi: tuple[Any, dict[str, Any]]) -> None:
    paths = openapi[1]["paths"]
    for method, path in (("post", "/api/scripts/upload"), ("post", "/api/scripts"),
                         ("put", "/api/scripts/{script_id}")):
        assert "413" in paths[path][method]["responses"], path
