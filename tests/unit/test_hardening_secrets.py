"""Outside dev, the JWT secret must be strong; no deployment file ships one that would do."""

from __future__ import annotations

import re
import secrets
import subprocess
import tomllib
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from adapters.resources import project_root
from adapters.settings import DEFAULT_JWT_SECRET, Settings, load_settings

DEPLOY = project_root() / "deploy"
WEAK = ["", "x", "secret", "replace-me", "change-me", "changeme", "CHANGE-ME-please-now",
        DEFAULT_JWT_SECRET, "a" * 64, "ab" * 40, "0123456789" * 5,
        "test-only-secret-not-for-production", "a-real-secret-from-the-environment",
        secrets.token_urlsafe(16)]
STRONG = [secrets.token_urlsafe(32), secrets.token_urlsafe(48), secrets.token_hex(32),
          # what `openssl rand -base64 48` prints
          "kzV3h0m1Bq9u6mJv4QxXo8rZb2sE0fYt+7aLwN5cHdGpKe/jR1iUyTqSgW3lMnOv"]


def with_secret(monkeypatch: pytest.MonkeyPatch, env: str, secret: str) -> Settings:
    monkeypatch.setenv("PODFORGE_APP__ENV", env)
    monkeypatch.setenv("PODFORGE_AUTH__JWT_SECRET", secret)
    return load_settings(project_root() / "config.toml")


@pytest.mark.parametrize("env", ["production", "test"])
@pytest.mark.parametrize("secret", WEAK, ids=lambda s: s[:12] or "empty")
def test_a_weak_jwt_secret_is_refused_outside_dev_without_showing_it(
    monkeypatch: pytest.MonkeyPatch, env: str, secret: str,
) -> None:
    with pytest.raises(ValidationError) as refused:
        with_secret(monkeypatch, env, secret)
    message = str(refused.value)
    assert "jwt_secret" in message and "PODFORGE_AUTH__JWT_SECRET" in message
    assert "secrets.token_urlsafe(48)" in message and "openssl rand -base64 48" in message
    if len(secret) > 8:  # shorter ones are words the message may use ("secret")
        assert secret not in message


@pytest.mark.parametrize("env", ["production", "test"])
@pytest.mark.parametrize("secret", STRONG, ids=["urlsafe32", "urlsafe48", "hex32", "openssl"])
def test_a_strong_jwt_secret_is_accepted(monkeypatch: pytest.MonkeyPatch, env: str,
                                         secret: str) -> None:
    settings = with_secret(monkeypatch, env, secret)
    assert settings.auth.jwt_secret.get_secret_value() == secret


def test_dev_keeps_working_with_the_default_secret() -> None:
    settings = load_settings(project_root() / "config.toml")
    assert settings.app.env == "dev"
    assert settings.auth.jwt_secret.get_secret_value() == DEFAULT_JWT_SECRET


def test_the_test_configuration_has_a_secret_the_rules_accept() -> None:
    assert load_settings().app.env == "test"


def test_the_suggested_commands_make_a_secret_the_rules_accept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for command in (["python3", "-c", "import secrets; print(secrets.token_urlsafe(48))"],
                    ["openssl", "rand", "-base64", "48"]):
        made = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        assert with_secret(monkeypatch, "production", made.strip()).app.env == "production"


def shipped_values() -> dict[str, str]:
    """Every JWT secret a deployment file sets, by where it is set."""
    found: dict[str, str] = {}
    for path in DEPLOY.rglob("*"):
        if path.suffix in (".yaml", ".yml"):
            for number, document in enumerate(yaml.safe_load_all(path.read_text())):
                found.update({f"{path.name}#{number}:{key}": value
                              for key, value in environment_values(document)})
        elif path.is_file():
            for match in re.finditer(r"PODFORGE_AUTH__JWT_SECRET\s*[=:]\s*\"?([^\"\s,]*)",
                                     path.read_text(errors="replace")):
                found[f"{path.name}:{match.start()}"] = match.group(1)
    return found


def environment_values(node: Any) -> list[tuple[str, str]]:
    """(name, value) for every PODFORGE_AUTH__JWT_SECRET in a parsed YAML document."""
    if isinstance(node, dict):
        pairs = [("value", str(node.get("value", ""))) for _ in [0]
                 if node.get("name") == "PODFORGE_AUTH__JWT_SECRET"]
        for key, value in node.items():
            if key == "PODFORGE_AUTH__JWT_SECRET" and isinstance(value, str):
                pairs.append((key, value))
            pairs += environment_values(value)
        return pairs
    if isinstance(node, list):
        return [pair for item in node for pair in environment_values(item)]
    return []


def test_no_deployment_file_ships_a_usable_jwt_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    values = shipped_values()
    assert any("secret.yaml" in where for where in values)  # the scan finds the manifests
    for where, value in values.items():
        if value.startswith("${"):  # compose: required from the environment, no default
            assert ":?" in value, where
            continue
        with pytest.raises(ValidationError):
            with_secret(monkeypatch, "production", value)


def test_the_kubernetes_config_with_a_generated_secret_starts_in_production(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = next(doc for doc in yaml.safe_load_all((DEPLOY / "k8s" / "configmap.yaml")
                                                   .read_text()))["data"]["config.toml"]
    monkeypatch.setenv("PODFORGE_AUTH__JWT_SECRET", secrets.token_urlsafe(48))
    assert Settings(**tomllib.loads(config)).app.env == "production"
