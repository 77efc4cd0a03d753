"""The Kubernetes manifests: valid for a current Kubernetes, and a deployment that scales,
waits for its schema, runs restricted and keeps its secrets out of git.

Built-in kinds are checked by kubernetes-validate against the OpenAPI schemas it ships (strict:
unknown fields fail). KEDA's kinds have no schema there; they are checked against the small
JSON schemas in k8s_schemas/, written from KEDA's documented fields."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from adapters.queue.redis_streams import GROUP
from adapters.resources import project_root
from adapters.settings import RedisSection

MANIFESTS = project_root() / "deploy" / "k8s"
CRD_SCHEMAS = Path(__file__).parent / "k8s_schemas"
KUBERNETES_VERSION = kubernetes_validate.latest_version()  # 1.37.0 with kubernetes-validate 1.37
IMAGE = "podforge:" + tomllib.loads((project_root() / "pyproject.toml").read_text())[
    "project"]["version"]
# The redis-streams scaler's metadata, as KEDA documents it at
# https://keda.sh/docs/2.11/scalers/redis-streams/ (lagCount needs KEDA 2.11 and Redis 7).
REDIS_STREAMS_METADATA = {
    "address", "addressFromEnv", "host", "hostFromEnv", "port", "portFromEnv",
    "usernameFromEnv", "passwordFromEnv", "stream", "consumerGroup", "pendingEntriesCount",
    "streamLength", "lagCount", "activationLagCount", "databaseIndex", "enableTLS", "unsafeSsl"}

Document = dict[str, Any]


def documents() -> list[Document]:
    return [doc for path in sorted(MANIFESTS.glob("*.yaml"))
            for doc in yaml.safe_load_all(path.read_text()) if doc]


def find(kind: str, name: str) -> Document:
    found = [doc for doc in documents()
             if doc["kind"] == kind and doc["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name}, found {len(found)}"
    return found[0]


def pod_templates() -> Iterator[tuple[str, Document]]:
    for doc in documents():
        if doc["kind"] in ("Deployment", "Job", "StatefulSet", "DaemonSet"):
            yield doc["metadata"]["name"], doc["spec"]["template"]


def containers(pod: Document) -> list[Document]:
    return [*pod["spec"].get("initContainers", []), *pod["spec"]["containers"]]


def config_toml() -> dict[str, Any]:
    return tomllib.loads(find("ConfigMap", "podforge-config")["data"]["config.toml"])


@pytest.mark.parametrize("document", documents(),
                         ids=lambda doc: f"{doc['kind']}/{doc['metadata']['name']}")
def test_every_manifest_is_valid_for_a_current_kubernetes(document: Document) -> None:
    group = document["apiVersion"].split("/")[0]
    schema = CRD_SCHEMAS / f"{document['apiVersion'].replace('/', '-')}-{document['kind']}.json"
    if group.endswith("keda.sh"):
        jsonschema.validate(document, json.loads(schema.read_text()))
    else:
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_the_crd_schemas_refuse_a_misspelt_field() -> None:
    scaled = find("ScaledObject", "podforge-worker")
    schema = json.loads((CRD_SCHEMAS / "keda.sh-v1alpha1-ScaledObject.json").read_text())
    misspelt = {**scaled, "spec": {**scaled["spec"], "maxReplicas": 5}}
    with pytest.raises(jsonschema.ValidationError, match="maxReplicas"):
        jsonschema.validate(misspelt, schema)


def test_workers_scale_on_the_tasks_waiting_in_the_queue_stream() -> None:
    scaled = find("ScaledObject", "podforge-worker")
    assert scaled["spec"]["scaleTargetRef"]["name"] == "podforge-worker"
    find("Deployment", "podforge-worker")
    assert scaled["spec"]["minReplicaCount"] >= 1  # the workers also run the shared duties
    [trigger] = scaled["spec"]["triggers"]
    assert trigger["type"] == "redis-streams"
    metadata = trigger["metadata"]
    assert set(metadata) <= REDIS_STREAMS_METADATA
    # The stream of the default [redis] key_prefix, as the shipped config leaves it.
    prefix = RedisSection().key_prefix
    assert (metadata["stream"], metadata["consumerGroup"]) == (f"{prefix}:tasks", GROUP)
    # The lag counts entries not yet delivered to the group: waiting, not in progress.
    assert int(metadata["lagCount"]) >= 1
    assert not {"pendingEntriesCount", "streamLength"} & set(metadata)
    secret = find("Secret", "podforge-secrets")
    assert metadata["addressFromEnv"] in secret["stringData"]  # the workers' envFrom
    auth = find("TriggerAuthentication", trigger["authenticationRef"]["name"])
    for reference in auth["spec"]["secretTargetRef"]:
        assert reference["name"] == "podforge-secrets"
        assert reference["key"] in secret["stringData"]


def test_the_api_scales_on_cpu() -> None:
    hpa = find("HorizontalPodAutoscaler", "podforge-api")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                             "name": "podforge-api"}
    assert hpa["spec"]["minReplicas"] >= 2
    [metric] = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    [api] = find("Deployment", "podforge-api")["spec"]["template"]["spec"]["containers"]
    assert "cpu" in api["resources"]["requests"]  # a utilisation needs a request


def test_disruption_budgets_cover_the_api_and_the_workers() -> None:
    for name in ("podforge-api", "podforge-worker"):
        budget = find("PodDisruptionBudget", name)
        labels = find("Deployment", name)["spec"]["template"]["metadata"]["labels"]
        assert budget["spec"]["selector"]["matchLabels"].items() <= labels.items()


def test_the_api_and_workers_wait_for_the_schema_a_job_migrates() -> None:
    job = next(doc for doc in documents() if doc["kind"] == "Job")
    # A Job's template cannot change: each release applies a Job of its own name.
    assert job["metadata"]["name"] == "podforge-migrate-" + IMAGE.split(":")[1].replace(".", "-")
    [migrate] = job["spec"]["template"]["spec"]["containers"]
    assert migrate["command"] == ["podforge", "db", "upgrade"]
    for name in ("podforge-api", "podforge-worker"):
        pod = find("Deployment", name)["spec"]["template"]["spec"]
        [wait] = pod["initContainers"]
        assert wait["command"][:3] == ["podforge", "db", "wait"], name
        assert all("upgrade" not in container["command"] for container in containers(
            {"spec": pod})), f"{name} must not migrate"


def test_probes_ask_the_api_and_the_worker_loops() -> None:
    [api] = find("Deployment", "podforge-api")["spec"]["template"]["spec"]["containers"]
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert api["livenessProbe"]["httpGet"]["path"] == "/healthz"
    [worker] = find("Deployment", "podforge-worker")["spec"]["template"]["spec"]["containers"]
    folder = config_toml()["worker"]["liveness_dir"]
    for probe in ("startupProbe", "livenessProbe"):
        command = worker[probe]["exec"]["command"]
        assert command[:4] == ["python", "-m", "workers.liveness", folder], probe
    writable = {mount["mountPath"] for mount in worker["volumeMounts"]
                if not mount.get("readOnly")}
    assert any(folder.startswith(path + "/") for path in writable)


def test_every_pod_runs_as_the_image_user_without_privileges() -> None:
    for name, pod in pod_templates():
        security = pod["spec"]["securityContext"]
        assert security["runAsNonRoot"] is True, name
        assert security["runAsUser"] == 10001, name
        assert security["seccompProfile"] == {"type": "RuntimeDefault"}, name
        for container in containers(pod):
            where = f"{name}/{container['name']}"
            assert container["securityContext"] == {
                "allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                "capabilities": {"drop": ["ALL"]}}, where
            assert container["image"] == IMAGE, where


def test_every_container_has_requests_and_limits() -> None:
    for name, pod in pod_templates():
        for container in containers(pod):
            resources = container["resources"]
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(resources[kind]), f"{name}/{container['name']}"


def test_the_app_writes_only_to_size_limited_scratch_volumes() -> None:
    data_dir = config_toml()["app"]["data_dir"]
    for name, pod in pod_templates():
        volumes = {volume["name"]: volume for volume in pod["spec"]["volumes"]}
        for volume in volumes.values():
            if "emptyDir" in volume:
                assert "sizeLimit" in volume["emptyDir"], f"{name}: {volume['name']}"
        for container in containers(pod):
            mounts = {mount["mountPath"]: mount for mount in container["volumeMounts"]}
            assert "emptyDir" in volumes[mounts["/tmp"]["name"]], name
            if container["command"][:2] in (["podforge", "serve"], ["podforge", "worker"]):
                assert "emptyDir" in volumes[mounts[data_dir]["name"]], name


def test_network_policies_deny_by_default_and_allow_what_podforge_uses() -> None:
    policies = {doc["metadata"]["name"]: doc["spec"] for doc in documents()
                if doc["kind"] == "NetworkPolicy"}
    deny = policies["podforge-default-deny"]
    assert deny["podSelector"]["matchLabels"] == {"app": "podforge"}
    assert set(deny["policyTypes"]) == {"Ingress", "Egress"}
    assert "ingress" not in deny and "egress" not in deny
    inbound = [rule for spec in policies.values() for rule in spec.get("ingress", [])]
    [from_ingress] = inbound  # the API's port, nothing else
    assert from_ingress["ports"] == [{"protocol": "TCP", "port": 8000}]
    assert "ingress-nginx" in json.dumps(from_ingress["from"])
    outbound = {port["port"] for spec in policies.values()
                for rule in spec.get("egress", []) for port in rule["ports"]}
    assert outbound == {53, 5432, 6379, 443}


def test_the_ingress_terminates_tls_for_its_host_and_class() -> None:
    ingress = find("Ingress", "podforge")["spec"]
    assert ingress["ingressClassName"]
    [rule] = ingress["rules"]
    [tls] = ingress["tls"]
    assert rule["host"] in tls["hosts"] and tls["secretName"]


def test_the_secret_template_holds_no_secret() -> None:
    values = find("Secret", "podforge-secrets")["stringData"]
    assert "data" not in find("Secret", "podforge-secrets")
    for key, value in values.items():
        if any(word in key for word in ("SECRET", "KEY", "PASSWORD")):
            assert value == "", key
        elif "://" in value:
            assert "@" not in value or ":<password>@" in value, key


def test_images_are_pinned_to_the_release() -> None:
    images = {container["image"] for _, pod in pod_templates() for container in containers(pod)}
    assert images == {IMAGE}
    assert not IMAGE.endswith(":latest")
