"""Sign-in limiting on PostgreSQL and Redis, against `podforge serve` as it is deployed:
attempts are reserved before the password is checked, keyed by account, per address, and
X-Forwarded-For is believed only from a configured proxy."""

from __future__ import annotations

import os
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.auth.passwords import Argon2PasswordHasher
from adapters.resources import project_root
from adapters.settings import Settings
from tests.conftest import REDIS_URL, free_port
from tests.helpers import PASSWORD, sign_up

PODFORGE = project_root() / ".venv" / "bin" / "podforge"
WRONG = "not the password"
ATTACKER, OWNER = "203.0.113.7", "198.51.100.9"

Serve = Callable[..., str]


@pytest.fixture
def serve(pg_settings: Settings, redis_client: Any,
          tmp_path: Path) -> Iterator[Serve]:
    """Starts `podforge serve` on PostgreSQL and Redis with extra ``PODFORGE_*`` settings;
    returns its base URL."""
    started: list[subprocess.Popen[bytes]] = []

    def start(**settings: str) -> str:
        env = {**os.environ, "PODFORGE_QUEUE__TYPE": "redis", "PODFORGE_REDIS__URL": REDIS_URL,
               **settings}
        port = free_port()
        log = tmp_path / f"serve-{port}.log"
        process = subprocess.Popen([str(PODFORGE), "serve", "--port", str(port)], env=env,
                                   stdout=log.open("wb"), stderr=subprocess.STDOUT)
        started.append(process)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/healthz", timeout=2)
                return base
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=30)


def register(base: str, name: str | None = None) -> str:
    name = name or f"user{uuid.uuid4().hex[:8]}"
    created = httpx.post(f"{base}/api/auth/register", timeout=30, json={
        "username": name, "email": f"{name}@example.org", "password": PASSWORD})
    assert created.status_code == 201, created.text
    return name


def attempt(base: str, login: str, password: str = WRONG,
            forwarded_for: str | None = None) -> httpx.Response:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return httpx.post(f"{base}/api/auth/login", json={"username": login, "password": password},
                      headers=headers, timeout=60)


@pytest.mark.slow
def test_forty_concurrent_wrong_passwords_check_at_most_the_limit(serve: Serve) -> None:
    base = serve(PODFORGE_LIMITS__LOGIN="10/15 minutes")
    name = register(base)
    with ThreadPoolExecutor(max_workers=40) as pool:
        answers = list(pool.map(lambda _: attempt(base, name), range(40)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [401] * 10 + [429] * 30
    for refused in (a for a in answers if a.status_code == 429):
        assert int(refused.headers["Retry-After"]) > 0
        assert "login" in refused.json()["detail"]


@pytest.mark.slow
def test_guesses_by_username_and_by_email_count_against_one_account(serve: Serve) -> None:
    base = serve(PODFORGE_LIMITS__LOGIN="6/15 minutes")
    name = register(base)
    for login in [name] * 3 + [f"{name}@example.org"] * 3:
        assert attempt(base, login).status_code == 401
    assert attempt(base, name).status_code == 429
    assert attempt(base, f"{name}@EXAMPLE.org").status_code == 429


@pytest.mark.slow
def test_an_attacker_at_one_address_cannot_lock_the_owner_out_of_another(serve: Serve) -> None:
    base = serve(PODFORGE_LIMITS__LOGIN="5/15 minutes",
                 PODFORGE_HTTP__TRUSTED_PROXIES='["127.0.0.1"]')
    name = register(base)
    answers = [attempt(base, name, forwarded_for=ATTACKER).status_code for _ in range(8)]
    assert answers == [401] * 5 + [429] * 3
    assert attempt(base, name, PASSWORD, forwarded_for=ATTACKER).status_code == 429
    owner = attempt(base, name, PASSWORD, forwarded_for=OWNER)
    assert owner.status_code == 200, owner.text


@pytest.mark.slow
def test_rotating_x_forwarded_for_does_not_escape_the_address_limit(serve: Serve) -> None:
    base = serve(PODFORGE_LIMITS__LOGIN_ADDRESS="5/minute")
    answers = [attempt(base, f"ghost{n}", forwarded_for=f"10.0.0.{n}").status_code
               for n in range(7)]
    assert answers == [401] * 5 + [429] * 2


@pytest.mark.slow
def test_a_trusted_proxy_s_forwarded_address_is_the_client_s(serve: Serve) -> None:
    base = serve(PODFORGE_LIMITS__LOGIN_ADDRESS="5/minute",
                 PODFORGE_HTTP__TRUSTED_PROXIES='["127.0.0.1"]')
    for n in range(5):
        assert attempt(base, f"ghost{n}", forwarded_for=ATTACKER).status_code == 401
    assert attempt(base, "ghost", forwarded_for=ATTACKER).status_code == 429
    assert attempt(base, "ghost", forwarded_for=OWNER).status_code == 401
    assert attempt(base, "ghost").status_code == 401  # the proxy's own address is another


class CountingHasher(Argon2PasswordHasher):
    """The real Argon2 hasher, counting the hashes and checks it runs."""

    def __init__(self) -> None:
        super().__init__()
        self.runs = 0
        self._lock = threading.Lock()

    def _count(self) -> None:
        with self._lock:
            self.runs += 1

    def hash(self, password: str) -> str:
        self._count()
        return super().hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        self._count()
        return super().verify(password_hash, password)


def test_an_unknown_login_runs_the_password_hasher_once_like_a_known_one(
        make_client: Any) -> None:
    hasher = CountingHasher()
    client = make_client(lambda container: container.password_hasher.override(hasher))
    sign_up(client, "known")
    for login in ("known", "nobody-by-that-name", "known@example.org", "nobody@example.org"):
        hasher.runs = 0
        answer = client.post("/api/auth/login", json={"username": login, "password": WRONG})
        assert (answer.status_code, hasher.runs) == (401, 1), login
