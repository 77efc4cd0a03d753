"""The domain stays pure: core/ and ports/ import no framework or infrastructure library."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from adapters.resources import project_root

FORBIDDEN = {
    "fastapi", "starlette", "sqlalchemy", "psycopg2", "redis", "httpx", "litellm", "boto3",
    "dora", "uvicorn", "alembic",
}
INNER_OUTWARD = {"core": {"api", "adapters", "plugins", "workers"},
                 "ports": {"api", "adapters", "plugins", "workers"}}


def imported_modules(source: str) -> set[str]:
    """Top-level names of every module the source imports, at any depth (functions too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def violations(package: str) -> list[str]:
    banned = FORBIDDEN | INNER_OUTWARD[package]
    problems = []
    for path in sorted((project_root() / package).rglob("*.py")):
        bad = imported_modules(path.read_text()) & banned
        problems += [f"{path.relative_to(project_root())} imports {name}" for name in sorted(bad)]
    return problems


@pytest.mark.parametrize("package", ["core", "ports"])
def test_the_inner_layers_import_no_framework_and_nothing_outward(package: str) -> None:
    assert list((project_root() / package).rglob("*.py")), f"{package}/ has no modules"
    assert violations(package) == []


def test_the_import_scan_sees_imports_hidden_inside_functions() -> None:
    source = (
        "import os\n"
        "def f():\n"
        "    from sqlalchemy.orm import Session\n"
        "    import redis.asyncio\n"
    )
    assert imported_modules(source) == {"os", "sqlalchemy", "redis"}


def test_the_scan_reports_a_leak(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "leaky.py").write_text("import httpx\n")
    monkeypatch.setattr(f"{__name__}.project_root", lambda: tmp_path)
    assert violations("core") == ["core/leaky.py imports httpx"]
