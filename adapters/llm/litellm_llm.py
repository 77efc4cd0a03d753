"""The LLM port on litellm: any provider by configuration; tokens, cost and latency measured."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

from pydantic import BaseModel, SecretStr

from ports.llm import LLM, ChatCompletion, ChatMessage, LLMError


def litellm_module() -> Any:
    """litellm, imported on first use: it takes seconds, and must not reach the internet for
    its price list (the copy it ships is used)."""
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.telemetry = False
    return litellm


class LLMSettings(BaseModel):
    model: str = ""
    api_base: str = ""
    api_key: SecretStr = SecretStr("")
    timeout_seconds: float = 60
    retries: int = 2


class LiteLLM(LLM):
    def __init__(self, settings: LLMSettings) -> None:
        self.settings = settings

    def _arguments(self, messages: Sequence[ChatMessage]) -> dict[str, Any]:
        arguments: dict[str, Any] = {
            "model": self.settings.model,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "timeout": self.settings.timeout_seconds,
            "num_retries": self.settings.retries,
        }
        if self.settings.api_base:
            arguments["api_base"] = self.settings.api_base
        if self.settings.api_key.get_secret_value():
            arguments["api_key"] = self.settings.api_key.get_secret_value()
        return arguments

    def _cost(self, response: Any) -> float | None:
        try:
            cost = litellm_module().completion_cost(completion_response=response)
        except Exception:  # litellm raises for models it has no price for
            return None
        return float(cost) if cost else None

    @staticmethod
    def _failure(error: Exception) -> LLMError:
        litellm = litellm_module()
        timeout = isinstance(error, litellm.exceptions.Timeout)
        name = type(error).__name__
        return LLMError(f"the language model {'timed out' if timeout else 'failed'} ({name})",
                        timeout=timeout)

    async def complete(self, messages: Sequence[ChatMessage]) -> ChatCompletion:
        litellm = litellm_module()
        started = time.monotonic()
        try:
            response = await litellm.acompletion(**self._arguments(messages))
        except Exception as error:
            raise self._failure(error) from None
        usage = response.usage
        return ChatCompletion(
            content=response.choices[0].message.content or "", model=self.settings.model,
            prompt_tokens=int(usage.prompt_tokens), completion_tokens=int(usage.completion_tokens),
            cost=self._cost(response), latency_seconds=time.monotonic() - started)

    async def stream(self, messages: Sequence[ChatMessage]
                     ) -> AsyncIterator[str | ChatCompletion]:
        litellm = litellm_module()
        started = time.monotonic()
        pieces: list[str] = []
        chunks: list[Any] = []
        try:
            response = await litellm.acompletion(**self._arguments(messages), stream=True,
                                                 stream_options={"include_usage": True})
            async for chunk in response:
                chunks.append(chunk)
                delta = chunk.choices[0].delta.content if chunk.choices else None
                if delta:
                    pieces.append(delta)
                    yield delta
        except Exception as error:
            raise self._failure(error) from None
        whole = litellm.stream_chunk_builder(chunks, messages=self._arguments(messages)[
            "messages"])
        usage = whole.usage if whole is not None else None
        content = "".join(pieces)
        prompt = int(usage.prompt_tokens) if usage else self.count_tokens(messages)
        completion = int(usage.completion_tokens) if usage else self.count_tokens(
            [ChatMessage("assistant", content)])
        yield ChatCompletion(content=content, model=self.settings.model, prompt_tokens=prompt,
                             completion_tokens=completion,
                             cost=self._cost(whole) if whole is not None else None,
                             latency_seconds=time.monotonic() - started)

    def count_tokens(self, messages: Sequence[ChatMessage]) -> int:
        return int(litellm_module().token_counter(
            model=self.settings.model,
            messages=[{"role": m.role, "content": m.content} for m in messages]))
