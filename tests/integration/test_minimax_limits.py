"""MiniMax limits hold across two worker processes, measured at the (local) MiniMax server."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import sign_up
from tests.integration.conftest import grant, submit, wait_all

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]
CAP, PER_MINUTE = 3, 20


def test_two_worker_processes_share_the_concurrency_cap_and_the_rate(
    deployment: dict[str, Any], minimax_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in {"BASE_URL": minimax_server.base_url, "API_KEY": "test-key",
                       "MAX_CONCURRENCY": str(CAP),
                       "REQUESTS_PER_MINUTE": str(PER_MINUTE)}.items():
        monkeypatch.setenv(f"PODFORGE_TTS__MINIMAX__{key}", value)
    minimax_server.faults.latency_ms = 150
    client = deployment["client"]
    user = sign_up(client)
    grant(deployment["container"], user, 500)
    voices = {"Alice": "English_CalmWoman", "Bob": "English_Trustworth_Man"}
    tasks = [submit(client, user, "".join(
        f"**{('Alice', 'Bob')[n % 2]}:** Task {t}, line {n}, about rate limits.\n"
        for n in range(15)), voices) for t in range(2)]
    deployment["start_workers"](2)
    final = wait_all(client, user, tasks, seconds=180)
    assert {status["status"] for status in final.values()} == {"completed"}
    stats = minimax_server.stats
    assert stats.requests == 30
    assert stats.peak_in_flight <= CAP
    assert stats.max_per_minute() <= PER_MINUTE
