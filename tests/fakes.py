"""Fake adapters of the ports, with state tests can inspect; they pass the same contracts."""

from __future__ import annotations

import math
import struct
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from ports.ledger import InsufficientCredits, Ledger, LedgerEntry, TransactionType, UnknownAccount
from ports.llm import LLM, ChatCompletion, ChatMessage
from ports.synthesizer import PcmAudio, Synthesizer, VoiceSettings
from ports.tts_engine import AudioResult, TTSEngine


class FakeLedger(Ledger):
    """Balances and entries in dicts; ``entries`` lists every recorded change in order."""

    def __init__(self) -> None:
        self.balances: dict[str, int] = {}
        self.purchased: dict[str, int] = {}
        self.entries: list[LedgerEntry] = []

    def open_account(self, balance: int = 0) -> str:
        user_id = str(uuid.uuid4())
        self.balances[user_id] = balance
        self.purchased[user_id] = 0
        return user_id

    def _record(self, user_id: str, amount: int, type: TransactionType,
                reference_id: str | None, key: str, description: str) -> LedgerEntry:
        if user_id not in self.balances:
            raise UnknownAccount(user_id)
        for entry in self.entries:
            if entry.user_id == user_id and entry.idempotency_key == key:
                return entry
        if self.balances[user_id] + amount < 0:
            raise InsufficientCredits(required=-amount, balance=self.balances[user_id])
        self.balances[user_id] += amount
        entry = LedgerEntry(str(uuid.uuid4()), user_id, amount, self.balances[user_id], type,
                            reference_id, key, description, datetime.now(UTC))
        self.entries.append(entry)
        return entry

    @staticmethod
    def _positive(amount: int) -> int:
        if amount <= 0:
            raise ValueError(f"amount must be positive, got {amount}")
        return amount

    def debit(self, *, user_id: str, amount: int, type: TransactionType,
              reference_id: str | None, idempotency_key: str, description: str) -> LedgerEntry:
        return self._record(user_id, -self._positive(amount), type, reference_id,
                            idempotency_key, description)

    def refund(self, *, user_id: str, amount: int, reference_id: str | None,
               idempotency_key: str, description: str) -> LedgerEntry:
        return self._record(user_id, self._positive(amount), TransactionType.REFUND,
                            reference_id, idempotency_key, description)

    def grant(self, *, user_id: str, amount: int, reference_id: str | None,
              idempotency_key: str, description: str) -> LedgerEntry:
        return self._record(user_id, self._positive(amount), TransactionType.GRANT,
                            reference_id, idempotency_key, description)

    def purchase(self, *, user_id: str, amount: int, order_id: str,
                 description: str) -> LedgerEntry:
        before = len(self.entries)
        entry = self._record(user_id, self._positive(amount), TransactionType.PURCHASE,
                             order_id, f"order:{order_id}", description)
        if len(self.entries) > before:
            self.purchased[user_id] += amount
        return entry

    def balance(self, user_id: str) -> int:
        if user_id not in self.balances:
            raise UnknownAccount(user_id)
        return self.balances[user_id]


class FakeSynthesizer(Synthesizer):
    """A tone whose length follows the text (60 ms a character); ``calls`` records requests."""

    sample_rate = 16000

    def __init__(self, concurrency: int = 4) -> None:
        self.calls: list[tuple[str, VoiceSettings]] = []
        self.concurrency = concurrency

    async def synthesize(self, text: str, voice: VoiceSettings) -> PcmAudio:
        self.calls.append((text, voice))
        frames = int(len(text) * 0.06 * self.sample_rate)
        pitch = 180 + 20 * (sum(map(ord, voice.voice_id)) % 10)
        samples = (int(8000 * math.sin(2 * math.pi * pitch * i / self.sample_rate))
                   for i in range(frames))
        return PcmAudio(struct.pack(f"<{frames}h", *samples), self.sample_rate)

    def max_concurrency(self) -> int:
        return self.concurrency


class FakeLLM(LLM):
    """Answers with a fixed two-host script; ``received`` keeps every conversation sent."""

    reply = "**Alice:** Queues keep requests fast.\n**Bob:** And workers do the slow part."

    def __init__(self) -> None:
        self.received: list[Sequence[ChatMessage]] = []

    def _completion(self, messages: Sequence[ChatMessage], started: float) -> ChatCompletion:
        return ChatCompletion(self.reply, "fake-model", self.count_tokens(messages),
                              len(self.reply.split()), None, time.monotonic() - started)

    async def complete(self, messages: Sequence[ChatMessage]) -> ChatCompletion:
        self.received.append(list(messages))
        return self._completion(messages, time.monotonic())

    async def stream(self, messages: Sequence[ChatMessage]) -> AsyncIterator[str | ChatCompletion]:
        started = time.monotonic()
        self.received.append(list(messages))
        for line in self.reply.splitlines(keepends=True):
            yield line
        yield self._completion(messages, started)

    def count_tokens(self, messages: Sequence[ChatMessage]) -> int:
        return sum(len(m.content.split()) + 4 for m in messages)


class ToneSynthesizer(Synthesizer):
    """Fast numpy tones, 50 ms a character, at ``sample_rate``; records calls and concurrency.

    ``delay(text)`` gives seconds of latency (to finish out of order); ``fail_on`` names a
    text that raises, like a provider error.
    """

    def __init__(self, *, sample_rate: int = 24000, concurrency: int = 4,
                 delay: Callable[[str], float] | None = None, fail_on: str | None = None) -> None:
        self.sample_rate = sample_rate
        self.concurrency = concurrency
        self.delay = delay or (lambda text: 0.0)
        self.fail_on = fail_on
        self.calls: list[tuple[str, VoiceSettings]] = []
        self.in_flight = 0
        self.peak_in_flight = 0

    async def synthesize(self, text: str, voice: VoiceSettings) -> PcmAudio:
        import asyncio

        import numpy as np

        from ports.synthesizer import SynthesisError

        self.calls.append((text, voice))
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay(text))
            if text == self.fail_on:
                raise SynthesisError(f"provider refused {text!r}")
            frames = int(len(text) * 0.05 * self.sample_rate)
            t = np.arange(frames) / self.sample_rate
            tone = 6000 * np.sin(2 * np.pi * 220 * t) + 500  # never exactly zero
            return PcmAudio(tone.astype("<i2").tobytes(), self.sample_rate)
        finally:
            self.in_flight -= 1

    def max_concurrency(self) -> int:
        return self.concurrency


class ScriptedEngine:
    """A TTSEngine stand-in with a chosen behaviour, wrapping the real engine otherwise.

    ``fail_with`` raises on every attempt; ``hold_seconds`` keeps rendering that long, so that
    cancellation and time limits can be watched; ``attempts`` and ``stopped`` (renders ended
    from outside, by cancellation or a refused progress report) record what happened.
    """

    def __init__(self, real: TTSEngine, *, fail_with: Exception | None = None,
                 hold_seconds: float = 0.0) -> None:
        self.real = real
        self.fail_with = fail_with
        self.hold_seconds = hold_seconds
        self.attempts = 0
        self.stopped = 0

    def validate_voice_config(self, voice_config: Any, speakers: Any) -> dict[str, Any]:
        return self.real.validate_voice_config(voice_config, speakers)

    async def generate_audio(self, script: str, voice_config: Any, output_dir: Any,
                             task_id: str, progress: Callable[[int], None], *,
                             cache_scope: str | None = None) -> AudioResult:
        import asyncio

        self.attempts += 1
        if self.fail_with is not None:
            raise self.fail_with
        try:
            for step in range(int(self.hold_seconds * 10)):
                progress(min(50, step + 1))
                await asyncio.sleep(0.1)
        except BaseException:
            self.stopped += 1
            raise
        return await self.real.generate_audio(script, voice_config, output_dir, task_id,
                                              progress, cache_scope=cache_scope)
