"""Metrics recorded where the work happens, and the alerts and dashboard that read them."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import yaml
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import event

from adapters.resources import project_root
from core.script import ScriptLimits, SegmenterRules, validate_script
from tests.helpers import sign_up
from tests.unit.test_tasks_api import TWO_HOSTS, new_script, submit, wait_until_final

MONITORING = project_root() / "deploy" / "monitoring"
METRIC_NAME = re.compile(r"\b(podforge_[a-z0-9_]+)")
# Names from exporters every cluster or host runs beside us (kubelet, node exporter, kube-state).
EXTERNAL_PREFIXES = ("kubelet_", "node_", "kube_")
EXTERNAL_NAME = re.compile(r"\b((?:kubelet|node|kube)_[a-z0-9_]+)")


def scrape(client: TestClient) -> list[tuple[str, dict[str, str], float]]:
    """Every sample /metrics serves to a scraper on this machine ([metrics] default)."""
    on_this_machine = TestClient(client.app, client=("127.0.0.1", 50000))
    answer = on_this_machine.get("/metrics")
    assert answer.status_code == 200, answer.text
    return [(sample.name, sample.labels, sample.value)
            for family in text_string_to_metric_families(answer.text)
            for sample in family.samples]


SERIES_SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"),
                   "gauge": ("",)}


def exposed_names(client: TestClient) -> set[str]:
    """Every series name /metrics declares, whether or not it has a sample yet (an error
    counter has none until the first error)."""
    answer = TestClient(client.app, client=("127.0.0.1", 50000)).get("/metrics")
    return {family.name + suffix for family in text_string_to_metric_families(answer.text)
            for suffix in SERIES_SUFFIXES.get(family.type, ("",))}


def value(samples: list[tuple[str, dict[str, str], float]], name: str, **labels: str) -> float:
    found = [v for n, sample_labels, v in samples if n == name and labels.items()
             <= sample_labels.items()]
    assert found, f"{name} {labels} is not exposed"
    return sum(found)


def test_a_scrape_counts_tasks_without_reading_every_task_row(client: TestClient) -> None:
    user = sign_up(client)
    wait_until_final(client, user, submit(client, user, new_script(client, user)).json()["task_id"])
    statements: list[str] = []

    def remember(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = client.app.state.container.db_engine()  # type: ignore[attr-defined]
    event.listen(engine, "before_cursor_execute", remember)
    try:
        samples = scrape(client)
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert statements, "the scrape should still read the task counts"
    assert not [s for s in statements if "completed_at" in s], statements
    assert value(samples, "podforge_tasks_total", status="completed") == 1


def test_render_stages_and_voice_latency_are_recorded_when_a_render_ends(
    client: TestClient,
) -> None:
    user = sign_up(client)
    task_id = submit(client, user, new_script(client, user)).json()["task_id"]
    assert wait_until_final(client, user, task_id)["status"] == "completed"
    samples = scrape(client)
    chunks = len(validate_script(TWO_HOSTS, SegmenterRules(), ScriptLimits()).segments)
    assert value(samples, "podforge_render_seconds_count") == 1
    assert value(samples, "podforge_render_seconds_sum") > 0
    assert value(samples, "podforge_tasks_finished_total", outcome="completed") == 1
    for stage in ("synthesis", "assembly", "mastering", "storing"):
        assert value(samples, "podforge_render_stage_seconds_count", stage=stage) == 1, stage
    assert value(samples, "podforge_tts_request_seconds_count", provider="espeak") == chunks
    assert value(samples, "podforge_tts_requests_total", provider="espeak") == chunks
    assert value(samples, "podforge_queue_oldest_waiting_seconds") == 0
    assert value(samples, "podforge_disk_free_bytes") > 0


def test_http_requests_are_timed_by_route_template_and_counted_by_status_class(
    client: TestClient,
) -> None:
    for _ in range(2):
        assert client.get(f"/api/tasks/{uuid.uuid4()}/status").status_code == 401
    assert client.get("/healthz").status_code == 200
    assert client.get(f"/no/such/{uuid.uuid4()}").status_code in (200, 404)
    samples = scrape(client)
    status_route = {"route": "/api/tasks/{task_id}/status", "method": "GET"}
    assert value(samples, "podforge_http_request_seconds_count", **status_route) == 2
    assert value(samples, "podforge_http_responses_total", status_class="4xx",
                 **status_route) == 2
    assert value(samples, "podforge_http_responses_total", route="/healthz",
                 status_class="2xx") == 1
    assert not [labels for name, labels, _ in samples
                if name.startswith("podforge_http") and "/no/such" in labels.get("route", "")]


def rules() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((MONITORING / "prometheus-rules.yaml").read_text())
    return document


def dashboard_expressions() -> list[str]:
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    return [target["expr"] for panel in dashboard["panels"]
            for target in panel.get("targets", [])]


def test_the_prometheus_rule_has_the_alerts_an_operator_needs() -> None:
    document = rules()
    assert document["apiVersion"] == "monitoring.coreos.com/v1"
    assert document["kind"] == "PrometheusRule"
    assert document["metadata"]["name"]
    alerts = {rule["alert"]: rule for group in document["spec"]["groups"]
              for rule in group["rules"]}
    assert {"PodForgeQueueWaitingTooLong", "PodForgeRenderFailureRate",
            "PodForgeVoiceProviderErrors", "PodForgeDiskFilling"} <= set(alerts)
    for name, rule in alerts.items():
        assert rule["expr"].strip() and rule["for"], name
        assert rule["labels"]["severity"] in ("warning", "critical"), name
        assert rule["annotations"]["summary"] and rule["annotations"]["description"], name


def test_the_dashboard_is_grafana_json_with_a_panel_per_concern() -> None:
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    assert dashboard["title"] and dashboard["uid"] and dashboard["schemaVersion"] >= 36
    titles = " ".join(panel["title"].lower() for panel in dashboard["panels"])
    for concern in ("queue", "render", "voice", "http", "disk"):
        assert concern in titles, concern
    assert all(panel.get("targets") for panel in dashboard["panels"] if panel["type"] != "row")


def test_every_metric_the_alerts_and_dashboard_read_is_one_the_code_exposes(
    client: TestClient,
) -> None:
    user = sign_up(client)
    task_id = submit(client, user, new_script(client, user)).json()["task_id"]
    wait_until_final(client, user, task_id)
    client.get("/healthz")
    exposed = exposed_names(client)
    expressions = [rule["expr"] for group in rules()["spec"]["groups"]
                   for rule in group["rules"]] + dashboard_expressions()
    assert len(expressions) >= 10
    named = {name for expr in expressions for name in METRIC_NAME.findall(expr)}
    assert named and named <= exposed, sorted(named - exposed)
    external = {name for expr in expressions for name in EXTERNAL_NAME.findall(expr)}
    assert all(name.startswith(EXTERNAL_PREFIXES) for name in external)
