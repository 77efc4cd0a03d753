"""A local OpenAI-compatible chat server for tests and demos: it writes a podcast script that
follows the speakers, language and length its system prompt asks for.

Put ``[one speaker]`` in a message to get a reply in which only the first speaker talks.
``GET /_requests`` returns the requests received; ``POST /_faults`` sets ``fail_count`` (the next
N requests answer ``fail_status``) and ``latency_ms``.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

EN_LINES = ["Here is something people often miss about {topic}.",
            "That surprised me too, so let me ask the obvious question.",
            "Think of it as a concrete example from everyday life.",
            "Which means the details matter more than the headline.",
            "And that is exactly why listeners should care about it."]
ZH_LINES = ["关于{topic}，有一点大家常常忽略。",
            "这也让我很意外，我来问一个最直接的问题。",
            "我们举一个生活中的具体例子。",
            "所以细节比标题更重要。",
            "这正是听众应该关心它的原因。"]


@dataclass
class LlmFaults:
    latency_ms: float = 0.0
    fail_count: int = 0
    fail_status: int = 500


@dataclass
class Seen:
    requests: list[dict[str, Any]] = field(default_factory=list)


def words(text: str) -> int:
    """A token estimate good enough for usage figures: about four characters a token."""
    return max(1, len(text) // 4)


def requested(system: str) -> tuple[list[str], int, str, str]:
    """Speakers, character budget, language and topic named in the system prompt."""
    speakers = re.search(r"Speakers: (.+?)\. Every", system)
    budget = re.search(r"about (\d+) spoken characters", system)
    topic = re.search(r"Topic: (.+)", system)
    language = "zh" if "Chinese" in system else "en"
    return ([s.strip() for s in speakers.group(1).split(",")] if speakers else ["A", "B"],
            int(budget.group(1)) if budget else 600, language,
            topic.group(1).strip() if topic else "this topic")


def write_script(messages: list[dict[str, Any]]) -> str:
    system = next((m["content"] for m in messages if m["role"] == "system"), "")
    speakers, budget, language, topic = requested(system)
    latest: dict[str, Any] = next((m for m in reversed(messages) if m["role"] == "user"), {})
    if "[one speaker]" in str(latest.get("content")):  # asked of this reply only
        speakers = speakers[:1]
    lines = ZH_LINES if language == "zh" else EN_LINES
    tag = (lambda s: f"【{s}】") if language == "zh" else (lambda s: f"**{s}:** ")
    turns, length, n = [], 0, 0
    while length < budget:
        text = lines[n % len(lines)].format(topic=topic)
        turns.append(f"{tag(speakers[n % len(speakers)])}{text}")
        length += len(text)
        n += 1
    return f"# {topic}\n\n" + "\n".join(turns) + "\n"


class LlmServer:
    def __init__(self, faults: LlmFaults | None = None) -> None:
        self.faults = faults or LlmFaults()
        self.seen = Seen()

    async def completions(self, request: Request) -> Response:
        body = await request.json()
        self.seen.requests.append(body)
        if self.faults.latency_ms:
            await asyncio.sleep(self.faults.latency_ms / 1000)
        if self.faults.fail_count > 0:
            self.faults.fail_count -= 1
            return JSONResponse({"error": {"message": "injected failure", "type": "server"}},
                                status_code=self.faults.fail_status)
        messages = body.get("messages") or []
        content = write_script(messages)
        usage = {"prompt_tokens": sum(words(str(m.get("content"))) for m in messages),
                 "completion_tokens": words(content)}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        identity = {"id": f"chatcmpl-{uuid.uuid4().hex[:12]}", "created": int(time.time()),
                    "model": body.get("model", "local")}
        if body.get("stream"):
            return StreamingResponse(self._stream(identity, content, usage),
                                     media_type="text/event-stream")
        return JSONResponse({**identity, "object": "chat.completion", "usage": usage,
                             "choices": [{"index": 0, "finish_reason": "stop",
                                          "message": {"role": "assistant",
                                                      "content": content}}]})

    async def _stream(self, identity: dict[str, Any], content: str,
                      usage: dict[str, int]) -> AsyncIterator[bytes]:
        for piece in re.findall(r".{1,40}", content, flags=re.DOTALL):
            chunk = {**identity, "object": "chat.completion.chunk",
                     "choices": [{"index": 0, "delta": {"content": piece}}]}
            yield f"data: {json.dumps(chunk)}\n\n".encode()
        last = {**identity, "object": "chat.completion.chunk", "usage": usage,
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        yield f"data: {json.dumps(last)}\n\ndata: [DONE]\n\n".encode()

    async def requests_view(self, request: Request) -> Response:
        return JSONResponse(self.seen.requests)

    async def set_faults(self, request: Request) -> Response:
        for name, value in (await request.json()).items():
            setattr(self.faults, name, type(getattr(self.faults, name))(value))
        return JSONResponse(asdict(self.faults))

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/v1/chat/completions", self.completions, methods=["POST"]),
            Route("/chat/completions", self.completions, methods=["POST"]),
            Route("/_requests", self.requests_view),
            Route("/_faults", self.set_faults, methods=["POST"]),
        ])
