"""Deployment files: nginx accepts its configuration, supervisord, compose and Kubernetes parse,
and the configuration shipped to Kubernetes loads."""

from __future__ import annotations

import secrets
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from adapters.resources import project_root
from adapters.settings import Settings

DEPLOY = project_root() / "deploy"


def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx is missing: run `make system-packages`", pytrace=False)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-keyout", str(tmp_path / "privkey.pem"),
                    "-out", str(tmp_path / "fullchain.pem")], check=True, capture_output=True)
    site = (DEPLOY / "nginx.conf").read_text()
    site = site.replace("server api:8000;", "server 127.0.0.1:8000;")
    site = site.replace("/etc/nginx/certs/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {tmp_path}/body;\n"
        f"  proxy_temp_path {tmp_path}/proxy;\n  include {tmp_path}/site.conf;\n}}\n")
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-e", f"{tmp_path}/error.log",
                             "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


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
