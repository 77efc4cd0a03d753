"""Contract for LLM adapters. Fixture to provide: ``llm``."""

from __future__ import annotations

import asyncio

from ports.llm import LLM, ChatCompletion, ChatMessage

CONVERSATION = [
    ChatMessage("system", "You write podcast scripts."),
    ChatMessage("user", "Write two lines about queues."),
]


class LLMContract:
    """Subclass and define ``llm``, an adapter connected to a model that answers."""

    def test_complete_returns_text_and_usage(self, llm: LLM) -> None:
        reply = asyncio.run(llm.complete(CONVERSATION))
        assert reply.content.strip()
        assert reply.prompt_tokens > 0 and reply.completion_tokens > 0
        assert reply.latency_seconds >= 0
        assert reply.cost is None or reply.cost >= 0

    def test_stream_yields_text_then_the_finished_completion(self, llm: LLM) -> None:
        async def collect() -> list[str | ChatCompletion]:
            return [piece async for piece in llm.stream(CONVERSATION)]

        pieces = asyncio.run(collect())
        *texts, final = pieces
        assert isinstance(final, ChatCompletion)
        assert all(isinstance(text, str) for text in texts)
        assert "".join(str(text) for text in texts) == final.content

    def test_more_messages_take_more_tokens(self, llm: LLM) -> None:
        longer = [*CONVERSATION, ChatMessage("assistant", "Queues decouple work from requests.")]
        assert 0 < llm.count_tokens(CONVERSATION) < llm.count_tokens(longer)
