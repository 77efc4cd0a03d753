"""A local server speaking MiniMax's T2A v2 protocol, with deterministic audio and faults on
demand (latency, error codes, HTTP 5xx, time-outs, malformed bodies, mid-stream failures).

``GET /_stats`` reports what the server saw (requests, peak concurrency, requests in any 60 s);
``POST /_faults`` changes the faults while it runs; ``POST /_reset`` clears the statistics.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

MODELS = {"speech-2.8-hd", "speech-2.8-turbo", "speech-2.6-hd", "speech-2.6-turbo",
          "speech-02-hd", "speech-02-turbo", "speech-01-hd", "speech-01-turbo"}
SAMPLE_RATES = {8000, 16000, 22050, 24000, 32000, 44100}
VOICES = {
    "male-qn-qingse", "male-qn-jingying", "female-shaonv", "female-yujie", "female-chengshu",
    "female-tianmei", "presenter_male", "presenter_female", "audiobook_male_1",
    "audiobook_female_1", "Chinese (Mandarin)_News_Anchor", "Chinese (Mandarin)_Radio_Host",
    "Chinese (Mandarin)_Gentleman", "English_expressive_narrator",
    "English_magnetic_voiced_man", "English_Trustworth_Man", "English_CalmWoman",
    "English_Graceful_Lady", "English_Deep-VoicedGentleman", "English_CaptivatingStoryteller",
    "Japanese_IntellectualSenior", "Cantonese_GentleLady",
}
SECONDS_PER_CHARACTER = 0.06


@dataclass
class Faults:
    """What goes wrong, and how often. ``*_rate`` are probabilities; ``fail_count`` makes the
    next N requests fail with ``fail_code``."""

    latency_ms: float = 0.0
    fail_rate: float = 0.0
    fail_code: int = 1002
    fail_count: int = 0
    fail_after: int = 0  # the counted failures start after this many requests
    http_error_rate: float = 0.0
    http_error_count: int = 0
    timeout_rate: float = 0.0
    timeout_count: int = 0
    malformed_rate: float = 0.0
    malformed_count: int = 0
    stream_break_rate: float = 0.0
    seed: int = 7


@dataclass
class Stats:
    requests: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0
    arrivals: list[float] = field(default_factory=list)
    characters: int = 0
    peers: list[str] = field(default_factory=list)  # client address:port, one per connection

    def max_per_minute(self) -> int:
        """The most requests that arrived within any 60-second span."""
        times, best, start = sorted(self.arrivals), 0, 0
        for end, moment in enumerate(times):
            while moment - times[start] >= 60:
                start += 1
            best = max(best, end - start + 1)
        return best


def pcm_for(text: str, voice_id: str, rate: int, speed: float) -> bytes:
    """Deterministic speech stand-in: a tone per voice, as long as the text takes to say."""
    frames = max(1, int(len(text) * SECONDS_PER_CHARACTER / speed * rate))
    pitch = 120 + (sum(voice_id.encode()) % 12) * 20
    t = np.arange(frames) / rate
    envelope = 0.6 + 0.4 * np.sin(2 * math.pi * 3 * t)
    return (7000 * envelope * np.sin(2 * math.pi * pitch * t)).astype("<i2").tobytes()


def error(code: int, message: str) -> dict[str, Any]:
    return {"trace_id": uuid.uuid4().hex, "base_resp": {"status_code": code,
                                                         "status_msg": message}}


def validate(body: Any) -> tuple[int, str] | None:
    """MiniMax's 2013 for invalid parameters, 2054 for an unknown voice."""
    if not isinstance(body, dict):
        return 2013, "invalid params: body must be a JSON object"
    voice = body.get("voice_setting") or {}
    audio = body.get("audio_setting") or {}
    text = body.get("text")
    checks = [
        (body.get("model") in MODELS, f"invalid params: model {body.get('model')!r}"),
        (isinstance(text, str) and 0 < len(text) < 10_000, "invalid params: text length"),
        (isinstance(voice.get("voice_id"), str), "invalid params: voice_setting.voice_id"),
        (0.5 <= float(voice.get("speed", 1)) <= 2, "invalid params: speed"),
        (0 < float(voice.get("vol", 1)) <= 10, "invalid params: vol"),
        (isinstance(voice.get("pitch", 0), int) and -12 <= voice.get("pitch", 0) <= 12,
         "invalid params: pitch"),
        (audio.get("sample_rate", 32000) in SAMPLE_RATES, "invalid params: sample_rate"),
        (audio.get("format", "pcm") == "pcm", "this test server only produces pcm"),
    ]
    for ok, message in checks:
        if not ok:
            return 2013, message
    if voice["voice_id"] not in VOICES:
        return 2054, "voice id not exist"
    return None


class MiniMaxServer:
    def __init__(self, *, api_keys: set[str], faults: Faults) -> None:
        self.api_keys = api_keys
        self.faults = faults
        self.stats = Stats()
        self.random = random.Random(faults.seed)

    def _due(self, name: str) -> bool:
        """Whether the fault ``name`` strikes this request (by count first, then by rate)."""
        count = f"{name}_count"
        if name == "fail" and self.stats.requests <= self.faults.fail_after:
            return False
        if getattr(self.faults, count) > 0:
            setattr(self.faults, count, getattr(self.faults, count) - 1)
            return True
        return self.random.random() < getattr(self.faults, f"{name}_rate")

    async def t2a(self, request: Request) -> Response:
        self.stats.requests += 1
        self.stats.arrivals.append(time.time())
        peer = f"{request.client.host}:{request.client.port}" if request.client else "-"
        if peer not in self.stats.peers:
            self.stats.peers.append(peer)
        self.stats.in_flight += 1
        self.stats.peak_in_flight = max(self.stats.peak_in_flight, self.stats.in_flight)
        try:
            return await self._answer(request)
        finally:
            self.stats.in_flight -= 1

    async def _answer(self, request: Request) -> Response:
        trace = {"Trace-Id": uuid.uuid4().hex}
        if self.faults.latency_ms:
            await asyncio.sleep(self.faults.latency_ms / 1000)
        key = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if key not in self.api_keys:
            return JSONResponse(error(1004, "authorization failed"), headers=trace)
        if self._due("timeout"):
            await asyncio.sleep(3600)
        if self._due("http_error"):
            return Response("upstream unavailable", status_code=502, headers=trace)
        if self._due("fail"):
            return JSONResponse(error(self.faults.fail_code, "injected failure"), headers=trace)
        if self._due("malformed"):
            return Response('{"data": {"audio": "zz', media_type="application/json",
                            headers=trace)
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse(error(2013, "invalid params: body is not JSON"), headers=trace)
        problem = validate(body)
        if problem:
            return JSONResponse(error(*problem), headers=trace)
        voice, rate = body["voice_setting"], body.get("audio_setting", {}).get(
            "sample_rate", 32000)
        audio = pcm_for(body["text"], voice["voice_id"], rate, float(voice.get("speed", 1)))
        self.stats.characters += len(body["text"])
        extra = {"audio_length": round(len(audio) / 2 / rate * 1000), "audio_sample_rate": rate,
                 "audio_size": len(audio), "bitrate": 128000,
                 "usage_characters": len(body["text"]), "audio_format": "pcm",
                 "audio_channel": 1}
        if body.get("stream"):
            return StreamingResponse(self._stream(audio, extra), media_type="text/event-stream",
                                     headers=trace)
        return JSONResponse({"data": {"audio": audio.hex(), "status": 2}, "extra_info": extra,
                             **error(0, "success")}, headers=trace)

    async def _stream(self, audio: bytes, extra: dict[str, Any]) -> AsyncIterator[bytes]:
        pieces = [audio[i:i + 32000] for i in range(0, len(audio), 32000)]
        for number, piece in enumerate(pieces):
            if number and self._due("stream_break"):
                yield f"data: {json.dumps(error(1000, 'stream interrupted'))}\n\n".encode()
                return
            event = {"data": {"audio": piece.hex(), "status": 1}, **error(0, "")}
            yield f"data: {json.dumps(event)}\n\n".encode()
        final = {"data": {"audio": audio.hex(), "status": 2}, "extra_info": extra,
                 **error(0, "success")}
        yield f"data: {json.dumps(final)}\n\n".encode()

    async def stats_view(self, request: Request) -> Response:
        return JSONResponse({**asdict(self.stats), "max_per_minute": self.stats.max_per_minute()})

    async def set_faults(self, request: Request) -> Response:
        for name, value in (await request.json()).items():
            if not hasattr(self.faults, name):
                return JSONResponse({"detail": f"unknown fault {name!r}"}, status_code=422)
            setattr(self.faults, name, type(getattr(self.faults, name))(value))
        return JSONResponse(asdict(self.faults))

    async def reset(self, request: Request) -> Response:
        self.stats = Stats()
        return JSONResponse({"reset": True})

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/v1/t2a_v2", self.t2a, methods=["POST"]),
            Route("/_stats", self.stats_view),
            Route("/_faults", self.set_faults, methods=["POST"]),
            Route("/_reset", self.reset, methods=["POST"]),
        ])
