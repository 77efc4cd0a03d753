"""MiniMax voices (T2A v2): errors read from ``base_resp``, retries with backoff, shared limits,
connections kept for a render."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import weakref
from collections.abc import AsyncIterator
from typing import Any

import httpx
from pydantic import BaseModel, Field, SecretStr

from adapters.voices.limits import RequestLimits
from core import log_context
from ports.synthesizer import PcmAudio, SynthesisError, Synthesizer, VoiceSettings

log = logging.getLogger(__name__)

RETRYABLE = {1000, 1001, 1002, 1024, 1033, 1039, 1041, 2045}
BACKOFF_BASE_SECONDS = 0.5
BACKOFF_CAP_SECONDS = 20.0


class MiniMaxSettings(BaseModel):
    """``[tts.minimax]``."""

    base_url: str = "https://api.minimax.io"
    api_key: SecretStr = SecretStr("")
    group_id: str = ""
    model: str = "speech-02-hd"
    max_concurrency: int = Field(8, ge=1, le=64)
    requests_per_minute: int = Field(60, ge=1)
    timeout_seconds: float = Field(60, gt=0)
    max_attempts: int = Field(6, ge=1, le=20)
    sample_rate: int = 32000


def refusal(code: int, message: str, settings: MiniMaxSettings, voice_id: str) -> str:
    """A message the user can act on for a non-retryable MiniMax error."""
    known = {
        1004: "MiniMax refused the API key (1004): check [tts.minimax] api_key",
        1008: "the MiniMax account has insufficient balance (1008): top it up",
        1026: "MiniMax flagged the text as sensitive (1026): rephrase the line",
        1027: "MiniMax flagged the generated audio as sensitive (1027): rephrase the line",
        1042: "the line has too many invisible characters (1042): remove them",
        2042: f"this MiniMax account has no access to the voice {voice_id!r} (2042)",
        2049: "MiniMax rejected the API key (2049): check the key and the region of the base "
              f"URL ({settings.base_url}); global keys work on api.minimax.io, mainland keys "
              "on api.minimaxi.com",
        2054: f"MiniMax does not know the voice {voice_id!r} (2054): check voices.yaml",
        20132: f"MiniMax does not know the voice {voice_id!r} (20132): check voices.yaml",
        2056: "the MiniMax usage limit for this period is reached (2056): try again later",
    }
    return known.get(code, f"MiniMax refused the request ({code}: {message})")


class MiniMaxSynthesizer(Synthesizer):
    def __init__(self, settings: MiniMaxSettings, limits: RequestLimits,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self.limits = limits
        self.transport = transport
        # A client per event loop (httpx connections belong to the loop that opened them), with
        # how many sessions use it.
        self._shared: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, tuple[httpx.AsyncClient, int]] = (
            weakref.WeakKeyDictionary())

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.settings.base_url, transport=self.transport,
                                 timeout=self.settings.timeout_seconds)

    def session(self) -> contextlib.AbstractAsyncContextManager[object]:
        """Every request of the session goes through one client: TLS handshakes once per
        connection, not once per line."""
        return self._shared_client()

    @contextlib.asynccontextmanager
    async def _shared_client(self) -> AsyncIterator[httpx.AsyncClient]:
        loop = asyncio.get_running_loop()
        client, users = self._shared.get(loop) or (self._client(), 0)
        self._shared[loop] = (client, users + 1)
        try:
            yield client
        finally:
            client, users = self._shared.pop(loop)
            if users > 1:
                self._shared[loop] = (client, users - 1)
            else:
                await client.aclose()

    def max_concurrency(self) -> int:
        return self.settings.max_concurrency

    def identity(self) -> str:
        return f"minimax:{self.settings.model}:{self.settings.sample_rate}"

    def _request(self, text: str, voice: VoiceSettings) -> dict[str, Any]:
        return {
            "model": self.settings.model, "text": text, "stream": False,
            "voice_setting": {"voice_id": voice.voice_id, "speed": voice.speed,
                              "vol": voice.vol, "pitch": voice.pitch},
            "audio_setting": {"sample_rate": self.settings.sample_rate, "bitrate": 128000,
                              "format": "pcm", "channel": 1},
            "language_boost": "auto", "output_format": "hex",
        }

    async def synthesize(self, text: str, voice: VoiceSettings) -> PcmAudio:
        problem = "no attempt was made"
        async with self._shared_client() as client:
            for attempt in range(self.settings.max_attempts):
                if attempt:
                    cap = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** attempt)
                    await asyncio.sleep(random.uniform(cap / 2, cap))  # jittered backoff
                try:
                    return await self._attempt(client, text, voice)
                except SynthesisError as failed:
                    if not failed.retryable:
                        raise
                    problem = str(failed)
        raise SynthesisError(f"MiniMax kept failing after {self.settings.max_attempts} "
                             f"attempts; last: {problem}", code="exhausted")

    async def _attempt(self, client: httpx.AsyncClient, text: str,
                       voice: VoiceSettings) -> PcmAudio:
        params = {"GroupId": self.settings.group_id} if self.settings.group_id else None
        headers = {"Authorization": f"Bearer {self.settings.api_key.get_secret_value()}"}
        async with self.limits.slot(hold_seconds=self.settings.timeout_seconds + 30):
            try:
                response = await client.post("/v1/t2a_v2", json=self._request(text, voice),
                                             headers=headers, params=params)
            except httpx.TimeoutException:
                raise SynthesisError("MiniMax did not answer in time", retryable=True,
                                     code="timeout") from None
            except httpx.TransportError as broken:
                raise SynthesisError(f"cannot reach MiniMax at {self.settings.base_url} "
                                     f"({type(broken).__name__})", retryable=True,
                                     code="network") from None
        return self._decode(response, voice)

    def _decode(self, response: httpx.Response, voice: VoiceSettings) -> PcmAudio:
        trace = response.headers.get("Trace-Id", "-")
        log_context.trace_id.set(trace)
        if response.status_code >= 500 or response.status_code == 429:
            log.warning("MiniMax HTTP %s (trace %s)", response.status_code, trace)
            raise SynthesisError(f"MiniMax answered HTTP {response.status_code}",
                                 retryable=True, code=str(response.status_code))
        try:
            body = response.json()
            status = body["base_resp"]
            code, message = int(status["status_code"]), str(status.get("status_msg", ""))
        except (ValueError, KeyError, TypeError):
            log.warning("MiniMax sent an unreadable body, HTTP %s (trace %s)",
                        response.status_code, trace)
            raise SynthesisError("MiniMax sent a response that is not valid T2A JSON",
                                 code="malformed") from None
        if code != 0:
            log.warning("MiniMax error %s: %s (trace %s)", code, message, trace)
            if code in RETRYABLE:
                raise SynthesisError(f"MiniMax error {code}: {message}", retryable=True,
                                     code=str(code))
            raise SynthesisError(refusal(code, message, self.settings, voice.voice_id),
                                 code=str(code))
        if response.status_code != 200:
            raise SynthesisError(f"MiniMax answered HTTP {response.status_code}",
                                 code=str(response.status_code))
        return self._audio(body, trace)

    def _audio(self, body: dict[str, Any], trace: str) -> PcmAudio:
        try:
            samples = bytes.fromhex(body["data"]["audio"])
            rate = int(body.get("extra_info", {}).get("audio_sample_rate")
                       or self.settings.sample_rate)
        except (KeyError, TypeError, ValueError):
            log.warning("MiniMax audio could not be decoded (trace %s): %s", trace,
                        json.dumps(body)[:200])
            raise SynthesisError("MiniMax sent audio that is not valid hex PCM",
                                 code="malformed") from None
        if not samples or len(samples) % 2:
            raise SynthesisError("MiniMax sent empty or truncated audio", code="malformed")
        return PcmAudio(samples, rate)
