"""The fakes used by unit tests keep the same port contracts as the real adapters."""

from __future__ import annotations

import pytest

from ports.contracts import LedgerContract, LLMContract, SynthesizerContract
from ports.synthesizer import VoiceSettings
from tests.fakes import FakeLedger, FakeLLM, FakeSynthesizer


class TestFakeLedger(LedgerContract):
    @pytest.fixture
    def ledger(self) -> FakeLedger:
        return FakeLedger()

    @pytest.fixture
    def account(self, ledger: FakeLedger) -> str:
        return ledger.open_account()


class TestFakeSynthesizer(SynthesizerContract):
    @pytest.fixture
    def synthesizer(self) -> FakeSynthesizer:
        return FakeSynthesizer()

    @pytest.fixture
    def voice(self) -> VoiceSettings:
        return VoiceSettings("fake-voice")


class TestFakeLLM(LLMContract):
    @pytest.fixture
    def llm(self) -> FakeLLM:
        return FakeLLM()
