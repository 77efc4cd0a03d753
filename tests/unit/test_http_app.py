"""The HTTP app: health probes, API docs, JSON 404s, and the web app with history fallback."""

from __future__ import annotations

from pathlib import Path

import pytest
from dependency_injector import providers
from fastapi.testclient import TestClient

from adapters.container import create_container
from adapters.settings import Settings
from api.app import create_app
from podforge_local_storage.storage import LocalStorage


class UnwritableStorage(LocalStorage):
    """Local storage whose disk refuses writes."""

    def check_ready(self) -> None:
        raise PermissionError("read-only file system")


def test_healthz_answers_without_any_service(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_checks_database_queue_and_storage(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "queue": "ok", "storage": "ok"}


def test_readyz_is_503_naming_the_dependency_that_fails(settings: Settings, tmp_path: Path) -> None:
    container = create_container(settings)
    container.storage.override(providers.Object(UnwritableStorage(tmp_path)))
    with TestClient(create_app(container)) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "unavailable: PermissionError"
    assert response.json()["checks"]["database"] == "ok"


def test_the_api_documents_itself(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert "/healthz" in client.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_unknown_api_paths_are_json_404s_never_the_web_app(client: TestClient, method: str) -> None:
    response = client.request(method, "/api/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_web_app_routes_fall_back_to_index_html(settings: Settings, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    dist = tmp_path / "frontend" / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<div id=app></div>")
    (dist / "assets" / "app.js").write_text("console.log(1)")
    (tmp_path / "secret.txt").write_text("outside")
    monkeypatch.setattr("api.app.resource", lambda name: tmp_path / name)
    with TestClient(create_app(create_container(settings))) as client:
        assert client.get("/scripts/123/edit").text == "<div id=app></div>"
        assert client.get("/assets/app.js").text == "console.log(1)"
        assert "outside" not in client.get("/../secret.txt").text
        assert client.get("/api/no-such-route").status_code == 404


def test_the_voice_library_is_listed_and_filtered_by_language(client: TestClient) -> None:
    voices = client.get("/api/voices").json()
    assert {"voice_id", "display_name", "preview_url", "language", "category", "gender",
            "provider", "available"} == set(voices[0])
    chinese = client.get("/api/voices", params={"language": "zh"}).json()
    assert chinese and all(v["language"].startswith("zh") for v in chinese)
    assert len(chinese) < len(voices)
