"""A cluster deployment's start order: pods wait for the migration, supervisord migrates
first, and worker processes never outlive the command that started them."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from adapters.db.migrate import upgrade
from adapters.resources import project_root
from tests.integration.conftest import PODFORGE
from workers.liveness import stale_workers

FIRST_REVISION = "0001"
DEPLOY = project_root() / "deploy"


def podforge(*args: str, database_url: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PODFORGE_DATABASE__URL": database_url}
    return subprocess.Popen([str(PODFORGE), *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def connections_to(database_url: str) -> int:
    """Sessions other than this one open on the database of ``database_url``."""
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg2://", 1))
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar_one())
    finally:
        engine.dispose()


def wait_until(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}", pytrace=False)
        time.sleep(0.2)


@pytest.mark.postgres
@pytest.mark.slow
def test_db_wait_returns_once_another_process_upgrades_the_schema(pg_database_url: str) -> None:
    upgrade(pg_database_url, FIRST_REVISION)  # an older release's schema
    waiter = podforge("db", "wait", "--timeout", "120", database_url=pg_database_url)
    try:
        wait_until(lambda: connections_to(pg_database_url) > 0 or waiter.poll() is not None,
                   60, "`podforge db wait` to ask the database")
        assert waiter.poll() is None, waiter.communicate()
        migration = podforge("db", "upgrade", database_url=pg_database_url)
        assert migration.wait(timeout=120) == 0, migration.communicate()
        out, err = waiter.communicate(timeout=60)
    finally:
        waiter.kill()
    assert waiter.returncode == 0, err
    assert "current schema" in out


@pytest.mark.postgres
def test_db_wait_gives_up_on_an_empty_database_with_the_reason(pg_database_url: str) -> None:
    waiter = podforge("db", "wait", "--timeout", "2", database_url=pg_database_url)
    out, err = waiter.communicate(timeout=60)
    assert waiter.returncode == 1, (out, err)
    assert "gave up after 2 s" in err
    assert "no revision (an empty database)" in err
    assert "podforge db upgrade" in err


def test_db_wait_gives_up_on_a_database_that_does_not_answer(tmp_path: Path) -> None:
    unreachable = "postgresql://podforge@127.0.0.1:1/podforge"
    waiter = podforge("db", "wait", "--timeout", "1", database_url=unreachable)
    _, err = waiter.communicate(timeout=60)
    assert waiter.returncode == 1
    assert "is unreachable" in err


def children_of(pid: int) -> set[int]:
    """Live processes whose parent is ``pid`` (zombies count as gone)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, parent = stat.rsplit(")", 1)[1].split()[:2]
        if int(parent) == pid and state != "Z":
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def worker_processes(parent: int) -> set[int]:
    return {pid for pid in children_of(parent) if b"spawn_main" in command_line(pid)}


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.slow
def test_worker_processes_exit_when_their_parent_is_killed(deployment: dict[str, Any]) -> None:
    parent = deployment["start_workers"](processes=2)
    wait_until(lambda: len(worker_processes(parent.pid)) == 2 or parent.poll() is not None, 60,
               "two worker processes")
    assert parent.poll() is None, parent.stderr.read() if parent.stderr else ""
    orphans = children_of(parent.pid)  # the workers and multiprocessing's resource tracker
    try:
        os.kill(parent.pid, signal.SIGKILL)  # no chance to stop them: an OOM kill, a kill -9
        parent.wait(timeout=10)
        wait_until(lambda: not any(alive(pid) for pid in orphans), 60,
                   f"the orphaned processes {sorted(orphans)} to exit")
    finally:
        for pid in filter(alive, orphans):
            os.kill(pid, signal.SIGKILL)


def supervisord_config(tmp_path: Path, podforge_path: str) -> Path:
    """deploy/supervisord.conf with this machine's folders and ``podforge_path`` as podforge."""
    text_ = (DEPLOY / "supervisord.conf").read_text()
    for server_path, here in {"/opt/podforge/.venv/bin/podforge": podforge_path,
                              "/opt/podforge": str(tmp_path),
                              "/var/log/podforge": str(tmp_path),
                              "/etc/podforge/config.toml": os.environ["PODFORGE_CONFIG"]}.items():
        text_ = text_.replace(server_path, here)
    text_ = text_.replace("[supervisord]\n", f"[supervisord]\npidfile={tmp_path}/sd.pid\n")
    config = tmp_path / "supervisord.conf"
    config.write_text(text_)
    return config


def test_supervisord_starts_the_api_and_workers_only_after_the_schema_wait(
    tmp_path: Path,
) -> None:
    from supervisor.options import ServerOptions

    options = ServerOptions()
    options.configfile = str(supervisord_config(tmp_path, str(PODFORGE)))
    options.process_config(do_usage=False)
    programs = {group.name: group.process_configs[0] for group in options.process_group_configs}
    migrate = programs.pop("podforge-migrate")
    assert migrate.command.endswith("podforge db upgrade")
    for name, program in programs.items():
        assert program.priority > migrate.priority, name
        waits, _, then = program.command.partition(" && exec ")
        assert waits.startswith("/bin/sh -c ") and waits.endswith("db wait --timeout 600"), name
        assert then, f"{name} does not run its command after the wait"
    for name, program in {**programs, "podforge-migrate": migrate}.items():
        assert program.stopasgroup and program.killasgroup, name


FAKE_PODFORGE = """#!/bin/sh
# The real podforge for the schema; serve and worker say on which schema they start, then idle.
case "$1" in
  db) "{real}" "$@"; status=$?; echo "db $2 exited $status" >> "{log}"; exit $status ;;
  *) if "{real}" db wait --timeout 0 > /dev/null 2>&1; then schema=current; else schema=old; fi
     echo "$1 started on the $schema schema" >> "{log}"; exec sleep 600 ;;
esac
"""


def started(events: Path) -> set[str]:
    """Which of the migration ("db"), "serve" and "worker" has said so far that it ran."""
    lines = events.read_text().splitlines() if events.exists() else []
    return {line.split()[0] for line in lines if not line.startswith("db wait")}


@pytest.mark.postgres
@pytest.mark.slow
def test_real_supervisord_starts_the_api_and_workers_after_the_migration(
    tmp_path: Path, pg_database_url: str,
) -> None:
    events = tmp_path / "events.log"
    fake = tmp_path / "podforge"
    fake.write_text(FAKE_PODFORGE.format(real=PODFORGE, log=events))
    fake.chmod(0o755)
    config = supervisord_config(tmp_path, str(fake))
    supervisord = subprocess.Popen(
        [str(PODFORGE.parent / "supervisord"), "--nodaemon", "-c", str(config)],
        env={**os.environ, "PODFORGE_DATABASE__URL": pg_database_url},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: started(events) == {"db", "serve", "worker"}
                   or supervisord.poll() is not None, 120,
                   "the migration, the API and the worker")
    finally:
        supervisord.terminate()
        supervisord.wait(timeout=60)
    lines = events.read_text().splitlines()
    assert "db upgrade exited 0" in lines
    assert "serve started on the current schema" in lines, lines
    assert "worker started on the current schema" in lines, lines


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.slow
def test_the_liveness_probe_fails_for_a_worker_process_that_stopped_looping(
    deployment: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "liveness"
    monkeypatch.setenv("PODFORGE_WORKER__LIVENESS_DIR", str(folder))
    parent = deployment["start_workers"](processes=2)
    probe = [str(PODFORGE.parent / "python"), "-m", "workers.liveness", str(folder)]
    # The supervisor starts its processes one after the other: wait for both files.
    wait_until(lambda: (len(list(folder.glob("*"))) == 2
                        and subprocess.run([*probe, "--max-age", "30"]).returncode == 0)
               or parent.poll() is not None, 60, "both worker processes to loop")
    assert parent.poll() is None
    stuck = min(worker_processes(parent.pid))
    os.kill(stuck, signal.SIGSTOP)  # a process that no longer loops: a deadlock, a hung call
    try:
        wait_until(lambda: len(stale_workers(folder, 5)) == 1, 60,
                   "the probe to name the stopped process")
        result = subprocess.run([*probe, "--max-age", "5"], capture_output=True, text=True)
    finally:
        os.kill(stuck, signal.SIGCONT)
    assert result.returncode == 1
    assert "has not looped for" in result.stderr
