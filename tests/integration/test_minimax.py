"""The MiniMax provider against the local MiniMax-protocol server, over real HTTP."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import pytest
from pydantic import SecretStr

from adapters.voices.limits import MemoryRequestLimits
from adapters.voices.minimax import MiniMaxSettings, MiniMaxSynthesizer
from api.dev.minimax_server import SECONDS_PER_CHARACTER
from ports.contracts import SynthesizerContract
from ports.synthesizer import SynthesisError, Synthesizer, VoiceSettings

VOICE = VoiceSettings("English_CalmWoman")
TEXT = "Welcome back to the show."


def client(server: Any, *, key: str = "test-key", concurrency: int = 8, per_minute: int = 600,
           timeout: float = 5.0, window: float = 60.0) -> MiniMaxSynthesizer:
    settings = MiniMaxSettings(base_url=server.base_url, api_key=SecretStr(key),
                               timeout_seconds=timeout, max_concurrency=concurrency,
                               requests_per_minute=per_minute)
    limits = MemoryRequestLimits(requests_per_minute=per_minute, max_concurrency=concurrency,
                                 window_seconds=window)
    return MiniMaxSynthesizer(settings, limits)


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("adapters.voices.minimax.BACKOFF_BASE_SECONDS", 0.01)


class TestMiniMaxSynthesizer(SynthesizerContract):
    @pytest.fixture
    def synthesizer(self, minimax_server: Any) -> Synthesizer:
        return client(minimax_server)

    @pytest.fixture
    def voice(self) -> VoiceSettings:
        return VOICE


def test_success_returns_pcm_at_the_requested_rate(minimax_server: Any) -> None:
    audio = asyncio.run(client(minimax_server).synthesize(TEXT, VOICE))
    assert audio.sample_rate == 32000
    assert len(audio.samples) == 2 * int(len(TEXT) * SECONDS_PER_CHARACTER * 32000)
    assert minimax_server.stats.requests == 1


def test_a_burst_of_rate_limit_errors_is_ridden_out(minimax_server: Any) -> None:
    minimax_server.faults.fail_code, minimax_server.faults.fail_count = 1002, 3
    audio = asyncio.run(client(minimax_server).synthesize(TEXT, VOICE))
    assert audio.duration > 1 and minimax_server.stats.requests == 4


def test_a_key_for_another_region_fails_at_once_naming_key_and_region(
    minimax_server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    minimax_server.faults.fail_code, minimax_server.faults.fail_rate = 2049, 1.0
    minimax_server.api_keys.add("sk-secret-value")
    with caplog.at_level(logging.WARNING), pytest.raises(SynthesisError) as refused:
        asyncio.run(client(minimax_server, key="sk-secret-value").synthesize(TEXT, VOICE))
    message = str(refused.value)
    assert "API key (2049)" in message and "region" in message
    assert not refused.value.retryable and minimax_server.stats.requests == 1
    assert "sk-secret-value" not in caplog.text and "trace" in caplog.text


def test_http_errors_and_timeouts_are_retried(minimax_server: Any) -> None:
    minimax_server.faults.http_error_count = 2
    assert asyncio.run(client(minimax_server).synthesize(TEXT, VOICE)).duration > 1
    minimax_server.faults.timeout_count = 1
    started = time.monotonic()
    assert asyncio.run(client(minimax_server, timeout=0.5).synthesize(TEXT, VOICE)).duration > 1
    assert time.monotonic() - started < 10
    assert minimax_server.stats.requests == 5


def test_a_malformed_body_fails_the_chunk(minimax_server: Any) -> None:
    minimax_server.faults.malformed_count = 1
    with pytest.raises(SynthesisError, match="not valid T2A JSON"):
        asyncio.run(client(minimax_server).synthesize(TEXT, VOICE))


@pytest.mark.parametrize(("key", "voice", "words"), [
    ("wrong-key", VOICE, "API key (1004)"),
    ("test-key", VoiceSettings("Nobody_Voice"), "does not know the voice 'Nobody_Voice'"),
])
def test_refusals_say_what_to_fix(minimax_server: Any, key: str, voice: VoiceSettings,
                                  words: str) -> None:
    with pytest.raises(SynthesisError, match=words.replace("(", r"\(").replace(")", r"\)")):
        asyncio.run(client(minimax_server, key=key).synthesize(TEXT, voice))
    assert minimax_server.stats.requests == 1


def test_concurrency_and_requests_per_window_stay_within_limits(minimax_server: Any) -> None:
    minimax_server.faults.latency_ms = 100
    # The limiter counts when a request leaves; the server when it arrives. A window 10% shorter
    # at the server absorbs the time in between (production keeps a second over the minute).
    synthesizer = client(minimax_server, concurrency=3, per_minute=6, window=2.0)

    async def burst() -> None:
        await asyncio.gather(*(synthesizer.synthesize(f"{TEXT} {n}", VOICE) for n in range(12)))

    started = time.monotonic()
    asyncio.run(burst())
    assert minimax_server.stats.peak_in_flight == 3
    arrivals = sorted(minimax_server.stats.arrivals)
    assert max(sum(1 for t in arrivals if start <= t < start + 1.8) for start in arrivals) <= 6
    assert time.monotonic() - started >= 2.0


def test_a_session_reuses_its_connections(minimax_server: Any) -> None:
    minimax_server.faults.latency_ms = 20
    synthesizer = client(minimax_server, concurrency=2)

    async def render() -> None:
        async with synthesizer.session():
            gate = asyncio.Semaphore(2)  # as ChunkSource bounds a provider

            async def line(n: int) -> None:
                async with gate:
                    await synthesizer.synthesize(f"{TEXT} {n}", VOICE)

            await asyncio.gather(*(line(n) for n in range(12)))

    asyncio.run(render())
    assert minimax_server.stats.requests == 12
    assert len(minimax_server.stats.peers) <= 2
    asyncio.run(synthesizer.synthesize(TEXT, VOICE))  # outside a session: a client of its own
    assert len(minimax_server.stats.peers) <= 3
