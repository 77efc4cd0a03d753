"""The interfaces the core needs, and the plugin API: ``from ports import hookimpl``."""

from ports.ledger import InsufficientCredits, Ledger, LedgerEntry, TransactionType
from ports.llm import LLM, ChatCompletion, ChatMessage, LLMError
from ports.plugins import (
    ENTRY_POINT_GROUP,
    PORTS,
    AdapterContext,
    AdapterSpec,
    AdapterUnavailable,
    NoSettings,
    hookimpl,
)
from ports.queue import Queue, QueueMessage
from ports.storage import ObjectNotFound, Storage, StorageKeyError
from ports.synthesizer import PcmAudio, SynthesisError, Synthesizer, VoiceSettings
from ports.tts_engine import AudioResult, ProgressCallback, SegmentTiming, TTSEngine

__all__ = [
    "ENTRY_POINT_GROUP",
    "LLM",
    "PORTS",
    "AdapterContext",
    "AdapterSpec",
    "AdapterUnavailable",
    "AudioResult",
    "ChatCompletion",
    "ChatMessage",
    "InsufficientCredits",
    "LLMError",
    "Ledger",
    "LedgerEntry",
    "NoSettings",
    "ObjectNotFound",
    "PcmAudio",
    "ProgressCallback",
    "Queue",
    "QueueMessage",
    "SegmentTiming",
    "Storage",
    "StorageKeyError",
    "SynthesisError",
    "Synthesizer",
    "TTSEngine",
    "TransactionType",
    "VoiceSettings",
    "hookimpl",
]
