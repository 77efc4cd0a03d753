"""Deployment files: supervisord, compose and Kubernetes parse, and the configuration shipped to
Kubernetes loads (nginx: test_nginx_shapes.py)."""

from __future__ import annotations

import secrets
import tomllib
from pathlib import Path

import pytest
import yaml

from adapters.resources import project_root
from adapters.settings import Settings

DEPLOY = project_root() / "deploy"


def test_supervisord_parses_its_configuration(tmp_path: Path) -> None:
    from supervisor.options import ServerOptions

    config = tmp_path / "supervisord.conf"  # log folders of this machine instead of the server's
    config.write_text((DEPLOY / "supervisord.conf").read_text().replace(
        "/var/log/podforge", str(tmp_path)))
    options = ServerOptions()
    options.configfile = str(config)
    options.process_config(do_usage=False)
    names = {group.name for group in options.process_group_configs}
    assert names == {"podforge-migrate", "podforge-api", "podforge-worker"}


def test_compose_runs_the_whole_stack_with_persistent_volumes() -> None:
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    assert {"postgres", "redis", "api", "worker", "nginx"} <= set(compose["services"])
    assert compose["services"]["worker"]["deploy"]["replicas"] == 2
    assert "--appendonly" in compose["services"]["redis"]["command"]
    assert {"audio", "logs", "redis-data"} <= set(compose["volumes"])
    assert "PODFORGE_AUTH__JWT_SECRET" in compose["services"]["api"]["environment"]


def test_kubernetes_manifests_are_complete_and_the_config_loads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    documents = [doc for path in sorted((DEPLOY / "k8s").glob("*.yaml"))
                 for doc in yaml.safe_load_all(path.read_text()) if doc]
    kinds = {(doc["kind"], doc["metadata"]["name"]) for doc in documents}
    assert {("Deployment", "podforge-api"), ("Deployment", "podforge-worker"),
            ("Service", "podforge-api"), ("Ingress", "podforge"),
            ("ConfigMap", "podforge-config"), ("Secret", "podforge-secrets")} <= kinds
    config = next(d for d in documents if d["kind"] == "ConfigMap")["data"]["config.toml"]
    monkeypatch.setenv("PODFORGE_AUTH__JWT_SECRET", secrets.token_urlsafe(48))
    settings = Settings(**tomllib.loads(config))
    assert (settings.app.env, settings.queue.type, settings.storage.type) == (
        "production", "redis", "s3")
