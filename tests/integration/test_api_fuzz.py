"""Schemathesis against the app's own OpenAPI document on PostgreSQL: no 5xx, and answers as
documented, also when a string holds what databases refuse (U+0000, a lone surrogate) or is
empty."""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from schemathesis import checks

from adapters.container import create_container
from adapters.settings import Settings, load_settings
from api.app import create_app
from tests.helpers import sign_up

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
# No 5xx; status codes, content types and bodies as the OpenAPI document says.
CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_schema_conformance]
# Long-lived streams and binary downloads are exercised by their own tests; so is signing out,
# which would end the fuzzer's session for every operation after it.
STREAMS = r"/events$|/download$|/preview$|/auth/logout$"
EXAMPLES = 60  # per operation: about half carry a hostile string
# Strings a client can send that schemas allow but databases or encoders may not.
HOSTILE = ["", " ", "\x00", "a\x00b"]
# Only JSON carries a lone surrogate (as the escape \ud800); URLs and forms are UTF-8 bytes.
HOSTILE_IN_JSON = [*HOSTILE, "\ud800", "x\udfff", "\udc80\x00"]
# An empty path segment is another route: path parameters get the NUL ones only.
HOSTILE_IN_PATH = ["\x00", "a\x00b"]


def string_slots(value: Any) -> Iterator[tuple[Any, Any]]:
    """(container, key) of every string inside a JSON-like value."""
    items = value.items() if isinstance(value, dict) else (
        enumerate(value) if isinstance(value, list) else ())
    for key, item in items:
        if isinstance(item, str):
            yield value, key
        else:
            yield from string_slots(item)


@st.composite
def with_a_hostile_string(draw: st.DrawFn, case: Any) -> Any:
    """A copy of the case with one of its strings (body, query or path) replaced by a hostile
    one. (A new case: Schemathesis would re-check an edited one against the schema, and its
    format checkers cannot encode a lone surrogate.)"""
    json_body = "json" in (case.media_type or "")
    body = copy.deepcopy(case.body) if isinstance(case.body, dict | list) else case.body
    query = dict(case.query or {})
    path_parameters = dict(case.path_parameters or {})
    slots = ([(c, k, HOSTILE_IN_JSON if json_body else HOSTILE) for c, k in string_slots(body)]
             + [(c, k, HOSTILE) for c, k in string_slots(query)]
             + [(c, k, HOSTILE_IN_PATH) for c, k in string_slots(path_parameters)])
    if slots:
        container, key, values = draw(st.sampled_from(slots))
        container[key] = draw(st.sampled_from(values))
    return case.operation.Case(path_parameters=path_parameters, headers=case.headers,
                               query=query, body=body, media_type=case.media_type,
                               multipart_content_types=case.multipart_content_types)


def is_string(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "string" or any(is_string(s) for s in schema.get("anyOf", []))


def explicit_cases(operation: Any) -> Iterator[Any]:
    """Requests every run sends: U+0000 in each path and string query parameter, and a lone
    surrogate in each string property of a JSON body."""
    path = {p.name: "\x00" for p in operation.path_parameters}
    query = {p.name: "\x00" for p in operation.query if is_string(p.definition["schema"])}
    if path or query:
        yield operation.Case(path_parameters=path, query=query)
    for body in operation.body:
        properties = body.definition["schema"].get("properties", {})
        strings = {name: "\ud800" for name, schema in properties.items() if is_string(schema)}
        if body.media_type == "application/json" and strings:
            yield operation.Case(path_parameters=dict.fromkeys(path, "x"), body=strings,
                                 media_type=body.media_type)


@pytest.fixture
def fuzzed(pg_settings: Settings, llm_server: Any,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The app on PostgreSQL with a model configured (so AI endpoints answer), and a
    signed-in user."""
    monkeypatch.setenv("PODFORGE_LLM__MODEL", "openai/podforge-local")
    monkeypatch.setenv("PODFORGE_LLM__API_BASE", f"{llm_server.base_url}/v1")
    monkeypatch.setenv("PODFORGE_LLM__API_KEY", "test-key")
    app = create_app(create_container(load_settings()))
    with TestClient(app) as client:
        user = sign_up(client)
        yield {"schema": schemathesis.openapi.from_asgi("/openapi.json", app),
               "headers": user["headers"]}


def test_no_input_makes_the_api_fail_or_break_its_contract(fuzzed: dict[str, Any]) -> None:
    """Each operation gets its explicit hostile requests, then a bounded number of generated
    ones, signed in; about half of those carry a hostile string in one field."""
    schema = fuzzed["schema"].exclude(path_regex=STREAMS)
    failures: list[str] = []
    operations, requests = 0, 0
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        plain = operation.as_strategy()

        @given(case=st.one_of(plain, plain.flatmap(with_a_hostile_string)))
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None, phases=[Phase.explicit, Phase.generate, Phase.shrink])
        def exercise(case: Any) -> None:
            nonlocal requests
            requests += 1
            case.call_and_validate(headers=fuzzed["headers"], checks=CHECKS)

        for case in explicit_cases(operation):
            exercise = example(case=case)(exercise)
        try:
            exercise()
        except Exception as failure:  # collect every operation's failure, report them together
            failures.append(f"{operation.method.upper()} {operation.path}: {failure}")
    print(f"{requests} requests to {operations} operations in {time.monotonic() - started:.0f} s")
    assert operations >= 30 and requests >= operations * EXAMPLES * 0.8
    assert not failures, "\n\n".join(failures)
