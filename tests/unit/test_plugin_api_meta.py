"""Keeps the plugin API honest: every hook and port method is documented and tested."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from adapters.resources import project_root
from ports import hookspecs
from ports.ledger import Ledger
from ports.llm import LLM
from ports.queue import Queue
from ports.storage import Storage
from ports.synthesizer import Synthesizer
from ports.tts_engine import TTSEngine

DOCS = project_root() / "docs" / "plugins.md"
TESTS = Path(__file__).resolve().parents[1]
PORT_CLASSES = [TTSEngine, Synthesizer, Storage, Queue, Ledger, LLM]
HOOKS = [
    name for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
    if hasattr(function, "podforge_spec")
]


def documented_signature(function: object) -> str:
    """``name(a, b, *, c)``: the form docs/plugins.md uses, without types or ``self``."""
    parameters = [p for p in inspect.signature(function).parameters.values()  # type: ignore[arg-type]
                  if p.name != "self"]
    names: list[str] = []
    for parameter in parameters:
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and "*" not in names:
            names.append("*")
        names.append(parameter.name)
    return f"{function.__name__}({', '.join(names)})"  # type: ignore[attr-defined]


def test_there_are_hooks_to_check() -> None:
    assert HOOKS == ["podforge_register_adapters"]


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented_with_its_signature(hook: str) -> None:
    function = getattr(hookspecs, hook)
    returns = inspect.signature(function).return_annotation
    assert f"`{documented_signature(function)} -> {returns}`" in DOCS.read_text()
    assert function.__doc__ and ":returns:" in function.__doc__


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_test(hook: str) -> None:
    callers = [
        path for path in TESTS.rglob("test_*.py")
        if path.name != Path(__file__).name and hook in path.read_text()
    ]
    assert callers, f"no test implements or calls the hook {hook}"


@pytest.mark.parametrize(
    ("port", "method"),
    [(port, name) for port in PORT_CLASSES for name in sorted(port.__abstractmethods__)],
)
def test_every_port_method_is_documented_with_its_signature(port: type, method: str) -> None:
    text = DOCS.read_text()
    assert f"### {port.__name__} (" in text
    section = text.split(f"### {port.__name__} (", 1)[1].split("\n### ", 1)[0]
    assert f"`{documented_signature(getattr(port, method))}`" in section


@pytest.mark.parametrize("port", PORT_CLASSES)
def test_every_port_has_a_contract_suite(port: type) -> None:
    import ports.contracts as contracts

    assert hasattr(contracts, f"{port.__name__}Contract")
