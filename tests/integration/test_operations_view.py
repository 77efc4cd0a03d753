"""The operator's view of a deployment: readiness when Redis is gone, and the metrics the API
and the workers expose."""

from __future__ import annotations

import json
import signal
import urllib.error
import urllib.request
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import free_port
from tests.helpers import PASSWORD, sign_up
from tests.integration.conftest import PrivateRedis, submit, wait_all
from tests.integration.test_faults import SCRIPT

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def redis_url(private_redis: PrivateRedis) -> str:
    return private_redis.url


def test_readyz_answers_503_naming_redis_when_redis_is_down(
    deployment: dict[str, Any], private_redis: PrivateRedis
) -> None:
    client = deployment["client"]
    assert client.get("/readyz").status_code == 200
    private_redis.stop()
    answer = client.get("/readyz")
    assert answer.status_code == 503, answer.text
    assert "redis" in answer.text.lower()
    assert answer.json()["checks"]["database"] == "ok"


def test_login_answers_503_naming_the_rate_limit_store_when_redis_is_down(
    deployment: dict[str, Any], private_redis: PrivateRedis
) -> None:
    client = deployment["client"]
    user = sign_up(client)
    private_redis.stop()
    answer = client.post("/api/auth/login",
                         json={"username": user["username"], "password": PASSWORD})
    assert answer.status_code == 503, answer.text
    assert "Redis" in answer.json()["detail"]


def scrape(url: str, token: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"}
                                     if token else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return int(answer.status), answer.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode()


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def sample(found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str,
           **labels: str) -> float:
    return sum(value for (sample_name, sample_labels), value in found.items()
               if sample_name == name and set(labels.items()) <= sample_labels)


@pytest.mark.slow
def test_worker_processes_serve_their_summed_metrics_on_one_guarded_port(
    deployment: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    monkeypatch.setenv("PODFORGE_WORKER__METRICS_PORT", str(port))
    # Loopback is not allowed here (only a documentation range, never contacted): only the
    # token opens the port, as for a scraper elsewhere.
    monkeypatch.setenv("PODFORGE_METRICS__ALLOW_NETWORKS", '["192.0.2.0/24"]')
    monkeypatch.setenv("PODFORGE_METRICS__TOKEN", "worker-scrape-token")
    client = deployment["client"]
    user = sign_up(client)
    tasks = [submit(client, user, SCRIPT.format(n=n)) for n in range(3)]
    api_view = TestClient(client.app, client=("127.0.0.1", 50000)).get("/metrics").text
    assert sample(samples(api_view), "podforge_queue_oldest_waiting_seconds") > 0
    workers = deployment["start_workers"](2)
    wait_all(client, user, tasks, seconds=120)
    url = f"http://127.0.0.1:{port}/metrics"
    assert scrape(url)[0] == 403
    assert scrape(url, "wrong-token")[0] == 403
    status, text = scrape(url, "worker-scrape-token")
    assert status == 200, text
    found = samples(text)
    assert sample(found, "podforge_tasks_finished_total", outcome="completed") == 3
    assert sample(found, "podforge_render_seconds_count") == 3
    for stage in ("synthesis", "assembly", "mastering", "storing"):
        assert sample(found, "podforge_render_stage_seconds_count", stage=stage) == 3, stage
    # The shared first line may come from the segment cache: at least one request per task.
    assert sample(found, "podforge_tts_request_seconds_count", provider="espeak") >= 4
    assert sample(found, "podforge_queue_oldest_waiting_seconds") == 0
    assert sample(found, "podforge_disk_size_bytes") > 0
    workers.send_signal(signal.SIGTERM)
    _, errors = workers.communicate(timeout=60)
    lines = [line for line in errors.splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line, the supervisor's too
    assert any(entry["logger"] == "workers.supervisor" for entry in entries), lines
