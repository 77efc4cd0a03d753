"""Settings come from config.toml, and every key can be overridden by the environment."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from pydantic import ValidationError

from adapters.resources import project_root
from adapters.settings import DEFAULT_JWT_SECRET, load_settings


def test_the_shipped_config_is_the_embedded_default(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(project_root() / "config.toml")
    assert settings.app.env == "dev"
    assert settings.queue.type == "memory"
    assert settings.storage.type == "local"
    assert settings.engine.type == "direct"
    assert settings.database_url.startswith("sqlite:///")
    assert settings.database_url.endswith("/podforge.sqlite3")
    assert settings.audio.sample_rate == 32000
    assert settings.billing.chat_max_credits == 50
    assert settings.worker.task_timeout_minutes == 30
    assert settings.tts.plugin_section("minimax")["requests_per_minute"] == 60


def test_environment_variables_override_sections_and_plugin_sections(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PODFORGE_DATABASE__URL", "postgresql://db.example/podforge")
    monkeypatch.setenv("PODFORGE_AUDIO__SAMPLE_RATE", "44100")
    monkeypatch.setenv("PODFORGE_TTS__MINIMAX__BASE_URL", "http://127.0.0.1:9999")
    monkeypatch.setenv("PODFORGE_STORAGE__S3__BUCKET", "podcasts")
    settings = load_settings(project_root() / "config.toml")
    assert settings.database_url == "postgresql://db.example/podforge"
    assert settings.audio.sample_rate == 44100
    assert settings.tts.plugin_section("minimax")["base_url"] == "http://127.0.0.1:9999"
    assert settings.tts.plugin_section("minimax")["model"] == "speech-02-hd"  # file value kept
    assert settings.storage.plugin_section("s3")["bucket"] == "podcasts"
    assert settings.storage.plugin_section("s3")["prefix"] == "podforge"  # file value kept


def test_podforge_config_points_at_another_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    other = tmp_path / "other.toml"
    other.write_text('[queue]\ntype = "redis"\n[segmenter]\nmax_segment_seconds = 12\n')
    monkeypatch.setenv("PODFORGE_CONFIG", str(other))
    settings = load_settings()
    assert settings.queue.type == "redis"
    assert settings.segmenter.max_segment_seconds == 12
    assert settings.app.env == "dev"  # not in the file: the default


def test_a_missing_config_file_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PODFORGE_CONFIG", str(tmp_path / "absent.toml"))
    with pytest.raises(FileNotFoundError, match=r"absent\.toml"):
        load_settings()


def test_production_refuses_to_start_with_the_default_jwt_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PODFORGE_APP__ENV", "production")
    with pytest.raises(ValidationError, match="PODFORGE_AUTH__JWT_SECRET"):
        load_settings(project_root() / "config.toml")
    monkeypatch.setenv("PODFORGE_AUTH__JWT_SECRET", secrets.token_urlsafe(48))
    assert load_settings(project_root() / "config.toml").app.env == "production"


def test_secrets_are_not_shown_when_settings_are_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PODFORGE_LLM__API_KEY", "sk-very-secret")
    settings = load_settings()
    assert settings.llm.api_key.get_secret_value() == "sk-very-secret"
    assert "sk-very-secret" not in repr(settings)
    assert DEFAULT_JWT_SECRET not in repr(load_settings(project_root() / "config.toml"))


def test_out_of_range_values_are_rejected_with_their_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PODFORGE_AUDIO__SILENCE_MIN", "2")
    with pytest.raises(ValidationError, match="silence_max"):
        load_settings()
