"""S3 storage against an S3-protocol server on 127.0.0.1: the contract, and a whole render."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from fastapi.testclient import TestClient

from adapters.container import create_container
from adapters.db.migrate import upgrade
from adapters.settings import load_settings
from api.app import create_app
from podforge_s3_storage.storage import S3Storage
from ports.contracts import StorageContract
from tests.helpers import sign_up

SCRIPT = "**Alice:** Stored in a bucket.\n**Bob:** And fetched with a presigned link.\n"


def s3_client(endpoint: str) -> Any:
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


class TestS3Storage(StorageContract):
    @pytest.fixture
    def storage(self, s3_endpoint: str) -> S3Storage:
        return S3Storage(s3_client(s3_endpoint), bucket="podforge-test", prefix="contract")


def test_large_files_go_up_in_parts_and_come_back_whole(s3_endpoint: str,
                                                        tmp_path: Path) -> None:
    storage = S3Storage(s3_client(s3_endpoint), bucket="podforge-test")
    big = tmp_path / "big.wav"
    big.write_bytes(bytes(range(256)) * (20 * 4096))  # 20 MiB: over the multipart threshold
    assert storage.put_file("audio/2026/11/28/big.wav", big) == big.stat().st_size
    assert b"".join(storage.open_range("audio/2026/11/28/big.wav", 5_000_000, 5_000_099)) == \
        big.read_bytes()[5_000_000:5_000_100]


def test_a_task_renders_into_s3_and_downloads_through_the_presigned_url(
    s3_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in {"TYPE": "s3", "S3__BUCKET": "podforge-test", "S3__PREFIX": "prod",
                       "S3__ENDPOINT_URL": s3_endpoint, "S3__REGION": "us-east-1",
                       "S3__ACCESS_KEY_ID": "test", "S3__SECRET_ACCESS_KEY": "test"}.items():
        monkeypatch.setenv(f"PODFORGE_STORAGE__{key}", value)
    settings = load_settings()
    upgrade(settings.database_url)
    with TestClient(create_app(create_container(settings))) as client:
        assert client.get("/readyz").json()["checks"]["storage"] == "ok"
        user = sign_up(client)
        script = client.post("/api/scripts", headers=user["headers"], json={"content": SCRIPT})
        task = client.post("/api/tasks", headers=user["headers"], json={
            "script_id": script.json()["id"],
            "voice_config": {"Alice": "en-us-sarah", "Bob": "en-gb-oliver"}}).json()
        deadline = time.monotonic() + 60
        while (status := client.get(f"/api/tasks/{task['task_id']}/status",
                                    headers=user["headers"]).json())["status"] != "completed":
            assert status["status"] != "failed" and time.monotonic() < deadline, status
            time.sleep(0.1)
        for audio in status["audio"]:
            assert audio["url"].startswith(f"{s3_endpoint}/podforge-test/prod/audio/")
            downloaded = httpx.get(audio["url"])
            assert downloaded.status_code == 200
            assert len(downloaded.content) == audio["file_size"]
            assert "attachment" in downloaded.headers["content-disposition"]
            redirect = client.get(f"/api/audio/{audio['id']}/download",
                                  headers=user["headers"], follow_redirects=False)
            assert redirect.status_code == 307
        srt = client.get(f"/api/tasks/{task['task_id']}/transcript.srt", headers=user["headers"])
        assert "Alice: Stored in a bucket." in srt.text
