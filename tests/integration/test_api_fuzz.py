"""Schemathesis against the app's own OpenAPI document: no 5xx, and answers as documented."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from adapters.container import create_container
from adapters.db.migrate import upgrade
from adapters.settings import load_settings
from api.app import create_app
from tests.helpers import sign_up

pytestmark = pytest.mark.slow
# No 5xx; status codes, content types and bodies as the OpenAPI document says.
CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_schema_conformance]
# Long-lived streams and binary downloads are exercised by their own tests; so is signing out,
# which would end the fuzzer's session for every operation after it.
STREAMS = r"/events$|/download$|/preview$|/auth/logout$"


@pytest.fixture
def fuzzed(llm_server: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The app with a model configured (so AI endpoints answer), and a signed-in user."""
    monkeypatch.setenv("PODFORGE_LLM__MODEL", "openai/podforge-local")
    monkeypatch.setenv("PODFORGE_LLM__API_BASE", f"{llm_server.base_url}/v1")
    monkeypatch.setenv("PODFORGE_LLM__API_KEY", "test-key")
    settings_ = load_settings()
    upgrade(settings_.database_url)
    app = create_app(create_container(settings_))
    with TestClient(app) as client:
        user = sign_up(client)
        yield {"schema": schemathesis.openapi.from_asgi("/openapi.json", app),
               "headers": user["headers"]}


def test_no_input_makes_the_api_fail_or_break_its_contract(fuzzed: dict[str, Any]) -> None:
    """Each operation gets a bounded number of generated requests, signed in."""
    schema = fuzzed["schema"].exclude(path_regex=STREAMS)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)
        def exercise(case: Any) -> None:
            case.call_and_validate(headers=fuzzed["headers"], checks=CHECKS)

        try:
            exercise()
        except Exception as failure:  # collect every operation's failure, report them together
            failures.append(f"{operation.method.upper()} {operation.path}: {failure}")
    assert operations >= 30
    assert not failures, "\n\n".join(failures)
