"""LLM port: chat completions with token usage and cost, from any provider."""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Literal

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class ChatMessage:
    """One message of a conversation as sent to the model."""

    role: Role
    content: str


@dataclass(frozen=True)
class ChatCompletion:
    """A finished reply; ``cost`` is None when the price of the model is unknown."""

    content: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    cost: float | None
    latency_seconds: float

    @property
    def total_tokens(self) -> int:
        """Prompt and completion tokens together."""
        return self.prompt_tokens + self.completion_tokens


class LLMError(Exception):
    """The provider failed; ``timeout`` tells a time-out from other failures."""

    def __init__(self, message: str, *, timeout: bool = False) -> None:
        super().__init__(message)
        self.timeout = timeout


class LLM(abc.ABC):
    """A chat model behind any provider."""

    @abc.abstractmethod
    async def complete(self, messages: Sequence[ChatMessage]) -> ChatCompletion:
        """Answer the conversation. :raises LLMError: the provider failed or timed out."""

    @abc.abstractmethod
    def stream(self, messages: Sequence[ChatMessage]) -> AsyncIterator[str | ChatCompletion]:
        """Yield the reply's text as it arrives, then the finished :class:`ChatCompletion`."""

    @abc.abstractmethod
    def count_tokens(self, messages: Sequence[ChatMessage]) -> int:
        """Tokens the messages take in the model's context."""
