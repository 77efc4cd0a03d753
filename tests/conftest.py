"""Shared fixtures: settings on throwaway data, real PostgreSQL databases, the app container."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from adapters.settings import Settings, load_settings

PG_URL = os.environ.get("PODFORGE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
START_POSTGRES = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's PODFORGE_* variables or config file."""
    for name in list(os.environ):
        if name.startswith("PODFORGE_") and not name.startswith("PODFORGE_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PODFORGE_CONFIG", str(Path(__file__).parent / "fixtures" / "test.toml"))
    monkeypatch.setenv("PODFORGE_APP__DATA_DIR", str(tmp_path / "data"))


def dora_processes() -> dict[int, str]:
    """Running dora services and MoFA engine nodes, by pid, with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "bin/dora " in command or "podforge_mofa_engine.nodes" in command:
            found[int(entry.name)] = command
    return found


@pytest.fixture(scope="session", autouse=True)
def _no_dora_process_left() -> Iterator[None]:
    """The MoFA engine stops every dora service, node and dataflow it started."""
    import time

    before = set(dora_processes())
    yield
    deadline = time.monotonic() + 10
    while (left := {pid: cmd for pid, cmd in dora_processes().items() if pid not in before}):
        if time.monotonic() > deadline:
            pytest.fail(f"dora processes left after the tests: {left}", pytrace=False)
        time.sleep(0.2)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Embedded-default settings whose files live in the test's temporary folder."""
    return load_settings()


def _admin_engine():  # type: ignore[no-untyped-def]
    url = make_url(PG_URL.replace("postgresql://", "postgresql+psycopg2://", 1))
    return create_engine(url, isolation_level="AUTOCOMMIT")


@pytest.fixture
def pg_database_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    admin = _admin_engine()
    name = f"podforge_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as unreachable:
        admin.dispose()
        pytest.fail(
            f"PostgreSQL is not reachable at PODFORGE_TEST_PG_URL ({unreachable.__class__.__name__}"
            f"): start it with `{START_POSTGRES}` or run `make test`, which starts it",
            pytrace=False,
        )
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def container(settings: Settings):  # type: ignore[no-untyped-def]
    """The real composition root on the embedded default, resources shut down afterwards."""
    from adapters.container import create_container

    built = create_container(settings)
    yield built
    built.shutdown_resources()


@pytest.fixture
def migrated_settings(settings: Settings) -> Settings:
    """Embedded-default settings whose SQLite database has the current schema."""
    from adapters.db.migrate import upgrade

    upgrade(settings.database_url)
    return settings


@pytest.fixture
def client(migrated_settings: Settings):  # type: ignore[no-untyped-def]
    """The HTTP app on the embedded default, as a test client."""
    from fastapi.testclient import TestClient

    from adapters.container import create_container
    from api.app import create_app

    with TestClient(create_app(create_container(migrated_settings))) as test_client:
        yield test_client


@pytest.fixture
def pg_settings(pg_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings on a fresh, migrated PostgreSQL database."""
    from adapters.db.migrate import upgrade

    monkeypatch.setenv("PODFORGE_DATABASE__URL", pg_database_url)
    upgrade(pg_database_url)
    return load_settings()


@pytest.fixture
def pg_client(pg_settings: Settings):  # type: ignore[no-untyped-def]
    """The HTTP app on PostgreSQL, as a test client."""
    from fastapi.testclient import TestClient

    from adapters.container import create_container
    from api.app import create_app

    with TestClient(create_app(create_container(pg_settings))) as test_client:
        yield test_client


@pytest.fixture
def make_client(migrated_settings: Settings):  # type: ignore[no-untyped-def]
    """Builds a test client on the embedded default after ``configure(container)`` ran,
    e.g. to put a fake engine in place: ``make_client(lambda c: c.tts_engine.override(...))``."""
    from contextlib import ExitStack

    from fastapi.testclient import TestClient

    from adapters.container import create_container
    from api.app import create_app

    with ExitStack() as stack:
        def build(configure=lambda container: None):  # type: ignore[no-untyped-def]
            container = create_container(migrated_settings)
            configure(container)
            return stack.enter_context(TestClient(create_app(container)))

        yield build


REDIS_URL = os.environ.get("PODFORGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
START_REDIS = ('redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" '
               "--appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log")


@pytest.fixture
def redis_client():  # type: ignore[no-untyped-def]
    """The test Redis database, emptied before and after (FLUSHDB on that database only)."""
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    client = Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    except RedisDown:
        pytest.fail(f"Redis is not reachable at PODFORGE_TEST_REDIS_URL ({REDIS_URL}): start it "
                    f"with `{START_REDIS}` or run `make test`, which starts it", pytrace=False)
    yield client
    client.flushdb()
    client.close()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_in_thread(app):  # type: ignore[no-untyped-def]
    """Run an ASGI app on a free port with uvicorn in a thread; yields its base URL."""
    import threading
    import time

    import uvicorn

    port = free_port()
    runner = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", timeout_graceful_shutdown=1))
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not runner.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    runner.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def minimax_server():  # type: ignore[no-untyped-def]
    """The local MiniMax-protocol server over real HTTP; the server object (``faults``,
    ``stats``, ``api_keys``) with its ``base_url``."""
    from api.dev.minimax_server import Faults, MiniMaxServer

    server = MiniMaxServer(api_keys={"test-key"}, faults=Faults())
    for url in serve_in_thread(server.app()):
        server.base_url = url  # type: ignore[attr-defined]
        yield server


@pytest.fixture
def llm_server():  # type: ignore[no-untyped-def]
    """The local OpenAI-compatible server over real HTTP, with its ``base_url``."""
    from api.dev.llm_server import LlmServer

    server = LlmServer()
    for url in serve_in_thread(server.app()):
        server.base_url = url  # type: ignore[attr-defined]
        yield server


@pytest.fixture
def s3_endpoint():  # type: ignore[no-untyped-def]
    """An S3-protocol server (moto) on 127.0.0.1, with the bucket ``podforge-test``."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    client = boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    client.create_bucket(Bucket="podforge-test")
    yield url
    server.stop()


# The reliability and security suite's categories (docs/security.md), by test file.
SUITE_CATEGORIES = {
    "API fuzzing": ("tests/integration/test_api_fuzz.py",),
    "hostile inputs": ("tests/unit/test_hostile_inputs.py", "tests/unit/test_mofa_dataflow.py",
                       "tests/integration/test_hardening_inputs.py"),
    "authentication and isolation": ("tests/unit/test_accounts_api.py",
                                     "tests/integration/test_isolation.py",
                                     "tests/integration/test_hardening_login.py",
                                     "tests/integration/test_hardening_credentials.py",
                                     "tests/integration/test_hardening_revocation.py",
                                     "tests/unit/test_hardening_secrets.py"),
    "abuse limits": ("tests/integration/test_hardening_rate_limits.py",
                     "tests/unit/test_hardening_limits.py"),
    "money under races": ("tests/integration/test_hardening_money.py",
                          "tests/integration/test_ledger.py"),
    "API surface and deployment": ("tests/unit/test_hardening_surface.py",
                                   "tests/integration/test_hardening_deploy.py"),
    "fault injection and invariants": ("tests/integration/test_faults.py",
                                       "tests/integration/test_worker_processes.py",
                                       "tests/integration/test_hardening_attempts.py",
                                       "tests/unit/test_hardening_attempts.py",
                                       "tests/integration/test_hardening_worker_start.py"),
    "dataflow engine failures": ("tests/integration/test_mofa_engine.py",),
}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per category of the reliability and security suite, from this run's results."""
    outcomes: dict[str, dict[str, set[str]]] = {name: {} for name in SUITE_CATEGORIES}
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            nodeid = getattr(report, "nodeid", "")
            for name, files in SUITE_CATEGORIES.items():
                if nodeid.split("::")[0] in files:
                    outcomes[name].setdefault(outcome, set()).add(nodeid)
    if not any(outcomes.values()):
        return  # a run of other tests
    terminalreporter.section("reliability and security suite")
    for name, seen in outcomes.items():
        counts = ", ".join(f"{len(ids)} {outcome}" for outcome, ids in seen.items())
        terminalreporter.write_line(f"{name}: {counts or 'not run'}")
